from __future__ import annotations

from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from convene.collaboratives.forms import DATE
from convene.collaboratives.models import Collaborative, Team
from convene.lib.forms import Styled
from convene.lib.versioning import VersionField, save_if_unchanged, version_of

from .models import Metric, ReportingPeriod, ReportingSchedule, Stratification

TEXT = forms.Textarea(attrs={"rows": 2})


class MetricForm(Styled, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The link is the key change's (``KeyChange.metrics``); the metric's form edits it from
    # this side through the reverse relation, without knowing the change package's models.
    key_changes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("key changes it measures"),
        help_text=_("The changes from the change package that this metric should show."),
    )

    class Meta:
        model = Metric
        fields = [*Metric.DEFINITION_FIELDS, "stratification"]
        widgets = {
            "kind": forms.RadioSelect,
            "direction": forms.RadioSelect,
            "goal_date": DATE,
            "conceptual_definition": TEXT,
            "operational_definition": forms.Textarea(attrs={"rows": 3}),
            "numerator": TEXT,
            "denominator": TEXT,
            "inclusions": TEXT,
            "exclusions": TEXT,
            "sampling": TEXT,
            "changes_measured": TEXT,
        }

    def __init__(
        self, *args: Any, collaborative: Collaborative, team: Team | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instance.collaborative = collaborative
        # Radio buttons need no empty "---------" choice: one must be picked.
        self.fields["kind"].choices = Metric.Kind.choices
        self.fields["direction"].choices = Metric.Direction.choices
        self.fields["stratification"].queryset = collaborative.stratifications.all()
        self.fields["stratification"].empty_label = _("No strata: report the total only")
        self.fields["chart"].required = False
        self.fields["chart"].choices = [
            ("", _("The usual chart for the type")),
            *Metric.Chart.choices,
        ]
        self.fields["chart"].help_text = _(
            "P for proportions, U for rates, C for counts, I for continuous values, T or G for "
            "rare events."
        )
        self._key_change_choices(collaborative)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial.setdefault("key_changes", list(self.instance.key_changes.all()))
        if team is not None:
            self._for_team(team)

    def _key_change_choices(self, collaborative: Any) -> None:
        """The change package's key changes, grouped under their concepts."""
        key_change = Metric._meta.get_field("key_changes").related_model
        key_changes = (
            key_change.objects.filter(
                concept__collaborative=collaborative, concept__deleted_at__isnull=True
            )
            .select_related("concept")
            .order_by("concept__position", "concept__pk", "position", "pk")
        )
        field = self.fields["key_changes"]
        field.queryset = key_changes
        groups: dict[Any, list[tuple[int, str]]] = {}
        for key_change in key_changes:
            groups.setdefault(key_change.concept, []).append((key_change.pk, key_change.name))
        field.choices = [(concept.name, items) for concept, items in groups.items()]
        self._key_change_groups = groups

    def _save_m2m(self) -> None:
        super()._save_m2m()
        self.instance.key_changes.set(self.cleaned_data["key_changes"])

    @property
    def key_change_groups(self) -> list[tuple[Any, list[Any]]]:
        """For the template: each concept with the checkboxes of its key changes.

        Built when rendered: a bound field's checkboxes read the form's errors, which would
        validate the form before ``__init__`` has finished.
        """
        boxes = {str(box.data["value"]): box for box in self["key_changes"]}
        return [
            (concept, [boxes[str(pk)] for pk, _name in items])
            for concept, items in self._key_change_groups.items()
        ]

    def _for_team(self, team: Team) -> None:
        """A team's own metric: never core, not reported by strata, asked of no other team."""
        self.instance.team = team
        self.instance.is_required = False
        del self.fields["stratification"], self.fields["is_required"]
        self.fields["category"].choices = [
            (value, label)
            for value, label in Metric.Category.choices
            if value != Metric.Category.CORE
        ]
        if self.initial.get("category") == Metric.Category.CORE:
            self.initial["category"] = Metric.Category.OPTIONAL

    def clean_short_name(self) -> str:
        # Spreadsheets name metrics by short name: a team's metrics and the shared ones
        # must not share one.
        short_name = self.cleaned_data["short_name"].strip()
        same_name = Metric.objects.filter(
            collaborative=self.instance.collaborative, short_name__iexact=short_name
        ).exclude(pk=self.instance.pk)
        team = self.instance.team
        if team is not None:
            same_name = same_name.filter(Q(team__isnull=True) | Q(team=team))
        clash = same_name.select_related("team").first()
        if clash is not None and clash.team is not None and team is None:
            raise forms.ValidationError(
                _("%(team)s already has a metric of its own with this short name.")
                % {"team": clash.team.name}
            )
        if clash is not None:
            raise forms.ValidationError(_("Another metric already has this short name."))
        return short_name


class ScheduleForm(Styled, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = ReportingSchedule
        fields = [
            "frequency",
            "first_period_on",
            "baseline_periods",
            "due_days",
            "grace_days",
            "remind_days_before",
            "escalate_after_days",
            "trial_run",
        ]
        widgets = {
            "first_period_on": DATE,
            "frequency": forms.RadioSelect,
            "trial_run": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a post, the trial-run rule stays as it was.
        self.fields["trial_run"].required = False
        # Left out of a post (a form from before reminders), the reminder days stay as they were.
        for name in ("remind_days_before", "escalate_after_days"):
            self.fields[name].required = False
        self.initial["version"] = version_of(self.instance)

    def save_unless_changed(self) -> bool:
        """Store the schedule and make its periods, unless someone saved (or first set up)
        the schedule since this form was read: then store nothing and answer False."""
        schedule = self.instance
        with transaction.atomic():
            if schedule.pk:
                fields = [name for name in self._meta.fields if name in self.cleaned_data]
                if not save_if_unchanged(schedule, self.cleaned_data["version"], fields):
                    return False
            else:
                try:
                    with transaction.atomic():
                        schedule.save()
                except IntegrityError:  # a colleague set the schedule up a moment ago
                    return False
            schedule.sync_periods()
        return True

    def clean_trial_run(self) -> Any:
        return self.cleaned_data.get("trial_run") or self.instance.trial_run

    def clean_remind_days_before(self) -> int:
        return self._kept("remind_days_before")

    def clean_escalate_after_days(self) -> int:
        return self._kept("escalate_after_days")

    def _kept(self, name: str) -> int:
        value = self.cleaned_data.get(name)
        return getattr(self.instance, name) if value is None else value

    def clean_first_period_on(self) -> Any:
        first = self.cleaned_data["first_period_on"]
        collaborative = self.instance.collaborative
        if first > collaborative.end_on:
            raise forms.ValidationError(
                _("The first period must start before the collaborative ends.")
            )
        return first


class StratificationForm(Styled, forms.ModelForm):
    strata = forms.CharField(
        label=_("Groups, one per line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: 18–44, 45–64, 65 and over. Together they must cover everyone."),
    )

    class Meta:
        model = Stratification
        fields = ["name"]

    def clean_strata(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["strata"].splitlines() if line.strip()]
        if len(names) < 2:
            raise forms.ValidationError(_("Give at least two groups."))
        if len({name.lower() for name in names}) != len(names):
            raise forms.ValidationError(_("Each group may appear only once."))
        return names


class ChartPhaseForm(Styled, forms.Form):
    """A new phase of a chart: from which period, and why. ``version`` is the chart's phases
    as read (``ChartPhase.version_of_chart``), so an add made from a stale page is refused."""

    period = forms.TypedChoiceField(label=_("New phase from"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("What changed in the process, e.g. “new titration protocol from July”."),
    )
    version = VersionField()

    def __init__(self, *args: Any, periods: list[ReportingPeriod], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {period.pk: period for period in periods}
        # A phase cannot start at the chart's first period: that is the chart itself.
        self.fields["period"].choices = [(p.pk, p.label) for p in periods[1:]]

    def clean_period(self) -> ReportingPeriod:
        return self.periods[self.cleaned_data["period"]]


class RemoveChartPhaseForm(forms.Form):
    version = VersionField()
