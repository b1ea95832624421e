"""Figures in and out of spreadsheets: a team's XLSX template, uploads, and host exports.

An upload is all or nothing: every row is checked first, and if any row is wrong the
report lists each one with its reason and nothing is stored. Uploading the same file again
changes nothing, because unchanged figures are left alone.

An upload never deletes anything: an empty numerator and denominator, note, "excluded" or
exclusion reason leaves what is stored ("no" in "excluded" counts the figure in again). A row
of a submitted period that changes nothing is counted as unchanged, so the team's template
comes back as it was downloaded; a row that would change one is refused, naming the period.
Metric and group names match without case, and with any dash or space for another
("18-44" for "18–44").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.collaboratives.audit import record
from convene.collaboratives.models import Team
from convene.lib.dataversion import bump
from convene.lib.sheets import BOUNDS, SheetError, read_sheet
from convene.measures.entry import check_entry
from convene.measures.models import Metric, ReportingPeriod, Stratum
from convene.measures.owed import metrics_for, reportable_periods, strata_of

from .models import Report, Value, ValueRevision

COLUMNS = [
    "metric",
    "period",
    "stratum",
    "numerator",
    "denominator",
    "note",
    "excluded",
    "exclusion_reason",
]
MAX_UPLOAD_BYTES = BOUNDS.size
YES = {"yes", "y", "true", "1", "x", "sí", "si"}


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0


# The file itself cannot be read: wrong type, beyond a bound, not UTF-8, no header…
UploadError = SheetError


# ---------------------------------------------------------------- reading


def period_code(period: ReportingPeriod) -> str:
    """How files name a period: 2026-03 for a month, 2026-03-02 (its Monday) for a week."""
    if (period.ends_on - period.starts_on).days > 7:
        return period.starts_on.strftime("%Y-%m")
    return period.starts_on.isoformat()


def read_rows(name: str, content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) for each row of an XLSX or CSV file that holds a value,
    read within the bounds of ``convene.lib.sheets``."""
    rows = read_sheet(name, content, sheet="Figures")
    _line, first = next(rows, (1, []))
    header = _header(first)
    _check_header(header)
    for line, cells in rows:
        yield (
            line,
            {
                column: _cell_text(cells[i]) if i < len(cells) else ""
                for i, column in enumerate(header)
                if column
            },
        )


def _header(cells: Iterable[Any]) -> list[str]:
    return [str(cell or "").strip().lower().replace(" ", "_") for cell in cells]


def _check_header(header: list[str]) -> None:
    missing = [c for c in ("metric", "period", "numerator") if c not in header]
    if missing:
        raise UploadError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # A spreadsheet turns "2026-03" into the 1st of March; both name the month.
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------- checking and storing


Key = tuple[int, int, int | None]  # metric, period, stratum


@dataclass
class _Planned:
    """A row that passed its checks. ``None`` in ``note``, ``excluded`` or ``reason`` is an
    empty cell: it leaves what is stored."""

    metric: Metric
    period: ReportingPeriod
    stratum: Stratum | None
    numerator: Decimal | None
    denominator: Decimal | None
    note: str | None
    excluded: bool | None
    reason: str | None

    @property
    def key(self) -> Key:
        return (self.metric.pk, self.period.pk, self.stratum.pk if self.stratum else None)

    def fields(self, stored: Value | None) -> dict[str, Any]:
        """The figure's fields once stored over ``stored``: what the row says, and what is
        stored where its cell is empty."""
        excluded = self.excluded
        if excluded is None:
            excluded = stored.is_excluded if stored else False
        reason = self.reason or (stored.exclusion_reason if stored else "")
        note = self.note if self.note is not None else (stored.note if stored else "")
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "note": note,
            "is_excluded": excluded,
            "exclusion_reason": reason if excluded else "",
        }


def name_key(name: str) -> str:
    """A name as it is matched: without case, any dash for a hyphen, any run of spaces
    (non-breaking ones too) for one space, and none around a dash ("18 - 44" is "18–44")."""
    name = re.sub(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]", "-", name.lower())
    return re.sub(r"\s*-\s*", "-", " ".join(name.split()))


@dataclass
class _Lookup:
    """What an upload's names and periods are matched against, and what is stored."""

    metrics: dict[str, Metric]
    periods: dict[str, ReportingPeriod]
    strata: dict[int, dict[str, Stratum]]
    locked: set[int]
    stored: dict[Key, Value]

    @classmethod
    def of(cls, team: Team) -> _Lookup:
        metrics = metrics_for(team)
        periods: dict[str, ReportingPeriod] = {}
        for period in reportable_periods(team):
            periods[period_code(period)] = period
            periods[period.starts_on.isoformat()] = period  # a month named by its first day
        strata = {
            stratification_id: {name_key(stratum.name): stratum for stratum in group}
            for stratification_id, group in strata_of(metrics).items()
        }
        locked = set(
            Report.objects.filter(team=team, status=Report.Status.SUBMITTED).values_list(
                "period_id", flat=True
            )
        )
        stored = {
            (v.metric_id, v.period_id, v.stratum_id): v for v in Value.objects.filter(team=team)
        }
        metric_names = {name_key(m.short_name): m for m in metrics}
        return cls(metric_names, periods, strata, locked, stored)


