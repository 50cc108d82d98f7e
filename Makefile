# Every target sets up .venv itself, so a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint format lock bench bench-ack bench-fanout bench-answers bench-history bench-search-sqlite bench-slow-clients bench-after-ack bench-oauth bench-themes migrate clean playground screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate and start the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT); with no Slack credentials, the local playground
run: $(STAMP)
	$(BIN)/ask-team run

## playground: the real bot against a local Slack stand-in, in the browser at http://127.0.0.1:$PORT/
playground: $(STAMP)
	$(BIN)/ask-team playground

## screenshots: the screenshots of the playground in README.md and docs/features.md, in Debian's Chromium (docs/screenshots/)
screenshots: $(STAMP)
	@dpkg -s chromium fonts-noto-color-emoji >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji)
	$(BIN)/python scripts/screenshots.py

## test: install and run the whole suite (PostgreSQL too when TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest

## check: the quick loop (under 90 s): every unit test, and the smoke end-to-end test of each feature
check: $(STAMP)
	$(BIN)/python -m pytest -m "not postgres" tests/unit
	$(BIN)/python -m pytest -m "smoke and not postgres" tests/e2e

## lint: ruff (lint and format check) and mypy
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: $(STAMP)
	$(BIN)/ask-team migrate

## lock: rewrite requirements.txt (what Heroku-style buildpacks install) from the versions in .venv
lock: $(STAMP)
	$(BIN)/python scripts/lock.py > requirements.txt.new
	mv requirements.txt.new requirements.txt

## bench: /ask-team acknowledgement latency next to a bare Bolt app; nudge fan-out to 10,000 leaders
bench: bench-ack bench-fanout

bench-ack: $(STAMP)
	$(BIN)/python bench/ack.py

bench-fanout: $(STAMP)
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/fanout.py --workspaces 100

## bench-answers: 500 people answer a channel ask within a minute, next to plain /ask-team acks (BENCH_DATABASE_URL for PostgreSQL)
bench-answers: $(STAMP)
	$(BIN)/python bench/team_answers.py

## bench-history: history, search and App Home over 1,000,000 entries (resets the PostgreSQL "bench" database)
bench-history: $(STAMP)
	$(BIN)/python bench/history.py

## bench-search-sqlite: word search on SQLite FTS5 over 200,000 entries (a temporary file)
bench-search-sqlite: $(STAMP)
	$(BIN)/python bench/search_sqlite.py

## bench-slow-clients: signed commands with 50 trickling connections open, next to the old gthread server
bench-slow-clients: $(STAMP)
	$(BIN)/python bench/slow_clients.py

## bench-oauth: OAuth mode with Slack slow or refusing token refreshes, and a flood of install-page visits (BENCH_DATABASE_URL for PostgreSQL)
bench-oauth: $(STAMP)
	$(BIN)/python bench/oauth_hardening.py $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

## bench-after-ack: how long a confirmation DM stays only in memory after the ack
bench-after-ack: $(STAMP)
	$(BIN)/python bench/after_ack_window.py

## bench-themes: themes across answers: adjusted Rand index on labelled answers next to TF-IDF + k-means; time and memory for 500
bench-themes: $(STAMP)
	$(BIN)/python bench/themes.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
