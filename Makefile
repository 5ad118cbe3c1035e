# Newsdesk: `make run` and `make test` do all the set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
NEWSDESK := $(VENV)/bin/newsdesk
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint bench eval train install clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -qq --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP) install -qq --constraint constraints.txt -e '.[torch,test]'
	@touch $@

install: $(STAMP)

run: $(STAMP)
	@$(NEWSDESK) ingest --quiet $(or $(NEWSDESK_DATA),data)
	@if [ -n "$$DISCORD_TOKEN" ] || grep -qs '^DISCORD_TOKEN=.' .env; then \
		exec $(NEWSDESK) bot; else exec $(NEWSDESK) chat; fi

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m mypy

test: $(STAMP) lint
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench

train: $(STAMP)
	$(PY) -m bench.train_ranking
	$(PY) -m bench.train_confidence

eval: $(STAMP)
	$(NEWSDESK) eval ../shared/eval/squad-dev-1.1.json
	$(NEWSDESK) eval ../shared/eval/squad-dev-2.0.json
	$(NEWSDESK) eval ../shared/eval/news-2023 --every 4

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
