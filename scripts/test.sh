#!/usr/bin/env bash
# The whole test suite: lint, migrations, then the tests on SQLite and, when DATABASE_URL
# points at PostgreSQL, on PostgreSQL too. Browser tests run serially after the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== lint"
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/mypy --strict --no-error-summary convene/spc convene/charts

echo "== migrations are committed"
env -u DATABASE_URL $BIN/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo "Model changes without a migration: run 'manage.py makemigrations --name <what>'."; exit 1; }

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "!! /usr/bin/chromium is missing: browser tests will be skipped."
    echo "!! Install it with: sudo apt-get install chromium"
  fi
fi

# The Nu Html Checker (npm's vnu-jar, run with Java) checks every page of the demo
# (tests/pages/test_html_checker.py); installed once into .cache/, which git ignores.
VNU_VERSION=26.9.27
export VNU_JAR="$PWD/.cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$VNU_JAR" ]; then
  echo "== installing the Nu Html Checker (vnu-jar $VNU_VERSION)"
  mkdir -p .cache/vnu
  (cd .cache/vnu && npm install --no-save --no-audit --no-fund --ignore-scripts \
    "vnu-jar@$VNU_VERSION" >/dev/null)
fi
if ! command -v java >/dev/null && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "== installing Java for the Nu Html Checker"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
export VNU_REQUIRED=1

run_suite() {
  local label=$1
  echo "== tests on $label"
  $BIN/pytest -n auto -m "not browser" -q
  echo "== browser tests on $label"
  DJANGO_ALLOW_ASYNC_UNSAFE=true $BIN/pytest -p no:xdist -m browser -q
}

DB_URL=${DATABASE_URL:-}
env -u DATABASE_URL bash -c "$(declare -f run_suite); BIN=$BIN; run_suite SQLite"
if [[ "$DB_URL" == postgres* ]]; then
  DATABASE_URL=$DB_URL bash -c "$(declare -f run_suite); BIN=$BIN; run_suite PostgreSQL"
fi
