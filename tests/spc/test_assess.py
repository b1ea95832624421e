"""spc.assess: one series or many judged by a rule set, with points, sentences and a verdict."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convene.spc import Assessment, assess, qic

assess_module = importlib.import_module("convene.spc.assess")

FLAT = [40.0, 42, 39, 41, 40, 38, 41, 40, 42, 39, 41, 40, 39, 42, 40, 41]
RISING = [40.0] * 6 + [70.0] * 10
FALLING = [40.0] * 6 + [10.0] * 10
MONTHS = [date(2024 + m // 12, m % 12 + 1, 1) for m in range(16)]
# Up and down around 50, no run long enough to signal: an I chart with limits near 42 and 58.
ZIGZAG = [47.0 if i % 2 == 0 else 53.0 for i in range(26)]
KEYS = ["x", "y", "n", "cl", "lcl", "ucl", "part", "baseline", "include", "signal", "runs_signal"]


def test_one_series_gives_one_assessment_with_points_in_time_order() -> None:
    judged = assess(RISING, [100.0] * 16, chart="p", direction="up", freeze=6, multiply=100)
    assert isinstance(judged, Assessment)
    assert judged.verdict == "improving" and judged.improving and not judged.deteriorating
    assert [list(p) for p in judged.points] == [KEYS] * 16
    assert [p["x"] for p in judged.points] == list(range(1, 17))
    assert [p["baseline"] for p in judged.points] == [True] * 6 + [False] * 10
    assert judged.points[10]["y"] == pytest.approx(70.0)
    assert all(p["signal"] for p in judged.points[6:])
    assert judged.warnings == ()


def test_the_same_signal_on_the_bad_side_is_a_deterioration() -> None:
    assert assess(RISING, [100.0] * 16, chart="p", direction="down", freeze=6).deteriorating
    assert assess(FALLING, [100.0] * 16, chart="p", direction="up", freeze=6).deteriorating
    assert assess(FALLING, [100.0] * 16, chart="p", direction="down", freeze=6).improving
    flat = assess(FLAT, [100.0] * 16, chart="p", direction="up", freeze=6)
    assert flat.verdict == "no signal"


def _with(values: list[float], **changes: float) -> list[float]:
    out = list(values)
    for position, value in changes.items():
        out[int(position[1:])] = value
    return out


def test_anhoej_points_outside_the_limits_count_only_after_the_baseline() -> None:
    in_baseline = _with(ZIGZAG, p5=140.0, p12=-40.0)
    for direction in ("up", "down"):
        judged = assess(in_baseline, chart="i", direction=direction, freeze=20)
        assert [p["signal"] for p in judged.points].count(True) == 2
        assert judged.verdict == "no signal"
    late_high = _with(ZIGZAG, p22=140.0)
    assert assess(late_high, chart="i", direction="up", freeze=20).verdict == "improving"
    assert assess(late_high, chart="i", direction="down", freeze=20).verdict == "deteriorating"
    # Excluded, the same point takes no part in the verdict.
    excluded = assess(late_high, chart="i", direction="up", freeze=20, exclude=[22])
    assert excluded.verdict == "no signal"
    assert not excluded.points[22]["signal"]


def test_a_series_with_signals_on_both_sides_reads_as_improving() -> None:
    both = _with(ZIGZAG, p22=140.0, p24=-40.0)
    assert assess(both, chart="i", direction="up", freeze=20).verdict == "improving"
    assert assess(both, chart="i", direction="down", freeze=20).verdict == "improving"


SPANISH = {
    "{count} points in a row above the centre line: a shift.": (
        "{count} puntos seguidos sobre la línea central."
    ),
    "This is an improvement.": "Es una mejora.",
}


def test_sentences_go_through_the_gettext_and_format_x_hooks() -> None:
    judged = assess(
        RISING,
        [100.0] * 16,
        x=MONTHS,
        chart="p",
        direction="up",
        freeze=6,
        multiply=100,
        gettext=lambda text: SPANISH.get(text, text),
        format_x=lambda day: day.strftime("%m/%Y"),
    )
    assert judged.sentences[0] == "10 puntos seguidos sobre la línea central. Es una mejora."
    assert judged.sentences[-1].startswith("07/2024 to 04/2025: 10 points in a row above")
    assert judged.points[0]["x"] == date(2024, 1, 1)


def test_without_data_there_is_no_verdict_and_nothing_to_say() -> None:
    for rules in ("anhoej", "ihi", "nhs"):
        judged = assess([None] * 8, [None] * 8, chart="p", direction="up", rules=rules)
        assert judged.verdict == "no signal"
        assert judged.sentences == []
        assert len(judged.points) == 8


def test_anhoej_points_match_qic() -> None:
    judged = assess(RISING, [100.0] * 16, chart="p", direction="up", freeze=6, exclude=[3])
    result = qic(range(1, 17), RISING, [100.0] * 16, chart="p", freeze=6, exclude=[3])
    for point, expected in zip(judged.points, result.points, strict=True):
        assert {k: point[k] for k in KEYS[:9]} == {k: expected[k] for k in KEYS[:9]}
        assert point["signal"] == (expected["sigma_signal"] and expected["include"])
        assert point["runs_signal"] == expected["runs_signal"]


def test_ihi_rules_read_a_run_chart_and_mark_shifts_and_trends() -> None:
    shift = [50.0, 30] * 5 + [80.0] * 6
    judged = assess(shift, chart="i", direction="up", rules="ihi")
    # A run chart: a median, no limits; the shift's points are the signals.
    assert all(p["cl"] == 50 and p["lcl"] is None and p["ucl"] is None for p in judged.points)
    assert [p["signal"] for p in judged.points] == [False] * 10 + [True] * 6
    assert all(p["runs_signal"] for p in judged.points)  # too few runs: 2
    assert judged.verdict == "improving"
    assert (
        judged.sentences[0]
        == "6 points in a row above the median: a shift. This is an improvement."
    )
    down = assess(shift, chart="i", direction="down", rules="ihi")
    assert down.verdict == "deteriorating"
    assert any("This is a deterioration." in s for s in down.sentences)
    trend = [10.0, 12, 11, 10, 11, 12, 10, 11, 13, 15, 17, 19, 21, 11, 12, 10]
    judged = assess(trend, chart="i", direction="down", rules="ihi")
    assert [p["signal"] for p in judged.points[7:13]] == [True] * 6
    assert judged.verdict == "deteriorating"
    assert assess(FLAT, chart="i", direction="up", rules="ihi").verdict == "no signal"


def test_nhs_limits_are_fixed_on_a_baseline_of_twelve_points_or_more() -> None:
    values = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13, 30, 32, 31, 33, 30, 32]
    fixed = assess(values, chart="i", direction="up", rules="nhs", freeze=12, target=20)
    assert fixed.points[-1]["cl"] == pytest.approx(sum(values[:12]) / 12)
    assert all(p["part"] == 1 and not p["runs_signal"] for p in fixed.points)
    assert [p["signal"] for p in fixed.points[12:]] == [True] * 6
    assert fixed.verdict == "improving"
    assert "Special cause variation: an improvement, with higher values." in fixed.sentences
    assert fixed.sentences[-1].startswith("The target will not be met")
    assert assess(values, chart="i", direction="down", rules="nhs", freeze=12).deteriorating
    # Eleven baseline points are too few to fix the limits on: the mean is the whole series'.
    loose = assess(values[1:], chart="i", direction="up", rules="nhs", freeze=11)
    assert loose.points[-1]["cl"] == pytest.approx(sum(values[1:]) / 17)


def test_nhs_special_causes_in_the_baseline_give_no_verdict() -> None:
    values = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 30, 11, 13, 11, 13, 12, 11, 13, 10]
    for direction in ("up", "down"):
        judged = assess(values, chart="i", direction=direction, rules="nhs", freeze=12)
        assert [p["signal"] for p in judged.points].count(True) == 1
        assert judged.points[9]["signal"]
        assert judged.verdict == "no signal"


def test_many_series_give_one_assessment_each_in_order() -> None:
    ys = [RISING, FLAT, FALLING, [None] * 16]
    judged = assess(ys, [[100.0] * 16] * 4, chart="p", direction="up", freeze=6, multiply=100)
    assert isinstance(judged, list)
    assert [a.verdict for a in judged] == ["improving", "no signal", "deteriorating", "no signal"]
    assert judged[3].sentences == []
    one = assess(RISING, [100.0] * 16, chart="p", direction="up", freeze=6, multiply=100)
    assert judged[0].points == one.points
    assert judged[0].sentences == one.sentences


@pytest.mark.parametrize("rules", ["anhoej", "ihi", "nhs"])
def test_many_series_agree_with_each_series_alone(rules: str) -> None:
    ys = [RISING, FLAT, FALLING, [*FLAT[:12], 0.0, *FLAT[13:]]]
    excludes = [[], [2], [], []]
    judged = assess(ys, chart="i", direction="up", rules=rules, freeze=12, exclude=excludes)
    alone = [
        assess(y, chart="i", direction="up", rules=rules, freeze=12, exclude=e)
        for y, e in zip(ys, excludes, strict=True)
    ]
    assert [a.verdict for a in judged] == [a.verdict for a in alone]
    assert [a.points for a in judged] == [a.points for a in alone]


def test_with_the_anhoej_rules_many_series_take_one_vectorised_pass(monkeypatch) -> None:
    calls = {"qic": 0, "qic_many": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(assess_module, "qic", counting("qic", assess_module.qic))
    monkeypatch.setattr(assess_module, "qic_many", counting("qic_many", assess_module.qic_many))
    ys = [RISING, FLAT, FALLING] * 10 + [FLAT]
    excludes: list[list[int]] = [[]] * 30 + [[4]]
    judged = assess(ys, [[100.0] * 16] * 31, chart="p", direction="up", freeze=6, exclude=excludes)
    # One pass for the thirty series without exclusions, one chart for the last one.
    assert calls == {"qic": 1, "qic_many": 1}
    assert sum(a.improving for a in judged) == 10
    assert sum(a.deteriorating for a in judged) == 10
    assert len(judged[0].points) == 16  # the details are worked out when read
    assert calls["qic"] == 2


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="unknown rules 'spc'"):
        assess(FLAT, chart="i", direction="up", rules="spc")
    with pytest.raises(ValueError, match="direction must be 'up' or 'down'"):
        assess(FLAT, chart="i", direction="neutral")
    with pytest.raises(ValueError, match="same length"):
        assess([FLAT, FLAT[:5]], chart="i", direction="up")
    with pytest.raises(ValueError, match="exclude has 1 entries for 2 series"):
        assess([FLAT, FLAT], chart="i", direction="up", exclude=[[1]])
    with pytest.raises(ValueError, match="x has 3 values"):
        assess(FLAT, chart="i", direction="up", x=MONTHS[:3])


# --- The batch verdict is the one-series verdict, whatever the data -------------------------

CHARTS = {"p": True, "pp": True, "u": True, "c": False, "i": False, "t": False, "g": False}


@st.composite
def batches(draw):
    chart = draw(st.sampled_from([*CHARTS, "run"]))
    with_n = CHARTS.get(chart, draw(st.booleans()))
    length = draw(st.integers(1, 30))
    ys, ns, excludes = [], [], []
    for _ in range(draw(st.integers(1, 6))):
        level = draw(st.integers(20, 60))
        shift = draw(st.integers(-25, 25))
        change_at = draw(st.integers(0, length))
        gaps = draw(st.sets(st.integers(0, length - 1), max_size=4))
        spikes = draw(
            st.dictionaries(st.integers(0, length - 1), st.sampled_from([-35, 35]), max_size=2)
        )
        y: list[float | None] = []
        for i in range(length):
            value = level + draw(st.integers(-8, 8)) + spikes.get(i, 0)
            value += shift if i >= change_at else 0
            y.append(None if i in gaps else float(min(max(value, 1), 100)))
        ys.append(y)
        ns.append([None if v is None else 100.0 for v in y])
        excludes.append(sorted(draw(st.sets(st.integers(0, length - 1), max_size=2))))
        if draw(st.booleans()):
            excludes[-1] = []
    options = {
        "chart": chart,
        "rules": draw(st.sampled_from(["anhoej", "anhoej", "ihi", "nhs"])),
        "direction": draw(st.sampled_from(["up", "down"])),
        "freeze": draw(st.one_of(st.none(), st.integers(1, length))),
        "multiply": 100 if with_n else 1,
        "target": draw(st.one_of(st.none(), st.integers(0, 100))),
    }
    return ys, ns if with_n else None, excludes, options


@settings(max_examples=300, deadline=None)
@given(batches())
def test_the_batch_verdict_is_each_series_verdict(batch) -> None:
    ys, ns, excludes, options = batch
    together = assess(ys, ns, exclude=excludes, **options)
    for s, judged in enumerate(together):
        alone = assess(ys[s], None if ns is None else ns[s], exclude=excludes[s], **options)
        assert judged.verdict == alone.verdict
        assert judged.points == alone.points


def test_phases_give_each_part_its_own_limits_under_every_rule_set() -> None:
    """``part`` as in qic: after a shift the new phase is judged around its own level."""
    from convene.spc import ihi_rules, nhs_xmr

    ns = [100.0] * 16
    frozen = assess(RISING, ns, chart="p", direction="up", freeze=6, multiply=100)
    assert frozen.verdict == "improving"
    phased = assess(RISING, ns, chart="p", direction="up", freeze=6, part=[6], multiply=100)
    direct = qic(list(range(16)), RISING, ns, chart="p", part=6, multiply=100)
    assert [(p["cl"], p["ucl"], p["part"]) for p in phased.points] == [
        (p["cl"], p["ucl"], p["part"]) for p in direct.points
    ]
    assert phased.points[10]["cl"] == pytest.approx(70.0)
    assert phased.verdict == "no signal"  # the new level is its own baseline now

    nhs = assess(RISING, chart="i", direction="up", rules="nhs", freeze=12, part=[6])
    rebased = nhs_xmr(RISING, direction="up", rebase=[6])
    assert [p["cl"] for p in nhs.points] == [q["mean"] for q in rebased.points]

    values = FLAT[:8] + [v + 20 for v in FLAT[8:]]
    ihi = assess(values, chart="run", direction="up", rules="ihi", part=[8])
    assert not any(p["signal"] for p in ihi.points)  # each phase around its own median
    assert any(ihi_rules(values, direction="up").shift_points)  # one median: a shift
    assert ihi.sentences[0].startswith("Phase 1: ")
