"""Renkei's entry point: assemble the Application from settings and features, then poll."""

from __future__ import annotations

import logging
import sys
from types import ModuleType
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from config import TELEGRAM_API, ConfigError, Settings, load_settings
from db.session import create_engine, create_sessionmaker, migrate
from handlers import FEATURES
from handlers.common import ENGINE, SESSIONMAKER, SETTINGS, RedactToken

logger = logging.getLogger(__name__)

# Sends are spaced evenly instead of allowed in bursts of 30: Telegram counts a rolling window,
# a burst at the start of each second trips it, and every 429 then stalls all sending.
OVERALL_SENDS_PER_SECOND = 29


async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    settings: Settings = app.bot_data[SETTINGS]
    engine = create_engine(settings.database_url)
    await migrate(engine)
    app.bot_data[ENGINE] = engine
    app.bot_data[SESSIONMAKER] = create_sessionmaker(engine)
    for feature in FEATURES:
        startup = getattr(feature, "on_startup", None)
        if startup is not None:
            await startup(app)
    logger.info("Renkei is ready as @%s", app.bot.username)


async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for feature in reversed(FEATURES):
        shutdown = getattr(feature, "on_shutdown", None)
        if shutdown is not None:
            await shutdown(app)
    engine = app.bot_data.get(ENGINE)
    if engine is not None:
        await engine.dispose()


def build_application(settings: Settings) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Application: defaults with the time zone, the rate limiter, every feature."""
    app = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        .defaults(
            Defaults(
                tzinfo=settings.timezone,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=1,
                overall_time_period=1 / OVERALL_SENDS_PER_SECOND,
                max_retries=5,
            )
        )
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    app.bot_data[SETTINGS] = settings
    feature: ModuleType
    for feature in FEATURES:
        feature.register(app)
    return app


class SkipRejectedTokenTrace(logging.Filter):
    """Drop PTB's traceback for a rejected token: main() explains it in one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


class SkipNonJsonReplyTrace(logging.Filter):
    """Keep PTB's line about a reply that is not JSON, without the decoder's traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        decoding = record.exc_info and isinstance(record.exc_info[1], ValueError)
        if decoding and record.name.startswith("telegram.request"):
            record.exc_info = None
            record.exc_text = None
        return True


def configure_logging(token: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # httpx logs every request URL, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
        handler.addFilter(SkipRejectedTokenTrace())
        handler.addFilter(SkipNonJsonReplyTrace())


def main() -> None:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"renkei: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    configure_logging(settings.token)
    try:
        build_application(settings).run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken as exc:
        # PTB's own message quotes the token; say what to do instead.
        print(f"renkei: {rejection_advice(settings.api_base_url, exc)}", file=sys.stderr)
        raise SystemExit(2) from None


def rejection_advice(api_base_url: str, exc: InvalidToken) -> str:
    """Say which setting to check when the Bot API answered 401 or 404 at start-up."""
    # The Bot API always answers in JSON. PTB chains its failure to parse any other reply under
    # the InvalidToken: such a 404 came from some other server (a base URL with a stray path, a
    # proxy), and the token was never judged.
    cause = exc.__cause__
    while isinstance(cause, InvalidToken):
        cause = cause.__cause__
    if cause is not None:
        return (
            f"the server at TELEGRAM_API_BASE_URL={api_base_url} does not answer like a Bot API"
            f" server. Set it to the server's root, without /bot or the token (e.g."
            f" {TELEGRAM_API}), or leave it unset for Telegram's own."
        )
    server = "" if api_base_url == TELEGRAM_API else f" (Bot API server {api_base_url})"
    return (
        f"Telegram rejected TELEGRAM_BOT_TOKEN{server}. Check it with @BotFather (/mybots ->"
        " API Token) and set it again in the environment or .env, e.g."
        " TELEGRAM_BOT_TOKEN=123456789:AA..."
    )


if __name__ == "__main__":
    main()
