"""The forms a team reports with: a grid cell, and the period page (its lines, narrative and
the choices made on saving), checked together and saved all or nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from convene.collaboratives.models import Team
from convene.lib.forms import KeyedFormSet, Styled
from convene.lib.versioning import VersionField, fresh_copy, save_if_unchanged, version_of
from convene.measures.entry import Check, check_entry
from convene.measures.models import Metric, ReportingSchedule, Stratum
from convene.measures.owed import metrics_for, strata_of
from convene.measures.templatetags.measures_tags import plain

from . import events
from .access import progress_score_in
from .entry import save_entry
from .grid import history_of
from .models import ProgressScore, Report, ReportRevision, Value
from .progress import ProgressForm

NOTE_LENGTH = 300  # notes, exclusion reasons and change reasons are cut here, as the inputs are


class NarrativeForm(Styled, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Report
        fields = Report.NARRATIVE
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Report.NARRATIVE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["version"] = version_of(self.instance)


class FeedbackForm(forms.Form):
    """A coach's comment on a submitted report."""

    text = forms.CharField()

    def clean_text(self) -> str:
        return self.cleaned_data["text"][:5000]


class CellForm(forms.Form):
    """One grid cell as sent: the figures as typed, the version they were typed on, and
    whether an unusual figure was confirmed. The figures are checked by ``enter_cell``."""

    numerator = forms.CharField(required=False, strip=False, empty_value=None)
    denominator = forms.CharField(required=False, strip=False, empty_value=None)
    confirm = forms.BooleanField(required=False)
    version = VersionField()


@dataclass
class Line:
    """A line of the period page: a metric, or one stratum of a stratified one."""

    metric: Metric
    stratum: Stratum | None
    value: Value | None

    is_total = False

    @property
    def key(self) -> str:
        return f"{self.metric.pk}-{self.stratum.pk if self.stratum else 0}"


@dataclass
class TotalLine:
    """The read-only total of a stratified metric: always the sum of its strata as stored."""

    metric: Metric
    numerator: Decimal | str
    denominator: Decimal | str

    is_total = True

    @property
    def key(self) -> str:
        return f"{self.metric.pk}-total"


def period_lines(team: Team, period: Any) -> list[Line | TotalLine]:
    """One line per metric, or per stratum of a stratified metric (then its total)."""
    metrics = metrics_for(team)
    values = {
        (v.metric_id, v.stratum_id): v
        for v in Value.objects.filter(team=team, period=period).select_related("stratum")
    }
    strata = strata_of(metrics)
    lines: list[Line | TotalLine] = []
    for metric in metrics:
        groups = strata.get(metric.stratification_id, []) if metric.stratification_id else []
        by_group = [
            Line(metric, stratum, values.get((metric.pk, stratum.pk if stratum else None)))
            for stratum in groups or [None]
        ]
        lines += by_group
        if groups:
            lines.append(_total(metric, [line.value for line in by_group if line.value]))
    return lines


def _total(metric: Metric, stored: list[Value]) -> TotalLine:
    numerators = [v.numerator for v in stored if v.numerator is not None]
    denominators = [v.denominator for v in stored if v.denominator is not None]
    return TotalLine(
        metric,
        sum(numerators) if numerators else "",
        sum(denominators) if denominators else "",
    )


