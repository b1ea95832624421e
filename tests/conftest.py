"""Personas shared by the tests: one collaborative with a person in every role, and outsiders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# In CI, property tests draw the same examples every run: a failure there is reproducible,
# and new examples are explored on developers' machines.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


@dataclass
class World:
    collaborative: Any
    team_a: Any
    team_b: Any
    other_collaborative: Any
    people: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


# Every persona the permission matrix walks, in its column order. Each grant of the policy
# (``access.POLICY``) is held by one persona and missing from another that differs in that alone:
# coach (team A's) and other_coach (team B's) for ASSIGNED_COACH; leader and data_lead (leads of
# team A) and sponsor, champion and member (team A, not leads) for OWN_TEAM_LEAD; the members of
# team A and other_team (a lead of team B) for OWN_TEAM; staff act as host admins everywhere.
PERSONAS = [
    "anonymous",
    "host",
    "planning",
    "faculty",
    "coach",
    "other_coach",
    "observer",
    "sponsor",
    "leader",
    "data_lead",
    "champion",
    "member",
    "other_team",
    "outsider",
    "staff",
]


# Models are imported inside functions: the chart-engine tests run without Django at all.
def build_world() -> World:
    """The personas' world. It is an established collaborative: nobody is told that its people
    joined their teams (tests of those notices make their own joins), which also saves a third
    of the time of building it, and most tests build one."""
    with _nobody_told_of_joining():
        return _build_world()


@contextmanager
def _nobody_told_of_joining() -> Iterator[None]:
    from convene.collaboratives import signals

    muted = (signals.team_member_joined, signals.invitation_accepted)
    kept = [signal.receivers for signal in muted]
    for signal in muted:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in zip(muted, kept, strict=True):
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def _build_world() -> World:
    from convene.collaboratives.models import CollaborativeRole, TeamRole

    from .factories import make_collaborative, make_organisation, make_team, make_user

    collaborative = make_collaborative("Hypertension Collaborative")
    team_a = make_team(collaborative, "Eastside clinic", organisation=make_organisation("Eastside"))
    team_b = make_team(collaborative, "Valley clinic", organisation=make_organisation("Valley"))
    people: dict[str, Any] = {"anonymous": None}
    for persona, role in [
        ("host", CollaborativeRole.HOST_ADMIN),
        ("planning", CollaborativeRole.PLANNING),
        ("faculty", CollaborativeRole.FACULTY),
        ("observer", CollaborativeRole.OBSERVER),
    ]:
        people[persona] = make_user(persona.title())
        collaborative.add_member(people[persona], role)
    people["coach"] = make_user("Coach")
    team_a.assign_coach(people["coach"])
    people["other_coach"] = make_user("Other Coach")
    team_b.assign_coach(people["other_coach"])
    for persona, role in [
        ("sponsor", TeamRole.EXECUTIVE_SPONSOR),
        ("leader", TeamRole.CHANGE_LEADER),
        ("data_lead", TeamRole.DATA_LEAD),
        ("champion", TeamRole.CLINICIAN_CHAMPION),
        ("member", TeamRole.MEMBER),
    ]:
        people[persona] = make_user(persona.title())
        team_a.add_member(people[persona], role)
    people["other_team"] = make_user("Other Team")
    team_b.add_member(people["other_team"], TeamRole.DATA_LEAD)

    other = make_collaborative("Re-housing Collaborative")
    other_team = make_team(other, "Shelter")
    people["outsider"] = make_user("Outsider")
    other_team.add_member(people["outsider"], TeamRole.CHANGE_LEADER)
    other.add_member(people["outsider"], CollaborativeRole.HOST_ADMIN)
    people["staff"] = make_user("Staff", is_staff=True)
    return World(collaborative, team_a, team_b, other, people)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def decision(world: World) -> Any:
    from convene.collaboratives.models import CharterDecision

    return CharterDecision.objects.create(
        collaborative=world.collaborative, decision="Share data anonymised", author=world.host
    )


@pytest.fixture
def group(world: World) -> Any:
    from convene.collaboratives.models import PeerGroup

    group = PeerGroup.objects.create(collaborative=world.collaborative, name="Riverton")
    group.teams.add(world.team_a, world.team_b)
    return group


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache, whatever the one before it cached."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(autouse=True)
def _site_language() -> None:
    """Each test starts in the site's language: a request by a person who reads Spanish leaves
    Spanish active in the thread (the middleware activates the person's language, and the next
    request activates its own), so messages of a test after it would come out in Spanish."""
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.deactivate()


@pytest.fixture
def threads_db(transactional_db: Any, tmp_path: Any) -> Any:
    """The test database where threads, each with a connection of its own, can all write: gives
    what each thread calls first (see tests/concurrency.py)."""
    from .concurrency import on_own_connections

    yield from on_own_connections(tmp_path)
