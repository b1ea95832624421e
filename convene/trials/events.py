"""What the trial run tells people: its kinds of notification, and one function per event.

Called inside the transaction that sends or decides the trial; the person who did it is never
told. Texts are callables, rendered in each recipient's language.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.notifications.api import notify
from convene.notifications.kinds import Kind, register

from .models import TrialReview, TrialRun
from .trial import reviewers, told_of_decision

KINDS = [
    Kind(
        "trial_submitted",
        gettext_lazy("A trial run awaits review"),
        gettext_lazy("A team sent its trial run of five records for you to review."),
    ),
    Kind(
        "trial_reviewed",
        gettext_lazy("Your team's trial run was reviewed"),
        gettext_lazy("A host accepted your team's trial run, returned it, or excused the team."),
    ),
]


def register_kinds() -> None:
    for kind in KINDS:
        register(kind)


def _link(trial: TrialRun) -> str:
    team = trial.team
    return reverse("trials:trial", args=[team.collaborative_id, team.pk])


def trial_submitted(trial: TrialRun, by: Any) -> None:
    """Tell the people who review trial runs that the team's trial awaits them."""
    team = trial.team

    def text() -> str:
        return _("%(team)s sent its trial run: it awaits your review.") % {"team": team.name}

    notify(
        reviewers(trial),
        "trial_submitted",
        actor=by,
        key=f"trial_submitted:{trial.pk}:{trial.version}",
        text=text,
        link=_link(trial),
        collaborative=team.collaborative,
        team=team,
        subject=trial,
    )


def trial_reviewed(review: TrialReview, by: Any) -> None:
    """Tell the team's leads and whoever sent the trial what the host decided."""
    trial = review.trial
    team = trial.team

    def text() -> str:
        if review.decision == TrialReview.Decision.ACCEPT:
            message = _("%(team)s's trial run was accepted: routine reporting is open.")
        elif review.decision == TrialReview.Decision.RETURN:
            message = _("%(team)s's trial run was returned with a comment: %(comment)s")
        else:
            message = _("%(team)s is excused from the trial run: routine reporting is open.")
        return message % {"team": team.name, "comment": review.comment}

    notify(
        told_of_decision(trial),
        "trial_reviewed",
        actor=by,
        key=f"trial_reviewed:{review.pk}",
        text=text,
        link=_link(trial),
        collaborative=team.collaborative,
        team=team,
        subject=review,
    )
