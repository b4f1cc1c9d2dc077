"""Reminder delivery under Telegram's limits: fan-out, start-up, and a kill -9 mid fan-out.

Runs the real ``python bot.py`` against the fake Bot API server from ``tests/`` started
standalone with ``--limits`` (30 messages/s overall, 20/min per group, 429 + retry_after), on a
temporary SQLite database seeded through ``scheduler.service`` before the bot starts.

    python bench/reminders.py [--chats 2000] [--recurring 10000] [--quick]

Prints one table of figures against the targets: zero lost; duplicates only for sends in flight
at kill -9 (none otherwise); fan-out within 10 % of the floor N / 30 s; start-up under 3 s.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.session import create_engine, create_sessionmaker, migrate  # noqa: E402
from scheduler import service  # noqa: E402
from tests.fake_telegram import DEFAULT_TOKEN  # noqa: E402

RATE = 30.0  # Telegram's overall limit, messages per second
STARTUP_TARGET = 3.0
FLOOR_SLACK = 0.10
TITLE = "ベンチ通知"
GROUP_BASE = -1_000_000_000
IN_FLIGHT_WINDOW = 500  # requests re-read per poll in case they were unanswered before


# ------------------------------------------------------------------------------ plumbing


@dataclass
class Server:
    url: str
    process: asyncio.subprocess.Process
    http: aiohttp.ClientSession
    seen: int = 0  # request-log position already read
    sends: list[dict[str, Any]] = field(default_factory=list)
    too_many: int = 0
    indexes: set[int] = field(default_factory=set)

    async def control(self, path: str, verb: str = "POST", **body: Any) -> Any:
        url = f"{self.url}/_control/{path}"
        if verb == "GET":
            query = {key: str(value) for key, value in body.items()}
            async with self.http.get(url, params=query) as response:
                payload = await response.json()
        else:
            async with self.http.post(url, json=body) as response:
                payload = await response.json()
        if not payload.get("ok"):
            raise RuntimeError(f"control {path}: {payload.get('description')}")
        return payload["result"]

    async def poll(self) -> None:
        """Read new sendMessage calls: successes kept, 429s counted (each request once)."""
        page = await self.control("requests", "GET", since=self.seen, method="sendMessage")
        for request in page["requests"]:
            if request["index"] in self.indexes:
                continue
            self.indexes.add(request["index"])
            if request["status"] == 200:
                self.sends.append(request)
            elif request["status"] == 429:
                self.too_many += 1
        # only answered requests come back: re-read a window in case some were still open
        self.seen = max(self.seen, int(page["next"]) - IN_FLIGHT_WINDOW)

    def delivered(self, chats: set[int]) -> Counter[int]:
        return Counter(
            int(r["params"]["chat_id"]) for r in self.sends if int(r["params"]["chat_id"]) in chats
        )


@asynccontextmanager
async def fake_server() -> AsyncIterator[Server]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_telegram", "--port", "0", "--limits",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    match = re.search(r"(http://\S+)", line)
    if match is None:
        raise RuntimeError(f"fake server did not start: {line!r}")
    async with aiohttp.ClientSession() as http:
        try:
            yield Server(match.group(1).rstrip("/"), process, http)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 15)


@dataclass
class Bot:
    process: asyncio.subprocess.Process
    started: float  # time.time() at spawn

    @property
    def pid(self) -> int:
        return self.process.pid

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")

    async def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                await self.kill9()


async def start_bot(server: Server, db: Path, cache: Path, log: Path) -> tuple[Bot, float]:
    """Spawn bot.py; returns it with the seconds from spawn to its first getUpdates."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": server.url,
        "DATABASE_URL": f"sqlite:///{db}",
        "RENKEI_CACHE_DIR": str(cache),
        "BOT_TIMEZONE": "Asia/Tokyo",
    }
    mark = (await server.control("stats", "GET"))["requests"]
    out = log.open("ab")
    started = time.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", cwd=ROOT, env=env, stdout=out, stderr=out
    )
    out.close()
    bot = Bot(process, started)
    try:
        await server.control("wait_polling", "GET", since=mark, timeout=120)
    except Exception:
        await bot.stop()
        raise RuntimeError(f"bot did not start polling; see {log}") from None
    page = await server.control("requests", "GET", since=mark, method="getUpdates")
    first = min(r["at"] for r in page["requests"]) if page["requests"] else time.time()
    return bot, first - started


