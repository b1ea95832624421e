"""The trial run: five records a team checks the definitions with before routine reporting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.audit import AuditedModel
from convene.collaboratives.models import Team
from convene.measures.models import (
    Metric,
    Stratum,
)


class TrialRun(AuditedModel):
    """A team's first five records, collected by the metrics' definitions, for a host to review.

    The trial tests the process (definitions, forms, timetable) before routine reporting.
    The team saves drafts, then submits; a host accepts it, or returns it with a comment
    and the team tries again. A host may also excuse a team. Every review is kept.
    """

    RECORDS = 5

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned to the team")
        ACCEPTED = "accepted", _("Accepted")
        EXCUSED = "excused", _("Excused")

    # Routine reporting is open once the trial is in one of these states.
    DONE = frozenset({Status.ACCEPTED, Status.EXCUSED})

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="trial_run")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    questions = models.TextField(
        _("questions and problems"),
        blank=True,
        help_text=_(
            "What was unclear in the definitions, hard to find in the records, or slow to "
            "collect? The host reads this with the records."
        ),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        db_table = "measures_trialrun"  # born in measures: the table keeps its name
        verbose_name = _("trial run")
        verbose_name_plural = _("trial runs")

    def __str__(self) -> str:
        return f"{self.team} · {self.get_status_display()}"

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE

    @property
    def is_editable(self) -> bool:
        """The team may change it: a draft, or returned for another try."""
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class TrialRecord(models.Model):
    """One of the trial's five records, known by a reference that is never a name."""

    trial = models.ForeignKey(TrialRun, on_delete=models.CASCADE, related_name="records")
    position = models.PositiveSmallIntegerField()
    reference = models.CharField(_("record reference"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        db_table = "measures_trialrecord"  # born in measures: the table keeps its name
        ordering = ["position"]
        verbose_name = _("trial record")
        verbose_name_plural = _("trial records")
        constraints = [
            models.UniqueConstraint(fields=["trial", "position"], name="one_trial_record_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.trial_id} #{self.position}: {self.reference}"


class TrialAnswer(models.Model):
    """What one trial record gives for one metric.

    For a proportion, the numerator and denominator are 0 or 1: is the record in the
    denominator, and does it meet the numerator? For a rate they are the record's events and
    exposure; for the other kinds the numerator holds the record's value.
    """

    record = models.ForeignKey(TrialRecord, on_delete=models.CASCADE, related_name="answers")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="trial_answers")
    stratum = models.ForeignKey(
        Stratum, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        db_table = "measures_trialanswer"  # born in measures: the table keeps its name
        verbose_name = _("trial answer")
        verbose_name_plural = _("trial answers")
        constraints = [
            models.UniqueConstraint(fields=["record", "metric"], name="one_trial_answer_per_metric")
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.metric_id}"


class TrialReview(models.Model):
    """A host's decision on a trial run: kept, so the conversation with the team is not lost."""

    class Decision(models.TextChoices):
        ACCEPT = "accepted", _("Accept")
        RETURN = "returned", _("Return to the team")
        EXCUSE = "excused", _("Excuse the team from the trial run")

    trial = models.ForeignKey(TrialRun, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment to the team"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(default=timezone.now)
    # The records as the reviewer read them: the team may change them after a return.
    records = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        db_table = "measures_trialreview"  # born in measures: the table keeps its name
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("trial review")
        verbose_name_plural = _("trial reviews")

    def __str__(self) -> str:
        return f"{self.trial} · {self.decision}"

    @property
    def outcome(self) -> str:
        """The decision as it reads afterwards: "Accepted", not "Accept"."""
        return str(TrialRun.Status(self.decision).label)
