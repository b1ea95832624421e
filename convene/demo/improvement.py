"""The demo's improvement work: driver diagrams, PDSA cycles in ramps, action plans.

Dates follow the figures and the demo's today: a team's "shift" ramp leads up to the month its
figures start to improve (``figures.team_story``), its "recent" ramp ends in a cycle under way
or planned around today, and its action plan follows the last learning session before today.
Every row is written while acting as the person who would have written it, so the audit log
reads as the teams' own history. Running it again adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from convene.collaboratives.audit import acting_as
from convene.collaboratives.models import CoachAssignment, Collaborative, Team
from convene.demo.figures import team_story
from convene.demo.stories import RAMPS, TEAM_DIAGRAMS, TEAMS
from convene.improvement.models import (
    ActionPlan,
    ActionStep,
    Comment,
    DriverNode,
    KeyChange,
    PDSACycle,
    PDSACycleRevision,
    TeamDiagram,
)

# A shift ramp's cycles start at these fractions of the weeks before the shift month (at most
# 30 days, never before the team joined) and last this long: small tests are short, the last
# runs on into the month the figures move.
SHIFT_STARTS = (0.0, 0.3, 0.6, 0.9)
SHIFT_LASTS = (2, 4, 7, 21)
# A team's second ramp of abandoned ideas starts this much later than its first.
NEXT_RAMP_GAP = 45


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)), timezone.get_fixed_timezone(0))


def load_improvement(collaborative: Collaborative, spec: dict[str, Any], users: dict) -> None:
    """The diagram, the teams' cycles and their action plans, for what is not there yet."""
    author = users[next(e for e, role in spec["roles"] if role == "planning")]
    nodes = _diagram(collaborative, spec.get("driver_diagram", []), author)
    world = _World(collaborative, spec)
    for index, team in enumerate(world.teams):
        story = TEAMS.get(team.name)
        if story is None:
            continue
        people = world.people(team)
        ideas = dict(nodes)
        ideas.update(_team_diagram(team, people, collaborative))
        if PDSACycle.all_objects.filter(team=team).exists():
            continue
        _rng, _improves, change_at = team_story(collaborative, team.name, index)
        shift_on = world.periods[min(change_at, len(world.periods) - 1)].starts_on
        cycles = _cycles(world, team, story, people, ideas, shift_on)
        _plan(world, team, story, people, cycles)


class _World:
    """What every team's story reads: the collaborative's today, periods, metrics, coaches."""

    def __init__(self, collaborative: Collaborative, spec: dict[str, Any]) -> None:
        self.collaborative = collaborative
        self.today = collaborative.today()
        self.periods = list(collaborative.periods.order_by("starts_on"))
        self.metrics = {m.short_name: m for m in collaborative.metrics.filter(team__isnull=True)}
        self.teams = list(collaborative.teams.order_by("pk"))
        self.by_name = {team.name: team for team in self.teams}
        self.coaches = {
            a.team_id: a.coach
            for a in CoachAssignment.objects.current().filter(team__collaborative=collaborative)
        }
        past = [s for s in spec.get("learning_sessions", []) if s[0] <= self.today - timedelta(7)]
        self.session = past[-1] if past else (collaborative.start_on, "")
        self._people: dict[int, dict[str, Any]] = {}
        by_pk = {m.pk: m for m in self.metrics.values()}
        links = DriverNode.metrics.through.objects.filter(
            drivernode__collaborative=collaborative
        ).order_by("pk")
        self._metric_of: dict[int, Any] = {}
        for link in links:
            self._metric_of.setdefault(link.drivernode_id, by_pk.get(link.metric_id))

    def people(self, team: Team) -> dict[str, Any]:
        """The team's current members by role (the first of each role)."""
        if team.pk not in self._people:
            found: dict[str, Any] = {}
            for membership in team.memberships.current().select_related("user").order_by("pk"):
                found.setdefault(membership.role, membership.user)
            self._people[team.pk] = found
        return self._people[team.pk]

    def metric_of(self, node: DriverNode | None) -> Any:
        """The first metric an idea moves: the one its decisive cycle is read against."""
        return self._metric_of.get(node.pk) if node is not None else None

    def period_of(self, day: date) -> Any:
        return next((p for p in self.periods if p.starts_on <= day <= p.ends_on), None)


