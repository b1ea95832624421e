from __future__ import annotations

from django.urls import reverse

from convene.collaboratives.models import AuditEvent, CharterDecision


def _charter_data(collaborative, **changes):
    data = {
        "version": collaborative.version,
        "aim_statement": "By December, 70% controlled.",
        "aim_population": "Adults with hypertension",
        "aim_timeframe": "By December 2026",
        "aim_change": "From 58% to 70%",
        "charter_purpose": "Better control",
        "charter_objectives": "Protocol everywhere",
        "charter_scope": "",
        "charter_activities": "",
        "charter_stakeholders": "",
    }
    data.update(changes)
    return data


def test_planning_group_edits_the_charter(client, world):
    client.force_login(world.planning)
    url = reverse("collaboratives:edit-charter", args=[world.collaborative.pk])
    response = client.post(url, _charter_data(world.collaborative))
    assert response["Location"] == reverse("collaboratives:charter", args=[world.collaborative.pk])
    world.collaborative.refresh_from_db()
    assert world.collaborative.aim_change == "From 58% to 70%"
    assert world.collaborative.version == 2
    page = client.get(reverse("collaboratives:charter", args=[world.collaborative.pk]))
    assert "From 58% to 70%" in page.content.decode()


def test_a_colleagues_edit_is_never_silently_overwritten(client, world):
    url = reverse("collaboratives:edit-charter", args=[world.collaborative.pk])
    stale = _charter_data(world.collaborative, charter_purpose="Mine")
    client.force_login(world.host)
    client.post(url, _charter_data(world.collaborative, charter_purpose="The host's purpose"))
    client.force_login(world.planning)
    response = client.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes" in body
    assert "Mine" in body  # what this person typed is still in the form
    world.collaborative.refresh_from_db()
    assert world.collaborative.charter_purpose == "The host's purpose"
    # Saving again from the refreshed form succeeds.
    again = client.post(url, _charter_data(world.collaborative, charter_purpose="Mine"))
    assert again.status_code == 302
    world.collaborative.refresh_from_db()
    assert world.collaborative.charter_purpose == "Mine"


def test_decisions_log_records_date_and_author(client, world):
    client.force_login(world.planning)
    url = reverse("collaboratives:add-decision", args=[world.collaborative.pk])
    client.post(url, {"decided_on": "2026-02-03", "decision": "Report by the 10th"})
    decision = CharterDecision.objects.get()
    assert (str(decision.decided_on), decision.author) == ("2026-02-03", world.planning)
    page = client.get(reverse("collaboratives:charter", args=[world.collaborative.pk]))
    assert "Report by the 10th" in page.content.decode()


def test_an_empty_decision_is_refused_with_a_message(client, world):
    client.force_login(world.planning)
    url = reverse("collaboratives:add-decision", args=[world.collaborative.pk])
    response = client.post(url, {"decided_on": "2026-02-03", "decision": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not CharterDecision.objects.exists()


def test_charter_edits_are_audited_with_before_and_after(client, world):
    client.force_login(world.host)
    url = reverse("collaboratives:edit-charter", args=[world.collaborative.pk])
    client.post(url, _charter_data(world.collaborative))
    event = AuditEvent.objects.filter(object_type="collaboratives.collaborative").first()
    assert event.action == "update"
    assert event.actor == world.host
    assert event.before["aim_change"] == ""
    assert event.after["aim_change"] == "From 58% to 70%"
    assert "version" not in event.after


def test_settings_form_keeps_input_and_explains_bad_dates(client, world):
    client.force_login(world.host)
    url = reverse("collaboratives:edit", args=[world.collaborative.pk])
    collaborative = world.collaborative
    response = client.post(
        url,
        {
            "version": collaborative.version,
            "name": "Renamed collaborative",
            "topic": collaborative.topic,
            "host_organisation": collaborative.host_organisation_id,
            "sponsor": "",
            "start_on": "2026-06-01",
            "end_on": "2026-01-01",
            "status": "active",
            "sharing": "named",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The end date must not be before the start date." in body
    assert 'value="Renamed collaborative"' in body
    collaborative.refresh_from_db()
    assert collaborative.name == "Hypertension Collaborative"
