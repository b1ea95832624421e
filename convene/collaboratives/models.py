from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from convene.accounts.models import User
from convene.lib.softdelete import AliveManager, SoftDeletable
from convene.lib.versioning import save_if_unchanged

from .audit import AuditedModel
from .signals import invitation_accepted, team_member_joined


class CollaborativeRole(models.TextChoices):
    HOST_ADMIN = "host_admin", _("Host admin")
    PLANNING = "planning", _("Planning group")
    FACULTY = "faculty", _("Faculty")
    COACH = "coach", _("Coach")
    OBSERVER = "observer", _("Observer")


class TeamRole(models.TextChoices):
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    CHANGE_LEADER = "change_leader", _("Change leader")
    DATA_LEAD = "data_lead", _("Data lead")
    CLINICIAN_CHAMPION = "clinician_champion", _("Clinician champion")
    MEMBER = "member", _("Team member")


def role_label(role: str) -> str | Promise:
    for choices in (CollaborativeRole, TeamRole):
        if role in choices.values:
            return choices(role).label
    return role


class Organisation(AuditedModel, SoftDeletable):
    """A clinic, agency, health department or other body that fields teams or hosts."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("Clinic or health centre")
        HOSPITAL = "hospital", _("Hospital or health system")
        PUBLIC_HEALTH = "public_health", _("Public health department")
        SOCIAL_SERVICE = "social_service", _("Social or homeless services agency")
        ASSOCIATION = "association", _("Association or network")
        UNIVERSITY = "university", _("University or institute")
        FUNDER = "funder", _("Funder")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    city = models.CharField(_("city or town"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def default_time_zone() -> str:
    """The site's zone: what a collaborative keeps until its host names its own."""
    return str(settings.TIME_ZONE)


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."), code="time_zone")


class Collaborative(AuditedModel, SoftDeletable):
    """A time-boxed learning collaborative: its aim, charter and settings."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        RECRUITING = "recruiting", _("Recruiting")
        ACTIVE = "active", _("Active")
        SUSTAINING = "sustaining", _("Sustaining")
        CLOSED = "closed", _("Closed")

    class Sharing(models.TextChoices):
        NAMED = "named", _("Named: teams see each other's names and data")
        ANONYMISED = "anonymised", _("Anonymised: other teams appear as Team A, B, C")
        AGGREGATE = "aggregate", _("Aggregate only: teams see only the collaborative's totals")

    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic or focus"), max_length=200)
    host_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="hosted_collaboratives",
    )
    sponsor = models.CharField(_("sponsor or funder"), max_length=200, blank=True)
    start_on = models.DateField(_("start date"))
    end_on = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNING
    )
    sharing = models.CharField(
        _("data sharing between teams"),
        max_length=16,
        choices=Sharing.choices,
        default=Sharing.ANONYMISED,
    )

    class ChartRules(models.TextChoices):
        ANHOEJ = "anhoej", _("Anhøj rules (run and control charts, as qicharts2)")
        IHI = "ihi", _("IHI run chart rules (shift, trend, runs)")
        NHS = "nhs", _("NHS Making Data Count (XmR charts with icons)")

    chart_rules = models.CharField(
        _("rules for reading charts"),
        max_length=8,
        choices=ChartRules.choices,
        default=ChartRules.ANHOEJ,
        help_text=_("Every chart of the collaborative uses these rules and says so."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_(
            "Due dates and lateness follow this clock, and exports write their times in it. "
            "Everyone still sees their own times on pages in their own time zone."
        ),
    )
    can_teams_add_metrics = models.BooleanField(
        _("Teams may add their own metrics"),
        default=False,
        help_text=_(
            "A team's data lead or change leader can then define metrics of the team's own, "
            "reported beside the collaborative's. They appear only on that team's pages, "
            "never on the collaborative dashboard or to other teams."
        ),
    )

    aim_population = models.TextField(_("population"), blank=True)
    aim_timeframe = models.CharField(_("timeframe"), max_length=200, blank=True)
    aim_change = models.TextField(_("measurable change"), blank=True)
    aim_statement = models.TextField(_("aim statement"), blank=True)

    charter_purpose = models.TextField(_("purpose"), blank=True)
    charter_objectives = models.TextField(_("objectives"), blank=True)
    charter_scope = models.TextField(_("scope"), blank=True)
    charter_activities = models.TextField(_("activities"), blank=True)
    charter_stakeholders = models.TextField(_("stakeholders"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every edit of the charter or settings, so that two people editing at once
    # cannot overwrite each other unknowingly.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-start_on", "name"]
        verbose_name = _("collaborative")
        verbose_name_plural = _("collaboratives")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=models.F("start_on")), name="collaborative_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.pk

    def clean(self) -> None:
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": _("The end date must not be before the start date.")})

    # The collaborative's clock, in one place: due dates, lateness, the periods that have
    # begun, exports (and reminders to come) ask it, never the viewer's zone nor the server's.
    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(default_time_zone())

    def today(self) -> date:
        """The date it is now where the collaborative keeps its deadlines."""
        return timezone.localdate(timezone=self.zone)

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the collaborative's clock."""
        return timezone.localtime(moment, self.zone)

    @property
    def duration_months(self) -> int:
        months = (self.end_on.year - self.start_on.year) * 12 + self.end_on.month
        return months - self.start_on.month + (1 if self.end_on.day >= self.start_on.day else 0)

    @property
    def has_aim(self) -> bool:
        return bool(self.aim_statement or self.aim_change)

    @property
    def has_charter(self) -> bool:
        return bool(self.charter_purpose and self.charter_objectives)

    def add_member(self, user: Any, role: str) -> CollaborativeMembership:
        """Give ``user`` ``role`` here, unless they hold it already."""
        current = self.memberships.filter(user=user, role=role, ended_at__isnull=True).first()
        if current:
            return current
        return CollaborativeMembership.objects.create(collaborative=self, user=user, role=role)

    def save_with_version(self, expected_version: int, fields: list[str]) -> bool:
        """Save ``fields`` only if nobody saved since ``expected_version`` was read."""
        return save_if_unchanged(self, expected_version, fields)


