# Convene: `make run` serves the demo, `make test` runs the whole suite.
# Both create the virtual environment themselves; nothing else needs installing first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

export DJANGO_SETTINGS_MODULE := convene.settings
# pytest starts seconds faster when Python may write its bytecode cache.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint format migrations messages clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Convene needs Python 3.11 or newer."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create a virtual environment: on Debian/Ubuntu run 'sudo apt install python3-venv'."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) ./scripts/run.sh

test: $(STAMP)
	./scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations: $(STAMP)
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l es --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'static/*' --ignore 'data/*' --ignore 'tests/*' --ignore 'bench/*'
	$(BIN)/python manage.py compilemessages -l es --ignore '.venv/*'

clean:
	rm -rf $(VENV) data
