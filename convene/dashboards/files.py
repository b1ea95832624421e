"""Charts as files: SVG and PNG from the same specification the page draws, or the data as CSV.

Every file carries its chart's title and the sentences that say what it shows (an SVG's
``<title>`` and ``<desc>``), so it still speaks when opened away from the page. A CSV is
written as every CSV of ours (``reporting.exports.csv_file``): with a byte order mark,
numbers as numbers, and every text through the spreadsheet guard, so a spreadsheet does not
run a team's name as a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext

from convene.charts.render import to_png, to_svg
from convene.collaboratives.access import Access
from convene.collaboratives.overview import labelled_teams
from convene.measures.models import Metric, ReportingPeriod
from convene.reporting.exports import Column, Sheet, csv_file
from convene.reporting.progress import collaborative_progress

from .collaborative import metric_sections, reporting_trend
from .team import MetricChart

CHART_FORMATS = {"svg": "image/svg+xml", "png": "image/png", "csv": "text/csv; charset=utf-8"}
# The collaborative dashboard's charts: per metric, or one for the whole collaborative.
METRIC_KINDS = ("all-teams", "funnel")
COLLABORATIVE_KINDS = ("progress", "reporting")


@dataclass
class ChartFile:
    name: str  # the file's name, without its extension
    title: str
    sentences: list[str]
    spec: dict[str, Any]
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def respond(chart: ChartFile, fmt: str) -> HttpResponse:
    if fmt == "csv":  # written as every CSV of ours is: BOM, numbers as numbers, the guard
        body: str | bytes = csv_file(
            Sheet(chart.name, [Column(name) for name in chart.header], chart.rows)
        )
    elif fmt == "svg":
        body = to_svg(chart.spec, chart.title, chart.sentences)
    else:
        body = to_png(chart.spec)
    response = HttpResponse(body, content_type=CHART_FORMATS[fmt])
    name = slugify(chart.name) or "chart"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def csv_number(number: float | None, digits: int = 6) -> float | None:
    """Computed values to 6 significant digits; figures as entered (``digits=15``)."""
    return None if number is None else float(f"{number:.{digits}g}")


CONTROL_HEADER = [
    "period",
    "numerator",
    "denominator",
    "value",
    "centre",
    "lower_limit",
    "upper_limit",
    "baseline",
    "excluded",
    "special_cause",
    "note",
]


def control_rows(chart: MetricChart) -> list[list[Any]]:
    series = chart.series
    return [
        [
            row["x"][:10],  # the period's first day; the chart's local-midnight time aside
            csv_number(series.numerators[index], digits=15),
            csv_number(series.denominators[index], digits=15),
            csv_number(row["y"]),
            csv_number(row["cl"]),
            csv_number(row["lcl"]),
            csv_number(row["ucl"]),
            "yes" if row["baseline"] else "",
            "" if row["include"] else "yes",
            "yes" if row["signal"] else "",
            row["note"],
        ]
        for index, row in enumerate(chart.rows)
    ]


def _spec_title(spec: dict[str, Any]) -> str:
    text = spec.get("title", {}).get("text", "")
    return " · ".join(text) if isinstance(text, list) else str(text)


def dashboard_chart(
    access: Access, kind: str, metric: Metric | None, periods: list[ReportingPeriod]
) -> ChartFile | None:
    """One chart of the collaborative dashboard, as this person sees it there; None when the
    dashboard shows them no such chart."""
    collaborative = access.collaborative
    if metric is not None and kind in METRIC_KINDS:
        section = metric_sections(access, [metric], periods, labelled_teams(access))[0]
        if kind == "all-teams":
            chart = section.aggregate
            header = [*CONTROL_HEADER[:-1], "teams_reported"]
            rows = []
            for row, values in zip(control_rows(chart), chart.rows, strict=True):
                if values["y"] is None and values.get("partial") is not None:
                    row[3] = csv_number(values["partial"])  # not every team reported it yet
                rows.append([*row[:-1], values.get("teams", "")])
            title = _spec_title(chart.spec)
            name = f"{metric.short_name}-{gettext('all teams')}"
            return ChartFile(name, title, chart.sentences, chart.spec, header, rows)
        if section.funnel_spec is None or section.funnel_ranked_spec is None:
            return None
        units = section.funnel_ranked_spec["data"]["values"]
        return ChartFile(
            f"{metric.short_name}-funnel",
            _spec_title(section.funnel_spec),
            [section.funnel_method, *section.funnel_findings, section.funnel_left_out],
            section.funnel_spec,
            ["team", "denominator", "value", "lower_limit", "upper_limit", "compared"],
            [
                [
                    unit["label"],
                    csv_number(unit["n"], digits=15),
                    csv_number(unit["value"]),
                    csv_number(unit["lcl"]),
                    csv_number(unit["ucl"]),
                    unit["finding"],
                ]
                for unit in units
            ],
        )
    if metric is not None:
        return None
    if kind == "progress":
        return progress_file(collaborative_progress(collaborative, periods))
    if kind == "reporting" and access.can("view_reporting_status"):
        trend = reporting_trend(access, periods, labelled_teams(access))
        if trend is None:
            return None
        return ChartFile(
            gettext("Reporting"),
            gettext("Share of teams that reported, period by period"),
            [trend.summary],
            trend.spec,
            ["period", "on_time", "late", "reported", "teams_expected", "still_open"],
            [
                [
                    rate.period.starts_on.isoformat(),
                    rate.on_time,
                    rate.late,
                    rate.reported,
                    rate.expected,
                    "yes" if rate.is_open else "",
                ]
                for rate in trend.rates
            ],
        )
    return None


def _score(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


def progress_file(progress: Any, name: str = "") -> ChartFile | None:
    """A progress-score chart (the collaborative's or a team's) as a file; None when empty."""
    if progress.spec is None:
        return None
    latest = progress.latest
    return ChartFile(
        name or gettext("progress score"),
        _spec_title(progress.spec),
        [
            gettext("%(period)s: team's own score %(team)s, coach's score %(coach)s.")
            % {
                "period": latest.period.label,
                "team": _score(latest.team),
                "coach": _score(latest.coach),
            }
        ]
        if latest
        else [],
        progress.spec,
        ["period", "team_score", "teams", "coach_score", "teams_coached"],
        [
            [
                point.period.starts_on.isoformat(),
                csv_number(point.team),
                point.team_count,
                csv_number(point.coach),
                point.coach_count,
            ]
            for point in progress.points
            if point.team is not None or point.coach is not None
        ],
    )
