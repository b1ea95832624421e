"""Saving a progress score: the team's own with its report, the coach's beside it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convene.collaboratives.access import team_for
from convene.lib.versioning import save_if_unchanged
from convene.measures.models import ReportingPeriod

from .models import ProgressScore
from .progress import ProgressForm
from .views import render_period, report_of

CONFLICT = gettext_lazy(
    "Someone else saved a score for this period while you were choosing. Their score is "
    "shown; your note is kept. Save again to replace it."
)


@require_POST
@login_required
def save_progress_score(
    request: HttpRequest, collaborative_id: int, team_id: int, period_id: int, rater: str
) -> HttpResponse:
    if rater not in ProgressScore.Rater.values:
        raise Http404
    # The team rates itself as it enters its data; coaches rate as they give feedback.
    action = "enter_team_data" if rater == ProgressScore.Rater.TEAM else "give_feedback"
    team, access = team_for(request, collaborative_id, team_id, action)
    period = get_object_or_404(
        ReportingPeriod, pk=period_id, collaborative_id=team.collaborative_id
    )
    report = report_of(team, period)
    if rater == ProgressScore.Rater.TEAM and report.is_locked:
        raise PermissionDenied  # submitted with the report; a host admin can reopen it
    score = ProgressScore.objects.filter(team=team, period=period, rater=rater).first()
    if score is None:
        score = ProgressScore(team=team, period=period, rater=rater)
    form = ProgressForm(request.POST, instance=score, prefix=rater)
    if form.is_valid():
        form.instance.scored_by = request.user
        form.instance.scored_at = timezone.now()
        if _save(form):
            messages.success(request, _("Progress score saved."))
            url = reverse("reporting:period-report", args=[collaborative_id, team_id, period_id])
            return redirect(f"{url}#progress")
        current = ProgressScore.objects.get(team=team, period=period, rater=rater)
        data = request.POST.copy()
        data[f"{rater}-version"] = str(current.version)  # saving again is a deliberate choice
        form = ProgressForm(data, instance=current, prefix=rater)
        form.is_valid()
        form.add_error(None, CONFLICT)
    return render_period(
        request, team, access, period, report, {"progress_form": (rater, form)}, status=400
    )


def _save(form: ProgressForm) -> bool:
    """Store the score unless someone saved one in between (then False)."""
    score = form.instance
    if score.pk:
        expected = form.cleaned_data.get("version") or 0
        return save_if_unchanged(score, expected, ["score", "note", "scored_by", "scored_at"])
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError:
        return False  # a score for this period and rater was created meanwhile
    return True
