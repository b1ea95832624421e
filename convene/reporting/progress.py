"""Progress scores: the team's and the coach's monthly rating on IHI's assessment scale."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.charts.specs import chart_date, progress_chart
from convene.collaboratives.models import Team
from convene.lib.forms import Styled
from convene.lib.versioning import VersionField, save_if_unchanged, version_of
from convene.measures.models import ReportingPeriod

from .models import ProgressScore, ProgressScoreRevision

SCORED = ["score", "note"]


class ProgressForm(Styled, forms.ModelForm):
    """A rater's score of a period. ``optional`` (the team's own, sent with its report): the
    score may be left unchosen, but not while a note is written."""

    version = VersionField()  # NEW while the rater has no score for the period

    class Meta:
        model = ProgressScore
        fields = ["score", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, optional: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The scale reads best as a list: each step with its name and what it means.
        self.fields["score"].widget = forms.RadioSelect(attrs={"class": "form-check-input"})
        self.fields["score"].choices = [
            (value, f"{value} · {name} — {what}")
            for (value, _v), (_s, name, what) in zip(
                ProgressScore.SCORE_CHOICES, ProgressScore.SCALE, strict=True
            )
        ]
        self.fields["note"].help_text = _("Optional: what the score rests on.")
        self.fields["version"].initial = version_of(self.instance)
        self.fields["score"].required = not optional

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("score") in (None, "") and data.get("note") and "score" not in self.errors:
            self.add_error("score", _("Choose a score for your note, or clear the note."))
        return data

    @property
    def changes_score(self) -> bool:
        """Whether saving would change what is stored: a score chosen, or a stored one changed."""
        if self.cleaned_data.get("score") in (None, ""):
            return False
        return not self.instance.pk or any(name in self.changed_data for name in SCORED)

    def save_unless_changed(self, by: Any) -> bool:
        """Store the score as ``by``'s, unless someone saved one in between (then False). A
        stored score that changes is kept as a revision."""
        if not self.changes_score:
            return True  # nothing chosen, or as stored
        score = self.instance
        if score.pk:
            expected = self.cleaned_data["version"]
            with transaction.atomic():
                old = ProgressScore.objects.select_for_update().get(pk=score.pk)
                if old.version != expected:
                    return False
                ProgressScoreRevision.objects.create(
                    progress_score=old,
                    score=old.score,
                    note=old.note,
                    scored_by_id=old.scored_by_id,
                    scored_at=old.scored_at,
                    replaced_by=by,
                )
                score.scored_by, score.scored_at = by, timezone.now()
                return save_if_unchanged(score, expected, [*SCORED, "scored_by", "scored_at"])
        score.scored_by, score.scored_at = by, timezone.now()
        try:
            with transaction.atomic():
                score.save()
        except IntegrityError:
            return False  # a score for this period and rater was created meanwhile
        return True


@dataclass
class ProgressPoint:
    period: ReportingPeriod
    team: float | None = None
    coach: float | None = None
    team_count: int = 0
    coach_count: int = 0


@dataclass
class ProgressSummary:
    points: list[ProgressPoint]
    spec: dict[str, Any] | None
    # For a collaborative: how many teams stand at each step of the scale by their latest
    # own score, as (score, name, count).
    levels: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def latest(self) -> ProgressPoint | None:
        rated = [p for p in self.points if p.team is not None or p.coach is not None]
        return rated[-1] if rated else None


def team_progress(team: Team, periods: list[ReportingPeriod]) -> ProgressSummary:
    scores = ProgressScore.objects.filter(team=team, period__in=periods).values_list(
        "period_id", "rater", "score"
    )
    by_period: dict[int, dict[str, float]] = defaultdict(dict)
    for period_id, rater, score in scores:
        by_period[period_id][rater] = float(score)
    points = [
        ProgressPoint(
            period,
            by_period[period.pk].get(ProgressScore.Rater.TEAM),
            by_period[period.pk].get(ProgressScore.Rater.COACH),
        )
        for period in periods
    ]
    return ProgressSummary(points, _spec(points, gettext("Progress score")))


def collaborative_progress(collaborative: Any, periods: list[ReportingPeriod]) -> ProgressSummary:
    """The mean score of the teams, month by month, by their own rating and by their coaches'."""
    scores = ProgressScore.objects.filter(
        team__collaborative=collaborative, team__deleted_at__isnull=True, period__in=periods
    ).values_list("team_id", "period_id", "rater", "score")
    by_period: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    latest_own: dict[int, tuple[int, float]] = {}
    order = {period.pk: index for index, period in enumerate(periods)}
    for team_id, period_id, rater, score in scores:
        by_period[period_id][rater].append(float(score))
        if rater == ProgressScore.Rater.TEAM:
            seen = latest_own.get(team_id)
            if seen is None or order[period_id] > seen[0]:
                latest_own[team_id] = (order[period_id], float(score))
    points = []
    for period in periods:
        own = by_period[period.pk][ProgressScore.Rater.TEAM]
        coach = by_period[period.pk][ProgressScore.Rater.COACH]
        points.append(
            ProgressPoint(
                period,
                mean(own) if own else None,
                mean(coach) if coach else None,
                len(own),
                len(coach),
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for _index, score in latest_own.values():
        counts[f"{score:.1f}"] += 1
    levels = [(value, str(name), counts[value]) for value, name, _what in ProgressScore.SCALE]
    title = gettext("Progress score: mean of the teams")
    return ProgressSummary(points, _spec(points, title), levels)


def _spec(points: list[ProgressPoint], title: str) -> dict[str, Any] | None:
    rows = []
    for point in points:
        for rater, value in (
            (gettext("team's own score"), point.team),
            (gettext("coach's score"), point.coach),
        ):
            if value is not None:
                rows.append(
                    {
                        "x": chart_date(point.period.starts_on),
                        "label": point.period.label,
                        "rater": rater,
                        "score": value,
                    }
                )
    if not rows:
        return None
    return progress_chart(rows, title=title, y_title=gettext("score (0.5 to 5)"))


@dataclass
class Rating:
    """One rater's score of a period on the period page: shown, and a form if they may rate."""

    rater: str
    heading: str
    score: ProgressScore | None
    form: ProgressForm | None


def progress_forms(
    team: Team,
    period: ReportingPeriod,
    may_rate: dict[str, bool],
    bound: tuple[str, ProgressForm] | None = None,
) -> list[Rating]:
    scores = {
        s.rater: s
        for s in ProgressScore.objects.filter(team=team, period=period)
        .select_related("scored_by")
        .prefetch_related("revisions__scored_by", "revisions__replaced_by")
    }
    headings = {
        ProgressScore.Rater.TEAM: gettext("The team's own score"),
        ProgressScore.Rater.COACH: gettext("The coach's score"),
    }
    ratings = []
    for rater in ProgressScore.Rater.values:
        form = None
        if bound and bound[0] == rater:
            form = bound[1]
        elif may_rate.get(rater):
            form = ProgressForm(instance=scores.get(rater), prefix=rater)
        ratings.append(Rating(rater, headings[rater], scores.get(rater), form))
    return ratings
