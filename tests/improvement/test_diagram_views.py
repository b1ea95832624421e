"""The driver diagram's pages: the collaborative's outline and drawing, a team's adoption, the
starting points, and the drawing as SVG, PNG and PDF files."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from convene.collaboratives.models import CollaborativeRole
from convene.improvement import diagram
from convene.improvement.models import ChangeConcept, DriverNode, KeyChange, TeamDiagram

from ..factories import make_bp_metric


def _url(world, name, **kwargs):
    return reverse(
        f"improvement:{name}", kwargs={"collaborative_id": world.collaborative.pk, **kwargs}
    )


@pytest.fixture
def tree(world):
    c = world.collaborative
    c.aim_statement = "By June, 70% of our patients with hypertension under 140/90."
    c.save(update_fields=["aim_statement"])
    world.measure = diagram.add(c, "Accurate measurement")
    world.treat = diagram.add(c, "Treatment intensification")
    world.technique = diagram.add(c, "Standard technique", world.measure)
    world.cuffs = diagram.add(c, "Home BP cuffs", world.technique)
    return world


def _spec(response):
    found = re.search(
        r'<script id="diagram-spec" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


def _drawn_texts(spec):
    return [" ".join(value["lines"]) for value in spec["data"][0]["values"]]


def test_planners_see_the_outline_the_drawing_and_the_buttons(client, tree):
    client.force_login(tree.planning)
    response = client.get(_url(tree, "diagram"))
    page = response.content.decode()
    assert response.status_code == 200
    assert _drawn_texts(_spec(response)) == [
        "By June, 70% of our patients with hypertension under 140/90.",
        "Accurate measurement",
        "Standard technique",
        "Home BP cuffs",
        "Treatment intensification",
    ]
    assert 'Indent<span class="visually-hidden"> “Treatment intensification”</span>' in page
    assert 'Indent<span class="visually-hidden"> “Accurate measurement”</span>' not in page
    assert 'Outdent<span class="visually-hidden"> “Home BP cuffs”</span>' in page
    assert 'Add under<span class="visually-hidden"> “Home BP cuffs”' not in page  # an idea
    assert 'data-chart-spec="diagram-spec"' in page and "js/diagram.js" in page


def test_team_members_read_it_observers_and_outsiders_do_not(client, tree):
    client.force_login(tree.member)
    page = client.get(_url(tree, "diagram")).content.decode()
    assert "Home BP cuffs" in page
    assert "Indent" not in page and "Add a primary driver" not in page
    client.force_login(tree.observer)
    assert client.get(_url(tree, "diagram")).status_code == 403
    client.force_login(tree.outsider)
    assert client.get(_url(tree, "diagram")).status_code == 404
    client.force_login(tree.planning)
    assert client.post(_url(tree, "diagram")).status_code == 405
    assert client.get(_url(tree, "delete-node", node_id=tree.cuffs.pk)).status_code == 405


def test_an_empty_aim_links_to_the_charter_for_those_who_write_it(client, world):
    client.force_login(world.planning)
    page = client.get(_url(world, "diagram")).content.decode()
    assert "The charter has no aim statement yet." in page
    assert reverse("collaboratives:edit-charter", args=[world.collaborative.pk]) in page
    client.force_login(world.member)
    page = client.get(_url(world, "diagram")).content.decode()
    assert reverse("collaboratives:edit-charter", args=[world.collaborative.pk]) not in page


def _grow(collaborative, primaries):
    """``primaries`` primary drivers, each with two secondary drivers with two ideas each."""
    for p in range(primaries):
        primary = diagram.add(collaborative, f"Primary {p}")
        for s in range(2):
            secondary = diagram.add(collaborative, f"Secondary {p}.{s}", primary)
            for i in range(2):
                idea = diagram.add(collaborative, f"Idea {p}.{s}.{i}", secondary)
                idea.metrics.set([collaborative.metrics.first()])


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_7_or_49_boxes(client, world):
    make_bp_metric(world.collaborative)
    diagram.adopt(world.team_a, world.leader)
    client.force_login(world.leader)
    _grow(world.collaborative, 1)
    few = (
        _count(client, _url(world, "diagram")),
        _count(client, _url(world, "team-diagram", team_id=world.team_a.pk)),
    )
    _grow(world.collaborative, 6)
    assert DriverNode.objects.count() == 49
    many = (
        _count(client, _url(world, "diagram")),
        _count(client, _url(world, "team-diagram", team_id=world.team_a.pk)),
    )
    assert many == few


def test_adding_indenting_and_refusing_with_a_message(client, tree):
    client.force_login(tree.planning)
    response = client.post(_url(tree, "new-node"), {"text": "Self-management"})
    node = DriverNode.objects.get(text="Self-management")
    assert response["Location"].endswith(f"?focus={node.pk}#node-{node.pk}")
    assert node.parent is None
    client.post(_url(tree, "move-node", node_id=node.pk, operation="indent"))
    node.refresh_from_db()
    assert node.parent == tree.treat
    response = client.post(
        _url(tree, "move-node", node_id=tree.measure.pk, operation="indent"), follow=True
    )
    assert "there is no node above to indent it under" in response.content.decode()
    response = client.post(
        _url(tree, "move-node-under", node_id=tree.measure.pk),
        {"parent": tree.cuffs.pk},
        follow=True,
    )
    assert "cannot go under itself" in response.content.decode()
    tree.measure.refresh_from_db()
    assert tree.measure.parent is None
    assert (
        client.post(_url(tree, "move-node", node_id=node.pk, operation="sideways")).status_code
        == 404
    )


def test_adding_under_a_change_idea_is_refused(client, tree):
    client.force_login(tree.planning)
    response = client.get(_url(tree, "new-node") + f"?parent={tree.technique.pk}")
    assert f'<option value="{tree.technique.pk}" selected>' in response.content.decode()
    response = client.post(_url(tree, "new-node"), {"text": "Deep", "parent": tree.cuffs.pk})
    assert response.status_code == 400
    assert not DriverNode.objects.filter(text="Deep").exists()


def test_an_htmx_change_answers_with_the_messages_inside_the_swapped_part(client, tree):
    client.force_login(tree.planning)
    response = client.post(
        _url(tree, "move-node", node_id=tree.treat.pk, operation="outdent"),
        follow=True,
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    swapped = body[body.index('<div id="diagram-body"') :]
    assert "is a primary driver already" in swapped


def test_editing_an_idea_links_key_changes_and_metrics_and_refuses_a_stale_save(client, tree):
    concept = ChangeConcept.objects.create(collaborative=tree.collaborative, name="Measure")
    repeat = KeyChange.objects.create(concept=concept, name="Repeat high readings")
    metric = make_bp_metric(tree.collaborative)
    client.force_login(tree.planning)
    url = _url(tree, "edit-node", node_id=tree.cuffs.pk)
    page = client.get(url).content.decode()
    assert "Repeat high readings" in page and "Move it elsewhere" in page
    data = {
        "text": "Lend home cuffs",
        "description": "Validated cuffs",
        "key_changes": [repeat.pk],
        "metrics": [metric.pk],
        "version": 1,
    }
    assert client.post(url, data).status_code == 302
    tree.cuffs.refresh_from_db()
    assert tree.cuffs.text == "Lend home cuffs" and tree.cuffs.version == 2
    assert list(tree.cuffs.key_changes.all()) == [repeat]
    page = client.get(_url(tree, "diagram")).content.decode()
    assert "Key changes: Repeat high readings" in page and "Lend home cuffs" in page
    stale = client.post(url, {**data, "text": "Typed from a stale copy"})
    assert stale.status_code == 409
    assert "Typed from a stale copy" in stale.content.decode()
    # A secondary driver has no links to offer.
    page = client.get(_url(tree, "edit-node", node_id=tree.technique.pk)).content.decode()
    assert "Repeat high readings" not in page


def test_deleting_a_driver_takes_its_subtree_and_the_host_restores_it(client, tree):
    client.force_login(tree.planning)
    response = client.post(_url(tree, "delete-node", node_id=tree.measure.pk), follow=True)
    assert "with the 2 boxes under it" in response.content.decode()
    assert not DriverNode.objects.filter(text="Home BP cuffs").exists()
    client.force_login(tree.host)
    restore = reverse(
        "collaboratives:restore-item",
        args=[tree.collaborative.pk, "driver_node", tree.measure.pk],
    )
    assert client.post(restore).status_code == 302
    assert DriverNode.objects.filter(text="Home BP cuffs").exists()


def test_the_drawing_downloads_as_svg_png_and_pdf(client, tree):
    client.force_login(tree.member)
    svg = client.get(_url(tree, "diagram-file", fmt="svg"))
    assert svg["Content-Type"] == "image/svg+xml"
    text = svg.content.decode()
    assert "<title>Driver diagram: Hypertension Collaborative</title>" in text
    assert "<desc>Aim: By June" in text
    for shown in ("Accurate measurement", "Home BP cuffs", "Change ideas", "Primary drivers"):
        assert shown in text
    png = client.get(_url(tree, "diagram-file", fmt="png"))
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(_url(tree, "diagram-file", fmt="pdf"))
    assert pdf.content[:5] == b"%PDF-"
    assert 'filename="hypertension-collaborative-driver-diagram.pdf"' in pdf["Content-Disposition"]
    assert client.get(_url(tree, "diagram-file", fmt="gif")).status_code == 404


def test_a_team_adopts_the_diagram_and_adds_its_own(client, tree):
    team_url = _url(tree, "team-diagram", team_id=tree.team_a.pk)
    client.force_login(tree.member)
    page = client.get(team_url).content.decode()
    assert "Adopt the collaborative&#x27;s diagram" in page or "Adopt the collaborative's" in page
    assert "Add a primary driver" not in page
    client.post(_url(tree, "adopt-diagram", team_id=tree.team_a.pk))
    assert TeamDiagram.objects.get(team=tree.team_a).adopted_by == tree.member
    client.post(
        _url(tree, "new-team-node", team_id=tree.team_a.pk),
        {"text": "Blood pressure kiosk", "parent": tree.technique.pk},
    )
    kiosk = DriverNode.objects.get(text="Blood pressure kiosk")
    assert kiosk.team == tree.team_a and kiosk.parent == tree.technique
    response = client.get(team_url)
    page = response.content.decode()
    assert "our own" in page and "Blood pressure kiosk" in page
    drawn = {v["lines"][0]: v["own"] for v in _spec(response)["data"][0]["values"]}
    assert drawn["Blood pressure kiosk"] is True and drawn["Home BP cuffs"] is False
    # The team changes its own nodes, not the collaborative's.
    assert client.get(_url(tree, "edit-node", node_id=kiosk.pk)).status_code == 200
    assert client.get(_url(tree, "edit-node", node_id=tree.cuffs.pk)).status_code == 403
    assert 'Edit<span class="visually-hidden"> “Home BP cuffs”' not in page
    # The reference stays the collaborative's, and its changes show in the team's diagram.
    assert "Blood pressure kiosk" not in client.get(_url(tree, "diagram")).content.decode()
    diagram.add(tree.collaborative, "Team-based care")
    assert "Team-based care" in client.get(team_url).content.decode()
    # Another team's people do not read this team's diagram.
    client.force_login(tree.other_team)
    assert client.get(team_url).status_code == 403
    team_b_url = _url(tree, "team-diagram", team_id=tree.team_b.pk)
    assert "Blood pressure kiosk" not in client.get(team_b_url).content.decode()
    svg = client.get(_url(tree, "team-diagram-file", team_id=tree.team_a.pk, fmt="svg"))
    assert svg.status_code == 403


def test_a_team_adds_nothing_before_adopting(client, tree):
    client.force_login(tree.member)
    url = _url(tree, "new-team-node", team_id=tree.team_a.pk)
    response = client.post(url, {"text": "Too early"})
    assert response.status_code == 302
    assert not DriverNode.objects.filter(text="Too early").exists()


def test_starting_from_a_built_in_diagram_or_a_hosted_collaborative(client, world):
    other = world.other_collaborative
    other.add_member(world.planning, CollaborativeRole.PLANNING)
    diagram.add(other, "Landlord engagement, our way")
    client.force_login(world.planning)
    page = client.get(_url(world, "diagram-start")).content.decode()
    assert "Hypertension control" in page and "Rapid re-housing" in page
    assert "Landlord engagement, our way" in page
    client.post(_url(world, "diagram-start"), {"point": "hypertension"})
    client.post(_url(world, "diagram-start"), {"source": other.pk})
    roots = [n.text for n in diagram.outline_of(world.collaborative.pk).roots]
    assert roots == [
        "Accurate blood-pressure measurement",
        "Treatment intensification",
        "Patient self-management support",
        "Landlord engagement, our way",
    ]
    response = client.post(_url(world, "diagram-start"), {"source": 999999}, follow=True)
    assert "Choose one of the diagrams listed." in response.content.decode()
    client.force_login(world.faculty)
    assert client.get(_url(world, "diagram-start")).status_code == 403
