"""Typed settings from the environment and the instance folder, validated at start-up.

A hotline that is misconfigured must refuse to start and say what to set. There are no
secret defaults: secrets are generated into the instance folder when an instance is created
(`casework demo`, `casework init-instance`) or supplied through the environment.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

SETTINGS_FILE = "casework.toml"
SECRET_KEY_FILE = "secret_key"
KEYRING_DIR = "keys"
KEYRING_FILE = "keyring.json"
DATA_DIR = "data"
DATABASE_FILE = "casework.db"


class ConfigError(RuntimeError):
    """The configuration is incomplete or unsafe; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    """Everything the application reads from its environment, typed and checked once."""

    instance_path: Path
    database_url: str
    secret_key: str = field(repr=False)
    # A read replica of database_url for the board's aggregate queries; empty: the primary.
    reports_database_url: str = ""
    is_demo: bool = False
    testing: bool = False
    province_code: int = 91  # An Giang
    case_code_prefix: str = "AG"
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    session_idle_minutes: int = 15
    session_absolute_hours: int = 12
    cookie_secure: bool = True
    require_2fa_roles: tuple[str, ...] = ("supervisor", "admin", "board")
    throttle_max_failures: int = 5
    throttle_window_minutes: int = 15
    throttle_lock_minutes: int = 15
    # The slower limit on one username from every client together.
    throttle_account_max_failures: int = 30
    throttle_account_window_minutes: int = 60
    # Reverse proxies in front of Casework whose X-Forwarded-For names the client (for
    # sign-in throttling only); 0: the peer's own address.
    trusted_proxies: int = 0
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    max_content_length: int = 2 * 1024 * 1024
    csrf_enabled: bool = True
    suppression_k: int = 5
    plan_deadline_working_days: int = 5
    urgent_child_deadline_hours: int = 12
    public_holidays: tuple[str, ...] = ()
    blind_index_bits: int = 16
    # Phone numbers and names one user may look up for repeat callers per window: enough for
    # a busy shift, too few to test a list of numbers for open cases.
    repeat_lookup_limit: int = 60
    repeat_lookup_window_minutes: int = 10
    # Survivor age bands for reports (DOMAIN.md); "0-5" style, ending with an open band.
    age_bands: tuple[str, ...] = ("0-5", "6-11", "12-15", "16-17", "18-59", "60+")
    # `casework serve`: open connections at most (idle ones included), and seconds after
    # which a connection that sends nothing, or a request that never completes, is closed.
    connection_limit: int = 1000
    idle_timeout_seconds: int = 30
    # Let several `serve` processes share one SQLite file (tests of cross-process writing):
    # each then waits for the others' writes, so production refuses it.
    sqlite_several_servers: bool = False
    keyring_env: str | None = field(default=None, repr=False)

    @property
    def keyring_path(self) -> Path:
        return self.instance_path / KEYRING_DIR / KEYRING_FILE

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


ENV_PREFIX = "CASEWORK_"
_BOOL_TRUE = {"1", "true", "yes", "on"}


def _coerce(name: str, raw: Any, target: Any) -> Any:
    """Turn a raw string or TOML value into the dataclass field's type, or explain."""
    try:
        if target in (bool, "bool"):
            return raw if isinstance(raw, bool) else str(raw).strip().lower() in _BOOL_TRUE
        if target in (int, "int"):
            return int(raw)
        if target == "tuple[str, ...]":
            if isinstance(raw, (list, tuple)):
                return tuple(str(item) for item in raw)
            return tuple(item.strip() for item in str(raw).split(",") if item.strip())
        if target == "Path":
            return Path(raw)
        return str(raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"Setting {name} has an invalid value: {error}") from error


def _read_instance_file(instance_path: Path) -> dict[str, Any]:
    path = instance_path / SETTINGS_FILE
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Cannot read {path}: {error}") from error


def read_secret_file(path: Path) -> str:
    """Read a secret file, refusing one that other users may read."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"{path} is readable by other users (mode {mode:o}); run: chmod 600 {path}"
        )
    return path.read_text(encoding="utf-8").strip()


def _secret_key(instance_path: Path, env: Mapping[str, str]) -> str:
    if env.get(ENV_PREFIX + "SECRET_KEY"):
        return env[ENV_PREFIX + "SECRET_KEY"]
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        raise ConfigError(
            f"No secret key: set {ENV_PREFIX}SECRET_KEY or create an instance with "
            f"`casework init-instance` (expected {path})"
        )
    return read_secret_file(path)


def load_settings(
    env: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build Settings from environment variables, the instance file and explicit overrides."""
    env = os.environ if env is None else env
    overrides = dict(overrides or {})
    instance_path = Path(
        overrides.pop("instance_path", None) or env.get(ENV_PREFIX + "INSTANCE") or "instance"
    ).resolve()
    values: dict[str, Any] = {"instance_path": instance_path}
    from_file = _read_instance_file(instance_path)
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for name, spec in fields.items():
        if name in ("instance_path", "secret_key", "keyring_env"):
            continue
        env_name = ENV_PREFIX + name.upper()
        if name in overrides:
            values[name] = overrides[name]
        elif env_name in env:
            values[name] = _coerce(env_name, env[env_name], spec.type)
        elif name in from_file:
            values[name] = _coerce(name, from_file[name], spec.type)
    values.setdefault(
        "database_url", f"sqlite:///{instance_path / DATA_DIR / DATABASE_FILE}"
    )
    values["secret_key"] = overrides.get("secret_key") or _secret_key(instance_path, env)
    values["keyring_env"] = overrides.get("keyring_env") or env.get(ENV_PREFIX + "KEYRING")
    settings = Settings(**values)
    validate(settings)
    return settings


