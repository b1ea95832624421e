"""Saving a progress score on its own: the coach's, and the team's once its report is
submitted (before that it is sent with the report, see ``forms.PeriodEntry``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from convene.collaboratives.access import team_for

from .access import progress_score_in, report_in
from .models import ProgressScore
from .progress import ProgressForm
from .views import render_period

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
    report = report_in(team, period_id)
    form = ProgressForm(request.POST, instance=progress_score_in(report, rater), prefix=rater)
    if form.is_valid():
        if form.save_unless_changed(request.user):
            messages.success(request, _("Progress score saved."))
            url = reverse("reporting:period-report", args=[collaborative_id, team_id, period_id])
            return redirect(f"{url}#progress")
        current = progress_score_in(report, rater)
        data = request.POST.copy()
        data[f"{rater}-version"] = str(current.version)  # saving again is a deliberate choice
        form = ProgressForm(data, instance=current, prefix=rater)
        form.is_valid()
        form.add_error(None, CONFLICT)
    return render_period(request, report, access, progress_form=(rater, form), status=400)
