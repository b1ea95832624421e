"""Lookups of trial objects, inside a team the view has already looked up (and so checked)
through ``convene.collaboratives.access.team_for``."""

from __future__ import annotations

from convene.collaboratives.models import Team

from .models import TrialRun


def trial_in(team: Team, create: bool = False) -> TrialRun:
    """The team's trial run: the stored one, or an unsaved draft while the team has not started.
    With ``create`` a missing one is stored first, as a host's decision on a team that never
    started needs. ``trial.team`` is the team given."""
    if create:
        trial, _created = TrialRun.objects.get_or_create(team=team)
    else:
        trial = TrialRun.objects.filter(team=team).first() or TrialRun(team=team)
    trial.team = team
    return trial
