"""The driver diagram's outline operations (``improvement/diagram.py``)."""

from __future__ import annotations

import pytest
import time_machine

from convene.collaboratives.models import AuditEvent
from convene.improvement import diagram
from convene.improvement.models import ChangeConcept, DriverNode, KeyChange
from convene.improvement.starting_points import STARTING_POINTS
from convene.measures.models import Metric

from ..factories import make_bp_metric


def _shape(collaborative, team=None):
    """The outline as nested (text, [children]) pairs, the way a reader sees it."""

    def shape(node):
        return (node.text, [shape(kid) for kid in node.kids])

    return [shape(root) for root in diagram.outline_of(collaborative.pk, team).roots]


@pytest.fixture
def tree(world):
    c = world.collaborative
    world.measure = diagram.add(c, "Accurate measurement")
    world.treat = diagram.add(c, "Treatment intensification")
    world.technique = diagram.add(c, "Standard technique", world.measure)
    world.cuffs = diagram.add(c, "Home BP cuffs", world.technique)
    world.repeat = diagram.add(c, "Repeat high readings", world.technique)
    return world


def test_kinds_follow_depth_and_new_nodes_go_last(tree):
    outline = diagram.outline_of(tree.collaborative.pk)
    assert [(n.text, n.kind) for n in outline.walk()] == [
        ("Accurate measurement", "primary"),
        ("Standard technique", "secondary"),
        ("Home BP cuffs", "idea"),
        ("Repeat high readings", "idea"),
        ("Treatment intensification", "primary"),
    ]
    assert outline.counts() == {"primary": 2, "secondary": 1, "idea": 2}


def test_change_ideas_have_nothing_under_them(tree):
    with pytest.raises(diagram.DiagramError, match="Change ideas have nothing under them"):
        diagram.add(tree.collaborative, "Too deep", tree.cuffs)


def test_indent_makes_a_node_the_last_child_of_the_one_above(tree):
    diagram.indent(tree.treat)
    assert _shape(tree.collaborative) == [
        (
            "Accurate measurement",
            [
                ("Standard technique", [("Home BP cuffs", []), ("Repeat high readings", [])]),
                ("Treatment intensification", []),
            ],
        )
    ]


def test_indent_is_refused_for_the_first_node_and_beyond_three_levels(tree):
    with pytest.raises(diagram.DiagramError, match="no node above"):
        diagram.indent(tree.measure)
    with pytest.raises(diagram.DiagramError, match="three levels"):
        diagram.indent(tree.repeat)  # under Home BP cuffs: a fourth level
    # A primary driver with grandchildren cannot go under another primary driver either.
    diagram.move(tree.treat, -1)
    tree.measure.refresh_from_db()
    with pytest.raises(diagram.DiagramError, match="three levels"):
        diagram.indent(tree.measure)
    assert _shape(tree.collaborative)[1][0] == "Accurate measurement"


def test_outdent_makes_a_node_the_next_sibling_of_its_parent(tree):
    diagram.outdent(tree.cuffs)
    assert _shape(tree.collaborative) == [
        (
            "Accurate measurement",
            [
                ("Standard technique", [("Repeat high readings", [])]),
                ("Home BP cuffs", []),
            ],
        ),
        ("Treatment intensification", []),
    ]
    with pytest.raises(diagram.DiagramError, match="primary driver already"):
        diagram.outdent(tree.measure)


def test_moving_up_and_down_among_siblings(tree):
    assert diagram.move(tree.repeat, -1) is True
    assert diagram.move(tree.repeat, -1) is False  # already first
    assert _shape(tree.collaborative)[0][1][0][1] == [
        ("Repeat high readings", []),
        ("Home BP cuffs", []),
    ]


def test_move_under_another_parent_carries_the_subtree(tree):
    diagram.move_under(tree.technique, tree.treat)
    assert _shape(tree.collaborative) == [
        ("Accurate measurement", []),
        (
            "Treatment intensification",
            [("Standard technique", [("Home BP cuffs", []), ("Repeat high readings", [])])],
        ),
    ]
    event = AuditEvent.objects.filter(object_repr="Standard technique", action="update").last()
    assert event.after == {"parent_id": tree.treat.pk}  # the move is in the audit log


def test_a_node_never_goes_under_itself_or_its_descendants(tree):
    with pytest.raises(diagram.DiagramError, match="under itself"):
        diagram.move_under(tree.measure, tree.measure)
    with pytest.raises(diagram.DiagramError, match="under itself"):
        diagram.move_under(tree.measure, tree.technique)
    with pytest.raises(diagram.DiagramError, match="three levels"):
        diagram.move_under(tree.measure, tree.treat)  # not its own, but too deep
    assert _shape(tree.collaborative)[0][0] == "Accurate measurement"


def test_parent_choices_leave_out_the_subtree_and_what_is_too_deep(tree):
    outline = diagram.outline_of(tree.collaborative.pk)
    technique = outline.by_id[tree.technique.pk]
    choices = [n.text for n in diagram.parent_choices(outline, technique)]
    assert choices == ["Accurate measurement", "Treatment intensification"]
    cuffs = outline.by_id[tree.cuffs.pk]
    assert [n.text for n in diagram.parent_choices(outline, cuffs)] == [
        "Accurate measurement",
        "Standard technique",
        "Treatment intensification",
    ]


