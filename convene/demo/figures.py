"""Believable monthly figures for the demo teams.

Each team has its own size and starting level; some teams improve after the month they
start testing changes, others do not; there is noise, one late report and one missing month.
Figures are drawn from a seeded generator, so every run of the demo shows the same story.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from convene.collaboratives.models import CoachAssignment, Collaborative, Team
from convene.lib.dataversion import bump
from convene.measures.models import Metric
from convene.reporting.models import Feedback, ProgressScore, Report, Value
from convene.trials.models import TrialAnswer, TrialRecord, TrialReview, TrialRun

CLINIC_NARRATIVES = [
    {
        "changes_tested": "Repeat the reading after five quiet minutes when the first is high.",
        "improvements": "More repeat readings recorded; fewer patients flagged as uncontrolled.",
        "challenges": "Front desk short-staffed on Mondays.",
    },
    {
        "changes_tested": "Standing order for nurses to adjust medicine under the protocol.",
        "improvements": "Follow-up visits booked before the patient leaves.",
        "challenges": "Two prescribers still unsure about the protocol.",
        "support_requested": "A call with faculty about titration steps.",
    },
]
HOUSING_NARRATIVES = [
    {
        "changes_tested": "Landlord liaison calls every unit listed in the week.",
        "improvements": "Three new landlords signed on.",
        "challenges": "Rents rising faster than subsidy limits.",
    },
    {
        "changes_tested": "Collect identity documents at intake, before a unit is found.",
        "improvements": "Fewer move-ins delayed by missing papers.",
        "unintended_consequences": "Intake takes longer on busy days.",
    },
]


def _noon(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)), timezone.get_fixed_timezone(0))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    # Normal approximation is plenty for a demo and fast for clinic-sized denominators.
    p = min(max(p, 0.001), 0.999)
    draw = rng.gauss(n * p, math.sqrt(n * p * (1 - p)))
    return int(min(max(round(draw), 0), n))


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def team_story(
    collaborative: Collaborative, team_name: str, index: int
) -> tuple[random.Random, bool, int]:
    """A team's figures generator, whether its figures improve, and the position of the
    period they start to: the month it starts testing changes, never before the month after
    the collaborative's kickoff (its first PDSA cycles lead up to it)."""
    rng = random.Random(f"{collaborative.name}/{team_name}")
    improves = index % 4 != 3  # most teams improve; one in four does not
    first = collaborative.periods.order_by("starts_on").values_list("starts_on", flat=True)[:1]
    kickoff = 0
    if first:
        start, begun = collaborative.start_on, first[0]
        kickoff = (start.year - begun.year) * 12 + start.month - begun.month
    return rng, improves, max(rng.randint(11, 14), kickoff + 1)


def load_values(
    collaborative: Collaborative,
    waiting: frozenset[str] = frozenset(),
    stopped: dict[str, int] | None = None,
) -> int:
    """Fill in figures and reports for every team that has none yet. Returns rows added.

    Teams named in ``waiting`` have only just joined: their trial run awaits review. Teams in
    ``stopped`` have sent nothing for their last so many periods that fell due.
    """
    stopped = stopped or {}
    today = collaborative.today()
    periods = [p for p in collaborative.periods.order_by("starts_on") if p.due_on < today]
    metrics = list(collaborative.metrics.filter(team__isnull=True).select_related("stratification"))
    values: list[Value] = []
    reports: list[Report] = []
    scores: list[ProgressScore] = []
    coaches = {
        a.team_id: a.coach
        for a in CoachAssignment.objects.current().filter(team__collaborative=collaborative)
    }
    for index, team in enumerate(collaborative.teams.order_by("pk")):
        if team.name in waiting or Value.objects.filter(team=team).exists():
            continue
        rng, improves, change_at = team_story(collaborative, team.name, index)
        narratives = (
            HOUSING_NARRATIVES if "hous" in collaborative.topic.lower() else (CLINIC_NARRATIVES)
        )
        lead = team.memberships.current().filter(role="data_lead").first()
        by = lead.user if lead else None
        size = rng.randint(250, 1100)
        # Each team starts from its own level, drawn once, not month by month.
        levels = {metric.pk: rng.uniform(-0.05, 0.04) for metric in metrics}
        missing = index == 2 and len(periods) > 8  # one team skips a month
        for position, period in enumerate(periods):
            if missing and position == len(periods) - 4:
                continue
            if position >= len(periods) - stopped.get(team.name, 0):
                continue
            progress = 0.0
            if improves and position >= change_at:
                progress = min(1.0, (position - change_at + 1) / 5)
            for metric in metrics:
                values += _figures(rng, team, metric, period, size, progress, by, levels[metric.pk])
            late = index == 1 and position == len(periods) - 2
            reports.append(_report(rng, team, period, late, by, narratives))
            scores += _scores(team, period, position, change_at, progress, by, coaches)
    Value.objects.bulk_create(values)
    Report.objects.bulk_create(reports)
    ProgressScore.objects.bulk_create(scores)
    _feedback(collaborative)
    bump(collaborative.pk)  # bulk writes send no signals
    return len(values)