def _small_input(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control form-control-sm", **attrs})


class LineForm(forms.Form):
    """The figures of one line with its note and exclusion, checked against the metric's
    definition and the team's ``history`` (a figure far from it is a ``warning``). Once clean,
    the numerator and denominator are numbers, and an exclusion reason stands only with an
    exclusion."""

    numerator = forms.CharField(required=False, widget=_small_input(inputmode="decimal"))
    denominator = forms.CharField(required=False, widget=_small_input(inputmode="decimal"))
    note = forms.CharField(
        required=False,
        strip=False,
        widget=_small_input(maxlength=NOTE_LENGTH, placeholder=gettext_lazy("e.g. EHR outage")),
    )
    is_excluded = forms.BooleanField(
        required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    exclusion_reason = forms.CharField(
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm mt-1",
                "maxlength": NOTE_LENGTH,
                "placeholder": gettext_lazy("why"),
            }
        ),
    )

    version = VersionField()  # of the line's value when the page was read; NEW when none

    is_total = False

    def __init__(self, *args: Any, line: Line, history: list[float], **kwargs: Any) -> None:
        self.line = line
        self.history = history
        self.warning = ""
        self.checked: Check | None = None  # the figures as checked, once cleaned
        value = line.value
        initial: dict[str, Any] = {"version": version_of(value)}
        if value is not None:
            initial |= {
                "numerator": plain(value.numerator),
                "denominator": plain(value.denominator),
                "note": value.note,
                "is_excluded": value.is_excluded,
                "exclusion_reason": value.exclusion_reason,
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if not line.metric.has_denominator:
            del self.fields["denominator"]

    def clean_note(self) -> str:
        return self.cleaned_data["note"][:NOTE_LENGTH]

    def clean_exclusion_reason(self) -> str:
        return self.cleaned_data["exclusion_reason"][:NOTE_LENGTH]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        check = check_entry(
            self.line.metric, cleaned.get("numerator"), cleaned.get("denominator"), self.history
        )
        for error in check.errors:
            self.add_error(None, error)
        excluded, reason = cleaned.get("is_excluded"), cleaned.get("exclusion_reason", "")
        if excluded and not reason.strip():
            self.add_error("exclusion_reason", _("Say why the value is excluded."))
        self.warning = check.warning
        self.checked = check
        cleaned["numerator"], cleaned["denominator"] = check.numerator, check.denominator
        if not excluded:
            cleaned["exclusion_reason"] = ""  # a reason counts only with the exclusion
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        if not self.errors:
            return
        # The line's errors are listed together under its metric (``err-<key>``).
        for name in ("numerator", "denominator"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"
        for name in ("numerator", *self.errors):
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"err-{self.line.key}"

    @property
    def line_errors(self) -> list[str]:
        """Every error of the line, the figures' first, for the page to list under the metric."""
        return [*self.non_field_errors(), *(e for f in self.fields for e in self.errors.get(f, []))]

    @property
    def annotations(self) -> dict[str, Any]:
        names = ("note", "is_excluded", "exclusion_reason")
        return {name: self.cleaned_data[name] for name in names}


class BaseLineFormSet(KeyedFormSet):
    """A form per line of the period page, named by the line's key (``line-<metric>-<stratum>``)."""

    unusual_message = gettext_lazy("Some figures look unusual. Check them, then confirm.")

    def __init__(
        self,
        data: Any = None,
        *,
        team: Team,
        period: Any,
        lines: list[Line | TotalLine],
        confirmed: bool = False,
    ) -> None:
        self.team, self.period, self.confirmed = team, period, confirmed
        self.lines = lines
        self.entered = [line for line in lines if isinstance(line, Line)]
        self.keys = [line.key for line in self.entered]
        super().__init__(data, prefix="line")

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        line = self.entered[index or 0]
        history = []
        if self.is_bound and line.stratum is None:  # strata are not checked for plausibility
            history = history_of(self.team, line.metric, self.period)
        return {"line": line, "history": history}

    def clean(self) -> None:
        if not self.confirmed and any(form.warning for form in self.forms):
            raise ValidationError(self.unusual_message, code="unconfirmed")

    @property
    def rows(self) -> list[LineForm | TotalLine]:
        """The page's lines in order: a form for each entered line, and the totals between."""
        forms_by_key = {form.line.key: form for form in self.forms}
        return [
            line if isinstance(line, TotalLine) else forms_by_key[line.key] for line in self.lines
        ]

    @property
    def needs_confirmation(self) -> bool:
        """Some figures look unusual, and nothing else is wrong with them."""
        return any(form.warning for form in self.forms) and not any(
            form.errors for form in self.forms
        )


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0)


class SaveChoicesForm(forms.Form):
    """What the buttons and boxes under the narrative say: submit or keep a draft, the unusual
    figures were checked, and why figures changed after the period was reopened."""

    action = forms.CharField(required=False)
    confirm_unusual = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, strip=False)

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"][:NOTE_LENGTH]


NARRATIVE = "narrative"  # in ``PeriodEntry.stale``: the narrative was saved meanwhile
SCORE = "score"  # in ``PeriodEntry.stale``: the team's progress score was saved meanwhile
TEAM = ProgressScore.Rater.TEAM


