"""The trial run's forms: the team's five records with their answers and its questions, and a
host's review."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.lib.forms import KeyedFormSet, Styled, style
from convene.measures.entry import check_entry
from convene.measures.models import Metric, Stratum
from convene.measures.owed import strata_of
from convene.measures.templatetags.measures_tags import plain

from .models import TrialReview, TrialRun
from .trial import PlannedRecord, review_trial, save_trial

# How a record stands against a proportion, as (numerator, denominator).
PROPORTION_ANSWERS = {"out": (0, 0), "den": (0, 1), "num": (1, 1)}
# Two or more capitalised words and nothing else, like "Maria Lopez": a person's name.
LOOKS_LIKE_A_NAME = re.compile(r"^[A-ZÀ-Þ][a-zß-ÿ'’-]+(\s+[A-ZÀ-Þ][a-zß-ÿ'’-]+)+$")


def _figure_input() -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class RecordForm(forms.Form):
    """One of the five records: its reference, a note, and its answer to every shared metric.

    Per metric ``m<id>`` answers a proportion; ``m<id>_numerator`` and ``m<id>_denominator``
    hold the figures of the other kinds, ``m<id>_group`` the record's group when the metric is
    stratified. Once clean, ``planned`` is the record to store.
    """

    reference = forms.CharField(
        label=gettext_lazy("Record reference"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("A number or code your team can trace, never a name."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note on this record"), max_length=300, required=False
    )

    def __init__(
        self,
        *args: Any,
        position: int,
        metrics: list[Metric],
        strata: dict[int, list[Stratum]],
        **kwargs: Any,
    ) -> None:
        self.position = position
        self.metrics = metrics
        self.planned = PlannedRecord(position, "", "")
        super().__init__(*args, **kwargs)
        for metric in metrics:
            self._add_answer_fields(metric, strata.get(metric.stratification_id or 0, []))
        for field in self.fields.values():
            style(field, small=True)

    def _add_answer_fields(self, metric: Metric, groups: list[Stratum]) -> None:
        m = f"m{metric.pk}"
        if metric.kind == Metric.Kind.PROPORTION:
            self.fields[m] = forms.ChoiceField(
                label=metric.short_name,
                required=False,
                choices=[
                    ("", _("Not answered")),
                    ("out", _("Not in the denominator")),
                    ("den", _("In the denominator, not the numerator")),
                    ("num", _("In the numerator")),
                ],
            )
        else:
            if metric.has_denominator:
                label = _("%(metric)s: events") % {"metric": metric.short_name}
            elif metric.unit:
                label = f"{metric.short_name} ({metric.unit})"
            else:
                label = metric.short_name
            self.fields[f"{m}_numerator"] = forms.CharField(
                label=label, required=False, max_length=20, widget=_figure_input()
            )
            if metric.has_denominator:
                self.fields[f"{m}_denominator"] = forms.CharField(
                    label=_("%(metric)s: exposure") % {"metric": metric.short_name},
                    required=False,
                    max_length=20,
                    widget=_figure_input(),
                )
        if groups:
            self.fields[f"{m}_group"] = forms.TypedChoiceField(
                label=f"{metric.short_name}: {metric.stratification.name}",
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), *((s.pk, s.name) for s in groups)],
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reference = cleaned.get("reference") or ""
        self.planned = PlannedRecord(self.position, reference, cleaned.get("note") or "")
        if LOOKS_LIKE_A_NAME.match(reference):
            self.add_error(
                "reference",
                _("This looks like a person's name: use the record's number or a code instead."),
            )
        for metric in self.metrics:
            answer = self._answer(metric, cleaned)
            if answer is not None:
                self.planned.answers[metric.pk] = answer
        cleaned["answers"] = self.planned.answers
        return cleaned

    def _answer(
        self, metric: Metric, cleaned: dict[str, Any]
    ) -> tuple[Decimal | None, Decimal | None, int | None] | None:
        """The record's answer for ``metric`` as (numerator, denominator, stratum id), or None
        when it is not answered or wrong (then the error is on the field)."""
        m = f"m{metric.pk}"
        group = cleaned.get(f"{m}_group")
        if metric.kind == Metric.Kind.PROPORTION:
            choice = cleaned.get(m) or ""
            if not choice:
                return None
            numerator, denominator = PROPORTION_ANSWERS[choice]
            return Decimal(numerator), Decimal(denominator), group
        check = check_entry(
            metric, cleaned.get(f"{m}_numerator"), cleaned.get(f"{m}_denominator"), []
        )
        if check.errors:
            self.add_error(f"{m}_numerator", " ".join(check.errors))
            return None
        return None if check.is_blank else (check.numerator, check.denominator, group)

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Give the fields with errors the framework's invalid look (again after the formset
        added errors of its own)."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                if "is-invalid" not in css.split():
                    widget.attrs["class"] = f"{css} is-invalid"

    def answers(self) -> list[dict[str, Any]]:
        """The bound fields of each metric's answer, for the template."""

        def field(name: str) -> forms.BoundField | None:
            return self[name] if name in self.fields else None

        return [
            {
                "metric": metric,
                "choice": field(f"m{metric.pk}"),
                "numerator": field(f"m{metric.pk}_numerator"),
                "denominator": field(f"m{metric.pk}_denominator"),
                "group": field(f"m{metric.pk}_group"),
            }
            for metric in self.metrics
        ]


