"""What the bot logs when something goes wrong outside any user's message."""

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from handlers.errors import handle_error


@pytest.mark.parametrize("error", [NetworkError("httpx.ConnectError"), TimedOut()])
async def test_telegram_out_of_reach_while_polling_is_one_warning_line(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    context: Any = SimpleNamespace(error=error)
    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        await handle_error(None, context)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "unreachable" in record.getMessage()


async def test_a_refused_request_is_still_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    context: Any = SimpleNamespace(error=BadRequest("Chat not found"))
    with caplog.at_level(logging.WARNING, logger="handlers.errors"):
        await handle_error(None, context)
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
