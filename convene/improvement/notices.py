"""Improvement's notifications: a comment on a PDSA cycle, told to the cycle's team leads and
its author (never to the one who wrote the comment)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.access import LEAD_ROLES
from convene.collaboratives.models import TeamMembership
from convene.notifications import kinds
from convene.notifications.api import notify
from convene.notifications.models import Channel

from .models import Comment

CYCLE_COMMENTED = kinds.Kind(
    "cycle_commented",
    gettext_lazy("A comment on your team's PDSA cycle"),
    gettext_lazy("To the team's data lead and change leader and the cycle's author."),
    default=Channel.EMAIL,
)


def on_cycle_commented(sender: Any, comment: Comment, **kwargs: Any) -> None:
    cycle = comment.cycle
    team = cycle.team
    leads = TeamMembership.objects.current().filter(team=team, role__in=LEAD_ROLES)
    told = get_user_model().objects.filter(
        Q(pk__in=leads.values("user_id")) | Q(pk=cycle.created_by_id)
    )
    if comment.author_id:
        told = told.exclude(pk=comment.author_id)
    link = reverse("improvement:cycle", args=[cycle.collaborative_id, cycle.pk])

    def text() -> str:
        # The commenter is not named: under anonymised sharing a member of another team is
        # known to this team only by the team's letter (the cycle page says who, as allowed).
        return _("New comment on the PDSA cycle “%(title)s” of %(team)s") % {
            "title": cycle.title,
            "team": team.name,
        }

    notify(
        told,
        CYCLE_COMMENTED.name,
        key=f"cycle_commented:{comment.pk}",
        text=text,
        link=f"{link}#comment-{comment.pk}",
        collaborative=cycle.collaborative,
        team=team,
        subject=comment,
    )


def connect() -> None:
    from .signals import cycle_commented

    kinds.register(CYCLE_COMMENTED)
    cycle_commented.connect(on_cycle_commented, dispatch_uid="notify-cycle-commented")
