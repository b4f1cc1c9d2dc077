"""Telegram-facing features; each module has ``register(app)`` and may have ``on_startup(app)``."""

from types import ModuleType

from handlers import errors, membership, reminders, rsvp

# Order matters: bot.py registers and starts them in this order (errors last).
FEATURES: list[ModuleType] = [reminders, rsvp, membership, errors]
