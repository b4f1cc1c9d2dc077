import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STORE = """\
- id: minutes-ja
  lang: ja
  question: 議事録はどこに保管されますか？
  alternates: [会議の記録はどこ？]
  answer: 事務局の共有フォルダに保管します。
  tags: [meetings]
- id: parking-ja
  lang: ja
  question: 学校に車で行ってもいいですか？
  alternates: [駐車場はありますか]
  answer: 学校の駐車場は使えません。
  tags: [safety]
"""

BROKEN = """\
- id: minutes-ja
  lang: jp
  question: 議事録はどこ？
  answer: 共有フォルダです。
"""


def run(arguments: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "RENKEI_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "faq", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.yaml"
    path.write_text(STORE, encoding="utf-8")
    return path


def test_match_writes_one_json_line_per_question(store: Path, tmp_path: Path) -> None:
    done = run(["match", "--store", str(store)], tmp_path, "ぎじろくはどこ\n今日の天気は？\n")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [record["query"] for record in records] == ["ぎじろくはどこ", "今日の天気は？"]
    assert records[0]["id"] == "minutes-ja"
    assert records[0]["candidates"][0] == "minutes-ja"
    assert records[1]["id"] is None
    assert records[1]["score"] < records[0]["score"]
    assert set(records[1]["candidates"]) == {"minutes-ja", "parking-ja"}


def test_ask_prints_the_answer(store: Path, tmp_path: Path) -> None:
    done = run(["ask", "駐車場ある？", "--store", str(store)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "学校の駐車場は使えません。" in done.stdout


def test_ask_says_it_does_not_know(store: Path, tmp_path: Path) -> None:
    done = run(["ask", "What is the capital of France?", "--store", str(store)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "I don't know" in done.stdout


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        (STORE, 0, ["OK: 2 entries (ja 2, en 0)"]),
        (BROKEN, 1, ["{path}:2: (minutes-ja) lang must be 'ja' or 'en', found 'jp'"]),
    ],
)
def test_check_reports_problems_with_exit_status(
    tmp_path: Path, text: str, status: int, expected: list[str]
) -> None:
    path = tmp_path / "store.yaml"
    path.write_text(text, encoding="utf-8")
    done = run(["check", str(path)], tmp_path)
    assert done.returncode == status
    assert done.stdout.splitlines() == [line.format(path=path) for line in expected]


def test_export_prints_entries_as_json_lines(store: Path, tmp_path: Path) -> None:
    done = run(["export", "--store", str(store)], tmp_path)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [record["id"] for record in records] == ["minutes-ja", "parking-ja"]
    assert records[0]["alternates"] == ["会議の記録はどこ？"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "/nonexistent/store.yaml"],
        ["match", "--store", "/nonexistent/store.yaml"],
        ["ask"],
        ["frobnicate"],
        [],
    ],
)
def test_bad_usage_is_one_line_and_status_2(tmp_path: Path, arguments: list[str]) -> None:
    done = run(arguments, tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_index_builds_the_cache_ahead_of_use(store: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "prebuilt"
    done = run(["index", "--store", str(store), "--cache-dir", str(cache_dir)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "indexed 2 entries" in done.stdout
    assert list(cache_dir.glob("features-*.npz"))