def _figures(
    rng: random.Random,
    team: Team,
    metric: Metric,
    period: Any,
    size: int,
    progress: float,
    by: Any,
    level: float,
) -> list[Value]:
    common = {
        "team": team,
        "metric": metric,
        "period": period,
        "updated_by": by,
        "updated_at": _noon(period.due_on - timedelta(days=3)),
    }
    kind = metric.kind
    if kind == Metric.Kind.PROPORTION:
        low = 0.55 + level if metric.direction == "up" else 0.22 + level / 2
        gain = 0.14 if metric.direction == "up" else -0.08
        if metric.short_name == "BP technique":
            low, gain, size = 0.45, 0.4, 10
        if metric.short_name == "Retention 6 m":
            low, gain, size = 0.7 + level, 0.12, rng.randint(8, 25)
        p = low + gain * progress
        if metric.stratification_id:
            strata = list(metric.stratification.strata.all())
            shares = [0.3, 0.4, 0.3][: len(strata)] or [1.0]
            rows = []
            for offset, (stratum, share) in enumerate(zip(strata, shares, strict=False)):
                n = max(5, int(size * share))
                # The youngest group starts furthest from goal: the gap strata reveal.
                gap = -0.12 if offset == 0 else 0.03 * offset
                rows.append(
                    Value(
                        **common,
                        stratum=stratum,
                        numerator=_binomial(rng, n, p + gap),
                        denominator=n,
                    )
                )
            return rows
        return [Value(**common, numerator=_binomial(rng, size, p), denominator=size)]
    if kind == Metric.Kind.COUNT:
        return [Value(**common, numerator=_poisson(rng, 3 + 1.5 * progress))]
    if kind == Metric.Kind.CONTINUOUS:
        level = 94 - 42 * progress if metric.direction == "down" else 20 + 10 * progress
        figure = max(1.0, rng.gauss(level, level * 0.12))
        return [Value(**common, numerator=Decimal(str(round(figure, 1))))]
    return []


def _report(
    rng: random.Random, team: Team, period: Any, late: bool, by: Any, narratives: list[dict]
) -> Report:
    narrative = rng.choice(narratives) if rng.random() < 0.6 else {}
    submitted = period.due_on + timedelta(days=9 if late else -rng.randint(0, 6))
    return Report(
        team=team,
        period=period,
        status=Report.Status.SUBMITTED,
        submitted_at=_noon(submitted),
        submitted_by=by,
        is_late=late,
        **narrative,
    )


