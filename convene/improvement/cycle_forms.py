"""The PDSA worksheet form, its attachment and comment forms, and the choices they offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.models import Team
from convene.lib.forms import Styled
from convene.lib.uploads import UploadField
from convene.lib.versioning import VersionField
from convene.measures.models import Metric, ReportingPeriod

from .diagram import change_ideas
from .models import Comment, DriverNode, KeyChange, PDSACycle
from .ramps import descendants, next_scale

Choices = list[tuple[Any, Any]]


@dataclass
class CycleChoices:
    """What a team's worksheet may point to, read once (five queries)."""

    ideas: dict[str, DriverNode] = field(default_factory=dict)
    idea_choices: Choices = field(default_factory=list)
    key_changes: dict[str, KeyChange] = field(default_factory=dict)
    key_change_choices: Choices = field(default_factory=list)
    metrics: dict[str, Metric] = field(default_factory=dict)
    periods: dict[str, ReportingPeriod] = field(default_factory=dict)
    cycles: dict[str, PDSACycle] = field(default_factory=dict)


def _grouped(items: list[tuple[str, str, str]]) -> Choices:
    """(group, value, label) rows → select choices with an optgroup per group, in order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, value, label in items:
        groups.setdefault(group, []).append((value, label))
    return [("", gettext("—"))] + list(groups.items())


def _change_ideas(team: Team) -> tuple[dict[str, DriverNode], Choices]:
    """The change ideas of the team's diagram (the collaborative's and its own), grouped
    under their secondary driver."""
    ideas = list(change_ideas(team.collaborative_id, team.pk))
    rows = [(node.parent.text, str(node.pk), node.text) for node in ideas]
    return {str(node.pk): node for node in ideas}, _grouped(rows)


def cycle_choices(team: Team, cycle: PDSACycle | None = None) -> CycleChoices:
    choices = CycleChoices()
    choices.ideas, choices.idea_choices = _change_ideas(team)
    key_changes = KeyChange.objects.filter(
        concept__collaborative_id=team.collaborative_id, concept__deleted_at__isnull=True
    ).select_related("concept")
    choices.key_changes = {str(k.pk): k for k in key_changes}
    choices.key_change_choices = _grouped(
        [(k.concept.name, str(k.pk), k.name) for k in choices.key_changes.values()]
    )
    metrics = Metric.objects.filter(collaborative_id=team.collaborative_id).filter(
        Q(team__isnull=True) | Q(team=team)
    )
    choices.metrics = {str(m.pk): m for m in metrics.order_by("team_id", "name")}
    periods = ReportingPeriod.objects.filter(collaborative_id=team.collaborative_id)
    choices.periods = {str(p.pk): p for p in periods}
    cycles = list(PDSACycle.all_objects.filter(team=team).order_by("-starts_on", "-pk"))
    excluded = {cycle.pk} | descendants(cycle.pk, cycles) if cycle and cycle.pk else set()
    # A deleted cycle stays offered to the one that already builds on it, so that saving
    # the worksheet does not quietly cut the ramp.
    kept = cycle.builds_on_id if cycle else None
    choices.cycles = {
        str(c.pk): c
        for c in cycles
        if (c.deleted_at is None or c.pk == kept) and c.pk not in excluded
    }
    return choices


def cycle_label(cycle: PDSACycle) -> str:
    parts = [cycle.title]
    if cycle.scale:
        parts.append(cycle.scale)
    if cycle.starts_on:
        parts.append(cycle.starts_on.isoformat())
    return " · ".join(parts)


class CycleForm(Styled, forms.ModelForm):
    """The toolkit's worksheet. The change tested is exactly one of: a change idea of the
    driver diagram, a key change of the change package, or the team's own words."""

    version = VersionField()
    idea = forms.ChoiceField(label=_("A change idea of the driver diagram"), required=False)
    key_change = forms.ChoiceField(label=_("Or a key change of the change package"), required=False)
    builds_on = forms.ChoiceField(
        label=_("Builds on"),
        required=False,
        help_text=_("The earlier cycle this one builds on: together they form a ramp."),
    )
    metric = forms.ChoiceField(label=_("Shows on the metric"), required=False)
    period = forms.ChoiceField(label=_("In the period"), required=False)

    class Meta:
        model = PDSACycle
        fields = [
            "title",
            "idea",
            "key_change",
            "own_idea",
            "builds_on",
            "scale",
            "starts_on",
            "ends_on",
            "status",
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
            "metric",
            "period",
            "decision",
            "next_steps",
            "is_shared",
        ]
        labels = {"own_idea": _("Or the team's own idea, in its words")}
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decision": forms.RadioSelect,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in PDSACycle.TEXT_FIELDS},
        }

    SINGLE = ("idea", "key_change", "metric", "period", "builds_on")

    def __init__(self, *args: Any, choices: CycleChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["idea"].choices = choices.idea_choices
        self.fields["key_change"].choices = choices.key_change_choices
        self.fields["metric"].choices = [("", "—")] + [
            (pk, str(metric)) for pk, metric in choices.metrics.items()
        ]
        self.fields["period"].choices = [("", "—")] + [
            (pk, period.label) for pk, period in choices.periods.items()
        ]
        self.fields["builds_on"].choices = [("", gettext("None: a first test"))] + [
            (pk, cycle_label(cycle)) for pk, cycle in choices.cycles.items()
        ]
        self.fields["decision"].choices = [("", gettext("Not decided yet"))] + list(
            PDSACycle.Decision.choices
        )
        self.fields["decision"].required = False
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
            for name in self.SINGLE:
                value = getattr(self.instance, f"{name}_id")
                self.initial[name] = str(value) if value else ""

    def _pick(self, name: str, found: dict[str, Any]) -> Any:
        value = self.cleaned_data.get(name) or ""
        return found.get(value) if value else None

    def clean_idea(self) -> DriverNode | None:
        return self._pick("idea", self.choices.ideas)

    def clean_key_change(self) -> KeyChange | None:
        return self._pick("key_change", self.choices.key_changes)

    def clean_metric(self) -> Metric | None:
        return self._pick("metric", self.choices.metrics)

    def clean_period(self) -> ReportingPeriod | None:
        return self._pick("period", self.choices.periods)

    def clean_builds_on(self) -> PDSACycle | None:
        return self._pick("builds_on", self.choices.cycles)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        named = [
            name
            for name in ("idea", "key_change", "own_idea")
            if data.get(name) and name not in self.errors
        ]
        if len(named) != 1 and not {"idea", "key_change"} & set(self.errors):
            self.add_error(
                "idea",
                gettext(
                    "Name the change this cycle tests once: a change idea, a key change, or "
                    "the team's own words (only one of the three)."
                ),
            )
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", gettext("The end date is before the start date."))
        if data.get("status") == PDSACycle.Status.DONE and not data.get("decision"):
            self.add_error(
                "decision",
                gettext("A cycle that is done needs a decision: adopt, adapt or abandon."),
            )
        return data


def initial_for_new(choices: CycleChoices, params: Any) -> dict[str, Any]:
    """The worksheet prefilled from ``?idea=<node>`` or ``?builds_on=<cycle>``: building on a
    cycle carries over the change it tested and suggests the next, larger scale."""
    initial: dict[str, Any] = {}
    idea = params.get("idea", "")
    if idea in choices.ideas:
        initial["idea"] = idea
    earlier = choices.cycles.get(params.get("builds_on", ""))
    if earlier is not None:
        initial["builds_on"] = str(earlier.pk)
        initial["idea"] = str(earlier.idea_id) if str(earlier.idea_id) in choices.ideas else ""
        if str(earlier.key_change_id) in choices.key_changes:
            initial["key_change"] = str(earlier.key_change_id)
        initial["own_idea"] = earlier.own_idea
        initial["scale"] = next_scale(earlier.scale)
        initial["title"] = earlier.title
    return initial


class AttachmentForm(Styled, forms.Form):
    file = UploadField(label=_("Attach a file"))


class CommentForm(Styled, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text"]
        labels = {"text": _("Your comment")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
