"""Does the permission matrix notice every change to the policy? Run by hand; too slow for CI.

    .venv/bin/python scripts/policy_mutations.py [--jobs N] [--full] [--action NAME ...]

For each action of ``access.POLICY`` and each grant (the five roles and the four special grants),
the policy is changed by that one grant: added where it is absent, removed where it is present.
The tests of ``tests/collaboratives/test_permission_matrix.py`` then run against the changed
policy in a fresh pytest process, and the mutation is *caught* when one of them fails.

Only the tests that can notice run. A mutation of action X changes nothing but what
``Access.can(X, ...)`` answers, so a test that never asks about X runs exactly as before. A first
run with the policy untouched records which actions each test asks about (and whether with a
team), and each mutation then runs the tests that asked about its action, stopping at the first
failure. ``--full`` runs the whole module for every mutation instead (hours).

Some mutations cannot change any answer, and are listed as such rather than run:

* a grant about the team (OWN_TEAM, OWN_TEAM_LEAD, ASSIGNED_COACH) added to an action that no
  page asks about a team: ``Access.can`` consults those grants only when given one;
* OWN_TEAM_LEAD added where OWN_TEAM or TEAM_MEMBER is already there, or OWN_TEAM where
  TEAM_MEMBER is: a lead of the team is on the team, and on the team is on a team.

The exit status is 0 when every mutation that was run was caught, or is one of ``EXPLAINED``.

The same file is the pytest plugin that does the work inside each run (``-p policy_mutations``
with ``scripts/`` on PYTHONPATH), told what to do by environment variables:
``POLICY_MUTATION=action:grant:added|removed``, ``POLICY_MUTATION_RECORD=file`` (write what each
test asks) and ``POLICY_MUTATION_ONLY=file`` (run only the test ids listed there).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE = "tests/collaboratives/test_permission_matrix.py"
TEAM_GRANTS = ("own_team", "own_team_lead", "assigned_coach")

# Mutations that are run but cannot be caught, with the reason: the script says so if one of
# them is ever caught, so the list cannot go stale quietly.
EXPLAINED: dict[tuple[str, str, str], str] = {
    (action, role, "removed"): (
        "SEES_ALL_TEAMS shows every team to host admins, planning and faculty before the "
        "policy is asked"
    )
    for action in ("view_team_names",)
    for role in ("host_admin", "planning", "faculty")
}


# The pytest plugin -------------------------------------------------------------------------

_asked: set[str] = set()
_asked_with_team: set[str] = set()
_results: dict[str, list[str]] = {}
_team_actions: set[str] = set()


def pytest_sessionstart(session: pytest.Session) -> None:
    from convene.collaboratives import access

    mutation = os.environ.get("POLICY_MUTATION")
    if mutation:
        action, grant, change = mutation.split(":")
        grants = set(access.POLICY[action])
        assert (grant in grants) == (change == "removed"), mutation
        grants.symmetric_difference_update({grant})
        access.POLICY[action] = frozenset(grants)
    if os.environ.get("POLICY_MUTATION_RECORD"):
        original = access.Access.can

        def can(self: Any, action: str, team: Any = None) -> bool:
            _asked.add(action)
            if team is not None:
                _asked_with_team.add(action)
            return original(self, action, team)

        access.Access.can = can  # type: ignore[method-assign]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    only = os.environ.get("POLICY_MUTATION_ONLY")
    if not only:
        return
    wanted = set(Path(only).read_text().splitlines())
    deselected = [item for item in items if item.nodeid not in wanted]
    items[:] = [item for item in items if item.nodeid in wanted]
    config.hook.pytest_deselected(items=deselected)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    _asked.clear()
    _asked_with_team.clear()
    yield
    item.user_properties.append(("policy_asked", sorted(_asked)))
    item.user_properties.append(("policy_asked_with_team", sorted(_asked_with_team)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    properties = dict(report.user_properties)
    if "policy_asked" in properties:
        _results[report.nodeid] = list(properties["policy_asked"])
        _team_actions.update(properties["policy_asked_with_team"])


def pytest_sessionfinish(session: pytest.Session) -> None:
    record = os.environ.get("POLICY_MUTATION_RECORD")
    if record and not hasattr(session.config, "workerinput"):  # the xdist controller, or alone
        data = {"tests": _results, "asked_with_team": sorted(_team_actions)}
        Path(record).write_text(json.dumps(data, indent=1))


# The script --------------------------------------------------------------------------------


def _pytest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), **env}
    command = [sys.executable, "-m", "pytest", MODULE, "-p", "policy_mutations", "-q", *args]
    return subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _baseline(workdir: Path) -> dict[str, Any]:
    record = workdir / "asked.json"
    print("Running the matrix once with the policy untouched…", flush=True)
    run = _pytest({"POLICY_MUTATION_RECORD": str(record)}, "-n", "auto")
    if run.returncode != 0:
        sys.exit(f"The matrix fails with the policy untouched:\n{run.stdout[-3000:]}")
    return json.loads(record.read_text())


def _why_meaningless(action: str, grant: str, grants: frozenset[str], team_actions: set[str]):
    if grant in grants:
        return None
    if grant in TEAM_GRANTS and action not in team_actions:
        return "no team in this action"
    if grant == "own_team_lead" and "own_team" in grants:
        return "subsumed: every lead of the team is on it (OWN_TEAM)"
    if grant in ("own_team", "own_team_lead") and "team_member" in grants:
        return "subsumed: everyone on the team is a team member (TEAM_MEMBER)"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--full", action="store_true", help="run every test for every mutation")
    parser.add_argument("--action", action="append", help="only this action (repeatable)")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convene.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from convene.collaboratives import access

    grants_in_order = [
        access.HOST,
        access.PLANNING,
        access.FACULTY,
        access.COACH,
        access.OBSERVER,
        access.TEAM_MEMBER,
        access.OWN_TEAM,
        access.OWN_TEAM_LEAD,
        access.ASSIGNED_COACH,
    ]
    actions = [a for a in access.POLICY if not options.action or a in options.action]

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        baseline = _baseline(workdir)
        team_actions = set(baseline["asked_with_team"])
        rows: list[dict[str, Any]] = []
        for action in actions:
            grants = access.POLICY[action]
            askers = [test for test, asked in baseline["tests"].items() if action in asked]
            for grant in grants_in_order:
                change = "removed" if grant in grants else "added"
                row = {"action": action, "grant": grant, "change": change, "tests": askers}
                row["meaningless"] = _why_meaningless(action, grant, grants, team_actions)
                if not askers and not row["meaningless"]:
                    row["meaningless"] = "no test asks about this action"
                rows.append(row)

        def run(row: dict[str, Any]) -> dict[str, Any]:
            if row["meaningless"]:
                return row
            env = {"POLICY_MUTATION": f"{row['action']}:{row['grant']}:{row['change']}"}
            if not options.full:
                only = workdir / f"{row['action']}-{row['grant']}.txt"
                only.write_text("\n".join(row["tests"]))
                env["POLICY_MUTATION_ONLY"] = str(only)
            result = _pytest(env, "-x", "-p", "no:xdist")
            if result.returncode not in (0, 1):
                sys.exit(f"pytest could not run {env}:\n{result.stdout[-3000:]}{result.stderr}")
            row["caught"] = result.returncode == 1
            mark = "caught" if row["caught"] else "NOT CAUGHT"
            print(f"  {row['action']} {row['change']} {row['grant']}: {mark}", flush=True)
            return row

        to_run = sum(1 for row in rows if not row["meaningless"])
        print(f"{len(rows)} mutations, {to_run} to run with {options.jobs} at a time…", flush=True)
        with ThreadPoolExecutor(max_workers=options.jobs) as pool:
            rows = list(pool.map(run, rows))

    print()
    print(f"{'action':<24} {'grant':<16} {'change':<8} caught")
    problems = 0
    for row in rows:
        key = (row["action"], row["grant"], row["change"])
        if row["meaningless"]:
            verdict = f"n/a ({row['meaningless']})"
        elif row["caught"]:
            verdict = "yes"
            if key in EXPLAINED:
                verdict += " (but EXPLAINED says it cannot be: remove it from EXPLAINED)"
                problems += 1
        elif key in EXPLAINED:
            verdict = f"no ({EXPLAINED[key]})"
        else:
            verdict = "NO: add the row or persona that tells"
            problems += 1
        print(f"{row['action']:<24} {row['grant']:<16} {row['change']:<8} {verdict}")

    ran = [row for row in rows if not row["meaningless"]]
    caught = [row for row in ran if row["caught"]]
    print()
    print(
        f"{len(rows)} mutations: {len(ran)} run, {len(caught)} caught, "
        f"{len(ran) - len(caught)} not caught; {len(rows) - len(ran)} cannot change any answer "
        f"({(time.monotonic() - started) / 60:.0f} minutes)."
    )
    for row in ran:
        if not row["caught"]:
            key = (row["action"], row["grant"], row["change"])
            why = EXPLAINED.get(key, "no explanation: a gap in the matrix")
            print(f"  not caught: {row['action']} {row['change']} {row['grant']} ({why})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
