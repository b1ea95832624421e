"""The change package, the driver diagram, PDSA cycles and action plans.

The change package: the changes teams test, grouped under the concepts behind them.

The toolkit calls it "change concepts → key changes": a concept is a broad idea (accurate
measurement), a key change a concrete practice teams can test (repeat a high reading after five
quiet minutes). Metrics name the key changes they measure, so a chart can be read against
what teams tried.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.audit import AuditedModel
from convene.collaboratives.models import Collaborative
from convene.lib.softdelete import SoftDeletable


class ChangeConcept(AuditedModel, SoftDeletable):
    """A broad idea that groups key changes."""

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="change_concepts"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Why this matters, and the evidence behind it.")
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("change concept")
        verbose_name_plural = _("change concepts")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class KeyChange(AuditedModel, SoftDeletable):
    """A concrete change teams can test, under one concept."""

    concept = models.ForeignKey(
        ChangeConcept,
        verbose_name=_("concept"),
        on_delete=models.CASCADE,
        related_name="key_changes",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What teams do, with an example or a tool if there is one."),
    )
    position = models.PositiveIntegerField(default=0)
    # The metrics that show whether the change works. The link belongs to the key change, so
    # that metric definitions know nothing of the change package; the table is the one the
    # link was born in, on the metric's side.
    metrics = models.ManyToManyField(
        "measures.Metric",
        verbose_name=_("metrics"),
        blank=True,
        related_name="key_changes",
        db_table="measures_metric_key_changes",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("key change")
        verbose_name_plural = _("key changes")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return (
            ChangeConcept.all_objects.filter(pk=self.concept_id)
            .values_list("collaborative_id", flat=True)
            .first()
        )


# ---------------------------------------------------------------------------------------------
# The driver diagram: aim → primary drivers → secondary drivers → change ideas.


class DriverNode(AuditedModel, SoftDeletable):
    """One box of a driver diagram.

    The collaborative's diagram is its nodes with no ``team``; it stays the reference. A team
    that adopts it adds nodes of its own (``team`` set), hung under the collaborative's nodes
    or its own, so the team's diagram is the reference plus its additions. What a node is
    follows from its depth: a top-level node is a primary driver, its children secondary
    drivers, theirs change ideas (``MAX_DEPTH``); change ideas have no children.
    """

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary driver")
        SECONDARY = "secondary", _("Secondary driver")
        IDEA = "idea", _("Change idea")

    KINDS_BY_DEPTH = (Kind.PRIMARY, Kind.SECONDARY, Kind.IDEA)
    MAX_DEPTH = 2

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="driver_nodes"
    )
    team = models.ForeignKey(
        "collaboratives.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="driver_nodes",
        help_text=_("Empty for the collaborative's diagram; set for a team's own additions."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    text = models.CharField(_("text"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)
    key_changes = models.ManyToManyField(
        KeyChange,
        verbose_name=_("key changes"),
        blank=True,
        related_name="driver_nodes",
        help_text=_("The key changes of the change package this idea puts into practice."),
    )
    metrics = models.ManyToManyField(
        "measures.Metric",
        verbose_name=_("metrics"),
        blank=True,
        related_name="driver_nodes",
        help_text=_("The metrics that show whether this idea works."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("driver diagram node")
        verbose_name_plural = _("driver diagram nodes")

    def __str__(self) -> str:
        return self.text

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    def soft_delete(self, by: Any) -> None:
        """Delete the node with everything under it, at one instant (``diagram.py``)."""
        from .diagram import delete_subtree

        delete_subtree(self, by)

    def restore(self) -> None:
        """Bring the node back with the nodes deleted with it (``diagram.py``)."""
        from .diagram import restore_subtree

        restore_subtree(self)


class TeamDiagram(AuditedModel):
    """A team's adoption of the collaborative's driver diagram as its own."""

    team = models.OneToOneField(
        "collaboratives.Team", on_delete=models.CASCADE, related_name="diagram"
    )
    adopted_at = models.DateTimeField(default=timezone.now, editable=False)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("team driver diagram")
        verbose_name_plural = _("team driver diagrams")

    def __str__(self) -> str:
        return str(self.team)

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.team.collaborative_id


# ---------------------------------------------------------------------------------------------
# PDSA cycles and the ramps they chain into.


class PDSACycle(AuditedModel, SoftDeletable):
    """One test of change on the toolkit's worksheet: Plan, Do, Study, Act.

    It tests one change idea: a node of the driver diagram (the collaborative's or the team's
    own), a key change of the change package, or an idea the team names in its own words.
    Cycles that build on one another (``builds_on``) form a ramp, their ``scale`` growing.
    Every save that changes the worksheet keeps what it replaced as a ``PDSACycleRevision``.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DOING = "doing", _("Doing")
        STUDYING = "studying", _("Studying")
        DONE = "done", _("Done")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="pdsa_cycles"
    )
    team = models.ForeignKey(
        "collaboratives.Team", on_delete=models.CASCADE, related_name="pdsa_cycles"
    )
    title = models.CharField(_("title"), max_length=200)
    idea = models.ForeignKey(
        DriverNode,
        verbose_name=_("change idea"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
    )
    key_change = models.ForeignKey(
        KeyChange,
        verbose_name=_("key change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
    )
    own_idea = models.CharField(
        _("the team's own idea"),
        max_length=300,
        blank=True,
        help_text=_("When the change is not in the driver diagram or the change package."),
    )
    builds_on = models.ForeignKey(
        "self",
        verbose_name=_("builds on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
        help_text=_("The earlier cycle this one builds on: together they form a ramp."),
    )
    scale = models.CharField(
        _("scale"),
        max_length=200,
        blank=True,
        help_text=_("How big the test is: one patient, five patients, one clinic session…"),
    )
    # Plan
    objective = models.TextField(_("objective"), blank=True)
    questions = models.TextField(_("questions"), blank=True)
    prediction = models.TextField(_("prediction"), blank=True)
    plan_details = models.TextField(
        _("who, what, when, where"), blank=True, help_text=_("The plan to carry out the test.")
    )
    data_plan = models.TextField(_("data to collect"), blank=True)
    # Do
    what_happened = models.TextField(_("what happened"), blank=True)
    observations = models.TextField(_("observations"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    # Study
    results = models.TextField(_("results against the prediction"), blank=True)
    learned = models.TextField(_("what was learned"), blank=True)
    metric = models.ForeignKey(
        "measures.Metric",
        verbose_name=_("shows on the metric"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pdsa_cycles",
    )
    period = models.ForeignKey(
        "measures.ReportingPeriod",
        verbose_name=_("in the period"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pdsa_cycles",
    )
    # Act
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    next_steps = models.TextField(_("the next cycle"), blank=True)

    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    is_shared = models.BooleanField(
        _("shared with the collaborative"),
        default=False,
        help_text=_("Other teams may read it and comment, as the collaborative's sharing allows."),
    )
    shared_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The worksheet's free-text boxes, in the order of Plan, Do, Study and Act.
    TEXT_FIELDS = (
        "objective",
        "questions",
        "prediction",
        "plan_details",
        "data_plan",
        "what_happened",
        "observations",
        "problems",
        "results",
        "learned",
        "next_steps",
    )
    # The worksheet's fields, in order: what a revision keeps.
    WORKSHEET_FIELDS = (
        "title",
        "idea_id",
        "key_change_id",
        "own_idea",
        "builds_on_id",
        "scale",
        "objective",
        "questions",
        "prediction",
        "plan_details",
        "data_plan",
        "what_happened",
        "observations",
        "problems",
        "results",
        "learned",
        "metric_id",
        "period_id",
        "decision",
        "next_steps",
        "starts_on",
        "ends_on",
        "status",
        "is_shared",
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")
        indexes = [models.Index(fields=["team", "starts_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id

    def snapshot(self) -> dict[str, Any]:
        """The worksheet as it stands, in plain values (for a revision)."""
        data = {}
        for name in self.WORKSHEET_FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


class PDSACycleRevision(models.Model):
    """What a cycle's worksheet said before an edit: who changed it and when."""

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("PDSA cycle revision")
        verbose_name_plural = _("PDSA cycle revisions")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "version"], name="unique_cycle_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} v{self.version}"


class CycleAttachment(AuditedModel, SoftDeletable):
    """A file kept with a cycle (a photo of a run chart, a form the team tested…).

    Stored through ``lib/uploads.py``; served only to people who may read the cycle.
    """

    cycle = models.ForeignKey(PDSACycle, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.cycle.collaborative_id


# ---------------------------------------------------------------------------------------------
# Action plans: what a team will do next, step by step.


class ActionPlan(AuditedModel, SoftDeletable):
    """The plan a team leaves a meeting with (or writes at any time)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    collaborative = models.ForeignKey(
        Collaborative, on_delete=models.CASCADE, related_name="action_plans"
    )
    team = models.ForeignKey(
        "collaboratives.Team", on_delete=models.CASCADE, related_name="action_plans"
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example: after learning session 2.")
    )
    changes = models.TextField(_("the change(s) to test"), blank=True)
    measure = models.TextField(_("how the test will be measured"), blank=True)
    idea = models.ForeignKey(
        DriverNode,
        verbose_name=_("change idea"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.collaborative_id


class ActionStep(AuditedModel, SoftDeletable):
    """One step of an action plan: what, who, by when. A step may become a PDSA cycle."""

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        DOING = "doing", _("Doing")
        DONE = "done", _("Done")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(_("step"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_name = models.CharField(
        _("responsible (someone not on the platform)"), max_length=200, blank=True
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.TODO
    )
    position = models.PositiveIntegerField(default=0)
    cycle = models.OneToOneField(
        PDSACycle,
        verbose_name=_("became the cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_step",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("action step")
        verbose_name_plural = _("action steps")

    def __str__(self) -> str:
        return self.text

    @property
    def audit_collaborative_id(self) -> int | None:
        return self.plan.collaborative_id


# ---------------------------------------------------------------------------------------------
# Comments and feedback on cycles and action plans.


class Comment(AuditedModel, SoftDeletable):
    """A comment on a PDSA cycle (by anyone who may read it) or a coach's feedback on an
    action plan. Exactly one of ``cycle`` and ``plan`` is set."""

    cycle = models.ForeignKey(
        PDSACycle, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__isnull=False, plan__isnull=True)
                | Q(cycle__isnull=True, plan__isnull=False),
                name="comment_on_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def audit_collaborative_id(self) -> int | None:
        if self.cycle_id:
            return self.cycle.collaborative_id
        return self.plan.collaborative_id if self.plan_id else None
