"""`casework i18n`: extract, compile and check each domain's Vietnamese catalogue with Babel.

Each domain package keeps `translations/vi/LC_MESSAGES/messages.po` and its compiled `.mo`
(both committed). A domain's strings come from `casework/<domain>/` and `templates/<domain>/`;
the `web` domain also owns the root templates `base.html` and `macros.html`.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from casework import PACKAGE_DIR, resource_dir

LOCALE = "vi"
CATALOGUE = Path("translations") / LOCALE / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "lazy_pgettext": ((1, "c"), 2)}
METHODS = {".py": "python", ".html": "jinja2"}
# The app renders templates with `ext.i18n.trimmed`, so msgids must be extracted trimmed too.
OPTIONS = {"jinja2": {"trimmed": "true"}, "python": {}}
ROOT_TEMPLATES = ("base.html", "macros.html")
PO_WIDTH = 100


def domains() -> list[str]:
    """The domain packages of Casework (each may keep a catalogue)."""
    return sorted({path.parent.name for path in PACKAGE_DIR.glob("*/*.py")})


def po_path(domain: str) -> Path:
    return PACKAGE_DIR / domain / CATALOGUE / "messages.po"


def catalogue_paths() -> list[Path]:
    """Every catalogue that exists, whatever its domain."""
    return sorted(PACKAGE_DIR.glob(f"*/{CATALOGUE.as_posix()}/messages.po"))


def source_files(domain: str) -> list[Path]:
    """The Python modules and templates whose strings belong to `domain`."""
    templates = resource_dir("templates")
    files = [*(PACKAGE_DIR / domain).rglob("*.py"), *(templates / domain).rglob("*.html")]
    if domain == "web":
        files += [templates / name for name in ROOT_TEMPLATES]
    return sorted(path for path in files if path.is_file() and "__pycache__" not in path.parts)


def extract(domain: str) -> Catalog:
    """A template catalogue of every translatable string in the domain's sources."""
    template = Catalog(project="Casework", locale=None)
    root = PACKAGE_DIR.parent
    for path in source_files(domain):
        method = METHODS[path.suffix]
        where = path.relative_to(root) if path.is_relative_to(root) else path
        for line, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=OPTIONS[method]
        ):
            template.add(message, None, [(str(where), line)], auto_comments=comments,
                         context=context)
    return template


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=LOCALE)


def write_catalogue(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=PO_WIDTH, ignore_obsolete=True, include_previous=False)
    path.write_bytes(buffer.getvalue())


def update_catalogue(domain: str) -> tuple[Path, int]:
    """Merge the domain's current strings into its catalogue; returns it and the untranslated."""
    template = extract(domain)
    path = po_path(domain)
    if path.exists():
        catalog = read_catalogue(path)
        template.creation_date = catalog.creation_date  # no header churn on every update
    else:
        catalog = Catalog(locale=LOCALE, project="Casework", version="1",
                          copyright_holder="Casework contributors", msgid_bugs_address="",
                          last_translator="Casework translators",
                          language_team="Vietnamese", fuzzy=False)
    catalog.update(template)
    write_catalogue(path, catalog)
    return path, len(untranslated(catalog))


def untranslated(catalog: Catalog) -> list[str]:
    """Messages with an empty or fuzzy translation, as `msgid (why)`."""
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"{_msgid(message)} (empty)")
        elif message.fuzzy:
            problems.append(f"{_msgid(message)} (fuzzy)")
    return problems


def _msgid(message) -> str:
    return repr(message.id[0] if isinstance(message.id, tuple) else message.id)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogue(path: Path) -> bool:
    """Write the `.mo` beside the `.po` if it differs; True when it was rewritten."""
    mo_path = path.with_suffix(".mo")
    data = compiled(read_catalogue(path))
    if mo_path.exists() and mo_path.read_bytes() == data:
        return False
    mo_path.write_bytes(data)
    return True


def translations(catalog: Catalog) -> dict:
    """msgid → translation of every message that has one (the header left out)."""
    return {_as_tuple(message.id): _as_tuple(message.string) for message in catalog
            if message.id and message.string and not message.fuzzy}


def _as_tuple(value):
    # Plural entries read from a .mo come back as lists, from a .po as tuples.
    return tuple(value) if isinstance(value, (list, tuple)) else value


def catalogue_problems(path: Path) -> list[str]:
    """What is wrong with one catalogue: untranslated strings, a stale or missing `.mo`."""
    catalog = read_catalogue(path)
    problems = [f"untranslated {entry}" for entry in untranslated(catalog)]
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append("no compiled .mo: run `casework i18n compile`")
    else:
        with mo_path.open("rb") as handle:
            if translations(read_mo(handle)) != translations(catalog):
                problems.append(".mo is older than the .po: run `casework i18n compile`")
    return problems


def missing_strings(domain: str) -> list[str]:
    """Strings in the domain's sources that its catalogue lacks."""
    path = po_path(domain)
    known = {message.id for message in read_catalogue(path)} if path.exists() else set()
    return sorted(repr(message.id) for message in extract(domain)
                  if message.id and message.id not in known)


def register(cli: click.Group) -> None:
    @cli.group("i18n")
    def i18n() -> None:
        """Maintain the Vietnamese catalogues (one per domain)."""

    @i18n.command("update")
    @click.argument("domain", type=click.Choice(domains()))
    def update(domain: str) -> None:
        """Extract DOMAIN's strings and merge them into its catalogue."""
        path, open_count = update_catalogue(domain)
        click.echo(f"{path.relative_to(PACKAGE_DIR.parent)}: {open_count} to translate")

    @i18n.command("compile")
    def compile_all() -> None:
        """Compile every catalogue to its .mo (fuzzy translations are left out)."""
        for path in catalogue_paths():
            state = "compiled" if compile_catalogue(path) else "up to date"
            click.echo(f"{path.with_suffix('.mo').relative_to(PACKAGE_DIR.parent)}: {state}")

    @i18n.command("check")
    def check() -> None:
        """Name every untranslated string, stale .mo and string missing from a catalogue."""
        problems = [f"{path.relative_to(PACKAGE_DIR.parent)}: {problem}"
                    for path in catalogue_paths() for problem in catalogue_problems(path)]
        problems += [f"{domain}: not in its catalogue: {text} (run `casework i18n update "
                     f"{domain}`)" for domain in domains() for text in missing_strings(domain)]
        for problem in problems:
            click.echo(problem)
        if problems:
            raise SystemExit(1)
        click.echo("OK: every catalogue is complete and compiled.")
