# make pdf / make test on a fresh clone: each target sets up .venv first when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VAULT  ?= content
OUT    ?= build

.PHONY: all pdf epub docx odt feeds model check test fuzz bench clean

all: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format all

pdf: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format pdf

epub: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format epub

docx: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format docx

odt: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format odt

feeds: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format json,rss,atom

model: $(STAMP)
	$(BIN)/xtdpublish build --vault $(VAULT) --out $(OUT) --format model

check: $(STAMP)
	$(BIN)/xtdpublish check --vault $(VAULT)

test: $(STAMP)
	$(BIN)/python -m pytest

fuzz: $(STAMP)
	XTD_FUZZ_EXAMPLES=5000 XTD_BIG_BOOK=1 $(BIN)/python -m pytest tests -k "property or fuzz or big_book" -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(OUT)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)