def _diagram(
    collaborative: Collaborative, primaries: list[Any], author: Any
) -> dict[str, DriverNode]:
    existing = DriverNode.all_objects.filter(collaborative=collaborative, team__isnull=True)
    if existing.exists():
        return {node.text: node for node in existing}
    key_changes = {
        k.name: k for k in KeyChange.objects.filter(concept__collaborative=collaborative)
    }
    metrics = {m.short_name: m for m in collaborative.metrics.filter(team__isnull=True)}
    nodes: dict[str, DriverNode] = {}

    def add(text: str, parent: DriverNode | None, position: int, about: str = "") -> DriverNode:
        node = DriverNode.objects.create(
            collaborative=collaborative,
            parent=parent,
            text=text,
            description=about,
            position=position,
            created_at=_noon(collaborative.start_on - timedelta(days=20)),
        )
        nodes[text] = node
        return node

    with acting_as(author):
        for p, (primary, about, secondaries) in enumerate(primaries):
            top = add(primary, None, p, about)
            for s, (secondary, ideas) in enumerate(secondaries):
                middle = add(secondary, top, s)
                for i, (idea, changes, measured_by) in enumerate(ideas):
                    node = add(idea, middle, i)
                    node.key_changes.add(*[key_changes[name] for name in changes])
                    node.metrics.add(*[metrics[short] for short in measured_by])
    return nodes


def _team_diagram(team: Team, people: dict[str, Any], collaborative: Collaborative) -> dict:
    """Adopt the diagram and add the team's own idea, where the story says so."""
    if team.name not in TEAM_DIAGRAMS:
        return {}
    under, text, about = TEAM_DIAGRAMS[team.name]
    existing = DriverNode.all_objects.filter(team=team, text=text).first()
    if existing is not None:
        return {text: existing}
    leader = people.get("change_leader")
    parent = DriverNode.objects.get(collaborative=collaborative, team__isnull=True, text=under)
    with acting_as(leader):
        adopted_at = _noon(team.joined_on + timedelta(days=7))
        TeamDiagram.objects.get_or_create(
            team=team, defaults={"adopted_by": leader, "adopted_at": adopted_at}
        )
        node = DriverNode.objects.create(
            collaborative=collaborative,
            team=team,
            parent=parent,
            text=text,
            description=about,
            position=len(parent.children.all()),
            created_at=adopted_at,
        )
        node.metrics.set(parent.children.filter(team__isnull=True).first().metrics.all())
    return {text: node}


def _dates(
    world: _World, team: Team, timing: str, anchor: date, stages: list, k: int
) -> tuple[date, date]:
    """When the ``k``-th of a ramp's cycles ran.

    A shift ramp leads up to ``anchor``, the shift month; a recent ramp's done cycles follow
    the last learning session, and its last cycle is under way or planned around today.
    """
    jitter = timedelta(days=team.pk % 5)
    stage, last = stages[k], len(stages) - 1
    done = sum(s["status"] == "done" for s in stages)
    if timing == "shift":
        first = max(anchor - timedelta(days=30), team.joined_on + timedelta(days=3) + jitter)
        starts = first + timedelta(days=round((anchor - first).days * SHIFT_STARTS[k]))
        return starts, starts + timedelta(days=SHIFT_LASTS[-1 if k == last else k])
    today = world.today
    if stage["status"] == "planned":
        starts = today + timedelta(days=6) + jitter
        return starts, starts + timedelta(days=14)
    if stage["status"] == "doing":
        starts = today - timedelta(days=6) - jitter
        return starts, starts + timedelta(days=21)
    first = max(world.session[0], team.joined_on) + timedelta(days=10) + jitter
    starts = first + timedelta(days=12 * k)
    latest = today - timedelta(days=14 + 10 * (done - 1 - k))
    starts = min(starts, latest)
    return starts, starts + timedelta(days=5)


