"""How soon the real bot answers its first FAQ question after a start with the index cached.

Runs ``python bot.py`` against the fake Bot API server from ``tests/`` (the shipped store, whose
index is committed), then asks five questions in a private chat, once right when the bot starts
polling and once after a pause, and prints each answer's latency (question sent to reply seen).

    python bench/first_answer.py [--pause 4]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.harness import bot_environment, launch  # noqa: E402
from tests.fake_telegram import FakeTelegramServer, User  # noqa: E402

QUESTIONS = (
    "議事録は誰が書くの？",
    "ボランティア保険は必要？",
    "What does the coordinator do?",
    "補助金の締切はいつ？",
    "写真をSNSに載せてもいい？",
)
ASKER = User(id=880001, first_name="花子", language_code="ja")


async def answer_latencies(pause: float) -> tuple[float, list[float]]:
    """Seconds from process start to polling, and milliseconds per answer after ``pause``."""
    server = FakeTelegramServer()
    await server.start()
    with tempfile.TemporaryDirectory(prefix="renkei-first-answer-") as folder:
        env = bot_environment(server, f"sqlite:///{folder}/bench.db", {})
        started = time.perf_counter()
        bot = await launch(server, env, Path(folder) / "bot.log")
        ready = time.perf_counter() - started
        try:
            await asyncio.sleep(pause)
            latencies = []
            for question in QUESTIONS:
                mark = server.mark()
                sent = time.perf_counter()
                await server.private_message(ASKER, question)
                await server.wait_for_message(ASKER.id, since=mark, timeout=60)
                latencies.append((time.perf_counter() - sent) * 1000)
        finally:
            await bot.stop()
            await server.stop()
    return ready, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pause", type=float, default=4.0, help="seconds to wait, second run")
    arguments = parser.parse_args()
    for pause in (0.0, arguments.pause):
        ready, latencies = asyncio.run(answer_latencies(pause))
        shown = ", ".join(f"{latency:.0f}" for latency in latencies)
        print(f"polling after {ready:.2f} s; asked {pause:.0f} s later: answers in ms {shown}")


if __name__ == "__main__":
    main()
