"""Settings read once from the environment (and an optional ``.env`` file), validated up front."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent
DEFAULT_FAQ_STORE = ROOT / "faq" / "data" / "store.yaml"
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'renkei.db'}"
TELEGRAM_API = "https://api.telegram.org"

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. Talk to @BotFather in Telegram, send /newbot, and put "
    "the token it gives you in the environment or in a .env file (see .env.example): "
    "TELEGRAM_BOT_TOKEN=123456789:AA..."
)

ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str
    api_base_url: str
    database_url: str
    faq_store: Path
    timezone: ZoneInfo
    admins: frozenset[int]
    coordinator_contact: str
    cache_dir: Path
    grace_period: timedelta
    max_overdue_notices: int

    @property
    def timezone_name(self) -> str:
        return self.timezone.key


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse ``KEY=value`` lines of a .env file; comments and blank lines are skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def async_database_url(url: str) -> str:
    """Turn the plain URLs users write (sqlite:///x.db, postgresql://u@h/db) into async ones."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(
            f"DATABASE_URL {url!r} is not a database URL; use e.g. sqlite:///data/renkei.db "
            "or postgresql://user@localhost/renkei"
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in ASYNC_DRIVERS:
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}; Renkei supports sqlite and postgresql "
            "(e.g. sqlite:///data/renkei.db)"
        )
    if parsed.drivername in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        return parsed.render_as_string(hide_password=False)
    return parsed.set(drivername=ASYNC_DRIVERS[backend]).render_as_string(hide_password=False)


def parse_admins(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError as exc:
            raise ConfigError(
                f"BOT_ADMINS must be Telegram user ids separated by commas (e.g. 12345,67890), "
                f"not {part!r}"
            ) from exc
    return frozenset(ids)


def parse_positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number (e.g. {name}=3), not {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{name} must not be negative (e.g. {name}=3)")
    return value


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = ROOT / ".env"
) -> Settings:
    """Read settings from ``environ`` (default: the process environment) over the .env file."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv else {}
    env.update(os.environ if environ is None else environ)

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(TOKEN_HELP)
    if ":" not in token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token "
            "(expected 123456789:AA... from @BotFather)"
        )

    tz_name = env.get("BOT_TIMEZONE", "Asia/Tokyo").strip() or "Asia/Tokyo"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ConfigError(
            f"BOT_TIMEZONE {tz_name!r} is not an IANA time zone (e.g. Asia/Tokyo)"
        ) from exc

    api_base_url = (env.get("TELEGRAM_API_BASE_URL", "").strip() or TELEGRAM_API).rstrip("/")
    if not api_base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"TELEGRAM_API_BASE_URL must start with http:// or https:// (e.g. {TELEGRAM_API})"
        )

    faq_store = Path(env.get("FAQ_STORE", "").strip() or DEFAULT_FAQ_STORE)
    if not faq_store.is_file():
        raise ConfigError(
            f"FAQ_STORE {str(faq_store)!r} does not exist (default: {DEFAULT_FAQ_STORE})"
        )

    return Settings(
        token=token,
        api_base_url=api_base_url,
        database_url=async_database_url(
            env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        ),
        faq_store=faq_store,
        timezone=timezone,
        admins=parse_admins(env.get("BOT_ADMINS", "")),
        coordinator_contact=env.get("COORDINATOR_CONTACT", "").strip(),
        cache_dir=Path(env.get("RENKEI_CACHE_DIR", "").strip() or ROOT / ".cache" / "faq"),
        grace_period=timedelta(
            hours=parse_positive_int("REMINDER_GRACE_HOURS", env.get("REMINDER_GRACE_HOURS", "6"))
        ),
        max_overdue_notices=parse_positive_int(
            "MAX_OVERDUE_NOTICES", env.get("MAX_OVERDUE_NOTICES", "3")
        ),
    )
