#!/usr/bin/env bash
# `make run`: the demo served as production serves it (debug off, gunicorn, static files
# collected and compressed) with its job worker and the periodic notification run (scans,
# e-mail retries, digests: `manage.py notify` every 5 minutes) beside it; Ctrl-C stops all three.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export DATA_DIR=${DATA_DIR:-$PWD/data}
mkdir -p "$DATA_DIR"

# Production settings on one machine over plain HTTP on this computer: a secret kept in the
# data folder, this host allowed, cookies and redirects without HTTPS (docs/operating.md).
if [ ! -s "$DATA_DIR/secret_key" ]; then
  (umask 077 && $BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$DATA_DIR/secret_key")
fi
export DEBUG=false
export SECRET_KEY_FILE="$DATA_DIR/secret_key"
export ALLOWED_HOSTS="$HOST,localhost,127.0.0.1,[::1]"
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}  # the links in e-mails
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false
export SECURE_HSTS_SECONDS=0

$BIN/python manage.py migrate --no-input -v 0
$BIN/python manage.py collectstatic --no-input -v 0
$BIN/python manage.py load_demo
$BIN/python manage.py demo_logins --url "http://$HOST:$PORT/"

$BIN/python manage.py db_worker --no-reload --no-startup-delay -v 1 &
worker=$!
$BIN/python manage.py notify --every 300 -v 1 &
notifier=$!
$BIN/gunicorn convene.wsgi --bind "$HOST:$PORT" --workers 2 --access-logfile - --error-logfile - &
server=$!
stop() {
  kill -TERM "$server" "$worker" "$notifier" 2>/dev/null || true
  wait "$server" "$worker" "$notifier" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
echo "Serving on http://$HOST:$PORT/ with a job worker and notifications beside it: Ctrl-C stops all."
# When any one stops (a crash, a port already taken), the others are stopped too.
wait -n "$server" "$worker" "$notifier"
