from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from convene.lib.env import email_settings, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    unwanted = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env, "TESTING": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_passes_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 60 + "a-long-random-production-secret-Q9",
        ALLOWED_HOSTS="convene.example.org",
        DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="x", DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_makes_a_secret_key_once(tmp_path):
    assert _manage("check", DATA_DIR=str(tmp_path)).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    _manage("check", DATA_DIR=str(tmp_path))
    assert (tmp_path / "secret_key").read_text() == key


def test_email_urls():
    assert email_settings("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = email_settings("smtp+tls://mailer:p%40ss@mail.example.org:2525")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_PASSWORD"]) == (
        "mail.example.org",
        2525,
        "p@ss",
    )
    assert smtp["EMAIL_USE_TLS"] is True
    assert email_settings("file:///var/mail/convene")["EMAIL_FILE_PATH"] == "/var/mail/convene"
    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://coop")


def test_env_helpers_are_strict(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", False)
    monkeypatch.setenv("COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("COUNT", 1)
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG", False) is True


def test_secret_can_come_from_a_file(tmp_path, monkeypatch):
    from convene.lib.env import env_str

    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "from-a-file"


def test_with_redis_the_cache_forgives_failures_and_gives_up_quickly(tmp_path):
    shown = "from django.conf import settings; c = settings.CACHES['default']; print(c)"
    result = _manage(
        "shell", "-c", shown, REDIS_URL="redis://cache.internal:6379/0", DATA_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "'BACKEND': 'convene.lib.cache.ForgivingRedisCache'" in result.stdout
    assert "'OPTIONS': {'socket_timeout': 0.25, 'retry_after': 5}" in result.stdout


def test_forwarded_for_is_trusted_only_behind_a_declared_proxy(tmp_path):
    show = "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    counts = [
        _manage("shell", "-c", show, DATA_DIR=str(tmp_path), **env).stdout.split()[-1]
        for env in [
            {},
            {"BEHIND_PROXY": "true"},
            {"BEHIND_PROXY": "true", "TRUSTED_PROXY_COUNT": "2"},
        ]
    ]
    assert counts == ["0", "1", "2"]
