# gunicorn reads this file from the directory it starts in: `gunicorn convene.wsgi`.
# Settings given on the command line win over these.
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Load the app once in the master, so workers fork with Django already imported.
preload_app = True  # connections open lazily, after the fork


def post_worker_init(worker):
    # Each worker compiles templates and loads translations before its first request.
    from convene.lib.warmup import warm_up

    warm_up()
