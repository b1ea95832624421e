"""Every spreadsheet and CSV file we write: a team's template, the host's export, a chart's data.

A file is a list of ``Sheet``s: a title, its columns (name and width) and rows of plain values.
Two writers, ``xlsx_file`` and ``csv_file``, write every cell of every file, each kind of value
the same way wherever it comes from:

- text passes through the one guard, ``needs_guard``: control characters are dropped, and a text
  a spreadsheet would run (starting with = + - @, a tab or a carriage return: OWASP's "CSV
  injection") stays text. In XLSX every text is a string cell, never a formula, and the risky
  ones are marked "quote prefix" as Excel and LibreOffice mark text typed after an apostrophe,
  so a note reads and comes back exactly as typed, "=1+1". A CSV cell has no type: there the
  text is written after an apostrophe, "'=1+1";
- numbers (``Decimal``, ``int``, ``float``) as numbers;
- a ``ReportingPeriod`` as the date it starts, shown ``yyyy-mm`` (a week: ``yyyy-mm-dd``) in
  XLSX, and as its code (``2026-03``, ``2026-03-02``) in CSV;
- a ``datetime`` (already on the collaborative's clock, without zone: ``local``; the header names
  the zone, ``in_zone``) as a date and time, a ``date`` as a date.

CSV files start with a UTF-8 byte order mark, without which Excel and LibreOffice read
"18–44" as "18â€“44". XLSX sheets have their header bold and frozen and their widths set.

The host's export is ``EXPORT_SHEETS``, one function per sheet, then the sheets other apps
register (``lib.sheet_data.register_export``: the improvement app's PDSA cycles, action plans and
cycle counts, as this app may not import it): a record that joins the export is one more
function.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from convene.collaboratives.models import Collaborative, Team
from convene.lib.sheet_data import Column, Sheet, registered_exports
from convene.lib.text import clean_text
from convene.measures.models import Metric, ReportingPeriod, Stratum
from convene.measures.owed import metrics_for, reportable_periods, strata_of

from .models import Feedback, ProgressScore, Report, Value
from .transfer import COLUMNS, period_code

# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"  # written before such a text in CSV only
EXCEL_CELL_LIMIT = 32_767  # characters; Excel calls a longer cell a damaged file


# ---------------------------------------------------------------- the one guard


def needs_guard(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula."""
    return text.startswith(FORMULA_STARTS)


def safe_cell(text: str) -> str:
    """``text`` as a CSV cell: without control characters, and after an apostrophe when a
    spreadsheet would run it."""
    text = clean_text(text)
    return GUARD + text if needs_guard(text) else text


# ---------------------------------------------------------------- the writers