def _cycles(
    world: _World,
    team: Team,
    story: dict[str, Any],
    people: dict[str, Any],
    ideas: dict[str, DriverNode],
    shift_on: date,
) -> dict[str, list[PDSACycle]]:
    leader = people.get("change_leader") or next(iter(people.values()), None)
    made: dict[str, list[PDSACycle]] = {}
    shift_ramps = 0
    for name, timing in story["ramps"]:
        ramp = RAMPS[name]
        anchor = shift_on + timedelta(days=NEXT_RAMP_GAP * shift_ramps)
        shift_ramps += timing == "shift"
        stages = ramp["stages"]
        previous = None
        made[name] = []
        for k, stage in enumerate(stages):
            starts, ends = _dates(world, team, timing, anchor, stages, k)
            fields = dict(stage)
            final = None
            if story.get("revised", ())[:2] == (name, k):
                field, first_draft = story["revised"][2:]
                final, fields[field] = fields[field], first_draft
            if ramp.get("own"):
                fields["own_idea"] = ramp["idea"]
            else:
                fields["idea"] = ideas[ramp["idea"]]
            if timing == "shift" and k == len(stages) - 1 and stage["status"] == "done":
                # The last test of the ramp is read against the chart of the month it ended.
                fields["metric"] = world.metric_of(fields.get("idea"))
                fields["period"] = world.period_of(ends)
            written = _noon(min(starts - timedelta(days=2), world.today))
            with acting_as(leader):
                cycle = PDSACycle.objects.create(
                    collaborative=world.collaborative,
                    team=team,
                    builds_on=previous,
                    starts_on=starts,
                    ends_on=ends,
                    created_by=leader,
                    created_at=written,
                    updated_at=_noon(min(ends, world.today)),
                    **fields,
                )
            if final is not None:
                _revise(world, cycle, field, final, people.get("data_lead") or leader)
            made[name].append(cycle)
            previous = cycle
    for name, k, who, text in story.get("shared", []):
        _share(world, team, made[name][k], who, text)
    return made


def _share(world: _World, team: Team, cycle: PDSACycle, who: str, text: str) -> None:
    if not cycle.is_shared:
        cycle.is_shared = True
        cycle.shared_at = _noon(min(cycle.ends_on + timedelta(days=1), world.today))
        with acting_as(cycle.created_by):
            cycle.save(update_fields=["is_shared", "shared_at"])
    if who == "coach":
        author = world.coaches.get(team.pk)
    else:
        author = world.people(world.by_name[who]).get("change_leader")
    said = min(cycle.shared_at + timedelta(days=2), _noon(world.today))
    with acting_as(author):
        Comment.objects.create(cycle=cycle, author=author, text=text, created_at=said)


def _revise(world: _World, cycle: PDSACycle, field: str, final: str, by: Any) -> None:
    """Correct a cycle saved with a first draft, keeping the draft as a revision, as an edit
    through the worksheet does."""
    saved_at = _noon(min(cycle.ends_on + timedelta(days=4), world.today))
    PDSACycleRevision.objects.create(
        cycle=cycle, version=cycle.version, data=cycle.snapshot(), saved_by=by, saved_at=saved_at
    )
    setattr(cycle, field, final)
    cycle.version += 1
    cycle.updated_at = saved_at
    with acting_as(by):
        cycle.save(update_fields=[field, "version", "updated_at"])


def _plan(
    world: _World,
    team: Team,
    story: dict[str, Any],
    people: dict[str, Any],
    cycles: dict[str, list[PDSACycle]],
) -> None:
    spec = story["plan"]
    session_on, session = world.session
    if team.joined_on > session_on or not session:
        made_on, title = team.joined_on + timedelta(days=3), "Our first action plan"
    else:
        made_on, title = session_on + timedelta(days=1), f"After {session.lower()}"
    leader = people.get("change_leader")
    newest = cycles[spec["idea"]][-1]
    with acting_as(leader):
        plan = ActionPlan.objects.create(
            collaborative=world.collaborative,
            team=team,
            title=spec.get("title") or title,
            changes=spec["changes"],
            measure=spec["measure"],
            idea=newest.idea,
            created_by=leader,
            created_at=_noon(made_on),
            updated_at=_noon(made_on),
        )
        today = world.today
        for position, (text, role, when) in enumerate(spec["steps"]):
            due, status, cycle = {
                "done": (made_on + timedelta(days=14), "done", None),
                "overdue": (
                    max(made_on + timedelta(days=1), today - timedelta(days=6)),
                    "todo",
                    None,
                ),
                "soon": (today + timedelta(days=10), "todo", None),
                "later": (today + timedelta(days=35), "todo", None),
                "cycle": (
                    newest.ends_on,
                    "doing" if newest.status == "doing" else "todo",
                    newest,
                ),
            }[when]
            ActionStep.objects.create(
                plan=plan,
                text=text,
                owner=people.get(role) or leader,
                due_on=due,
                status=status,
                position=position,
                cycle=cycle,
                created_at=_noon(made_on),
            )
    coach = world.coaches.get(team.pk)
    if story.get("feedback") and coach is not None:
        with acting_as(coach):
            Comment.objects.create(
                plan=plan,
                author=coach,
                text=story["feedback"],
                created_at=_noon(min(made_on + timedelta(days=4), today)),
            )
