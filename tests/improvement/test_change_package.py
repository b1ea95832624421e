"""The change package: concepts and key changes the planners write, metrics linked to them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import AuditEvent
from convene.improvement.models import ChangeConcept, KeyChange
from convene.measures.models import Metric

from ..collaboratives.test_permission_matrix import METRIC_FORM


@pytest.fixture
def package(world):
    measuring = ChangeConcept.objects.create(
        collaborative=world.collaborative, name="Measure accurately", position=0
    )
    treating = ChangeConcept.objects.create(
        collaborative=world.collaborative, name="Intensify treatment", position=1
    )
    world.technique = KeyChange.objects.create(concept=measuring, name="Standard technique")
    world.repeat = KeyChange.objects.create(concept=measuring, name="Repeat a high reading")
    world.protocol = KeyChange.objects.create(concept=treating, name="Treatment protocol")
    world.measuring = measuring
    return world


def _url(world, name, **kwargs):
    return reverse(
        f"improvement:{name}", kwargs={"collaborative_id": world.collaborative.pk, **kwargs}
    )


def test_a_planner_builds_the_package_and_everyone_taking_part_reads_it(client, world):
    client.force_login(world.planning)
    response = client.post(
        _url(world, "new-concept"),
        {"name": "Partner with patients", "description": "Patients take part in their care."},
    )
    concept = ChangeConcept.objects.get(name="Partner with patients")
    assert response["Location"].endswith(f"#concept-{concept.pk}")
    client.post(
        _url(world, "new-key-change", concept_id=concept.pk),
        {"concept": concept.pk, "name": "Home readings", "description": "Loaner cuffs."},
    )
    assert list(concept.key_changes.values_list("name", flat=True)) == ["Home readings"]
    assert AuditEvent.objects.filter(object_repr="Home readings", action="create").exists()

    client.force_login(world.member)
    page = client.get(_url(world, "package")).content.decode()
    assert "Partner with patients" in page and "Home readings" in page
    assert "Add a key change" not in page  # team members read, planners write
    client.force_login(world.observer)
    assert client.get(_url(world, "package")).status_code == 403


def test_a_concept_or_key_change_needs_a_name(client, world):
    client.force_login(world.host)
    response = client.post(_url(world, "new-concept"), {"name": "", "description": "Why"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert "Why</textarea>" in response.content.decode()
    assert not ChangeConcept.objects.exists()


def test_metrics_name_the_key_changes_they_measure(client, package):
    world = package
    client.force_login(world.planning)
    data = {**METRIC_FORM, "key_changes": [world.technique.pk, world.protocol.pk]}
    client.post(reverse("measures:new-metric", args=[world.collaborative.pk]), data)
    metric = Metric.objects.get(short_name="No-shows")
    assert set(metric.key_changes.all()) == {world.technique, world.protocol}

    edit = reverse("measures:edit-metric", args=[world.collaborative.pk, metric.pk])
    form = client.get(edit).content.decode()
    # Grouped by concept, in the package's order, with the metric's choices ticked.
    assert form.index("Measure accurately") < form.index("Intensify treatment")
    boxes = {
        int(value): "checked" in tag
        for tag, value in re.findall(
            r'(<input[^>]*name="key_changes"[^>]*value="(\d+)"[^>]*>)', form
        )
    }
    assert boxes == {world.technique.pk: True, world.repeat.pk: False, world.protocol.pk: True}
    client.post(edit, {**METRIC_FORM, "key_changes": [world.repeat.pk], "version": 1})
    assert list(metric.key_changes.all()) == [world.repeat]

    detail = client.get(reverse("measures:metric", args=[world.collaborative.pk, metric.pk]))
    assert "Repeat a high reading" in detail.content.decode()
    page = client.get(_url(world, "package")).content.decode()
    section = page[page.index("Repeat a high reading") :]
    assert "No-shows" in section[: section.index("</li>")]


def test_key_changes_of_another_collaborative_cannot_be_linked(client, package):
    world = package
    other = ChangeConcept.objects.create(collaborative=world.other_collaborative, name="Elsewhere")
    stranger = KeyChange.objects.create(concept=other, name="Not ours")
    client.force_login(world.planning)
    data = {**METRIC_FORM, "key_changes": [stranger.pk]}
    response = client.post(reverse("measures:new-metric", args=[world.collaborative.pk]), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Metric.objects.filter(short_name="No-shows").exists()


def test_an_edit_from_a_stale_copy_is_refused_and_keeps_the_text(client, package):
    world = package
    url = _url(world, "edit-concept", concept_id=world.measuring.pk)
    client.force_login(world.host)
    client.post(url, {"name": "Measure well", "description": "", "version": 1})
    client.force_login(world.planning)
    response = client.post(url, {"name": "Measure right", "description": "", "version": 1})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this while you were editing." in page
    assert 'value="Measure right"' in page
    world.measuring.refresh_from_db()
    assert world.measuring.name == "Measure well"


def test_a_key_change_moves_to_another_concept(client, package):
    world = package
    treating = ChangeConcept.objects.get(name="Intensify treatment")
    url = _url(world, "edit-key-change", key_change_id=world.repeat.pk)
    client.force_login(world.planning)
    client.post(url, {"concept": treating.pk, "name": "Repeat a high reading", "version": 1})
    world.repeat.refresh_from_db()
    assert world.repeat.concept == treating


def test_deleted_concepts_leave_the_page_and_metrics_and_can_be_restored(client, package):
    world = package
    metric = Metric.objects.create(
        collaborative=world.collaborative,
        name="Blood-pressure control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        direction="up",
    )
    metric.key_changes.set([world.technique, world.protocol])
    client.force_login(world.host)
    client.post(_url(world, "delete-concept", concept_id=world.measuring.pk))
    page = client.get(_url(world, "package")).content.decode()
    assert f'id="concept-{world.measuring.pk}"' not in page
    assert "Standard technique" not in page
    detail = client.get(reverse("measures:metric", args=[world.collaborative.pk, metric.pk]))
    assert "Standard technique" not in detail.content.decode()
    assert "Treatment protocol" in detail.content.decode()
    # A key change of a deleted concept cannot be edited on its own.
    edit = _url(world, "edit-key-change", key_change_id=world.technique.pk)
    assert client.get(edit).status_code == 404

    deleted = client.get(reverse("collaboratives:deleted", args=[world.collaborative.pk]))
    assert "Measure accurately" in deleted.content.decode()
    client.post(
        reverse(
            "collaboratives:restore-item",
            args=[world.collaborative.pk, "concept", world.measuring.pk],
        )
    )
    page = client.get(_url(world, "package")).content.decode()
    assert "Standard technique" in page  # back with its key changes and links
    assert set(metric.key_changes.all()) == {world.technique, world.protocol}


def test_the_page_reads_in_the_same_queries_however_big_the_package(client, package):
    world = package
    client.force_login(world.member)
    url = _url(world, "package")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        concept = ChangeConcept.objects.create(collaborative=world.collaborative, name=f"C{n}")
        for m in range(4):
            key_change = KeyChange.objects.create(concept=concept, name=f"K{n}.{m}")
            metric = Metric.objects.create(
                collaborative=world.collaborative,
                name=f"M{n}.{m}",
                short_name=f"M{n}.{m}",
                conceptual_definition="x",
                kind="count",
                direction="down",
            )
            key_change.metrics.set([metric])
    with CaptureQueriesContext(connection) as big:
        page = client.get(url).content.decode()
    assert "K4.3" in page and "M4.3" in page
    assert len(big) == len(small)


def test_planners_put_concepts_and_key_changes_in_order(client, package):
    world = package
    client.force_login(world.planning)
    treating = ChangeConcept.objects.get(name="Intensify treatment")
    client.post(_url(world, "move-concept", concept_id=treating.pk, direction="up"))
    assert list(world.collaborative.change_concepts.values_list("name", flat=True)) == [
        "Intensify treatment",
        "Measure accurately",
    ]
    # Already first: nothing moves.
    client.post(_url(world, "move-concept", concept_id=treating.pk, direction="up"))
    assert world.collaborative.change_concepts.first() == treating
    client.post(_url(world, "move-key-change", key_change_id=world.technique.pk, direction="down"))
    assert list(world.measuring.key_changes.values_list("name", flat=True)) == [
        "Repeat a high reading",
        "Standard technique",
    ]
    page = client.get(_url(world, "package")).content.decode()
    assert page.index("Intensify treatment") < page.index("Measure accurately")
    assert page.index("Repeat a high reading") < page.index("Standard technique")
    assert (
        client.post(
            _url(world, "move-concept", concept_id=treating.pk, direction="sideways")
        ).status_code
        == 404
    )


def test_a_host_starts_from_the_package_of_an_earlier_collaborative(client, package):
    world = package
    earlier = world.collaborative
    bp = Metric.objects.create(
        collaborative=earlier,
        name="Blood-pressure control",
        short_name="BP control",
        conceptual_definition="Controlled share",
        kind="proportion",
        direction="up",
    )
    world.repeat.metrics.set([bp])
    from ..factories import make_collaborative

    later = make_collaborative("Hypertension 2027")
    later.add_member(world.host, "host_admin")
    same_measure = bp.copy_to(later)
    ChangeConcept.objects.create(collaborative=later, name="Already here")

    client.force_login(world.host)
    copy_url = reverse("improvement:copy", args=[later.pk])
    page = client.get(copy_url).content.decode()
    assert "Hypertension Collaborative" in page and "Repeat a high reading" in page
    client.post(copy_url, {"source": earlier.pk})
    assert list(later.change_concepts.values_list("name", flat=True)) == [
        "Already here",
        "Measure accurately",
        "Intensify treatment",
    ]
    copied = KeyChange.objects.get(concept__collaborative=later, name="Repeat a high reading")
    assert list(copied.metrics.all()) == [same_measure]  # linked by short name
    assert list(world.repeat.metrics.all()) == [bp]  # the original is untouched


def test_only_packages_one_hosts_or_plans_can_be_copied(client, package):
    world = package
    stranger_package = ChangeConcept.objects.create(
        collaborative=world.other_collaborative, name="Not yours"
    )
    client.force_login(world.host)
    copy_url = reverse("improvement:copy", args=[world.collaborative.pk])
    page = client.get(copy_url).content.decode()
    assert "Not yours" not in page
    response = client.post(copy_url, {"source": stranger_package.collaborative_id})
    assert response.status_code == 400
    assert "Choose one of the collaboratives listed." in response.content.decode()
    assert not world.collaborative.change_concepts.filter(name="Not yours").exists()
