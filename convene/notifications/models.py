"""Notifications, each person's choices about them, and the coach's check-ins with teams.

A notification is one row per person and event (``key`` names the event: the same key for the
same person is refused by the database, so a reminder step or a scan run twice sends once).
Its ``email_state`` carries the e-mail's fate: nothing to send, pending (with the next attempt
and the last error), sent, failed for good, or waiting for the day's digest.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.audit import AuditedModel
from convene.collaboratives.models import Collaborative, Team
from convene.lib.softdelete import SoftDeletable


class Channel(models.TextChoices):
    """How a person hears of one kind of notification."""

    IN_APP = "in_app", _("Only here, under the bell")
    EMAIL = "email", _("An e-mail at once")
    DIGEST = "digest", _("A daily digest e-mail")


class Notification(models.Model):
    class EmailState(models.TextChoices):
        NONE = "none", _("not e-mailed")
        PENDING = "pending", _("waiting to be sent")
        DIGEST = "digest", _("waiting for the daily digest")
        SENT = "sent", _("e-mailed")
        FAILED = "failed", _("could not be e-mailed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40)
    # What it is about, as the audit log names objects ("reporting.report", "17").
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    collaborative = models.ForeignKey(
        Collaborative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=200)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_next_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="unread_notifications",
            ),
            models.Index(
                fields=["email_state", "email_next_at"],
                condition=Q(email_state__in=["pending", "digest"]),
                name="notifications_to_email",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def is_just_now(self) -> bool:
        """Told less than a minute ago ("0 minutes ago" reads oddly)."""
        return timezone.now() - self.created_at < timedelta(minutes=1)


class Preference(models.Model):
    """A person's choice of channel for one kind; without a row, the kind's default holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("how"), max_length=8, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.channel}"

    @classmethod
    def choose(cls, user: models.Model, kind: str, channel: str) -> None:
        """Record ``user``'s choice for ``kind``. Choosing "only here" also stops the e-mails of
        that kind still waiting to go, so nothing arrives after someone said stop."""
        cls.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        if channel == Channel.IN_APP:
            waiting = [Notification.EmailState.PENDING, Notification.EmailState.DIGEST]
            Notification.objects.filter(recipient=user, kind=kind, email_state__in=waiting).update(
                email_state=Notification.EmailState.NONE, email_next_at=None
            )


class Digest(models.Model):
    """One daily digest of one person: the row is taken before the e-mail goes, so two
    scans at once send it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    on_date = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "on_date"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.on_date}"


class CheckIn(AuditedModel, SoftDeletable):
    """A coach's (or host's) contact with a team, and what is to follow."""

    class How(models.TextChoices):
        CALL = "call", _("Phone or video call")
        VISIT = "visit", _("Site visit")
        EMAIL = "email", _("E-mail or message")
        MEETING = "meeting", _("At a meeting")
        OTHER = "other", _("Other")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_on = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=8, choices=How.choices, default=How.CALL)
    notes = models.TextField(_("notes"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    follow_up_on = models.DateField(_("follow up by"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.team} · {self.held_on}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id
