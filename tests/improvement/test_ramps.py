"""Ramps: the order of cycles that build on one another, forks, and deleted cycles."""

from __future__ import annotations

from datetime import date

from convene.improvement.models import PDSACycle
from convene.improvement.ramps import descendants, forest, next_scale, ramp_of, scale_path


def cycle(world, title, builds_on=None, starts_on=None, **fields) -> PDSACycle:
    return PDSACycle.objects.create(
        collaborative=world.collaborative,
        team=fields.pop("team", world.team_a),
        title=title,
        builds_on=builds_on,
        starts_on=starts_on,
        **fields,
    )


def titles(steps) -> list[tuple[str, int]]:
    return [(step.cycle.title, step.depth) for step in steps]


def test_a_ramp_runs_from_its_root_by_builds_on(world) -> None:
    one = cycle(world, "1 patient", starts_on=date(2026, 2, 1), scale="1 patient")
    five = cycle(world, "5 patients", one, date(2026, 2, 8), scale="5 patients")
    session = cycle(world, "A session", five, date(2026, 2, 15), scale="one clinic session")
    cycle(world, "Unrelated", starts_on=date(2026, 1, 1))
    # Asked from any cycle of it, the ramp is the same, root first.
    for member in (one, five, session):
        assert titles(ramp_of(member)) == [("1 patient", 0), ("5 patients", 1), ("A session", 2)]
    path = scale_path(ramp_of(five), five)
    assert [step.cycle.scale for step in path] == ["1 patient", "5 patients", "one clinic session"]


def test_forks_are_ordered_by_start_date_then_id(world) -> None:
    root = cycle(world, "Root", starts_on=date(2026, 3, 1))
    late = cycle(world, "Late branch", root, date(2026, 3, 20))
    early = cycle(world, "Early branch", root, date(2026, 3, 10))
    undated = cycle(world, "Undated branch", root)
    same_day = cycle(world, "Same day as early", root, date(2026, 3, 10))
    deeper = cycle(world, "Under early", early, date(2026, 3, 12))
    assert titles(ramp_of(late)) == [
        ("Root", 0),
        ("Early branch", 1),
        ("Under early", 2),
        ("Same day as early", 1),  # same date: the older id first
        ("Late branch", 1),
        ("Undated branch", 1),  # no date yet: last
    ]
    assert same_day.pk > early.pk
    assert descendants(root.pk, PDSACycle.objects.all()) == {
        late.pk,
        early.pk,
        undated.pk,
        same_day.pk,
        deeper.pk,
    }


def test_a_deleted_cycle_in_the_middle_is_passed_over(world) -> None:
    one = cycle(world, "One", starts_on=date(2026, 4, 1))
    two = cycle(world, "Two", one, date(2026, 4, 8))
    three = cycle(world, "Three", two, date(2026, 4, 15))
    two.soft_delete(world.data_lead)
    steps = ramp_of(three)
    assert titles(steps) == [("One", 0), ("Three", 1)]
    assert steps[1].parent == one


def test_cycles_not_shown_are_passed_over_too(world) -> None:
    one = cycle(world, "Shared first", starts_on=date(2026, 4, 1), is_shared=True)
    two = cycle(world, "Private", one, date(2026, 4, 8))
    three = cycle(world, "Shared third", two, date(2026, 4, 15), is_shared=True)
    steps = ramp_of(three, shown=lambda c: c.is_shared)
    assert titles(steps) == [("Shared first", 0), ("Shared third", 1)]


def test_a_ramp_is_one_query_however_long(world, django_assert_num_queries) -> None:
    previous = None
    for number in range(12):
        previous = cycle(world, f"Cycle {number}", previous, date(2026, 5, 1 + number))
    with django_assert_num_queries(1):
        steps = ramp_of(previous)
    assert len(steps) == 12 and steps[-1].depth == 11


def test_the_forest_groups_a_teams_cycles_into_ramps(world) -> None:
    a = cycle(world, "A", starts_on=date(2026, 1, 5))
    cycle(world, "A2", a, date(2026, 1, 12))
    cycle(world, "B", starts_on=date(2026, 1, 1))
    ramps = forest(PDSACycle.objects.filter(team=world.team_a))
    assert [titles(steps) for steps in ramps] == [[("B", 0)], [("A", 0), ("A2", 1)]]


def test_next_scale_suggests_a_bigger_test() -> None:
    assert next_scale("1 patient") == "5 patients"
    assert next_scale("1 clinic session") == "5 clinic sessions"
    assert next_scale("5 patients") == "20 patients"
    assert next_scale("all sessions") == ""
    assert next_scale("") == ""
