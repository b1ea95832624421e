"""A refused request is one line in the log; a server error keeps its traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse


def _request_log(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_refusal_is_logged_as_one_line_without_a_traceback(client, world, caplog):
    client.force_login(world.observer)
    with caplog.at_level(logging.WARNING):
        response = client.get(
            reverse("collaboratives:edit", args=[world.collaborative.pk]),
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 403
    [record] = _request_log(caplog)
    line = caplog.text.strip()
    assert "Traceback" not in caplog.text
    assert "\n" not in line
    path = f"/c/{world.collaborative.pk}/settings/"
    assert record.getMessage() == (
        f"Refused 403 GET {path}: user {world.observer.pk} from 203.0.113.9"
    )


@pytest.mark.urls("tests.lib.urls_failing")
def test_a_server_error_is_still_logged_with_its_traceback(db, settings, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.WARNING):
        response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    [record] = _request_log(caplog)
    assert record.levelname == "ERROR"
    assert "Traceback" in caplog.text
    assert "RuntimeError: the page broke" in caplog.text