class CharterDecision(AuditedModel, SoftDeletable):
    """An entry in the charter's decisions log."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="decisions"
    )
    decided_on = models.DateField(_("date"), default=timezone.localdate)
    decision = models.TextField(_("decision"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.decided_on}: {self.decision[:60]}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class CurrentQuerySet(models.QuerySet):
    def current(self) -> CurrentQuerySet:
        return self.filter(ended_at__isnull=True)


# Live rows (not soft-deleted) with ``.current()`` for the ones not yet ended.
LiveRoleManager = AliveManager.from_queryset(CurrentQuerySet)


class Period(models.Model):
    """Started and ended times of a role, so that history survives changes."""

    started_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    def end(self) -> None:
        self.ended_at = timezone.now()
        self.save(update_fields=["ended_at"])


class CollaborativeMembership(AuditedModel, SoftDeletable, Period):
    """A person's role in a collaborative (host admin, planning group, faculty, coach…)."""

    Role = CollaborativeRole

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="collaborative_memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=CollaborativeRole.choices)

    objects = LiveRoleManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["role", "user__full_name"]
        verbose_name = _("collaborative role")
        default_manager_name = "objects"
        verbose_name_plural = _("collaborative roles")
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "user", "role"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="one_current_collaborative_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.collaborative}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class Team(AuditedModel, SoftDeletable):
    """A team from one organisation taking part in one collaborative."""

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="teams")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    name = models.CharField(_("team name"), max_length=200)
    # Left empty, the later of the collaborative's start and today (see ``save``).
    joined_on = models.DateField(
        _("joined the collaborative"),
        blank=True,
        help_text=_("The team owes reports from the period that holds this date."),
    )
    history_from = models.DateField(
        _("baseline history from"),
        null=True,
        blank=True,
        help_text=_(
            "Periods before the team joined for which the team is asked for its figures, "
            "counted apart (never missing, never late). Left empty: every earlier period for a "
            "team that joined by the collaborative's start, none for a team that joined later."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(
                fields=["collaborative", "name"],
                condition=Q(deleted_at__isnull=True),
                name="unique_live_team_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.joined_on is None:
            self.joined_on = self.default_joined_on(self.collaborative)
        super().save(*args, **kwargs)

    @staticmethod
    def default_joined_on(collaborative: Collaborative) -> date:
        """A team added before the collaborative starts joins at its start, not today: it
        owes the first period like every founding team."""
        return max(collaborative.start_on, collaborative.today())

    def add_member(self, user: Any, role: str, *, is_joining: bool = True) -> TeamMembership:
        """Give ``user`` ``role`` on this team, unless they hold it already. A person who held
        no role on the team joins it (``team_member_joined`` is sent); ``is_joining=False``
        says the role replaces one they held (a change of role)."""
        current = self.memberships.filter(user=user, role=role, ended_at__isnull=True).first()
        if current:
            return current
        is_joining = is_joining and not self.memberships.current().filter(user=user).exists()
        membership = TeamMembership.objects.create(team=self, user=user, role=role)
        if is_joining:
            team_member_joined.send(sender=TeamMembership, membership=membership)
        return membership

    def assign_coach(self, coach: Any) -> CoachAssignment:
        current = self.coach_assignments.filter(coach=coach, ended_at__isnull=True).first()
        if current:
            return current
        self.collaborative.add_member(coach, CollaborativeRole.COACH)
        return CoachAssignment.objects.create(team=self, coach=coach)


class TeamMembership(AuditedModel, SoftDeletable, Period):
    """A person's role on a team. Ending or changing it keeps the earlier row as history."""

    Role = TeamRole

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=TeamRole.choices)

    objects = LiveRoleManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("team membership")
        default_manager_name = "objects"
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user", "role"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="one_current_team_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.team}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id

    @transaction.atomic
    def change_role(self, role: str) -> TeamMembership:
        """End this role and start ``role`` in its place, keeping both in the history."""
        if role == self.role:
            return self
        self.end()
        return self.team.add_member(self.user, role, is_joining=False)


class CoachAssignment(AuditedModel, SoftDeletable, Period):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_assignments"
    )

    objects = LiveRoleManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("coach assignment")
        default_manager_name = "objects"
        verbose_name_plural = _("coach assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "coach"],
                condition=Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="one_current_assignment_per_coach",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coach} → {self.team}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id


