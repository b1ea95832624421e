"""The collaborative's own time zone (#11.2): chosen at creation (the host's by default),
changed in the settings, and given to existing collaboratives by their migration."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from convene.collaboratives.models import Collaborative
from tests.typed import typed_values


def _selected_zone(body: str) -> str:
    select = re.search(r'<select name="time_zone".*?</select>', body, re.S)
    assert select, "the form has a time zone"
    [zone] = re.findall(r'<option value="([^"]+)"[^>]*selected', select.group(0))
    return zone


def test_a_new_collaborative_keeps_its_hosts_time_zone_unless_they_choose_another(client, world):
    world.planning.can_create_collaboratives = True
    world.planning.time_zone = "America/Chicago"
    world.planning.save()
    client.force_login(world.planning)
    page = client.get(reverse("collaboratives:create"))
    assert _selected_zone(page.content.decode()) == "America/Chicago"
    form = typed_values(page)
    form.update(
        name="Tobacco Cessation Collaborative",
        topic="Screening and cessation support",
        new_host_organisation="State Quitline Network",
        start_on="2027-01-01",
        end_on="2027-12-31",
        sharing="named",
    )
    assert client.post(reverse("collaboratives:create"), form).status_code == 302
    created = Collaborative.objects.get(name="Tobacco Cessation Collaborative")
    assert created.time_zone == "America/Chicago"

    form.update(name="Second collaborative", time_zone="Europe/Madrid")
    assert client.post(reverse("collaboratives:create"), form).status_code == 302
    assert Collaborative.objects.get(name="Second collaborative").time_zone == "Europe/Madrid"


def _settings(client, world):
    return client.get(reverse("collaboratives:edit", args=[world.collaborative.pk]))


def _post_settings(client, world, **changes):
    form = typed_values(_settings(client, world))
    form.update(sharing=world.collaborative.sharing, chart_rules="anhoej", **changes)
    return client.post(reverse("collaboratives:edit", args=[world.collaborative.pk]), form)


def test_the_host_changes_the_time_zone_in_the_settings(client, world):
    client.force_login(world.host)
    body = _settings(client, world).content.decode()
    assert _selected_zone(body) == "UTC"
    assert "Due dates and lateness follow this clock" in body
    assert _post_settings(client, world, time_zone="Pacific/Honolulu").status_code == 302
    world.collaborative.refresh_from_db()
    assert world.collaborative.time_zone == "Pacific/Honolulu"
    assert _selected_zone(_settings(client, world).content.decode()) == "Pacific/Honolulu"
    # And the collaborative's date is now Honolulu's.
    late_evening = datetime(2026, 6, 11, 9, 30, tzinfo=UTC)
    assert world.collaborative.local(late_evening).date() == date(2026, 6, 10)


def test_a_time_zone_not_in_the_list_is_refused(client, world):
    client.force_login(world.host)
    response = _post_settings(client, world, time_zone="Mars/Olympus_Mons")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    world.collaborative.refresh_from_db()
    assert world.collaborative.time_zone == "UTC"


# 1 June 05:00 in UTC is still 31 May in Honolulu.
MAY_EVENING_IN_HONOLULU = datetime(2026, 6, 1, 5, tzinfo=UTC)


def _date_offered(client, url, name):
    with time_machine.travel(MAY_EVENING_IN_HONOLULU, tick=False):
        return typed_values(client.get(url))[name]


def test_a_new_team_joins_and_a_decision_is_dated_on_the_collaboratives_day(client, world):
    world.collaborative.time_zone = "Pacific/Honolulu"
    world.collaborative.save()
    client.force_login(world.host)  # who keeps UTC for their own pages: 1 June for them
    pk = world.collaborative.pk
    add_team = reverse("collaboratives:add-team", args=[pk])
    assert _date_offered(client, add_team, "joined_on") == "2026-05-31"
    charter = reverse("collaboratives:charter", args=[pk])
    assert _date_offered(client, charter, "decided_on") == "2026-05-31"


# ---------------------------------------------------------------- existing collaboratives

BEFORE = [("collaboratives", "0006_team_history_from")]
AFTER = [("collaboratives", "0007_collaborative_time_zone")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def _latest_afterwards():
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_latest_afterwards")
def test_existing_collaboratives_take_the_zone_of_the_host_who_made_them():
    old = _migrate(BEFORE)
    users = old.get_model("accounts", "User").objects
    maker = users.create(email="maker@example.test", full_name="M", time_zone="America/Chicago")
    host = users.create(email="host@example.test", full_name="H", time_zone="America/Denver")
    later = users.create(email="later@example.test", full_name="L", time_zone="Asia/Tokyo")
    odd = users.create(email="odd@example.test", full_name="O", time_zone="Nowhere/Special")
    organisation = old.get_model("collaboratives", "Organisation").objects.create(name="Host")
    collaboratives = old.get_model("collaboratives", "Collaborative").objects
    memberships = old.get_model("collaboratives", "CollaborativeMembership").objects

    def collaborative(name, created_by=None, hosts=()):
        made = collaboratives.create(
            name=name,
            topic="BP",
            start_on=date(2026, 1, 1),
            end_on=date(2026, 12, 31),
            host_organisation=organisation,
            created_by=created_by,
        )
        for day, person in enumerate(hosts, start=1):
            memberships.create(
                collaborative=made,
                user=person,
                role="host_admin",
                started_at=datetime(2026, 1, day, tzinfo=UTC),
            )
        return made.pk

    made_by_host = collaborative("Made by a host", created_by=maker, hosts=[host])
    made_by_staff = collaborative("Made in the admin", hosts=[host, later])
    unreadable = collaborative("Unknown zone", created_by=odd, hosts=[later])
    nobody = collaborative("No host")

    new = _migrate(AFTER)
    zones = dict(
        new.get_model("collaboratives", "Collaborative").objects.values_list("pk", "time_zone")
    )
    assert zones == {
        made_by_host: "America/Chicago",
        made_by_staff: "America/Denver",  # the first host admin
        unreadable: "Asia/Tokyo",
        nobody: "UTC",  # the site's TIME_ZONE
    }
    _migrate(BEFORE)  # and back: the column goes
    columns = [
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "collaboratives_collaborative"
        )
    ]
    assert "time_zone" not in columns
