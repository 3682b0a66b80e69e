"""Time-based one-time passwords (RFC 6238) with replay of an accepted code refused."""

from __future__ import annotations

import hmac
import time
from datetime import timedelta

import pyotp
import segno

ISSUER = "Casework"
STEP_SECONDS = 30
DRIFT_STEPS = 1
# How long a secret shown for enrolment stays valid before a new one is made.
PENDING_LIFETIME = timedelta(hours=1)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code, drawn locally so the secret never leaves the server."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2933")


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """Return the time step whose code equals `code` (allowing one step of drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def accept_code(secret: str, code: str, last_step: int | None, *, now: float | None = None):
    """The step to record if the code is valid and newer than the last accepted one."""
    step = matching_step(secret, code, now=now)
    if step is None or (last_step is not None and step <= last_step):
        return None
    return step