def import_figures(team: Team, rows: Iterable[tuple[int, dict[str, str]]], by: Any) -> ImportResult:
    """Check every row, then store all of them in one transaction, or none."""
    result = ImportResult()
    lookup = _Lookup.of(team)
    planned: dict[Key, tuple[int, _Planned]] = {}
    for line, row in rows:
        if not any(row.values()):
            continue
        item = _check_row(line, row, lookup, result)
        if item is None:
            continue
        key = item.key
        if key in planned:
            result.errors.append(
                RowError(
                    line, _("The same figure is also on row %(row)s.") % {"row": planned[key][0]}
                )
            )
            continue
        planned[key] = (line, item)
    if result.errors:
        return result
    _store(team, [item for _line, item in planned.values()], by, result)
    return result


def _check_row(
    line: int, row: dict[str, str], lookup: _Lookup, result: ImportResult
) -> _Planned | None:
    def fail(message: str) -> None:
        result.errors.append(RowError(line, message))

    metric = lookup.metrics.get(name_key(row.get("metric", "")))
    if metric is None:
        fail(_("Unknown metric “%(name)s”.") % {"name": row.get("metric", "")})
        return None
    period = lookup.periods.get(row.get("period", "").strip())
    if period is None:
        fail(
            _(
                "Unknown or future period “%(period)s”: write a month as YYYY-MM, a week as "
                "the date it starts, YYYY-MM-DD."
            )
            % {"period": row.get("period", "")}
        )
        return None
    stratum, problem = _stratum(metric, row.get("stratum", ""), lookup)
    if problem:
        fail(problem)
        return None
    numerator, denominator = row.get("numerator", ""), row.get("denominator", "")
    if not numerator and not denominator:
        result.skipped += 1  # an empty template row: nothing to store, nothing cleared
        return None
    check = check_entry(metric, numerator, denominator if metric.has_denominator else None, [])
    if check.errors:
        fail(" ".join(check.errors))
        return None
    item = _Planned(
        metric,
        period,
        stratum,
        check.numerator,
        check.denominator,
        row.get("note", "")[:300] or None,
        _yes_or_no(row.get("excluded", "")),
        row.get("exclusion_reason", "")[:300] or None,
    )
    stored = lookup.stored.get(item.key)
    fields = item.fields(stored)
    if fields["is_excluded"] and not fields["exclusion_reason"]:
        fail(_("Say why the value is excluded."))
        return None
    if period.pk in lookup.locked:
        if stored is None or _changes(stored, fields):
            fail(
                _(
                    "%(period)s is submitted and locked, and this row changes its figures: "
                    "a host admin can reopen it."
                )
                % {"period": period.label}
            )
        else:
            result.unchanged += 1  # as downloaded: nothing to store
        return None
    return item


def _stratum(metric: Metric, name: str, lookup: _Lookup) -> tuple[Stratum | None, str]:
    """The group a row names, or why it names none that fits its metric."""
    if not metric.stratification_id:
        if name:
            return None, _("%(metric)s is not reported by group.") % {"metric": metric.short_name}
        return None, ""
    groups = lookup.strata.get(metric.stratification_id, {})
    stratum = groups.get(name_key(name))
    if stratum is not None:
        return stratum, ""
    names = ", ".join(group.name for group in groups.values())
    if not name:
        message = _(
            "%(metric)s is reported by group: name one of its groups in “stratum” (%(groups)s)."
        )
    else:
        message = _("Unknown group “%(name)s” of %(metric)s: its groups are %(groups)s.")
    return None, message % {"metric": metric.short_name, "name": name, "groups": names}


def _yes_or_no(text: str) -> bool | None:
    """Whether a cell of the "excluded" column says yes; ``None`` for an empty cell."""
    text = text.strip().lower()
    return text in YES if text else None


def _changes(value: Value, fields: dict[str, Any]) -> bool:
    return any(getattr(value, name) != new for name, new in fields.items())


@transaction.atomic
def _store(team: Team, items: list[_Planned], by: Any, result: ImportResult) -> None:
    existing = {
        (v.metric_id, v.period_id, v.stratum_id): v
        for v in Value.objects.select_for_update().filter(team=team)
    }
    now = timezone.now()
    new, changed, revisions = [], [], []
    for item in items:
        value = existing.get(item.key)
        fields = item.fields(value)  # empty cells keep what is stored now, under the lock
        if value is None:
            new.append(
                Value(
                    team=team,
                    metric=item.metric,
                    period=item.period,
                    stratum=item.stratum,
                    updated_by=by,
                    updated_at=now,
                    **fields,
                )
            )
        elif _changes(value, fields):
            revisions.append(value.as_revision(by, _("uploaded file"), at=now))
            for k, v in fields.items():
                setattr(value, k, v)
            value.updated_by, value.updated_at, value.version = by, now, value.version + 1
            changed.append(value)
        else:
            result.unchanged += 1
    Value.objects.bulk_create(new, batch_size=2000)
    ValueRevision.objects.bulk_create(revisions, batch_size=2000)
    Value.objects.bulk_update(
        changed,
        [
            "numerator",
            "denominator",
            "note",
            "is_excluded",
            "exclusion_reason",
            "updated_by",
            "updated_at",
            "version",
        ],
        batch_size=2000,
    )
    result.created, result.changed = len(new), len(changed)
    if new or changed:
        # Bulk writes send no signals; bump once the rows are committed.
        transaction.on_commit(lambda: bump(team.collaborative_id))
        # One event for the whole file: the revisions hold every figure's before and after.
        record(team, "update", None, {"import": {"created": len(new), "changed": len(changed)}})
