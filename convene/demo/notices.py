"""The demo's notifications: what its people were told of lately, and the reminders due today.

The demo's history is written in bulk, which tells nobody, so the recent events are told here
through the same functions the pages use, dated when they happened: reports in, feedback
given, comments on cycles, a trial run waiting for review, each e-mailed when it happened and
all but each person's newest two read. Then the reminder scan runs as ``manage.py notify``
would, so the team that stopped reporting has been told it is late, and its coach too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Max
from django.utils import timezone

from convene.collaboratives.models import AuditEvent, TeamMembership
from convene.improvement.models import Comment
from convene.improvement.notices import on_cycle_commented
from convene.notifications.models import Notification
from convene.reporting import events as reporting_events
from convene.reporting.models import Feedback, Report
from convene.reporting.reminders import scan
from convene.trials import events as trial_events
from convene.trials.models import TrialRun

RECENT = timedelta(days=90)  # feedback, comments and trial runs told of
RECENT_REPORTS = timedelta(days=45)  # reports in: coaches hear of many
UNREAD = 2  # each person's newest notifications left unread


def load_notices(started: datetime) -> None:
    """Tell the demo's recent events once (running the demo again adds nothing), then scan."""
    _date_activity(started)
    # Joining the demo's teams is its set-up, not news.
    Notification.objects.filter(kind="member_joined", created_at__gte=started).delete()
    now = timezone.now()
    if not Notification.objects.exclude(kind__in=["report_due_soon", "report_overdue"]).exists():
        _tell_recent_events(now)
    scan(now)


# Days since each team's people last did anything (the audit log written while loading is
# dated now): most teams a few days ago; Northgate, gone quiet, six weeks ago.
QUIET_TEAMS = {"Northgate Free Clinic team": 42}


def _date_activity(started: datetime) -> None:
    """Date what the teams' people did while the demo loaded as if done days ago."""
    loaded = AuditEvent.objects.filter(at__gte=started, actor__isnull=False)
    if not loaded.exists():
        return
    members = TeamMembership.objects.current().select_related("team")
    for membership in members.order_by("team_id", "pk"):
        team = membership.team
        days = QUIET_TEAMS.get(team.name, 1 + team.pk % 9)
        loaded.filter(actor_id=membership.user_id, collaborative_id=team.collaborative_id).update(
            at=F("at") - timedelta(days=days)
        )


def _tell_recent_events(now: datetime) -> None:
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    since = now - RECENT
    dated: list[tuple[str, datetime]] = []
    reports = Report.objects.filter(submitted_at__gte=now - RECENT_REPORTS, submitted_at__lte=now)
    for report in reports.select_related("team__collaborative", "period", "submitted_by"):
        reporting_events.report_submitted(report, report.submitted_by)
        dated.append((f"report_submitted:{report.pk}:", report.submitted_at))
    feedback = Feedback.objects.filter(created_at__gte=since, created_at__lte=now)
    for item in feedback.select_related("report__team__collaborative", "report__period", "author"):
        reporting_events.feedback_given(item, item.author)
        dated.append((f"feedback_given:{item.pk}", item.created_at))
    comments = Comment.objects.filter(
        cycle__isnull=False, created_at__gte=since, created_at__lte=now
    )
    for comment in comments.select_related("cycle__team", "cycle__collaborative"):
        on_cycle_commented(Comment, comment=comment)
        dated.append((f"cycle_commented:{comment.pk}", comment.created_at))
    waiting = TrialRun.objects.filter(status=TrialRun.Status.SUBMITTED, submitted_at__isnull=False)
    for trial in waiting.select_related("team__collaborative", "submitted_by"):
        trial_events.trial_submitted(trial, trial.submitted_by)
        dated.append((f"trial_submitted:{trial.pk}", trial.submitted_at))
    made = Notification.objects.filter(pk__gt=before)
    for prefix, at in dated:
        made.filter(key__startswith=prefix).update(created_at=at)
    # Each was e-mailed (or put in a digest) when it happened; everyone has read all but their
    # newest two, so the bell shows a count.
    newest: dict[int, int] = {}
    for notification in made.order_by("-created_at", "-pk"):
        fields = []
        if notification.email_state != Notification.EmailState.NONE:
            notification.email_state = Notification.EmailState.SENT
            notification.emailed_at = notification.created_at
            fields += ["email_state", "emailed_at"]
        newest[notification.recipient_id] = newest.get(notification.recipient_id, 0) + 1
        if newest[notification.recipient_id] > UNREAD:
            notification.read_at = notification.created_at + timedelta(hours=20)
            fields.append("read_at")
        if fields:
            notification.save(update_fields=fields)
