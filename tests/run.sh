#!/usr/bin/env bash
# The project's test command: install what the tests need into .venv, lint, type-check, run pytest.
# PostgreSQL cases run when TEST_DATABASE_URL is set (e.g. postgresql://postgres@127.0.0.1/test).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy .
exec .venv/bin/python -m pytest -q "$@"
