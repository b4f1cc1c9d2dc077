"""Settings: the plain forms users write work, and bad values give one clear line."""

from pathlib import Path

import pytest

from config import ConfigError, async_database_url, load_settings

TOKEN = {"TELEGRAM_BOT_TOKEN": "123456:ABC"}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/renkei.db", "sqlite+aiosqlite:///data/renkei.db"),
        ("sqlite:////tmp/x.db", "sqlite+aiosqlite:////tmp/x.db"),
        ("postgresql://user@localhost/renkei", "postgresql+asyncpg://user@localhost/renkei"),
        ("postgres://u:pw@db:5433/r", "postgresql+asyncpg://u:pw@db:5433/r"),
        ("postgresql+asyncpg://u@h/r", "postgresql+asyncpg://u@h/r"),
    ],
)
def test_database_urls_get_async_drivers(given: str, expected: str) -> None:
    assert async_database_url(given) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "@BotFather"),
        ({"TELEGRAM_BOT_TOKEN": "nocolon"}, "does not look like a bot token"),
        ({**TOKEN, "BOT_TIMEZONE": "Tokyo"}, "not an IANA time zone"),
        ({**TOKEN, "DATABASE_URL": "mysql://x/y"}, "supports sqlite and postgresql"),
        ({**TOKEN, "DATABASE_URL": "not a url"}, "is not a database URL"),
        ({**TOKEN, "BOT_ADMINS": "12,abc"}, "BOT_ADMINS must be Telegram user ids"),
        ({**TOKEN, "FAQ_STORE": "/nonexistent.yaml"}, "does not exist"),
        ({**TOKEN, "TELEGRAM_API_BASE_URL": "ftp://x"}, "must start with http"),
        ({**TOKEN, "REMINDER_GRACE_HOURS": "six"}, "whole number"),
    ],
)
def test_bad_settings_explain_themselves(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(env, dotenv=None)
    assert "\n" not in str(raised.value)


def test_defaults_and_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nTELEGRAM_BOT_TOKEN='9:from-file'\nBOT_ADMINS=1, 2\n")
    settings = load_settings({"BOT_TIMEZONE": "Europe/Berlin"}, dotenv=dotenv)
    assert settings.token == "9:from-file"
    assert settings.admins == frozenset({1, 2})
    assert settings.timezone.key == "Europe/Berlin"
    assert settings.api_base_url == "https://api.telegram.org"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.faq_store.name == "store.yaml"
    assert settings.grace_period.total_seconds() == 6 * 3600
