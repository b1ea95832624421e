"""Time the import of a 50,000-row CSV of figures for one team.

Run: ``.venv/bin/python bench/import.py``. It builds a throwaway SQLite database in a temp
folder (50 metrics x 1,000 weekly periods for one team), writes the CSV with the documented
columns, checks and stores it through the same code as the upload page, then uploads it
again (nothing may change). The last line is ``import 50000 rows = S s``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METRICS = 50
PERIODS = 1000


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="convene-import-bench-"))
    try:
        run(data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(data_dir: Path) -> None:
    os.environ.update(
        DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="convene.settings", TESTING="true"
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from convene.accounts.models import User
    from convene.collaboratives.models import Collaborative, Organisation, Team, TeamRole
    from convene.measures.models import Metric, ReportingSchedule
    from convene.reporting.models import Value
    from convene.reporting.transfer import import_figures, read_rows

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    first = today - timedelta(weeks=PERIODS - 1, days=today.weekday())
    host = Organisation.objects.create(name="Bench host")
    collaborative = Collaborative.objects.create(
        name="Bench", topic="Import", host_organisation=host, start_on=first, end_on=today
    )
    team = Team.objects.create(collaborative=collaborative, organisation=host, name="Team 1")
    lead = User.objects.create_user("lead@bench.convene.test", "bench-password-1")
    team.add_member(lead, TeamRole.DATA_LEAD)
    ReportingSchedule.objects.create(
        collaborative=collaborative, frequency="weekly", first_period_on=first
    ).sync_periods()
    periods = list(collaborative.periods.order_by("starts_on"))[:PERIODS]
    metrics = [
        Metric.objects.create(
            collaborative=collaborative,
            name=f"Metric {i}",
            short_name=f"M{i}",
            conceptual_definition="bench",
            kind="proportion",
            denominator="cases",
            direction="up",
            position=i,
        )
        for i in range(METRICS)
    ]
    lines = ["metric,period,stratum,numerator,denominator,note,excluded,exclusion_reason"]
    for period in periods:
        label = period.starts_on.strftime("%Y-%m-%d")
        for index, metric in enumerate(metrics):
            lines.append(f"{metric.short_name},{label},,{(index * 7) % 40},40,,,")
    content = ("\n".join(lines) + "\n").encode()
    rows_expected = len(lines) - 1
    print(f"{rows_expected} rows, {len(content) / 1e6:.1f} MB of CSV")

    started = time.perf_counter()
    result = import_figures(team, read_rows("bench.csv", content), lead)
    first_run = time.perf_counter() - started
    assert not result.errors, result.errors[:3]
    assert Value.objects.count() == result.created
    print(f"first upload: {result.created} created in {first_run:.2f} s")

    started = time.perf_counter()
    again = import_figures(team, read_rows("bench.csv", content), lead)
    second_run = time.perf_counter() - started
    assert again.created == again.changed == 0, (again.created, again.changed)
    print(f"same file again: {again.unchanged} unchanged in {second_run:.2f} s")
    print(f"import {rows_expected} rows = {first_run:.2f} s")


if __name__ == "__main__":
    main()