def _stored_records(trial: TrialRun, metrics: list[Metric]) -> list[dict[str, Any]]:
    """The stored records as the record forms' initial data, in position order."""
    initial: list[dict[str, Any]] = [{} for _ in range(TrialRun.RECORDS)]
    if not trial.pk:
        return initial
    kinds = {metric.pk: metric.kind for metric in metrics}
    for record in trial.records.prefetch_related("answers"):
        if not 1 <= record.position <= TrialRun.RECORDS:
            continue
        fields = initial[record.position - 1]
        fields.update(reference=record.reference, note=record.note)
        for answer in record.answers.all():
            m = f"m{answer.metric_id}"
            if kinds.get(answer.metric_id) == Metric.Kind.PROPORTION:
                pair = (int(answer.numerator or 0), int(answer.denominator or 0))
                fields[m] = next(k for k, v in PROPORTION_ANSWERS.items() if v == pair)
            else:
                fields[f"{m}_numerator"] = plain(answer.numerator)
                fields[f"{m}_denominator"] = plain(answer.denominator)
            fields[f"{m}_group"] = answer.stratum_id
    return initial


class BaseRecordFormSet(KeyedFormSet):
    """The five records, named by position: ``record-<position>-<field>``.

    Each record must have its own reference; to send the trial (``submitting``), every record
    needs a reference and at least one answer.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        trial: TrialRun,
        metrics: list[Metric],
        submitting: bool = False,
    ) -> None:
        self.metrics = metrics
        self.strata = strata_of(metrics)
        self.submitting = submitting
        self.keys = [str(position) for position in range(1, TrialRun.RECORDS + 1)]
        initial = _stored_records(trial, metrics) if data is None else None
        super().__init__(data, initial=initial, prefix="record")

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"position": (index or 0) + 1, "metrics": self.metrics, "strata": self.strata}

    def clean(self) -> None:
        planned = self.planned
        references = [r.reference.casefold() for r in planned if r.reference]
        for form, record in zip(self.forms, planned, strict=True):
            if record.reference and references.count(record.reference.casefold()) > 1:
                form.add_error("reference", _("Each record needs its own reference."))
        if not self.submitting:
            return
        for form, record in zip(self.forms, planned, strict=True):
            if not record.reference:
                form.add_error("reference", _("Give every record a reference."))
            elif not record.answers:
                form.add_error("reference", _("Answer at least one metric for this record."))

    def full_clean(self) -> None:
        super().full_clean()
        for form in self.forms:
            form.mark_invalid()

    @property
    def planned(self) -> list[PlannedRecord]:
        return [form.planned for form in self.forms]


RecordFormSet = forms.formset_factory(RecordForm, formset=BaseRecordFormSet, extra=0)


class TrialForm(Styled, forms.Form):
    """What the trial holds beside its records: the team's questions, and the version the
    records were typed on."""

    questions = forms.CharField(
        label=gettext_lazy("Questions and problems"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=TrialRun._meta.get_field("questions").help_text,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TrialEntry:
    """Everything the trial form sends: the five records and the team's questions, checked
    together and saved all together.

    It answers ``errors`` and ``non_field_errors`` like a form, for the page's error summary.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        trial: TrialRun,
        metrics: list[Metric],
        submitting: bool = False,
    ) -> None:
        self.trial = trial
        self.submitting = submitting
        initial = {"questions": trial.questions, "version": trial.version} if trial.pk else {}
        self.form = TrialForm(data, initial=initial)
        self.records = RecordFormSet(data, trial=trial, metrics=metrics, submitting=submitting)

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.records.is_valid()])

    @property
    def errors(self) -> bool:
        return bool(self.form.errors) or bool(self.records.total_error_count())

    def non_field_errors(self) -> Any:
        return self.form.non_field_errors()

    def refuse(self, message: str) -> None:
        """Show ``message`` above the form: the save was refused though the records are fine."""
        self.form.add_error(None, message)

    def save(self, by: Any) -> TrialRun:
        """Store the records and questions (and send the trial when submitting); raises
        ``Conflict`` when someone saved the trial since this copy was loaded."""
        return save_trial(
            self.trial,
            questions=self.form.cleaned_data["questions"],
            expected_version=self.form.cleaned_data.get("version"),
            records=self.records.planned,
            by=by,
            submit=self.submitting,
        )


class ReviewForm(Styled, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=TrialReview.Decision.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment to the team"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What to change before routine reporting, or what worked well. "
            "Needed when you return the trial or excuse the team."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, trial: TrialRun, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trial = trial
        if trial.status != TrialRun.Status.SUBMITTED:
            # Only a submitted trial can be judged; any unfinished one can be excused.
            self.fields["decision"].choices = [
                (TrialReview.Decision.EXCUSE.value, TrialReview.Decision.EXCUSE.label)
            ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        needs_comment = {TrialReview.Decision.RETURN, TrialReview.Decision.EXCUSE}
        if decision in needs_comment and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Tell the team why."))
        return cleaned

    def save(self, trial: TrialRun, by: Any, metrics: list[Metric]) -> TrialReview:
        """Record the decision on ``trial`` (the form's, once stored); raises ``Conflict`` when
        the trial changed since the reviewer read it."""
        return review_trial(
            trial,
            decision=self.cleaned_data["decision"],
            comment=self.cleaned_data["comment"].strip(),
            expected_version=self.cleaned_data["version"],
            by=by,
            metrics=metrics,
        )
