"""``make run`` as a newcomer meets it: the demo served with debug off by gunicorn, a job worker
beside it that runs what is enqueued, the periodic notification run, and one signal stopping
them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own server)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_the_demo_with_debug_off_and_a_worker_and_stops_both(tmp_path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env |= {
        "DATA_DIR": str(tmp_path / "data"),
        "PORT": str(port),
        "BIN": str(Path(sys.executable).parent),
    }
    run = subprocess.Popen(  # noqa: S603
        ["./scripts/run.sh"],  # noqa: S607
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            assert run.poll() is None, run.stdout.read() if run.stdout else ""
            try:
                if _get(f"{base}/health/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise AssertionError("make run did not answer in time")

        status, page = _get(f"{base}/accounts/sign-in/")
        assert status == 200 and "convene-demo" not in page
        status, page = _get(f"{base}/no-such-page/")
        assert status == 404 and "Page not found at" not in page  # debug is off

        # The worker beside it runs a job that another process enqueues.
        out = tmp_path / "line.txt"
        enqueue = (
            "from tests.lib.jobs_for_tests import write_line\n"
            f"write_line.enqueue({str(out)!r}, 'from make run')\n"
        )
        manage = [sys.executable, "manage.py", "shell", "-v", "0", "-c", enqueue]
        subprocess.run(manage, cwd=REPO, env=env, check=True, timeout=60)  # noqa: S603
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert out.read_text() == "from make run\n"

        children = subprocess.run(  # noqa: S603
            ["pgrep", "-g", str(run.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(children) >= 4  # the script, the worker, the notification run and gunicorn
        notifier = subprocess.run(  # noqa: S603
            ["pgrep", "-g", str(run.pid), "-f", "manage.py notify --every"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        assert len(notifier) == 1 and notifier[0] in children
    finally:
        os.kill(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
    time.sleep(1)
    assert not [pid for pid in map(int, children) if pid != run.pid and _alive(pid)]
