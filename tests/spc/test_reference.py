"""The engine against qicharts2 0.8.1 on every reference case and the vignette examples."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest

from convene.spc import qic

# The cases and qicharts2's answers, kept beside this file (see reference/README.md). A missing
# file is an error, never a reason to skip.
REF = Path(__file__).resolve().parent / "reference"

REL = 1e-9
ABS = 1e-12


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _x(v: str) -> object:
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return v


def _num(v: str) -> float | None:
    return None if v in ("", "NA") else float(v)


def _parse_args(args: str) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    for tok in args.split():
        key, _, val = tok.lstrip("-").partition("=")
        if key == "freeze":
            kw["freeze"] = int(val)
        elif key == "part":
            kw["part"] = [int(v) for v in val.split(",")]
        elif key == "exclude":
            kw["exclude"] = [int(v) - 1 for v in val.split(",")]  # manifest is 1-based
        elif key == "multiply":
            kw["multiply"] = float(val)
        elif key == "cl":
            kw["cl"] = float(val)
        elif key == "y.neg":
            kw["y_neg"] = val.upper() != "FALSE"
        elif key == "screenedmr":
            kw["screened_mr"] = val.upper() != "FALSE"
        elif key == "method":
            kw["method"] = val
        else:  # pragma: no cover - a new option in the manifest must be handled here
            raise AssertionError(f"unknown manifest option {tok}")
    return kw


def _close(got: float | None, want: float | None, what: str) -> None:
    if want is None:
        assert got is None, f"{what}: expected NA, got {got}"
        return
    assert got is not None, f"{what}: expected {want}, got NA"
    assert math.isclose(got, want, rel_tol=REL, abs_tol=ABS), f"{what}: {got} != {want}"


def _facets(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        out.setdefault(r.get("facet", "1") or "1", []).append(r)
    return out


def _run_case(case: str, chart: str, kw: dict[str, Any]) -> dict[str, Any]:
    rows = _read(REF / "cases" / f"{case}.csv")
    results = {}
    for facet, fr in _facets(rows).items():
        x = [_x(r["x"]) for r in fr]
        y = [_num(r["y"]) for r in fr]
        n = [_num(r["n"]) for r in fr] if "n" in fr[0] else None
        results[facet] = qic(x, y, n, chart=chart, **kw)
    return results


MANIFEST = _read(REF / "manifest.csv")
CASES = [
    pytest.param(
        m["case"],
        m["chart"],
        m["args"],
        id=m["case"],
        marks=pytest.mark.skip(reason="--method=bestbox is experimental in qicharts2")
        if "bestbox" in m["args"]
        else (),
    )
    for m in MANIFEST
]


def test_every_case_has_its_files() -> None:
    """An emptied manifest or a lost file fails here rather than leaving fewer cases to run."""
    assert len(MANIFEST) >= 50
    for m in MANIFEST:
        if "bestbox" in m["args"]:
            continue  # skipped above, so its files are not kept
        for path in (
            REF / "cases" / f"{m['case']}.csv",
            REF / "expected" / f"{m['case']}_points.csv",
            REF / "expected" / f"{m['case']}_summary.csv",
        ):
            assert path.is_file(), f"missing reference file {path.relative_to(REF)}"


POINT_FLOATS = {"y": "y", "cl": "cl", "lcl": "lcl", "ucl": "ucl", "lcl.95": "lcl_95"}
POINT_FLOATS |= {"ucl.95": "ucl_95", "n": "n", "y.sum": "y_sum", "y.mean": "y_mean"}
POINT_FLOATS |= {"y.sd": "y_sd"}
POINT_INTS = {
    "part": "part",
    "y.length": "y_length",
    "n.obs": "n_obs",
    "n.useful": "n_useful",
    "longest.run": "longest_run",
    "longest.run.max": "longest_run_max",
    "n.crossings": "n_crossings",
    "n.crossings.min": "n_crossings_min",
}
POINT_BOOLS = {
    "baseline": "baseline",
    "include": "include",
    "sigma.signal": "sigma_signal",
    "runs.signal": "runs_signal",
}


@pytest.mark.parametrize(("case", "chart", "args"), CASES)
def test_points(case: str, chart: str, args: str) -> None:
    kw = _parse_args(args)
    results = _run_case(case, chart, kw)
    expected = _read(REF / "expected" / f"{case}_points.csv")
    by_facet: dict[str, list[dict[str, str]]] = {}
    for r in expected:
        by_facet.setdefault(r["facet1"], []).append(r)
    if len(results) == 1:
        by_facet = {next(iter(results)): expected}
    assert set(by_facet) == set(results)
    for facet, rows in by_facet.items():
        pts = results[facet].points
        assert len(pts) == len(rows), f"{case}/{facet}: number of subgroups"
        for j, (pt, want) in enumerate(zip(pts, rows, strict=True)):
            where = f"{case}/{facet} point {j + 1}"
            assert str(pt["x"]) == want["x"], f"{where}: x"
            for col, key in POINT_FLOATS.items():
                if col == "n" and chart in ("xbar", "s"):
                    continue  # qicharts2 leaves n NA there; we report y_length instead
                _close(pt[key], _num(want[col]), f"{where} {col}")
            for col, key in POINT_INTS.items():
                w = _num(want[col])
                assert pt[key] == (None if w is None else int(w)), f"{where} {col}"
            for col, key in POINT_BOOLS.items():
                assert pt[key] == (want[col] in ("1", "TRUE")), f"{where} {col}"


def _check_summary(res: Any, want: dict[str, str], where: str) -> None:
    part = res.parts[int(want["part"]) - 1]
    for col, key in (
        ("n.obs", "n_obs"),
        ("n.useful", "n_useful"),
        ("longest.run", "longest_run"),
        ("longest.run.max", "longest_run_max"),
        ("n.crossings", "n_crossings"),
        ("n.crossings.min", "n_crossings_min"),
        ("sigma.signal", "sigma_signal"),
    ):
        w = _num(want[col])
        assert part[key] == (None if w is None else int(w)), f"{where} {col}"
    assert part["runs_signal"] == (want["runs.signal"] in ("1", "TRUE")), f"{where} runs"
    for col, key in (
        ("aLCL", "lcl"),
        ("CL", "cl"),
        ("aUCL", "ucl"),
        ("aLCL.95", "lcl_95"),
        ("aUCL.95", "ucl_95"),
    ):
        if col in want:
            _close(part[key], _num(want[col]), f"{where} {col}")


@pytest.mark.parametrize(("case", "chart", "args"), CASES)
def test_summary(case: str, chart: str, args: str) -> None:
    results = _run_case(case, chart, _parse_args(args))
    expected = _read(REF / "expected" / f"{case}_summary.csv")
    for want in expected:
        facet = want["facet1"] if len(results) > 1 else next(iter(results))
        res = results[facet]
        assert len(res.parts) == sum(1 for w in expected if w["facet1"] == want["facet1"]), (
            f"{case}: number of parts"
        )
        _check_summary(res, want, f"{case}/{facet} part {want['part']}")


# --------------------------------------------------------------------------------------------
# The vignette examples
# --------------------------------------------------------------------------------------------


def _published(example: str) -> dict[str, Any]:
    pub = REF / "published"
    if example.startswith("cdi_"):
        rows = _read(pub / "cdi.csv")
        x = [dt.date.fromisoformat(r["month"]) for r in rows]
        cases = [float(r["n"]) for r in rows]
        days = [float(r["days"]) for r in rows]
        calls = {
            "cdi_run": lambda: qic(x, cases),
            "cdi_run_freeze24": lambda: qic(x, cases, freeze=24),
            "cdi_run_part24": lambda: qic(x, cases, part=24),
            "cdi_c_part24": lambda: qic(x, cases, chart="c", part=24),
            "cdi_u_part24_x10000": lambda: qic(x, cases, days, chart="u", part=24, multiply=10000),
        }
        return {"1": calls[example]()}
    if example.startswith("hai_"):
        rows = _read(pub / "hospital_infections.csv")
        if example == "hai_u_all":
            x = [dt.date.fromisoformat(r["month"]) for r in rows]
            return {
                "1": qic(
                    x, [float(r["n"]) for r in rows], [float(r["days"]) for r in rows], chart="u"
                )
            }
        out = {}
        for inf in sorted({r["infection"] for r in rows}):
            # The vignette's funnel: second half of 2016, hospitals ordered by exposure (days).
            sub = [r for r in rows if r["infection"] == inf and r["month"] >= "2016-07-01"]
            days: dict[str, float] = {}
            for r in sub:
                days[r["hospital"]] = days.get(r["hospital"], 0.0) + float(r["days"])
            sub.sort(key=lambda r: days[r["hospital"]])
            out[inf] = qic(
                [r["hospital"] for r in sub],
                [float(r["n"]) for r in sub],
                [float(r["days"]) for r in sub],
                chart="u",
                multiply=10000,
            )
        return out
    if example.startswith("nhs_"):
        rows = _read(pub / "nhs_accidents.csv")
        x = [int(r["i"]) for r in rows]
        r_ = [float(r["r"]) for r in rows]
        n_ = [float(r["n"]) for r in rows]
        return {"1": qic(x, r_, n_, chart=example.removeprefix("nhs_"))}
    rows = _read(pub / "cabg_by_month.csv")
    x = [dt.date.fromisoformat(r["month"]) for r in rows]
    chart = example.rsplit("_", 1)[1]
    return {
        "1": qic(
            x,
            [float(r["readmission"]) for r in rows],
            [float(r["n"]) for r in rows],
            chart=chart,
        )
    }


PUBLISHED = _read(REF / "published" / "published_expected_summary.csv")


def test_every_published_example_is_kept() -> None:
    assert len({w["example"] for w in PUBLISHED}) == 12


@pytest.mark.parametrize(
    "want",
    PUBLISHED,
    ids=[f"{w['example']}-{w['facet1']}-{w['part']}" for w in PUBLISHED],
)
def test_published(want: dict[str, str]) -> None:
    results = _published(want["example"])
    res = results[want["facet1"]]
    _check_summary(res, want, f"{want['example']}/{want['facet1']} part {want['part']}")
