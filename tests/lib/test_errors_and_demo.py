from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from convene.accounts.models import User
from convene.collaboratives.models import AuditEvent, Collaborative, Team, TeamMembership


def test_load_demo_is_idempotent(db):
    call_command("load_demo", verbosity=0)
    counts = (
        Collaborative.objects.count(),
        Team.objects.count(),
        TeamMembership.all_objects.count(),
        User.objects.count(),
    )
    events = AuditEvent.objects.count()
    from convene.improvement.models import ActionPlan, Comment, DriverNode, PDSACycle
    from convene.reporting.models import Feedback, Report, Value

    figures = (Value.objects.count(), Report.objects.count(), Feedback.objects.count())
    work = (
        DriverNode.objects.count(),
        PDSACycle.objects.count(),
        ActionPlan.objects.count(),
        Comment.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert figures == (Value.objects.count(), Report.objects.count(), Feedback.objects.count())
    assert work == (
        DriverNode.objects.count(),
        PDSACycle.objects.count(),
        ActionPlan.objects.count(),
        Comment.objects.count(),
    )
    assert all(work)
    assert figures[0] > 1000 and figures[2] > 0
    assert counts == (
        Collaborative.objects.count(),
        Team.objects.count(),
        TeamMembership.all_objects.count(),
        User.objects.count(),
    )
    assert AuditEvent.objects.count() == events
    hypertension = Collaborative.objects.get(name="Hypertension Control Collaborative 2026")
    assert hypertension.teams.count() == 8
    assert Collaborative.objects.get(name__startswith="Rapid Re-housing").teams.count() == 7
    # The demo shows history: someone left and someone changed role.
    assert TeamMembership.objects.filter(team__collaborative=hypertension, ended_at__isnull=False)


def test_demo_logins_work(client, db):
    call_command("load_demo", verbosity=0)
    response = client.post(
        reverse("accounts:login"),
        {"username": "dana.morgan@demo.convene.test", "password": "convene-demo"},
    )
    assert response.status_code == 302


def test_a_server_error_shows_a_plain_page_without_a_trace(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch(
        "convene.collaboratives.views.acl.visible_collaboratives", side_effect=RuntimeError("boom")
    ):
        from tests.factories import make_user

        client.force_login(make_user())
        response = client.get(reverse("collaboratives:home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    assert "boom" not in body and "Traceback" not in body


def test_not_found_page_is_friendly(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_health_page_answers_without_signing_in(client, db):
    response = client.get("/health/")
    assert (response.status_code, response.content) == (200, b"ok")