class PeerGroup(AuditedModel, SoftDeletable):
    """Teams grouped by something they share, such as a region or an EHR system."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="peer_groups"
    )
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(
        _("grouped by"), max_length=120, blank=True, help_text=_("For example: region, EHR system")
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), related_name="peer_groups")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class AuditEvent(models.Model):
    """Who changed what, when, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        RESTORE = "restore", _("restored")
        ERASE = "erase", _("erased")

    collaborative = models.ForeignKey(
        Collaborative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["collaborative", "-at"], name="audit_by_collaborative")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    @property
    def object_label(self) -> str:
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except LookupError:
            return self.object_type

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) rows for display."""
        before = self.before or {}
        after = self.after or {}
        return [(key, before.get(key), after.get(key)) for key in sorted({*before, *after})]


# ---------------------------------------------------------------- invitations


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def by_token(self, token: str) -> Invitation:
        return self.get(token_hash=_hash_token(token))


class Invitation(AuditedModel):
    """An e-mailed offer of a role in a collaborative or on one of its teams.

    Only a hash of the token is kept: the link in the e-mail is the one copy of it.
    """

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="invitations"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32)
    message = models.TextField(_("personal message"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        # Born in accounts: the table keeps its name.
        db_table = "accounts_invitation"
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.role_label}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    @classmethod
    def issue(cls, **fields: Any) -> tuple[Invitation, str]:
        """Create an invitation; returns it with the plain token for the e-mail link."""
        token = secrets.token_urlsafe(32)
        invitation = cls(
            token_hash=_hash_token(token),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            **fields,
        )
        invitation.email = User.objects.normalize_email(invitation.email)
        invitation.save()
        return invitation, token

    @property
    def role_label(self) -> str:
        return str(role_label(self.role))

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def status_label(self) -> str:
        labels = {
            "accepted": _("accepted"),
            "revoked": _("withdrawn"),
            "expired": _("expired"),
            "pending": _("waiting"),
        }
        return str(labels[self.status])

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    def is_for(self, user: User) -> bool:
        """Only the person at the invited address may accept: the link alone proves nothing."""
        return User.objects.normalize_email(user.email) == User.objects.normalize_email(self.email)

    def accept(self, user: User) -> bool:
        """Give ``user`` the offered role and use the invitation up; False if it is not pending.

        The row is locked first, so of two people accepting at once one gains the role and
        the other is told the invitation was used. The caller has checked ``is_for(user)``.
        Once accepted, ``signals.invitation_accepted`` is sent (notifications tell the inviter).
        """
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=self.pk)
            self.accepted_at, self.accepted_by_id = locked.accepted_at, locked.accepted_by_id
            self.revoked_at = locked.revoked_at
            if self.status != "pending":
                return False
            target = self.team if self.team_id else self.collaborative
            target.add_member(user, self.role)
            self.accepted_at = timezone.now()
            self.accepted_by = user
            self.save(update_fields=["accepted_at", "accepted_by"])
        invitation_accepted.send(sender=Invitation, invitation=self, user=user)
        return True
