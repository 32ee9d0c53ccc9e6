# 网点活动通: `make run` serves the demo, `make test` runs every test.
VENV    ?= .venv
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask
STAMP   := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: install run test test-sqlite test-postgres lint translations extract-messages vendor assets bench bench-pretix clean

install: $(STAMP) translations

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

translations: $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d app/translations -D messages >/dev/null

extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	./scripts/run-dev.sh

test: install
	./scripts/run-tests.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .

vendor: $(STAMP)
	./scripts/vendor-assets.sh
	$(PY) scripts/trim-weui.py

# After using a weui- class in a template for the first time: rebuild the trimmed WeUI (and commit it).
assets: $(STAMP)
	$(PY) scripts/trim-weui.py

bench: install
	$(PY) bench/run_all.py

# Side by side with pretix 2026.8 (installed outside the repo, its own database): bench/pretix/README.md.
bench-pretix: install
	$(PY) bench/compare_pretix.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