async def seed(
    db: Path, chats: list[int], due: datetime, *, recurring: int = 0
) -> tuple[float, int]:
    """Create the schema and one plain reminder per chat due at ``due`` (plus ``recurring``
    weekly meetings spread over the chats) through the service API; returns (seconds, rows)."""
    began = time.perf_counter()
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    await migrate(engine)
    maker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    rows = 0
    for offset in range(0, len(chats), 500):
        async with maker.begin() as session:
            for chat_id in chats[offset : offset + 500]:
                await service.ensure_chat(session, chat_id, type="group", title=f"g{chat_id}")
                if recurring == 0:
                    await service.create_reminder(
                        session, chat_id=chat_id, kind=service.REMIND, title=f"{TITLE} {chat_id}",
                        start=due, tz="Asia/Tokyo", now=now,
                    )  # fmt: skip
                    rows += 1
    for start in range(0, recurring, 500):
        async with maker.begin() as session:
            for n in range(start, min(start + 500, recurring)):
                first = now + timedelta(days=2 + n % 5, hours=n % 9, minutes=n % 60)
                await service.create_reminder(
                    session, chat_id=chats[n % len(chats)], kind=service.MEETING,
                    title=f"定例会 {n}", start=first, tz="Asia/Tokyo", now=now,
                    rrule="FREQ=WEEKLY;INTERVAL=1", place="公民館",
                )  # fmt: skip
                rows += 1
    await engine.dispose()
    return time.perf_counter() - began, rows


