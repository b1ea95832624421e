"""Who wrote a comment, as the reader may be told.

People are named; but a member of another team names that team, so where the sharing setting
shows a team only under its letter (or not at all), its members' comments on shared cycles are
signed "A member of Team C" (DESIGN.md: anonymised views carry nothing of another team but what
it shares, under its letter).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from convene.collaboratives.access import Access
from convene.collaboratives.models import TeamMembership
from convene.collaboratives.overview import labelled_teams

from .models import Comment


def label_authors(access: Access, comments: Iterable[Comment]) -> None:
    """Set ``author_label`` on each comment (two queries at most, however many comments)."""
    comments = list(comments)
    for comment in comments:
        author = comment.author
        comment.author_label = (
            (author.get_full_name() or author.get_short_name()) if author else _("Someone")
        )
    if access.sees_all_teams:
        return
    authors = {comment.author_id for comment in comments if comment.author_id}
    places = TeamMembership.objects.current().filter(
        user_id__in=authors, team__collaborative=access.collaborative
    )
    teams_of: dict[int, list[int]] = {}
    for user_id, team_id in places.values_list("user_id", "team_id"):
        teams_of.setdefault(user_id, []).append(team_id)
    if not teams_of:
        return
    shown = {team.pk: team for team in labelled_teams(access)}
    for comment in comments:
        team_ids = teams_of.get(comment.author_id or 0, [])
        hidden = [pk for pk in team_ids if pk not in shown or not shown[pk].is_named]
        if team_ids and len(hidden) == len(team_ids):
            team = shown.get(hidden[0])
            comment.author_label = (
                _("A member of %(team)s") % {"team": team.label}
                if team
                else _("A member of another team")
            )