def test_deleting_takes_the_subtree_and_restoring_brings_it_back(tree):
    older = diagram.add(tree.collaborative, "Already gone", tree.technique)
    with time_machine.travel("2026-03-01 09:00Z"):
        older.soft_delete(tree.host)
    with time_machine.travel("2026-03-02 09:00Z"):
        tree.measure.soft_delete(tree.host)
    assert _shape(tree.collaborative) == [("Treatment intensification", [])]
    gone = DriverNode.all_objects.filter(deleted_at__isnull=False)
    assert gone.filter(deleted_at="2026-03-02 09:00Z").count() == 4
    # Restored through the model, as the Deleted items page does.
    DriverNode.all_objects.get(pk=tree.measure.pk).restore()
    assert _shape(tree.collaborative)[0] == (
        "Accurate measurement",
        [("Standard technique", [("Home BP cuffs", []), ("Repeat high readings", [])])],
    )
    assert DriverNode.all_objects.get(pk=older.pk).is_deleted  # deleted before, stays deleted


def test_restoring_a_child_brings_back_its_deleted_parent(tree):
    tree.measure.soft_delete(tree.host)
    DriverNode.all_objects.get(pk=tree.cuffs.pk).restore()
    assert _shape(tree.collaborative)[0] == (
        "Accurate measurement",
        [("Standard technique", [("Home BP cuffs", [])])],
    )


def test_a_team_adds_its_own_under_the_collaboratives_nodes(tree):
    team = tree.team_a
    own = diagram.add(tree.collaborative, "Blood pressure kiosk", tree.technique, team=team)
    assert _shape(tree.collaborative)[0][1][0][1] == [
        ("Home BP cuffs", []),
        ("Repeat high readings", []),
    ]  # the reference is unchanged
    team_outline = diagram.outline_of(tree.collaborative.pk, team.pk)
    ideas = [(n.text, n.is_own) for n in team_outline.by_id[tree.technique.pk].kids]
    assert ideas == [
        ("Home BP cuffs", False),
        ("Repeat high readings", False),
        ("Blood pressure kiosk", True),
    ]
    other = diagram.outline_of(tree.collaborative.pk, tree.team_b.pk)
    assert own.pk not in other.by_id
    # The team's node moves among the team's own; outdenting puts it first of its own there.
    diagram.outdent(own)
    team_outline = diagram.outline_of(tree.collaborative.pk, team.pk)
    assert [n.text for n in team_outline.by_id[tree.measure.pk].kids] == [
        "Standard technique",
        "Blood pressure kiosk",
    ]


def test_copying_keeps_links_only_where_the_target_has_the_same_names(world):
    source = world.other_collaborative
    concept = ChangeConcept.objects.create(collaborative=source, name="Measure")
    repeat = KeyChange.objects.create(concept=concept, name="Repeat high readings")
    lonely = KeyChange.objects.create(concept=concept, name="Only over there")
    metric = make_bp_metric(source)
    primary = diagram.add(source, "Accurate measurement")
    secondary = diagram.add(source, "Technique", primary)
    idea = diagram.add(source, "Repeat after five minutes", secondary)
    idea.key_changes.set([repeat, lonely])
    idea.metrics.set([metric])

    target = world.collaborative
    diagram.add(target, "Already here")
    here = ChangeConcept.objects.create(collaborative=target, name="Measure")
    repeat_here = KeyChange.objects.create(concept=here, name="repeat HIGH readings")
    metric_here = make_bp_metric(target)
    added = diagram.copy_into(diagram.drafts_of(diagram.outline_of(source.pk)), target)
    assert added == 3
    assert _shape(target) == [
        ("Already here", []),
        ("Accurate measurement", [("Technique", [("Repeat after five minutes", [])])]),
    ]
    copied = DriverNode.objects.get(collaborative=target, text="Repeat after five minutes")
    assert list(copied.key_changes.all()) == [repeat_here]
    assert list(copied.metrics.all()) == [metric_here]
    assert Metric.objects.filter(pk=metric.pk).exists()


@pytest.mark.parametrize("key", sorted(STARTING_POINTS))
def test_each_starting_point_is_a_full_three_level_diagram(world, key):
    point = STARTING_POINTS[key]
    added = diagram.copy_into(point.drafts(), world.collaborative)
    assert added == point.count()
    outline = diagram.outline_of(world.collaborative.pk)
    assert len(outline.roots) >= 3
    for primary in outline.roots:
        assert 2 <= len(primary.kids) <= 4, primary.text
        for secondary in primary.kids:
            assert 1 <= len(secondary.kids) <= 3, secondary.text


def test_the_hypertension_starting_point_names_its_three_drivers(world):
    texts = [str(primary) for primary, _rest in STARTING_POINTS["hypertension"].tree]
    assert texts == [
        "Accurate blood-pressure measurement",
        "Treatment intensification",
        "Patient self-management support",
    ]