def _scores(
    team: Team,
    period: Any,
    position: int,
    change_at: int,
    progress: float,
    by: Any,
    coaches: dict[int, Any],
) -> list[ProgressScore]:
    """The team's own score climbs as it organises, tests, then improves; its coach is a
    little more cautious once changes start."""
    if position < change_at:
        own = min(2.0, 1.0 + 0.5 * (position // 4))
    else:
        own = 2.5 + round(progress * 3) / 2  # 2.5 while testing, up to 4.0 with results
    scores = [
        ProgressScore(team=team, period=period, rater="team", score=Decimal(own), scored_by=by)
    ]
    coach = coaches.get(team.pk)
    if coach is not None:
        cautious = max(0.5, own - (0.5 if position >= change_at else 0))
        scores.append(
            ProgressScore(
                team=team, period=period, rater="coach", score=Decimal(cautious), scored_by=coach
            )
        )
    return scores


FEEDBACK = [
    "Good run of tests this month. What did you learn from the cycle that did not work?",
    "Your data lead's notes make the chart easy to read. Keep annotating the changes.",
    "Consider a smaller next test: one prescriber, one week, then widen it.",
]


def _feedback(collaborative: Collaborative) -> None:
    """Coaches answered most reports; the last two months still await feedback."""
    coaches = {
        a.team_id: a.coach
        for a in CoachAssignment.objects.current().filter(team__collaborative=collaborative)
    }
    reports = Report.objects.filter(team__collaborative=collaborative).order_by("period__starts_on")
    periods = sorted({r.period_id for r in reports})
    reports = reports.filter(feedback__isnull=True)
    recent = set(periods[-2:])
    items = [
        Feedback(
            report=report,
            author=coaches.get(report.team_id),
            text=FEEDBACK[(report.pk or 0) % len(FEEDBACK)],
            created_at=report.submitted_at + timedelta(days=3),
        )
        for report in reports
        if report.period_id not in recent and report.team_id in coaches
    ]
    Feedback.objects.bulk_create(items)


TRIAL_QUESTIONS = {
    "clinic": [
        "Two patients had a reading on the day but it was not in the vitals field; we counted "
        "them from the nurse's note. Is that right?",
        "Pulling five records took about forty minutes; most of it was finding the last reading.",
    ],
    "housing": [
        "One household was referred twice. Do we count days from the first referral or the second?",
        "The move-in date is only in the case notes, not in HMIS; it took a while to find.",
    ],
}
HOST_RETURN = {
    "clinic": "Thanks. Records 2 and 4 count readings from before the measurement period: use "
    "only the most recent reading within the month, as the operational definition says, and "
    "send it again.",
    "housing": "Thanks. Record 3 counts from the intake date: count days from the referral "
    "date, as the definition says, and send it again.",
}


def load_trials(collaborative: Collaborative, waiting: frozenset[str] = frozenset()) -> None:
    """Every team's trial run of five records: accepted long ago, except where the team has
    only just joined (sent, awaiting review). The first team's was returned once."""
    host = (
        collaborative.memberships.current().filter(role="host_admin").select_related("user").first()
    )
    reviewer = host.user if host else None
    metrics = list(collaborative.metrics.filter(team__isnull=True).select_related("stratification"))
    # Teams send their trial in the first weeks, then enter the baseline months after it.
    opened = _noon(collaborative.start_on + timedelta(days=14))
    topic = "housing" if "hous" in collaborative.topic.lower() else "clinic"
    today = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    for index, team in enumerate(collaborative.teams.order_by("pk")):
        if TrialRun.objects.filter(team=team).exists():
            continue
        lead = team.memberships.current().filter(role="data_lead").first()
        by = lead.user if lead else None
        rng = random.Random(f"trial/{collaborative.name}/{team.name}")
        is_waiting = team.name in waiting
        sent = today - timedelta(days=2) if is_waiting else opened
        trial = TrialRun.objects.create(
            team=team,
            status=TrialRun.Status.SUBMITTED if is_waiting else TrialRun.Status.ACCEPTED,
            questions=TRIAL_QUESTIONS[topic][index % 2],
            submitted_at=sent,
            submitted_by=by,
            updated_at=sent,
            updated_by=by,
        )
        _trial_records(rng, trial, metrics, team)
        if is_waiting:
            if team.joined_on < sent.date() - timedelta(days=21):
                team.joined_on = sent.date() - timedelta(days=21)
                team.save(update_fields=["joined_on"])
            continue
        reviews = []
        if index == 0:
            reviews.append(
                TrialReview(
                    trial=trial,
                    decision=TrialReview.Decision.RETURN,
                    comment=HOST_RETURN[topic],
                    reviewed_by=reviewer,
                    reviewed_at=sent + timedelta(days=2),
                )
            )
            sent += timedelta(days=5)
            TrialRun.objects.filter(pk=trial.pk).update(submitted_at=sent, version=3)
        reviews.append(
            TrialReview(
                trial=trial,
                decision=TrialReview.Decision.ACCEPT,
                comment="Clear and complete. Routine reporting can start.",
                reviewed_by=reviewer,
                reviewed_at=sent + timedelta(days=2),
            )
        )
        TrialReview.objects.bulk_create(reviews)


def _trial_records(rng: random.Random, trial: TrialRun, metrics: list[Metric], team: Team) -> None:
    prefix = "".join(word[0] for word in team.name.split()[:2]).upper()
    strata: dict[int, list[Any]] = {}
    for metric in metrics:
        if metric.stratification_id and metric.stratification_id not in strata:
            strata[metric.stratification_id] = list(metric.stratification.strata.all())
    answers = []
    for position in range(1, TrialRun.RECORDS + 1):
        record = TrialRecord.objects.create(
            trial=trial, position=position, reference=f"{prefix}-{rng.randint(10000, 99999)}"
        )
        for metric in metrics:
            numerator: Decimal | None
            denominator: Decimal | None = None
            if metric.kind == Metric.Kind.PROPORTION:
                eligible = rng.random() < 0.85
                denominator = Decimal(1 if eligible else 0)
                numerator = Decimal(1 if eligible and rng.random() < 0.6 else 0)
            elif metric.kind == Metric.Kind.COUNT:
                numerator = Decimal(rng.choice([0, 0, 0, 1]))
            else:
                numerator = Decimal(rng.randint(20, 120))
            groups = strata.get(metric.stratification_id or 0)
            answers.append(
                TrialAnswer(
                    record=record,
                    metric=metric,
                    numerator=numerator,
                    denominator=denominator,
                    stratum=rng.choice(groups) if groups else None,
                )
            )
    TrialAnswer.objects.bulk_create(answers)
