"""The change package: the changes teams test, grouped under the concepts behind them.

The toolkit calls it "change concepts → key changes": a concept is a broad idea (accurate
measurement), a key change a concrete practice teams can test (repeat a high reading after five
quiet minutes). Metrics name the key changes they measure, so a chart can be read against
what teams tried.
"""

from __future__ import annotations

from django.db import models
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