class PeriodEntry:
    """Everything the period page's form sends, for one team's report of one period."""

    def __init__(self, data: Any = None, *, report: Report) -> None:
        self.report = report
        self.data = data
        self.choices = SaveChoicesForm(data)
        confirmed = self.choices.is_valid() and self.choices.cleaned_data["confirm_unusual"]
        self.lines = LineFormSet(
            data,
            team=report.team,
            period=report.period,
            lines=period_lines(report.team, report.period),
            confirmed=confirmed,
        )
        self.narrative = NarrativeForm(data, instance=report, prefix="report")
        # The team's own progress score goes with the report: chosen or not, never lost.
        self.score = ProgressForm(
            data, instance=progress_score_in(report, TEAM), prefix=TEAM, optional=True
        )
        self.stale: set[str] = set()  # keys of the lines, NARRATIVE and SCORE, saved meanwhile

    def is_valid(self) -> bool:
        # Every part is checked, so each shows its errors at once.
        valid = [part.is_valid() for part in (self.lines, self.narrative, self.choices, self.score)]
        return all(valid)

    @property
    def needs_confirmation(self) -> bool:
        return self.lines.needs_confirmation

    @property
    def submitting(self) -> bool:
        return self.choices.cleaned_data.get("action") == "submit"

    def save(self, by: Any) -> bool:
        """Store every line, the narrative and, when submitting, the submission: all of it, or
        nothing when someone saved a line or the narrative since this page was read (then
        False, and ``stale`` names what they saved)."""
        report, reason = self.report, self.choices.cleaned_data["reason"]
        with transaction.atomic():
            for form in self.lines.forms:
                if not self._save_line(form, by, reason):
                    self.stale.add(form.line.key)
            if not self._save_narrative(by):
                self.stale.add(NARRATIVE)
            if not self.score.save_unless_changed(by):
                self.stale.add(SCORE)
            if self.stale:
                transaction.set_rollback(True)
                return False
            if self.submitting:
                schedule = ReportingSchedule.objects.filter(
                    collaborative_id=report.team.collaborative_id
                ).first()
                report.submit(by, schedule)
                events.report_submitted(report, by)
        return True

    def _save_line(self, form: LineForm, by: Any, reason: str) -> bool:
        assert form.checked is not None  # the form is valid
        value, saved = save_entry(
            team=self.report.team,
            metric=form.line.metric,
            period=self.report.period,
            stratum=form.line.stratum,
            check=form.checked,
            by=by,
            expected_version=form.cleaned_data["version"],
            reason=reason,
        )
        if saved and value is not None:
            _annotate(value, form.annotations, by, reason)
        return saved

    def _save_narrative(self, by: Any) -> bool:
        report, form = self.report, self.narrative
        if not report.pk:
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError:  # a colleague started this period's report a moment ago
                return False
            return True
        if not any(name in Report.NARRATIVE for name in form.changed_data):
            return True  # as stored: nothing to overwrite
        old = fresh_copy(report)
        ReportRevision.objects.create(
            report=report,
            narrative={name: getattr(old, name) for name in Report.NARRATIVE},
            replaced_by=by,
        )
        return save_if_unchanged(report, form.cleaned_data["version"], Report.NARRATIVE)

    def refreshed(self, report: Report) -> PeriodEntry:
        """After a refused save: the page on ``report`` as stored now, keeping what was typed
        and marking what others saved meanwhile. It carries the stored versions, so saving
        again is a deliberate choice."""
        data = self.data.copy()
        for form in PeriodEntry(report=report).lines.forms:
            if not any(name.startswith(f"{form.prefix}-") for name in data):
                # A line added since the page was read: shown as stored.
                for name, initial in form.initial.items():
                    if initial not in (None, "", False):
                        data[form.add_prefix(name)] = "on" if initial is True else str(initial)
            data[form.add_prefix("version")] = str(version_of(form.line.value))
        data["report-version"] = str(version_of(report))
        score = progress_score_in(report, TEAM)
        data[f"{TEAM}-version"] = str(version_of(score))
        saved = {name: getattr(report, name) for name in Report.NARRATIVE}
        entry = PeriodEntry(data, report=report)  # the form writes what was typed on report
        entry.is_valid()
        for form in entry.lines.forms:
            if form.line.key in self.stale:
                form.add_error(None, saved_meanwhile(form.line))
        if NARRATIVE in self.stale:
            narrative = entry.narrative
            narrative.add_error(None, _("Someone else saved the narrative meanwhile."))
            for name, text in saved.items():
                if text != narrative.cleaned_data.get(name, text):
                    narrative.add_error(name, _("Saved meanwhile: %(text)s") % {"text": text})
        if SCORE in self.stale:
            entry.score.add_error(
                None,
                _("%(person)s saved the team's score meanwhile: %(score)s · %(name)s.")
                % {
                    "person": score.scored_by or _("Someone else"),
                    "score": score.score,
                    "name": score.name,
                },
            )
        return entry


def saved_meanwhile(line: Line) -> str:
    """What a colleague saved on ``line`` since the page was read, in words."""
    value = line.value
    if value is None:
        return _("Someone else removed this line meanwhile.")
    figures = plain(value.numerator) or "—"
    if line.metric.has_denominator:
        figures = f"{figures} / {plain(value.denominator) or '—'}"
    parts = [figures]
    if value.note:
        parts.append(_("note: %(note)s") % {"note": value.note})
    if value.is_excluded:
        parts.append(_("excluded: %(reason)s") % {"reason": value.exclusion_reason})
    return _(
        "%(person)s saved this line meanwhile: %(saved)s. Yours is kept in the boxes: "
        "save again to replace theirs."
    ) % {"person": value.updated_by or _("Someone else"), "saved": " · ".join(parts)}


def _annotate(value: Value, annotations: dict[str, Any], by: Any, reason: str) -> None:
    """Change the value's note and exclusion, when they changed, keeping a revision."""
    if any(getattr(value, key) != new for key, new in annotations.items()):
        value.revise(by, reason, **annotations)
