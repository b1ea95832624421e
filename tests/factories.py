"""Small builders for test data, written by us so each test says only what matters to it."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from convene.accounts.models import User
from convene.collaboratives.models import Collaborative, Organisation, Team

_numbers = count(1)


def make_user(name: str | None = None, **fields: Any) -> User:
    number = next(_numbers)
    name = name or f"Person {number}"
    email = fields.pop("email", f"{name.lower().replace(' ', '.')}.{number}@example.test")
    user = User(email=email, full_name=name, **fields)
    user.set_unusable_password()
    user.save()
    return user


def make_organisation(name: str | None = None, **fields: Any) -> Organisation:
    return Organisation.objects.create(name=name or f"Organisation {next(_numbers)}", **fields)


def make_collaborative(name: str | None = None, **fields: Any) -> Collaborative:
    defaults: dict[str, Any] = {
        "topic": "Blood-pressure control",
        "start_on": date(2026, 1, 1),
        "end_on": date(2026, 12, 31),
        "sharing": Collaborative.Sharing.ANONYMISED,
    }
    defaults.update(fields)
    if "host_organisation" not in defaults:
        defaults["host_organisation"] = make_organisation("Host association")
    return Collaborative.objects.create(name=name or f"Collaborative {next(_numbers)}", **defaults)


def make_team(collaborative: Collaborative, name: str | None = None, **fields: Any) -> Team:
    """A team that joined at the collaborative's start (a founding team, which owes every
    period from the first and is asked for the history before it), unless ``fields`` say
    otherwise."""
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    fields.setdefault("joined_on", collaborative.start_on)
    return Team.objects.create(
        collaborative=collaborative, name=name or f"Team {next(_numbers)}", **fields
    )


AGE_GROUPS = ("Under 45", "45 to 64", "65 and over")


def make_stratified_metric(
    collaborative: Collaborative, groups: tuple[str, ...] = AGE_GROUPS, **fields: Any
) -> Any:
    """A shared proportion reported by age group, unless ``fields`` say otherwise."""
    from convene.measures.models import Metric, Stratification, Stratum

    ages = Stratification.objects.create(collaborative=collaborative, name="Age group")
    for position, group in enumerate(groups):
        Stratum.objects.create(stratification=ages, name=group, position=position)
    defaults: dict[str, Any] = {
        "name": "Blood-pressure control",
        "short_name": "BP by age",
        "conceptual_definition": "Controlled share",
        "kind": "proportion",
        "denominator": "Adults with hypertension",
        "direction": "up",
    }
    defaults.update(fields)
    return Metric.objects.create(collaborative=collaborative, stratification=ages, **defaults)


def record_by_group(
    team: Team, metric: Any, period: Any, figures: dict[str, tuple[float, float | None]]
) -> None:
    """One value per group: ``{group name: (numerator, denominator)}``."""
    from convene.reporting.models import Value

    strata = {stratum.name: stratum for stratum in metric.stratification.strata.all()}
    for group, (numerator, denominator) in figures.items():
        Value.objects.create(
            team=team,
            metric=metric,
            period=period,
            stratum=strata[group],
            numerator=numerator,
            denominator=denominator,
        )


def make_schedule(
    collaborative: Collaborative, first_period_on: date | None = None, **fields: Any
) -> Any:
    """A reporting schedule with its periods made: monthly from the collaborative's start, with
    the model's defaults, unless ``fields`` say otherwise."""
    from convene.measures.models import ReportingSchedule

    schedule = ReportingSchedule.objects.create(
        collaborative=collaborative,
        first_period_on=first_period_on or collaborative.start_on,
        **fields,
    )
    schedule.sync_periods()
    return schedule


def make_bp_metric(collaborative: Collaborative, **fields: Any) -> Any:
    """The blood-pressure-control proportion ("BP control", higher is better, no goal), unless
    ``fields`` say otherwise."""
    from convene.measures.models import Metric

    defaults: dict[str, Any] = {
        "name": "Hypertension control",
        "short_name": "BP control",
        "conceptual_definition": "Controlled share",
        "kind": "proportion",
        "denominator": "Adults with hypertension",
        "direction": "up",
    }
    return Metric.objects.create(collaborative=collaborative, **{**defaults, **fields})


def record_figures(team: Team, metric: Any, numerators: list[int], denominator: int) -> None:
    """One value a period from the first, each numerator out of the same denominator."""
    from convene.reporting.models import Value

    periods = team.collaborative.periods.all()
    for period, numerator in zip(periods, numerators, strict=False):
        Value.objects.create(
            team=team, metric=metric, period=period, numerator=numerator, denominator=denominator
        )


def make_metric_with_figures(
    collaborative: Collaborative,
    figures: dict[Team, tuple[list[int], int]],
    *,
    first_period_on: Any,
    baseline_periods: int,
    **fields: Any,
) -> Any:
    """A monthly schedule and a blood-pressure-control proportion (goal 70%), with each team's
    numerators month by month out of its fixed denominator: ``{team: (numerators, size)}``."""
    make_schedule(collaborative, first_period_on, baseline_periods=baseline_periods)
    metric = make_bp_metric(collaborative, **{"goal": 70, **fields})
    for team, (numerators, size) in figures.items():
        record_figures(team, metric, numerators, size)
    return metric