def xlsx_file(sheets: Iterable[Sheet]) -> bytes:
    """An XLSX workbook of ``sheets``, each with a bold, frozen header and set widths."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.title)
        # A write-only sheet writes its view and widths with the first row: set them first.
        page.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            page.column_dimensions[get_column_letter(index)].width = column.width
        page.append([_xlsx_cell(page, name, bold=True) for name in sheet.header])
        for row in sheet.rows:
            page.append([_xlsx_cell(page, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MONTH_FORMAT, DAY_FORMAT, MOMENT_FORMAT = "yyyy-mm", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def _xlsx_cell(page: Any, value: Any, bold: bool = False) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if value is None:
        return None
    if isinstance(value, str):
        text = clean_text(value)[:EXCEL_CELL_LIMIT]
        cell = WriteOnlyCell(page, text)
        cell.data_type = "s"  # openpyxl would make a formula of a text starting with "="
        cell.quotePrefix = needs_guard(text)
        if bold:
            cell.font = Font(bold=True)
        return cell
    if isinstance(value, ReportingPeriod):
        cell = WriteOnlyCell(page, value.starts_on)
        cell.number_format = MONTH_FORMAT if _is_month(value) else DAY_FORMAT
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(page, value)  # naive, on the collaborative's clock: see ``local``
        cell.number_format = MOMENT_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(page, value)
        cell.number_format = DAY_FORMAT
        return cell
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, bool | int | float):
        return value
    raise TypeError(f"No spreadsheet cell for {type(value).__name__}")


def csv_file(sheet: Sheet) -> bytes:
    """``sheet`` as CSV in UTF-8 with a byte order mark, so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_cell(name) for name in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, ReportingPeriod):
        return period_code(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        value = _number(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"No CSV cell for {type(value).__name__}")


def _is_month(period: ReportingPeriod) -> bool:
    return (period.ends_on - period.starts_on).days > 7


def _number(number: Decimal | None) -> int | float | None:
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def local(collaborative: Collaborative, moment: datetime | None) -> datetime | None:
    """``moment`` on the collaborative's clock, to the second and without its zone (a
    spreadsheet's dates have none): the column's header names the zone (``in_zone``)."""
    if moment is None:
        return None
    return collaborative.local(moment).replace(tzinfo=None, microsecond=0)


def in_zone(columns: Sequence[Column], collaborative: Collaborative) -> list[Column]:
    """The columns of an export: those holding times (``…_at``) name the collaborative's
    zone, "entered_at (America/Chicago)", as their times are on its clock."""
    return [
        Column(f"{c.name} ({collaborative.time_zone})", c.width) if c.name.endswith("_at") else c
        for c in columns
    ]


# ---------------------------------------------------------------- the team's template


TEMPLATE_WIDTHS = [18, 10, 14, 12, 12, 30, 10, 30]


def template_rows(team: Team) -> list[list[Any]]:
    """One row per reportable period, metric and group, filled with what is stored. The
    period is written as text, as a team types it back."""
    metrics = metrics_for(team)
    periods = reportable_periods(team)
    values = {(v.metric_id, v.period_id, v.stratum_id): v for v in Value.objects.filter(team=team)}
    strata = strata_of(metrics)
    rows = []
    for period in periods:
        for metric in metrics:
            groups: list[Stratum | None] = list(strata.get(metric.stratification_id or 0, []))
            for stratum in groups or [None]:
                value = values.get((metric.pk, period.pk, stratum.pk if stratum else None))
                rows.append(
                    [
                        metric.short_name,
                        period_code(period),
                        stratum.name if stratum else "",
                        value.numerator if value else None,
                        value.denominator if value else None,
                        value.note if value else "",
                        "yes" if value and value.is_excluded else "",
                        value.exclusion_reason if value else "",
                    ]
                )
    return rows


def team_template(team: Team) -> bytes:
    """The XLSX a team fills in: its figures on one sheet, the definitions on the next."""
    columns = [Column(name, width) for name, width in zip(COLUMNS, TEMPLATE_WIDTHS, strict=True)]
    definition_columns = [
        Column(name, 30 if name.endswith(("definition", "s")) else 14)
        for name in [*Metric.DEFINITION_FIELDS, "team_own"]
    ]
    definitions = (
        [*metric.definition().values(), "yes" if metric.team_id else ""]
        for metric in metrics_for(team)
    )
    return xlsx_file(
        [
            Sheet("Figures", columns, template_rows(team)),
            Sheet("Definitions", definition_columns, definitions),
        ]
    )


# ---------------------------------------------------------------- the host's export


FIGURES_COLUMNS = [
    Column("team", 24),
    Column("organisation", 24),
    *(Column(name, width) for name, width in zip(COLUMNS, TEMPLATE_WIDTHS, strict=True)),
    Column("entered_by", 28),
    Column("entered_at", 20),  # on the collaborative's clock, the zone named in the header
    Column("team_own", 10),  # "yes" for a metric of the team's own, not a shared one
]
EXPORT_COLUMNS = [column.name for column in FIGURES_COLUMNS]


def figures_sheet(collaborative: Collaborative) -> Sheet:
    """Every team's figures, a row each, in the columns teams upload them in."""
    return Sheet("Figures", in_zone(FIGURES_COLUMNS, collaborative), export_rows(collaborative))


def export_rows(collaborative: Collaborative) -> Iterator[list[Any]]:
    values = (
        Value.objects.filter(metric__collaborative=collaborative, team__deleted_at__isnull=True)
        .select_related("team__organisation", "metric", "period", "stratum", "updated_by")
        .order_by("team__name", "metric__position", "period__starts_on", "stratum__position")
    )
    for value in values.iterator(chunk_size=2000):
        yield [
            value.team.name,
            value.team.organisation.name,
            value.metric.short_name,
            value.period,
            value.stratum.name if value.stratum else "",
            value.numerator,
            value.denominator,
            value.note,
            "yes" if value.is_excluded else "",
            value.exclusion_reason,
            value.updated_by.email if value.updated_by else "",
            local(collaborative, value.updated_at),
            "yes" if value.metric.team_id else "",
        ]


REPORTS_COLUMNS = [
    Column("team", 24),
    Column("period", 10),
    Column("status", 10),  # "submitted", or "draft" for one not sent or reopened
    Column("submitted_by", 28),
    Column("submitted_at", 20),
    Column("on_time", 9),  # "yes" or "no" once submitted; history asked is never late
    *(Column(name, 40) for name in Report.NARRATIVE),
    Column("feedback", 60),  # each comment as "who (date): text", a blank line between
]


def reports_sheet(collaborative: Collaborative) -> Sheet:
    """Each team's report of each period: its narrative, when it was sent, whether on time,
    and the feedback given on it."""
    return Sheet("Reports", in_zone(REPORTS_COLUMNS, collaborative), report_rows(collaborative))


def report_rows(collaborative: Collaborative) -> Iterator[list[Any]]:
    feedback = Feedback.objects.select_related("author").order_by("created_at")
    reports = (
        Report.objects.filter(team__collaborative=collaborative, team__deleted_at__isnull=True)
        .select_related("team", "period", "submitted_by")
        .prefetch_related(Prefetch("feedback", queryset=feedback))
        .order_by("team__name", "period__starts_on")
    )
    for report in reports.iterator(chunk_size=2000):
        submitted = report.status == Report.Status.SUBMITTED
        yield [
            report.team.name,
            report.period,
            report.status,
            report.submitted_by.email if submitted and report.submitted_by else "",
            local(collaborative, report.submitted_at) if submitted else None,
            ("no" if report.is_late else "yes") if submitted else "",
            *(getattr(report, name) for name in Report.NARRATIVE),
            "\n\n".join(_feedback_text(collaborative, item) for item in report.feedback.all()),
        ]


def _feedback_text(collaborative: Collaborative, feedback: Feedback) -> str:
    author = feedback.author.email if feedback.author else "?"
    on = collaborative.local(feedback.created_at).date().isoformat()
    return f"{author} ({on}): {feedback.text}"


PROGRESS_COLUMNS = [
    Column("team", 24),
    Column("period", 10),
    Column("rater", 8),  # "team" for the team's own rating, "coach" for its coach's
    Column("score", 8),
    Column("step_name", 34),
    Column("note", 40),
    Column("scored_by", 28),
    Column("scored_at", 20),
]


def progress_sheet(collaborative: Collaborative) -> Sheet:
    """The teams' and coaches' progress scores."""
    columns = in_zone(PROGRESS_COLUMNS, collaborative)
    return Sheet("Progress scores", columns, progress_rows(collaborative))


def progress_rows(collaborative: Collaborative) -> Iterator[list[Any]]:
    scores = (
        ProgressScore.objects.filter(
            team__collaborative=collaborative, team__deleted_at__isnull=True
        )
        .select_related("team", "period", "scored_by")
        .order_by("team__name", "period__starts_on", "rater")
    )
    for score in scores.iterator(chunk_size=2000):
        yield [
            score.team.name,
            score.period,
            score.rater,
            score.score,
            str(ProgressScore.name_of(score.score)),
            score.note,
            score.scored_by.email if score.scored_by else "",
            local(collaborative, score.scored_at),
        ]


# The host's XLSX export, a sheet each; the CSV export is the first alone.
EXPORT_SHEETS: list[Callable[[Collaborative], Sheet]] = [
    figures_sheet,
    reports_sheet,
    progress_sheet,
]


def export_xlsx(collaborative: Collaborative) -> bytes:
    builders = [*EXPORT_SHEETS, *registered_exports()]
    return xlsx_file(build(collaborative) for build in builders)


def export_csv(collaborative: Collaborative) -> bytes:
    """The figures alone (a CSV holds one sheet): what the export page says it carries."""
    return csv_file(figures_sheet(collaborative))
