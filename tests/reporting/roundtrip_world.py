"""The team whose template the LibreOffice fixtures were made from
(``tests/reporting/fixtures/make_fixtures.py``), built again by the tests that upload them:
the fixtures hold its metric names, groups, periods and figures, so changing this changes what
the committed files must say (make them again).

Eastside clinic reports January to April 2026 (the test clock stands at 20 April): "BP
control", a proportion by age group ("18–44" and "45–85", with en dashes, as a host types
them in a word processor), and "Hypotension", a count. January and February are filled in;
January is submitted and so locked; February's Hypotension is excluded with a reason and
carries a note. The template has 12 rows: 4 months × (2 groups + 1).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

NOW = datetime(2026, 4, 20, 12, tzinfo=timezone.get_fixed_timezone(0))
YOUNG, OLD = "18–44", "45–85"

# (metric, month, group): (numerator, denominator, note, exclusion reason)
STORED = {
    ("BP control", 1, YOUNG): (20, 40, "", ""),
    ("BP control", 1, OLD): (60, 80, "New clinic opened", ""),
    ("Hypotension", 1, ""): (2, None, "", ""),
    ("BP control", 2, YOUNG): (22, 40, "", ""),
    ("BP control", 2, OLD): (61, 80, "", ""),
    ("Hypotension", 2, ""): (3, None, "Counted by hand", "EHR outage"),
}


def build(world: Any) -> dict[str, Any]:
    """The schedule, metrics and figures above, in ``world``'s collaborative, for team A."""
    from convene.measures.models import Metric, ReportingSchedule, Stratification, Stratum
    from convene.reporting.models import Report, Value

    collaborative = world.collaborative
    ReportingSchedule.objects.create(
        collaborative=collaborative, first_period_on=date(2026, 1, 1), baseline_periods=2
    ).sync_periods()
    ages = Stratification.objects.create(collaborative=collaborative, name="Age")
    groups = {
        name: Stratum.objects.create(stratification=ages, name=name, position=n)
        for n, name in enumerate([YOUNG, OLD])
    }
    metrics = {
        "BP control": Metric.objects.create(
            collaborative=collaborative,
            name="Hypertension control",
            short_name="BP control",
            conceptual_definition="Controlled share",
            operational_definition="Latest reading below 140/90",
            kind="proportion",
            denominator="Adults with hypertension",
            direction="up",
            stratification=ages,
        ),
        "Hypotension": Metric.objects.create(
            collaborative=collaborative,
            name="Low blood pressure events",
            short_name="Hypotension",
            conceptual_definition="Events",
            kind="count",
            direction="down",
            position=1,
        ),
    }
    periods = {p.starts_on.month: p for p in collaborative.periods.all()}
    for (metric, month, group), (numerator, denominator, note, reason) in STORED.items():
        Value.objects.create(
            team=world.team_a,
            metric=metrics[metric],
            period=periods[month],
            stratum=groups.get(group),
            numerator=Decimal(numerator),
            denominator=None if denominator is None else Decimal(denominator),
            note=note,
            is_excluded=bool(reason),
            exclusion_reason=reason,
            updated_by=world.data_lead,
        )
    Report.objects.create(team=world.team_a, period=periods[1]).submit(world.data_lead, None)
    return {"metrics": metrics, "groups": groups, "periods": periods}
