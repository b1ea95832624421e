"""Who is slipping: one row per team, its cells collected from the apps' signal providers and
this app's own two (the team's last activity on the platform, the last check-in).

Every provider answers for all the teams at once, so the page runs a fixed number of queries
however many teams there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from convene.collaboratives.access import HOST, Access
from convene.collaboratives.models import AuditEvent, Team, TeamMembership
from convene.collaboratives.providers import Signal, signal_providers

from .models import CheckIn

# A team nobody on it has touched the platform for this long is slipping.
QUIET_DAYS = 30
ACTIVITY_WEIGHT = 3
FOLLOW_UP_WEIGHT = 2


@dataclass
class Cell:
    """One column's cell of a team's row: the column's signals (usually one), or none."""

    column: str
    heading: Any
    signals: list[Signal] = field(default_factory=list)


@dataclass
class TeamRow:
    team: Team
    label: str
    cells: list[Cell]
    may_log_check_in: bool = False
    may_view_check_ins: bool = False

    @property
    def reasons(self) -> list[str]:
        return [s.slipping for cell in self.cells for s in cell.signals if s.slipping]

    @property
    def weight(self) -> int:
        return sum(s.weight for cell in self.cells for s in cell.signals if s.slipping)

    @property
    def is_slipping(self) -> bool:
        return bool(self.reasons)


def followed_teams(access: Access) -> list[Team]:
    """The teams this person follows up: every live team for a host (a host who also coaches
    too), the teams a coach is assigned to now for a coach."""
    teams = Team.objects.filter(collaborative=access.collaborative).select_related("organisation")
    if HOST not in access.grants:  # site staff hold it too
        teams = teams.filter(pk__in=access.coached_team_ids)
    found = list(teams.order_by("name", "pk"))
    for team in found:
        team.collaborative = access.collaborative
    return found


def rows_for(access: Access, teams: list[Team]) -> list[TeamRow]:
    """The rows of ``teams``, the worst first (the weights of their reasons, then the name)."""
    collaborative = access.collaborative
    by_team: dict[int, dict[str, Cell]] = {team.pk: {} for team in teams}
    columns: dict[str, Any] = {}
    providers = [provider for _name, provider in signal_providers()]
    providers += [last_activity, last_check_in]
    for provider in providers:
        for team_id, signals in provider(collaborative, teams, access).items():
            for signal in signals:
                columns.setdefault(signal.column, signal.heading)
                cells = by_team.get(team_id)
                if cells is not None:
                    cells.setdefault(signal.column, Cell(signal.column, signal.heading))
                    cells[signal.column].signals.append(signal)
    rows = []
    for team in teams:
        cells = by_team[team.pk]
        rows.append(
            TeamRow(
                team=team,
                # Hosts and a team's coach see it by name, whatever the sharing setting.
                label=access.team_label(team, 0) or team.name,
                cells=[
                    cells.get(column) or Cell(column, heading)
                    for column, heading in columns.items()
                ],
                may_log_check_in=access.can("log_check_in", team),
                may_view_check_ins=access.can("view_check_ins", team),
            )
        )
    rows.sort(key=lambda row: (-row.weight, row.label.casefold(), row.team.pk))
    return rows


def headings(rows: list[TeamRow]) -> list[Any]:
    return [cell.heading for cell in rows[0].cells] if rows else []


def _days(count: int) -> str:
    return ngettext("%(days)d day ago", "%(days)d days ago", count) % {"days": count}


def last_activity(collaborative: Any, teams: list[Team], access: Access) -> dict[int, list[Signal]]:
    """Days since anyone now on the team did anything in the collaborative (its audit log):
    one query for all the teams."""
    latest = (
        AuditEvent.objects.filter(actor_id=OuterRef("user_id"), collaborative=collaborative)
        .order_by("-at")
        .values("at")[:1]
    )
    found: dict[int, Any] = {}
    members = TeamMembership.objects.current().filter(team__in=teams)
    for team_id, at in members.annotate(last_at=Subquery(latest)).values_list("team_id", "last_at"):
        if at is not None and (team_id not in found or at > found[team_id]):
            found[team_id] = at
    today = collaborative.today()
    heading = gettext_lazy("Last activity")
    signals = {}
    for team in teams:
        at = found.get(team.pk)
        if at is None:
            quiet = (today - team.joined_on).days if team.joined_on else 0
            reason = (
                _("Nobody on the team has done anything here since it joined")
                if quiet > QUIET_DAYS
                else ""
            )
            text, sort = _("Nothing yet"), None
        else:
            quiet = (today - collaborative.local(at).date()).days
            text = _("Today") if quiet == 0 else _days(quiet)
            sort = quiet
            reason = (
                ngettext(
                    "Nobody on the team has done anything here for %(days)d day",
                    "Nobody on the team has done anything here for %(days)d days",
                    quiet,
                )
                % {"days": quiet}
                if quiet > QUIET_DAYS
                else ""
            )
        signals[team.pk] = [
            Signal(
                column="last_activity",
                heading=heading,
                text=text,
                slipping=reason,
                weight=ACTIVITY_WEIGHT if reason else 0,
                sort=sort,
            )
        ]
    return signals


def last_check_in(collaborative: Any, teams: list[Team], access: Access) -> dict[int, list[Signal]]:
    """The team's latest check-in (when, how, the follow-up and by when); slipping when the
    follow-up date has passed with no check-in since. Two queries for all the teams."""
    newest = CheckIn.objects.filter(team=OuterRef("pk")).order_by("-held_on", "-pk").values("pk")
    ids = Team.objects.filter(pk__in=[t.pk for t in teams]).annotate(
        check_in_id=Subquery(newest[:1])
    )
    wanted = [pk for pk in ids.values_list("check_in_id", flat=True) if pk]
    check_ins = {c.team_id: c for c in CheckIn.objects.filter(pk__in=wanted)}
    today = collaborative.today()
    heading = gettext_lazy("Last check-in")
    signals = {}
    for team in teams:
        check_in = check_ins.get(team.pk)
        link = (
            reverse("notifications:check-ins", args=[collaborative.pk, team.pk])
            if access.can("view_check_ins", team)
            else ""
        )
        if check_in is None:
            signal = Signal("last_check_in", heading, _("None yet"), link=link)
        else:
            signal = _check_in_signal(check_in, today, heading, link)
        signals[team.pk] = [signal]
    return signals


def _check_in_signal(check_in: CheckIn, today: date, heading: Any, link: str) -> Signal:
    held = formats.date_format(check_in.held_on, "DATE_FORMAT")
    text = _("%(date)s, %(how)s") % {"date": held, "how": check_in.get_how_display().lower()}
    reason = ""
    due = check_in.follow_up_on
    if due is not None:
        by = formats.date_format(due, "DATE_FORMAT")
        text += " · " + _("follow up by %(date)s") % {"date": by}
        if due < today:
            reason = _("The follow-up was due on %(date)s") % {"date": by}
    return Signal(
        column="last_check_in",
        heading=heading,
        text=text,
        link=link,
        slipping=reason,
        weight=FOLLOW_UP_WEIGHT if reason else 0,
        sort=check_in.held_on,
    )