def ledger(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter({state: n for state, n in conn.execute(
            "SELECT state, count(*) FROM deliveries GROUP BY state")})  # fmt: skip


async def add_chats(server: Server, chats: list[int]) -> None:
    sem = asyncio.Semaphore(32)

    async def one(chat_id: int) -> None:
        async with sem:
            chat = {"id": chat_id, "type": "group", "title": f"g{chat_id}"}
            await server.control("add_chat", chat=chat)

    await asyncio.gather(*(one(c) for c in chats))


async def wait_delivered(server: Server, chats: set[int], until: float, want: int) -> None:
    while time.time() < until:
        await server.poll()
        if len(server.delivered(chats)) >= want:
            return
        await asyncio.sleep(0.5)


def group_ids(n: int, base: int = GROUP_BASE) -> list[int]:
    return [base - i for i in range(n)]


def lead_seconds(n: int) -> float:
    return 25.0 + n * 0.012  # seeding + bot start must finish before the notices fall due


# ------------------------------------------------------------------------------ scenarios


@dataclass
class Row:
    name: str
    value: str
    target: str
    ok: bool | None


async def fan_out(n: int, work: Path, cache: Path) -> list[Row]:
    chats = group_ids(n)
    db = work / "fanout.db"
    due = (datetime.now(UTC) + timedelta(seconds=lead_seconds(n))).replace(microsecond=0)
    seeded, _ = await seed(db, chats, due)
    async with fake_server() as server:
        await add_chats(server, chats)
        bot, startup = await start_bot(server, db, cache, work / "bot-fanout.log")
        try:
            floor = n / RATE
            await wait_delivered(server, set(chats), due.timestamp() + floor * 3 + 120, n)
            await asyncio.sleep(3)  # anything sent twice shows up now
            await server.poll()
        finally:
            await bot.stop()
    counts = server.delivered(set(chats))
    times = sorted(r["at"] for r in server.sends if int(r["params"]["chat_id"]) in counts)
    lost = n - len(counts)
    dupes = sum(c - 1 for c in counts.values())
    took = (times[-1] - due.timestamp()) if times else float("inf")
    first_lag = (times[0] - due.timestamp()) if times else float("inf")
    print(f"  fan-out: seeded {n} reminders in {seeded:.1f}s, bot up in {startup:.2f}s, "
          f"first send {first_lag:+.1f}s after due; ledger {dict(ledger(db))}")  # fmt: skip
    return [
        Row(f"fan-out {n} chats: due -> all delivered", f"{took:.1f} s",
            f"<= {floor * (1 + FLOOR_SLACK):.1f} s (floor {floor:.1f} s)",
            took <= floor * (1 + FLOOR_SLACK)),
        Row("fan-out: 429 Too Many Requests", str(server.too_many), "(report)", None),
        Row("fan-out: lost", str(lost), "0", lost == 0),
        Row("fan-out: duplicated", str(dupes), "0", dupes == 0),
    ]  # fmt: skip


async def start_up(n_chats: int, recurring: int, work: Path, cache: Path) -> list[Row]:
    chats = group_ids(n_chats, GROUP_BASE - 10_000_000)
    db = work / "startup.db"
    seeded, rows = await seed(db, chats, datetime.now(UTC), recurring=recurring)
    async with fake_server() as server:
        await add_chats(server, chats)
        bot, startup = await start_bot(server, db, cache, work / "bot-startup.log")
        try:
            await asyncio.sleep(5)  # let start-up planning and the first dispatch settle
            peak = bot.peak_rss_mb()
        finally:
            await bot.stop()
    print(f"  start-up: seeded {rows} recurring reminders in {seeded:.1f}s")
    return [
        Row(f"start-up with {recurring} recurring reminders", f"{startup:.2f} s",
            f"< {STARTUP_TARGET:.0f} s", startup < STARTUP_TARGET),
        Row("peak RSS (VmHWM) after start-up", f"{peak:.0f} MB", "(report)", None),
    ]  # fmt: skip


async def crash(n: int, work: Path, cache: Path) -> list[Row]:
    chats = group_ids(n, GROUP_BASE - 20_000_000)
    db = work / "crash.db"
    due = (datetime.now(UTC) + timedelta(seconds=lead_seconds(n))).replace(microsecond=0)
    await seed(db, chats, due)
    async with fake_server() as server:
        await add_chats(server, chats)
        log = work / "bot-crash.log"
        bot, _ = await start_bot(server, db, cache, log)
        await wait_delivered(
            server, set(chats), due.timestamp() + n / RATE * 3 + 120, int(n * 0.4)
        )
        await bot.kill9()
        killed_at = time.time()
        await asyncio.sleep(0.5)
        await server.poll()
        before = len(server.delivered(set(chats)))
        in_flight = ledger(db).get(service.SENDING, 0)
        bot, restart = await start_bot(server, db, cache, log)
        try:
            await wait_delivered(server, set(chats), time.time() + n / RATE * 3 + 120, n)
            await asyncio.sleep(3)
            await server.poll()
        finally:
            await bot.stop()
    counts = server.delivered(set(chats))
    lost = n - len(counts)
    dupes = sum(c - 1 for c in counts.values())
    print(f"  kill -9: {before}/{n} delivered at the kill, {in_flight} rows left 'sending', "
          f"restart in {restart:.2f}s ({time.time() - killed_at:.0f}s ago); "
          f"ledger {dict(ledger(db))}")  # fmt: skip
    return [
        Row("kill -9 mid fan-out: lost", str(lost), "0", lost == 0),
        Row("kill -9 mid fan-out: duplicated", str(dupes),
            f"<= {in_flight} (in flight at the kill)", dupes <= in_flight),
    ]  # fmt: skip


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    vwidth = max(len(r.value) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'value':>{vwidth}}  target")
    print("-" * (width + vwidth + 40))
    for r in rows:
        verdict = "" if r.ok is None else ("OK" if r.ok else "MISSED")
        print(f"{r.name:<{width}}  {r.value:>{vwidth}}  {r.target}  {verdict}")


async def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=2000, help="group chats in the fan-out")
    parser.add_argument("--recurring", type=int, default=10_000, help="reminders at start-up")
    parser.add_argument("--quick", action="store_true", help="300 chats, 2,000 reminders")
    parser.add_argument("--only", choices=("fanout", "startup", "crash"), action="append")
    args = parser.parse_args()
    chats = 300 if args.quick else args.chats
    recurring = 2000 if args.quick else args.recurring
    only = set(args.only or ("fanout", "startup", "crash"))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="renkei-bench-") as tmp:
        work = Path(tmp)
        cache = ROOT / ".cache" / "bench-faq"  # warm across runs, like a deployed bot's cache
        print(f"renkei reminders bench: {chats} chats, {recurring} recurring, work dir {work}")
        if "fanout" in only:
            rows += await fan_out(chats, work, cache)
        if "startup" in only:
            rows += await start_up(max(1, math.ceil(recurring / 10)), recurring, work, cache)
        if "crash" in only:
            rows += await crash(chats, work, cache)
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
