"""Log unexpected errors and tell the user something went wrong, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError
from telegram.ext import Application

from handlers.common import Context, user_lang
from texts import t

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: Context) -> None:
    """Log the error and apologise to the user in their language."""
    if update is None and _unreachable(context.error):
        # polling while Telegram (or the network) is away: PTB retries by itself
        logger.warning("Telegram is unreachable, retrying: %s", context.error)
        return
    logger.error("unhandled error while processing an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    try:
        lang = await user_lang(update, context)
        await update.effective_message.reply_text(t(lang, "error.internal"))
    except Exception:  # the apology is best effort; the original error is already logged
        logger.exception("could not tell the user about the error")


def _unreachable(error: BaseException | None) -> bool:
    """A connection failure or time-out, as opposed to Telegram refusing a request."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def register(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    app.add_error_handler(handle_error)