def validate(settings: Settings) -> None:
    """Refuse settings that would make the hotline unsafe or broken."""
    problems = []
    if len(settings.secret_key) < 32:
        problems.append(f"{ENV_PREFIX}SECRET_KEY must be at least 32 characters")
    if not (
        settings.database_url.startswith("sqlite")
        or settings.database_url.startswith("postgresql")
    ):
        problems.append(f"{ENV_PREFIX}DATABASE_URL must be a sqlite:// or postgresql:// URL")
    if settings.reports_database_url and (
            _database_kind(settings.reports_database_url) != _database_kind(settings.database_url)):
        problems.append(f"{ENV_PREFIX}REPORTS_DATABASE_URL must be a replica of the same kind "
                        f"of database as {ENV_PREFIX}DATABASE_URL")
    if settings.session_idle_minutes < 1 or settings.session_absolute_hours < 1:
        problems.append("session timeouts must be positive")
    if settings.throttle_account_max_failures < settings.throttle_max_failures:
        problems.append(f"{ENV_PREFIX}THROTTLE_ACCOUNT_MAX_FAILURES must be at least "
                        f"{ENV_PREFIX}THROTTLE_MAX_FAILURES")
    if settings.trusted_proxies < 0:
        problems.append(f"{ENV_PREFIX}TRUSTED_PROXIES must be 0 or more")
    if settings.suppression_k < 3:  # "<2" would name the count: 1
        problems.append(f"{ENV_PREFIX}SUPPRESSION_K must be at least 3")
    if not 8 <= settings.blind_index_bits <= 32:
        problems.append(f"{ENV_PREFIX}BLIND_INDEX_BITS must be between 8 and 32")
    if settings.repeat_lookup_limit < 1 or settings.repeat_lookup_window_minutes < 1:
        problems.append(f"{ENV_PREFIX}REPEAT_LOOKUP_LIMIT and "
                        f"{ENV_PREFIX}REPEAT_LOOKUP_WINDOW_MINUTES must be positive")
    problems.extend(_age_band_problems(settings.age_bands))
    if not 10 <= settings.connection_limit <= 10000:
        problems.append(f"{ENV_PREFIX}CONNECTION_LIMIT must be between 10 and 10000")
    if not 5 <= settings.idle_timeout_seconds <= 3600:
        problems.append(f"{ENV_PREFIX}IDLE_TIMEOUT_SECONDS must be between 5 and 3600")
    if settings.default_locale not in ("vi", "en"):
        problems.append(f"{ENV_PREFIX}DEFAULT_LOCALE must be vi or en")
    problems.extend(_case_deadline_problems(settings))
    if problems:
        raise ConfigError("; ".join(problems))


def _database_kind(url: str) -> str:
    """"sqlite" or "postgresql" (or whatever else was given), without the driver."""
    return url.split(":", 1)[0].split("+", 1)[0]


def _age_band_problems(bands: tuple[str, ...]) -> list[str]:
    from casework.taxonomy.ages import AgeBandError, parse_age_bands

    try:
        parse_age_bands(bands)
    except AgeBandError as error:
        return [f"{ENV_PREFIX}AGE_BANDS: {error}"]
    return []


def _case_deadline_problems(settings: Settings) -> list[str]:
    from casework.cases.holidays import parse_holidays

    problems = []
    if settings.plan_deadline_working_days < 1 or settings.urgent_child_deadline_hours < 1:
        problems.append("case deadlines (plan working days, urgent child hours) must be positive")
    try:
        parse_holidays(settings.public_holidays)
    except ValueError as error:
        problems.append(f"{ENV_PREFIX}PUBLIC_HOLIDAYS: {error}")
    return problems


def write_private_file(path: Path, content: str) -> None:
    """Create a file readable only by its owner, refusing to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)


def create_instance(instance_path: Path, *, demo: bool, extra: Mapping[str, Any] = ()) -> bool:
    """Create the instance folder with a fresh secret key and settings; False if it exists."""
    instance_path = instance_path.resolve()
    if (instance_path / SECRET_KEY_FILE).exists():
        return False
    instance_path.mkdir(parents=True, exist_ok=True, mode=0o700)
    (instance_path / DATA_DIR).mkdir(exist_ok=True, mode=0o700)
    write_private_file(instance_path / SECRET_KEY_FILE, secrets.token_urlsafe(48))
    file_settings = {"is_demo": demo, **dict(extra)}
    if demo:
        file_settings.setdefault("cookie_secure", False)
    lines = [f"{key} = {json.dumps(value)}" for key, value in file_settings.items()]
    (instance_path / SETTINGS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return True
