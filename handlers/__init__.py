"""Telegram-facing features; each module has ``register(app)`` and may have ``on_startup(app)``."""

from types import ModuleType

from handlers import admin, calendar, errors, faq, membership, notices, reminders, start

# Order matters: bot.py registers and starts them in this order (errors last).
FEATURES: list[ModuleType] = [start, faq, admin, calendar, reminders, notices, membership, errors]
