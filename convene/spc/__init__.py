"""Convene's chart engine: statistical process control charts exact to qicharts2.

Plain Python + numpy, no Django. The public entry points:

- :func:`assess` — one series or many judged by a collaborative's rule set (Anhøj, IHI or
  NHS): points with their signals, sentences, warnings and a verdict. What dashboards call.
- :func:`qic` — one chart (run, i, mr, t, xbar, s, p, pp, c, u, up, g, ip) for one series.
- :func:`qic_many` — the same chart for thousands of series at once (vectorised).
- :func:`anhoej_thresholds` — Anhøj's run and crossing limits for a number of useful points.
- :func:`ihi_rules`, :func:`ihi_runs_limits` — the IHI run-chart rules.
- :func:`nhs_xmr` — NHS "Making Data Count" XmR rules with variation and assurance icons.
- :func:`funnel` — a funnel plot of units against their denominators, plain or allowing
  for overdispersion (Laney P′/U′, Spiegelhalter's random-effects funnel).
- :func:`explain` — plain-language sentences for the signals of any of the above.
"""

from __future__ import annotations

from .assess import Assessment, assess
from .core import ManyResult, QicResult, qic, qic_many
from .explain import explain
from .funnel import FunnelResult, funnel
from .ihi import IhiResult, ihi_rules, ihi_runs_limits
from .nhs import NhsResult, nhs_xmr
from .runs import anhoej_thresholds, longest_run_max, n_crossings_min

__all__ = [
    "Assessment",
    "FunnelResult",
    "IhiResult",
    "ManyResult",
    "NhsResult",
    "QicResult",
    "anhoej_thresholds",
    "assess",
    "explain",
    "funnel",
    "ihi_rules",
    "ihi_runs_limits",
    "longest_run_max",
    "n_crossings_min",
    "nhs_xmr",
    "qic",
    "qic_many",
]
