"""Every URL of the app, for every persona: allowed, forbidden, not found or sign-in first.

The expectations are written out here, independently of ``access.POLICY``, so that a change
to the policy that is not also a decision about this table makes the test fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from convene.collaboratives.models import (
    CharterDecision,
    CollaborativeRole,
    Invitation,
    PeerGroup,
    TeamMembership,
)
from convene.measures.models import ChartPhase, Metric, ReportingSchedule, Stratification
from convene.reporting.models import Report, Value
from convene.trials.models import TrialRun

from ..conftest import PERSONAS, World, build_world
from ..factories import make_collaborative

# Columns: anonymous host planning faculty coach other_coach observer | sponsor leader data_lead
#          champion member | other_team outsider staff
# (coach coaches team A, other_coach team B; sponsor to member are on team A, the leader and the
# data lead as its leads; other_team is a lead of team B; outsider hosts another collaborative.)
# "ok": the page (200) or the action's redirect (302); "403"; "404"; "in": sent to sign in.
EVERYONE_IN = "in ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  404 ok"
HOST_ONLY = "in ok  403 403 403 403 403 403 403 403 403 403 403 404 ok"
PLANNERS = "in ok  ok  403 403 403 403 403 403 403 403 403 403 404 ok"
NOT_OBSERVER = "in ok  ok  ok  ok  ok  403 ok  ok  ok  ok  ok  ok  404 ok"
TEAM_A_READERS = "in ok  ok  ok  ok  403 403 ok  ok  ok  ok  ok  403 404 ok"
TEAM_A_ORG = "in ok  ok  ok  ok  404 404 ok  ok  ok  ok  ok  404 404 ok"
DELETED_COLLAB = "in ok  403 404 404 404 404 404 404 404 404 404 404 404 ok"
SIGNED_IN = "in ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok  ok"
CREATORS = "in 403 403 403 403 403 403 403 403 403 403 403 403 403 ok"

Args = Callable[[World], dict[str, Any]]


def _c(w: World) -> dict[str, Any]:
    return {"collaborative_id": w.collaborative.pk}


def _t(w: World) -> dict[str, Any]:
    return {**_c(w), "team_id": w.team_a.pk}


def _membership(w: World) -> dict[str, Any]:
    membership = TeamMembership.objects.get(team=w.team_a, user=w.member)
    return {**_t(w), "membership_id": membership.pk}


def _invitation(w: World) -> dict[str, Any]:
    invitation, _token = Invitation.issue(
        collaborative=w.collaborative, email="new@example.test", role="faculty"
    )
    return {**_c(w), "invitation_id": invitation.pk}


def _decision(w: World) -> dict[str, Any]:
    decision = CharterDecision.objects.create(collaborative=w.collaborative, decision="Monthly")
    return {**_c(w), "decision_id": decision.pk}


def _group(w: World) -> dict[str, Any]:
    group = PeerGroup.objects.create(collaborative=w.collaborative, name="Riverton")
    return {**_c(w), "group_id": group.pk}


def _deleted_collaborative(w: World) -> dict[str, Any]:
    gone = make_collaborative("Closed pilot")
    gone.add_member(w.host, CollaborativeRole.HOST_ADMIN)
    gone.add_member(w.planning, CollaborativeRole.PLANNING)
    gone.soft_delete(w.host)
    return {"collaborative_id": gone.pk}


def _restorable(w: World) -> dict[str, Any]:
    decision = CharterDecision.objects.create(collaborative=w.collaborative, decision="Old")
    decision.soft_delete(w.host)
    return {**_c(w), "kind": "decision", "item_id": decision.pk}


def _coach_assignment(w: World) -> dict[str, Any]:
    assignment = w.team_a.coach_assignments.get()
    return {**_t(w), "assignment_id": assignment.pk}


def _collab_role(w: World) -> dict[str, Any]:
    membership = w.collaborative.memberships.get(user=w.faculty)
    return {**_c(w), "membership_id": membership.pk}


# (url name, method, arguments, POST data, expectations)
CASES: list[tuple[str, str, Args | None, Callable[[World], dict] | None, str]] = [
    ("collaboratives:home", "get", None, None, SIGNED_IN),
    ("collaboratives:create", "get", None, None, CREATORS),
    ("collaboratives:overview", "get", _c, None, EVERYONE_IN),
    ("collaboratives:edit", "get", _c, None, HOST_ONLY),
    ("collaboratives:delete", "post", _c, None, HOST_ONLY),
    ("collaboratives:restore", "post", _deleted_collaborative, None, DELETED_COLLAB),
    ("collaboratives:charter", "get", _c, None, EVERYONE_IN),
    ("collaboratives:edit-charter", "get", _c, None, PLANNERS),
    (
        "collaboratives:add-decision",
        "post",
        _c,
        lambda w: {"decided_on": "2026-03-01", "decision": "Meet monthly"},
        PLANNERS,
    ),
    ("collaboratives:delete-decision", "post", _decision, None, PLANNERS),
    ("collaboratives:people", "get", _c, None, NOT_OBSERVER),
    (
        "collaboratives:invite",
        "post",
        _c,
        lambda w: {"email": "new.person@example.test", "role": "faculty"},
        HOST_ONLY,
    ),
    ("collaboratives:end-role", "post", _collab_role, None, HOST_ONLY),
    ("collaboratives:revoke-invitation", "post", _invitation, None, HOST_ONLY),
    ("collaboratives:resend-invitation", "post", _invitation, None, HOST_ONLY),
    ("collaboratives:add-team", "get", _c, None, HOST_ONLY),
    ("collaboratives:team", "get", _t, None, TEAM_A_READERS),
    ("collaboratives:edit-team", "get", _t, None, HOST_ONLY),
    ("collaboratives:delete-team", "post", _t, None, HOST_ONLY),
    (
        "collaboratives:invite-to-team",
        "post",
        _t,
        lambda w: {"email": "nurse@example.test", "role": "member"},
        HOST_ONLY,
    ),
    ("collaboratives:end-team-membership", "post", _membership, None, HOST_ONLY),
    (
        "collaboratives:change-team-role",
        "post",
        _membership,
        lambda w: {"role": "data_lead"},
        HOST_ONLY,
    ),
    ("collaboratives:delete-team-membership", "post", _membership, None, HOST_ONLY),
    ("collaboratives:assign-coach", "post", _t, lambda w: {"coach": w.coach.pk}, HOST_ONLY),
    ("collaboratives:end-coach-assignment", "post", _coach_assignment, None, HOST_ONLY),
    ("collaboratives:groups", "get", _c, None, NOT_OBSERVER),
    ("collaboratives:edit-group", "get", _group, None, HOST_ONLY),
    ("collaboratives:delete-group", "post", _group, None, HOST_ONLY),
    ("collaboratives:audit", "get", _c, None, HOST_ONLY),
    ("collaboratives:deleted", "get", _c, None, HOST_ONLY),
    ("collaboratives:restore-item", "post", _restorable, None, HOST_ONLY),
    (
        "collaboratives:organisation",
        "get",
        lambda w: {"organisation_id": w.team_a.organisation_id},
        None,
        TEAM_A_ORG,
    ),
]


# A person's own account: signed in, everyone alike.
CASES += [
    ("accounts:profile", "get", None, None, SIGNED_IN),
    ("accounts:password-change", "get", None, None, SIGNED_IN),
    ("accounts:password-changed", "get", None, None, SIGNED_IN),
]


def _metric(w: World) -> dict[str, Any]:
    metric, _created = Metric.objects.get_or_create(
        collaborative=w.collaborative,
        short_name="BP control",
        defaults={
            "name": "Blood-pressure control",
            "conceptual_definition": "Share controlled",
            "kind": "proportion",
            "denominator": "Adults with hypertension",
            "direction": "up",
        },
    )
    return {**_c(w), "metric_id": metric.pk}


def _stratification(w: World) -> dict[str, Any]:
    stratification = Stratification.objects.create(collaborative=w.collaborative, name="Age")
    return {**_c(w), "stratification_id": stratification.pk}


METRIC_FORM = {
    "name": "No-show rate",
    "short_name": "No-shows",
    "category": "core",
    "is_required": "on",
    "kind": "proportion",
    "direction": "down",
    "conceptual_definition": "Missed appointments",
    "numerator": "Missed",
    "denominator": "Booked",
}

CASES += [
    ("measures:metrics", "get", _c, None, EVERYONE_IN),
    ("measures:metric", "get", _metric, None, EVERYONE_IN),
    ("measures:new-metric", "get", _c, None, PLANNERS),
    ("measures:new-metric", "post", _c, lambda w: METRIC_FORM, PLANNERS),
    ("measures:edit-metric", "get", _metric, None, PLANNERS),
    ("measures:delete-metric", "post", _metric, None, PLANNERS),
    ("measures:library", "get", _c, None, PLANNERS),
    ("measures:schedule", "get", _c, None, EVERYONE_IN),
    ("measures:new-stratification", "get", _c, None, PLANNERS),
    (
        "measures:new-stratification",
        "post",
        _c,
        lambda w: {"name": "Payer", "strata": "Medicaid\nOther"},
        PLANNERS,
    ),
    ("measures:delete-stratification", "post", _stratification, None, PLANNERS),
]

TEAM_A_WRITERS = "in ok  403 403 403 403 403 ok  ok  ok  ok  ok  403 404 ok"
TEAM_A_LEADS = "in ok  403 403 403 403 403 403 ok  ok  403 403 403 404 ok"
NOBODY_INSIDE = "in 403 403 403 403 403 403 403 403 403 403 403 403 404 403"
FEEDBACK_GIVERS = "in ok  403 ok  ok  403 403 403 403 403 403 403 403 404 ok"
FEEDBACK_READERS = "in ok  403 ok  ok  ok  403 403 403 403 403 403 403 404 ok"


def _period(w: World) -> Any:
    schedule, _created = ReportingSchedule.objects.get_or_create(
        collaborative=w.collaborative, defaults={"first_period_on": date(2026, 1, 1)}
    )
    schedule.sync_periods()
    return w.collaborative.periods.first()


def _cell(w: World) -> dict[str, Any]:
    metric_id = _metric(w)["metric_id"]
    return {**_t(w), "metric_id": metric_id, "period_id": _period(w).pk}


def _report(w: World) -> dict[str, Any]:
    period = _period(w)
    return {**_t(w), "period_id": period.pk}


def _submitted(w: World) -> dict[str, Any]:
    period = _period(w)
    report, _created = Report.objects.get_or_create(team=w.team_a, period=period)
    report.submit(w.data_lead, None)
    return {**_t(w), "period_id": period.pk}


def _value(w: World) -> dict[str, Any]:
    cell = _cell(w)
    value, _created = Value.objects.get_or_create(
        team=w.team_a,
        metric_id=cell["metric_id"],
        period_id=cell["period_id"],
        defaults={"numerator": 5, "denominator": 10},
    )
    return {**_t(w), "value_id": value.pk}


def _chart(w: World) -> dict[str, Any]:
    """Team A's chart of the shared metric, with periods to start a phase at."""
    _period(w)
    return {**_t(w), "metric_id": _metric(w)["metric_id"]}


def _second_period(w: World) -> Any:
    return w.collaborative.periods.all()[1]


def _chart_phase(w: World) -> dict[str, Any]:
    args = _chart(w)
    phase = ChartPhase.objects.create(
        collaborative=w.collaborative,
        metric_id=args["metric_id"],
        team=w.team_a,
        period=_second_period(w),
        reason="New protocol",
    )
    return {**args, "phase_id": phase.pk}


def _rollup(w: World) -> dict[str, Any]:
    """The collaborative's roll-up of the shared metric, with periods to start a phase at."""
    _period(w)
    return _metric(w)


def _rollup_phase(w: World) -> dict[str, Any]:
    args = _rollup(w)
    phase = ChartPhase.objects.create(
        collaborative=w.collaborative,
        metric_id=args["metric_id"],
        period=_second_period(w),
        reason="Second wave",
    )
    return {**args, "phase_id": phase.pk}


def _team_metrics_allowed(w: World) -> dict[str, Any]:
    w.collaborative.can_teams_add_metrics = True
    w.collaborative.save()
    return _t(w)


def _team_metric(w: World) -> dict[str, Any]:
    metric = Metric.objects.create(
        collaborative=w.collaborative,
        team=w.team_a,
        name="Falls on the ward",
        short_name="Falls",
        conceptual_definition="Falls",
        kind="count",
        direction="down",
        category="optional",
    )
    return {**_team_metrics_allowed(w), "metric_id": metric.pk}


def _team_metric_not_allowed(w: World) -> dict[str, Any]:
    args = _team_metric(w)
    w.collaborative.can_teams_add_metrics = False
    w.collaborative.save()
    return args


TEAM_METRIC_FORM = {**METRIC_FORM, "category": "optional"}

CASES += [
    ("measures:new-team-metric", "get", _team_metrics_allowed, None, TEAM_A_LEADS),
    (
        "measures:new-team-metric",
        "post",
        _team_metrics_allowed,
        lambda w: TEAM_METRIC_FORM,
        TEAM_A_LEADS,
    ),
    ("measures:new-team-metric", "get", _t, None, NOBODY_INSIDE),
    ("measures:team-metric", "get", _team_metric, None, TEAM_A_READERS),
    ("measures:edit-team-metric", "get", _team_metric, None, TEAM_A_LEADS),
    (
        "measures:edit-team-metric",
        "post",
        _team_metric,
        lambda w: {**TEAM_METRIC_FORM, "version": "1"},
        TEAM_A_LEADS,
    ),
    ("measures:edit-team-metric", "get", _team_metric_not_allowed, None, NOBODY_INSIDE),
    ("measures:delete-team-metric", "post", _team_metric, None, TEAM_A_LEADS),
    ("measures:delete-team-metric", "post", _team_metric_not_allowed, None, NOBODY_INSIDE),
]


def _team_scored(w: World) -> dict[str, Any]:
    from convene.reporting.models import ProgressScore

    ProgressScore.objects.create(
        team=w.team_a, period=_period(w), rater="team", score=2, scored_by=w.data_lead
    )
    return {**_t(w), "fmt": "csv"}


CASES += [
    ("reporting:team-data", "get", _t, None, TEAM_A_READERS),
    (
        "reporting:save-cell",
        "post",
        _cell,
        lambda w: {"numerator": "5", "denominator": "10"},
        TEAM_A_WRITERS,
    ),
    ("reporting:period-report", "get", _report, None, TEAM_A_READERS),
    ("reporting:reopen-report", "post", _submitted, None, HOST_ONLY),
    ("reporting:value-history", "get", _value, None, TEAM_A_READERS),
    ("dashboards:team-dashboard", "get", _t, None, TEAM_A_READERS),
    ("dashboards:period-figures", "get", _report, None, TEAM_A_READERS),
    ("dashboards:dashboard", "get", _c, None, EVERYONE_IN),
    ("dashboards:dashboard-teams", "get", _metric, None, EVERYONE_IN),
    (
        "dashboards:chart-file",
        "get",
        lambda w: {**_c(w), "chart": f"all-teams-{_metric(w)['metric_id']}", "fmt": "csv"},
        None,
        EVERYONE_IN,
    ),
    (
        "reporting:progress-score",
        "post",
        lambda w: {**_report(w), "rater": "team"},
        lambda w: {"team-score": "2.0"},
        TEAM_A_WRITERS,
    ),
    (  # a submitted month: the team may still add or change its own score
        "reporting:progress-score",
        "post",
        lambda w: {**_submitted(w), "rater": "team"},
        lambda w: {"team-score": "2.0"},
        TEAM_A_WRITERS,
    ),
    (
        "reporting:progress-score",
        "post",
        lambda w: {**_report(w), "rater": "coach"},
        lambda w: {"coach-score": "2.0"},
        FEEDBACK_GIVERS,
    ),
    (
        "reporting:add-feedback",
        "post",
        _submitted,
        lambda w: {"text": "Great progress on repeat readings."},
        FEEDBACK_GIVERS,
    ),
    ("reporting:feedback-queue", "get", _c, None, FEEDBACK_READERS),
    ("reporting:team-template", "get", _t, None, TEAM_A_READERS),
    ("reporting:import-figures", "get", _t, None, TEAM_A_WRITERS),
    ("reporting:export", "get", lambda w: {**_c(w), "fmt": "csv"}, None, HOST_ONLY),
    ("dashboards:team-progress-file", "get", _team_scored, None, TEAM_A_READERS),
    (
        "dashboards:team-chart-file",
        "get",
        lambda w: {**_t(w), "metric_id": _metric(w)["metric_id"], "fmt": "csv"},
        None,
        TEAM_A_READERS,
    ),
    ("measures:chart-phases", "get", _chart, None, TEAM_A_READERS),
    (
        "measures:chart-phases",
        "post",
        _chart,
        lambda w: {"period": _second_period(w).pk, "reason": "New protocol", "version": "0"},
        TEAM_A_LEADS,
    ),
    ("measures:remove-chart-phase", "post", _chart_phase, lambda w: {"version": "1"}, TEAM_A_LEADS),
    ("measures:rollup-phases", "get", _rollup, None, EVERYONE_IN),
    (
        "measures:rollup-phases",
        "post",
        _rollup,
        lambda w: {"period": _second_period(w).pk, "reason": "Second wave", "version": "0"},
        PLANNERS,
    ),
    ("measures:remove-rollup-phase", "post", _rollup_phase, lambda w: {"version": "1"}, PLANNERS),
]

STATUS_READERS = "in ok  ok  ok  ok  ok  403 403 403 403 403 403 403 404 ok"


def _trial(w: World) -> dict[str, Any]:
    _metric(w)  # the trial asks about the collaborative's metrics
    return _t(w)


def _sent_trial(w: World) -> dict[str, Any]:
    TrialRun.objects.create(
        team=w.team_a, status=TrialRun.Status.SUBMITTED, submitted_by=w.data_lead
    )
    return _trial(w)


CASES += [
    ("trials:trial", "get", _trial, None, TEAM_A_READERS),
    (
        "trials:trial",
        "post",
        _trial,
        lambda w: {"action": "save", "record-1-reference": "A-101"},
        TEAM_A_WRITERS,
    ),
    (
        "trials:review-trial",
        "post",
        _sent_trial,
        lambda w: {"decision": "accepted", "version": "1"},
        PLANNERS,
    ),
    ("trials:trials", "get", _c, None, STATUS_READERS),
]


def _concept(w: World) -> dict[str, Any]:
    from convene.improvement.models import ChangeConcept

    concept = ChangeConcept.objects.create(collaborative=w.collaborative, name="Measure well")
    return {**_c(w), "concept_id": concept.pk}


def _key_change(w: World) -> dict[str, Any]:
    from convene.improvement.models import KeyChange

    concept_id = _concept(w)["concept_id"]
    key_change = KeyChange.objects.create(concept_id=concept_id, name="Repeat high readings")
    return {**_c(w), "key_change_id": key_change.pk}


CASES += [
    ("improvement:package", "get", _c, None, NOT_OBSERVER),
    ("improvement:new-concept", "get", _c, None, PLANNERS),
    ("improvement:new-concept", "post", _c, lambda w: {"name": "Engage patients"}, PLANNERS),
    ("improvement:edit-concept", "get", _concept, None, PLANNERS),
    (
        "improvement:edit-concept",
        "post",
        _concept,
        lambda w: {"name": "Measure better", "version": "1"},
        PLANNERS,
    ),
    ("improvement:delete-concept", "post", _concept, None, PLANNERS),
    ("improvement:new-key-change", "get", _concept, None, PLANNERS),
    ("improvement:edit-key-change", "get", _key_change, None, PLANNERS),
    ("improvement:delete-key-change", "post", _key_change, None, PLANNERS),
    ("improvement:copy", "get", _c, None, PLANNERS),
    (
        "improvement:move-concept",
        "post",
        lambda w: {**_concept(w), "direction": "down"},
        None,
        PLANNERS,
    ),
    (
        "improvement:move-key-change",
        "post",
        lambda w: {**_key_change(w), "direction": "up"},
        None,
        PLANNERS,
    ),
]


def _cycle(w: World, **fields: Any) -> dict[str, Any]:
    from convene.improvement.models import PDSACycle

    cycle = PDSACycle.objects.create(
        collaborative=w.collaborative, team=w.team_a, title="Repeat high readings", **fields
    )
    return {**_c(w), "cycle_id": cycle.pk}


# PDSA cycles: a team's own, read by its readers (view_cycles) and written by the team.
CASES += [
    ("improvement:cycles", "get", _t, None, TEAM_A_READERS),
    ("improvement:cycle", "get", _cycle, None, TEAM_A_READERS),
    ("improvement:edit-cycle", "get", _cycle, None, TEAM_A_WRITERS),
    ("improvement:ramp", "get", _cycle, None, TEAM_A_READERS),
]


def _node(w: World, team: bool = False) -> dict[str, Any]:
    from convene.improvement import diagram

    primary = diagram.add(w.collaborative, "Accurate measurement")
    if team:
        diagram.adopt(w.team_a, w.leader)
        node = diagram.add(w.collaborative, "Kiosk", primary, team=w.team_a)
    else:
        diagram.add(w.collaborative, "Treatment")
        node = diagram.add(w.collaborative, "Technique", primary)
    return {**_c(w), "node_id": node.pk}


def _adopted(w: World) -> dict[str, Any]:
    from convene.improvement import diagram

    diagram.adopt(w.team_a, w.leader)
    return _t(w)


# The driver diagram: read by participants but observers, written by planners; a team's
# diagram read by the team's readers, its own additions written by the team.
CASES += [
    ("improvement:diagram", "get", _c, None, NOT_OBSERVER),
    ("improvement:diagram-file", "get", lambda w: {**_c(w), "fmt": "svg"}, None, NOT_OBSERVER),
    ("improvement:diagram-start", "get", _c, None, PLANNERS),
    ("improvement:diagram-start", "post", _c, lambda w: {"point": "tobacco"}, PLANNERS),
    ("improvement:new-node", "get", _c, None, PLANNERS),
    ("improvement:new-node", "post", _c, lambda w: {"text": "Self-management"}, PLANNERS),
    ("improvement:edit-node", "get", _node, None, PLANNERS),
    ("improvement:edit-node", "get", lambda w: _node(w, team=True), None, TEAM_A_WRITERS),
    (
        "improvement:move-node",
        "post",
        lambda w: {**_node(w), "operation": "outdent"},
        None,
        PLANNERS,
    ),
    (
        "improvement:move-node",
        "post",
        lambda w: {**_node(w, team=True), "operation": "outdent"},
        None,
        TEAM_A_WRITERS,
    ),
    ("improvement:move-node-under", "post", _node, lambda w: {"parent": ""}, PLANNERS),
    ("improvement:delete-node", "post", _node, None, PLANNERS),
    ("improvement:delete-node", "post", lambda w: _node(w, team=True), None, TEAM_A_WRITERS),
    ("improvement:team-diagram", "get", _t, None, TEAM_A_READERS),
    (
        "improvement:team-diagram-file",
        "get",
        lambda w: {**_t(w), "fmt": "pdf"},
        None,
        TEAM_A_READERS,
    ),
    ("improvement:adopt-diagram", "post", _t, None, TEAM_A_WRITERS),
    ("improvement:new-team-node", "get", _adopted, None, TEAM_A_WRITERS),
    (
        "improvement:new-team-node",
        "post",
        _adopted,
        lambda w: {"text": "Our kiosk"},
        TEAM_A_WRITERS,
    ),
]


# The spread matrix (tests/improvement/test_spread.py): every participant but observers.
CASES += [
    ("improvement:spread", "get", _c, None, NOT_OBSERVER),
]

# PDSA cycles: the worksheet, print view, files, comments and the cycles teams shared.
SHARED_CYCLE_READERS = "in ok  ok  ok  ok  ok  403 ok  ok  ok  ok  ok  ok  404 ok"
COMMENT_DELETERS = "in ok  403 403 403 403 403 403 403 403 403 ok  403 404 ok"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _shared_cycle(sharing: str) -> Args:
    def make(w: World) -> dict[str, Any]:
        from django.utils import timezone

        w.collaborative.sharing = sharing
        w.collaborative.save(update_fields=["sharing"])
        return _cycle(w, is_shared=True, shared_at=timezone.now())

    return make


def _attachment(w: World, **fields: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from convene.improvement.models import CycleAttachment

    cycle_id = _cycle(w, **fields)["cycle_id"]
    attachment = CycleAttachment(
        cycle_id=cycle_id, name="run chart.pdf", content_type="application/pdf", size=9
    )
    attachment.file.save("run-chart.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    attachment.save()
    return {**_c(w), "attachment_id": attachment.pk}


def _cycle_comment(w: World) -> dict[str, Any]:
    from convene.improvement.models import Comment

    cycle_id = _cycle(w)["cycle_id"]
    comment = Comment.objects.create(cycle_id=cycle_id, author=w.member, text="Try mornings")
    return {**_c(w), "comment_id": comment.pk}


def _a_pdf(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")}


def _worksheet(w: World) -> dict[str, Any]:
    return {"title": "Repeat readings", "own_idea": "Repeat high readings", "status": "planned"}


CASES += [
    ("improvement:new-cycle", "get", _t, None, TEAM_A_WRITERS),
    ("improvement:new-cycle", "post", _t, _worksheet, TEAM_A_WRITERS),
    (
        "improvement:edit-cycle",
        "post",
        _cycle,
        lambda w: {**_worksheet(w), "version": "1"},
        TEAM_A_WRITERS,
    ),
    ("improvement:delete-cycle", "post", _cycle, None, TEAM_A_WRITERS),
    ("improvement:print-cycle", "get", _cycle, None, TEAM_A_READERS),
    ("improvement:shared-cycles", "get", _c, None, SHARED_CYCLE_READERS),
    # A shared cycle: read by every participant who may see other teams' cycles, as the
    # collaborative's sharing allows (none of them under aggregate-only); never by observers.
    ("improvement:cycle", "get", _shared_cycle("named"), None, SHARED_CYCLE_READERS),
    ("improvement:cycle", "get", _shared_cycle("anonymised"), None, SHARED_CYCLE_READERS),
    ("improvement:cycle", "get", _shared_cycle("aggregate"), None, TEAM_A_READERS),
    ("improvement:ramp", "get", _shared_cycle("anonymised"), None, SHARED_CYCLE_READERS),
    ("improvement:ramp", "get", _shared_cycle("aggregate"), None, TEAM_A_READERS),
    ("improvement:print-cycle", "get", _shared_cycle("named"), None, SHARED_CYCLE_READERS),
    ("improvement:add-attachment", "post", _cycle, _a_pdf, TEAM_A_WRITERS),
    ("improvement:attachment", "get", _attachment, None, TEAM_A_READERS),
    (
        "improvement:attachment",
        "get",
        lambda w: _attachment(w, is_shared=True),
        None,
        SHARED_CYCLE_READERS,
    ),
    ("improvement:delete-attachment", "post", _attachment, None, TEAM_A_WRITERS),
    (
        "improvement:comment-on-cycle",
        "post",
        _cycle,
        lambda w: {"text": "How did the mornings go?"},
        TEAM_A_READERS,
    ),
    (
        "improvement:comment-on-cycle",
        "post",
        _shared_cycle("named"),
        lambda w: {"text": "We tried this too."},
        SHARED_CYCLE_READERS,
    ),
    (
        "improvement:comment-on-cycle",
        "post",
        _shared_cycle("aggregate"),
        lambda w: {"text": "We tried this too."},
        TEAM_A_READERS,
    ),
    ("improvement:delete-cycle-comment", "post", _cycle_comment, None, COMMENT_DELETERS),
]


def _plan(w: World) -> dict[str, Any]:
    from convene.improvement.models import ActionPlan

    plan = ActionPlan.objects.create(
        collaborative=w.collaborative, team=w.team_a, title="After learning session 2"
    )
    return {**_c(w), "plan_id": plan.pk}


def _step(w: World) -> dict[str, Any]:
    from convene.improvement.models import ActionStep

    plan_id = _plan(w)["plan_id"]
    ActionStep.objects.create(plan_id=plan_id, text="Print the protocol", position=0)
    step = ActionStep.objects.create(plan_id=plan_id, text="Train the nurses", position=1)
    return {**_c(w), "step_id": step.pk}


def _step_form(w: World) -> dict[str, Any]:
    from convene.improvement.models import ActionStep

    step = ActionStep.objects.get(plan__team=w.team_a, text="Train the nurses")
    return {
        f"step-{step.pk}-text": "Train",
        f"step-{step.pk}-status": "doing",
        f"step-{step.pk}-version": "1",
    }


# Action plans: a team's own, read by its readers (view_action_plans) and written by the team;
# the coach's view and its feedback: hosts, faculty and the team's coach (view_coaching).
CASES += [
    ("improvement:action-plans", "get", _t, None, TEAM_A_READERS),
    (
        "improvement:action-plans",
        "post",
        _t,
        lambda w: {"title": "After learning session 2", "status": "open"},
        TEAM_A_WRITERS,
    ),
    ("improvement:action-plan", "get", _plan, None, TEAM_A_READERS),
    (
        "improvement:action-plan",
        "post",
        _plan,
        lambda w: {"title": "After session 3", "status": "open", "version": "1"},
        TEAM_A_WRITERS,
    ),
    ("improvement:plan-status", "post", _plan, lambda w: {"status": "done"}, TEAM_A_WRITERS),
    ("improvement:delete-plan", "post", _plan, None, TEAM_A_WRITERS),
    (
        "improvement:new-step",
        "post",
        _plan,
        lambda w: {"new-step-text": "Call the pharmacy", "new-step-status": "todo"},
        TEAM_A_WRITERS,
    ),
    (
        "improvement:edit-step",
        "post",
        _step,
        _step_form,
        TEAM_A_WRITERS,
    ),
    ("improvement:delete-step", "post", _step, None, TEAM_A_WRITERS),
    (
        "improvement:move-step",
        "post",
        lambda w: {**_step(w), "direction": "up"},
        None,
        TEAM_A_WRITERS,
    ),
    ("improvement:step-to-cycle", "post", _step, None, TEAM_A_WRITERS),
    ("improvement:coaching", "get", _c, None, FEEDBACK_READERS),
    (
        "improvement:plan-feedback",
        "post",
        _plan,
        lambda w: {"text": "Who prints it?"},
        FEEDBACK_GIVERS,
    ),
    (
        "improvement:coaching-cycle-feedback",
        "post",
        _cycle,
        lambda w: {"text": "Try five patients next."},
        FEEDBACK_GIVERS,
    ),
]

# Issue 15, part 3 (who is slipping): "My teams" / "Teams" for hosts and coaches
# (view_follow_up); a team's check-ins for hosts and the team's assigned coach (view_check_ins,
# log_check_in).
FOLLOW_UP_READERS = "in ok  403 403 ok  ok  403 403 403 403 403 403 403 404 ok"
TEAM_A_CHECK_INS = "in ok  403 403 ok  403 403 403 403 403 403 403 403 404 ok"


def _check_in(w: World) -> dict[str, Any]:
    from convene.notifications.models import CheckIn

    check_in = CheckIn.objects.create(team=w.team_a, held_on=date(2026, 2, 2), how="call")
    return {**_t(w), "check_in_id": check_in.pk}


def _check_in_form(w: World) -> dict[str, Any]:
    return {"held_on": "2026-03-02", "how": "visit", "notes": "Went well", "version": "1"}


# An invitation answered from the home page's to-do list: only by the person it was sent to
# (here the host, invited to coach in another collaborative); not found for anyone else.
INVITEE_ONLY = "in ok  404 404 404 404 404 404 404 404 404 404 404 404 404"


def _invitation_to_host(w: World) -> dict[str, Any]:
    invitation, _token = Invitation.issue(
        collaborative=make_collaborative("Asthma Collaborative"), email=w.host.email, role="coach"
    )
    return {"invitation_id": invitation.pk}


CASES += [
    ("collaboratives:answer-invitation", "get", _invitation_to_host, None, INVITEE_ONLY),
    ("collaboratives:answer-invitation", "post", _invitation_to_host, None, INVITEE_ONLY),
    ("notifications:follow-up", "get", _c, None, FOLLOW_UP_READERS),
    ("notifications:check-ins", "get", _t, None, TEAM_A_CHECK_INS),
    ("notifications:new-check-in", "get", _t, None, TEAM_A_CHECK_INS),
    ("notifications:new-check-in", "post", _t, _check_in_form, TEAM_A_CHECK_INS),
    ("notifications:edit-check-in", "get", _check_in, None, TEAM_A_CHECK_INS),
    ("notifications:edit-check-in", "post", _check_in, _check_in_form, TEAM_A_CHECK_INS),
    ("notifications:delete-check-in", "post", _check_in, None, TEAM_A_CHECK_INS),
]

# A person's own notifications (issue 15, delivery): the list, the bell and the preferences are
# everyone's own, signed in; one notification (the host's here, as the header checks sign in
# as the host) opens, and is marked read, for that person only: everyone else, staff too, is
# told it does not exist. Opening redirects to its page ("302"). The unsubscribe link answers
# to its token (NOT_IN_THE_MATRIX).
OWN_NOTIFICATION = "in ok  404 404 404 404 404 404 404 404 404 404 404 404 404"
OPENS_OWN_NOTIFICATION = "in 302 404 404 404 404 404 404 404 404 404 404 404 404 404"


def _notification(w: World) -> dict[str, Any]:
    from convene.notifications.models import Notification

    notification = Notification.objects.create(
        recipient=w.host, kind="report_due_soon", key="matrix", text="Report due", link="/"
    )
    return {"notification_id": notification.pk}


def _every_kind_in_app(w: World) -> dict[str, Any]:
    from convene.notifications import kinds

    return {kind.name: "in_app" for kind in kinds.registered()}


CASES += [
    ("notifications:list", "get", None, None, SIGNED_IN),
    ("notifications:bell", "get", None, None, SIGNED_IN),
    ("notifications:open", "get", _notification, None, OPENS_OWN_NOTIFICATION),
    ("notifications:mark-read", "post", _notification, None, OWN_NOTIFICATION),
    ("notifications:mark-all-read", "post", None, None, SIGNED_IN),
    ("notifications:preferences", "get", None, None, SIGNED_IN),
    ("notifications:preferences", "post", None, _every_kind_in_app, SIGNED_IN),
]

EXPECTED_STATUS = {"ok": None, "403": 403, "404": 404, "302": 302}


def _parse(expectations: str) -> dict[str, str]:
    codes = expectations.split()
    assert len(codes) == len(PERSONAS), expectations
    return dict(zip(PERSONAS, codes, strict=True))


def _as(client: Any, world: World, persona: str) -> None:
    client.logout()
    if persona != "anonymous":
        client.force_login(world.people[persona])


def _wrong(persona: str, method: str, expected: str, response: Any) -> str | None:
    """What is wrong with ``persona``'s response, or None when it is as the table says."""
    status = response.status_code
    location = response.get("Location", "")
    signed_out = location.startswith(reverse("accounts:login"))
    if expected == "in":
        right = status == 302 and signed_out
    elif expected == "ok":
        right = status == (200 if method == "get" else 302) and not signed_out
    else:
        right = status == EXPECTED_STATUS[expected]
    if right:
        return None
    return f"{persona}: expected {expected}, got {status} {location} {response.content[:300]!r}"


@pytest.mark.parametrize(
    ("name", "method", "args", "data", "expectations"),
    CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES],
)
def test_permission(client, db, name, method, args, data, expectations) -> None:
    """Every persona in turn on one world; each request is undone before the next (a
    savepoint), so a POST by one persona leaves nothing for the next to find. One world per
    URL rather than per persona: building it is most of the suite's time."""
    world = build_world()
    wrong = []
    for persona, expected in _parse(expectations).items():
        savepoint = transaction.savepoint()
        try:
            cache.clear()
            translation.activate(settings.LANGUAGE_CODE)
            url = reverse(name, kwargs=args(world) if args else None)
            _as(client, world, persona)
            response = getattr(client, method)(url, data(world) if data else {})
            wrong.append(_wrong(persona, method, expected, response))
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not [w for w in wrong if w], "\n".join(w for w in wrong if w)


# What a page shows, where the policy decides more than whether it opens: (url name, arguments,
# the texts to look for, expectations). A text's key in a persona's column says that text is on
# the page and none of the others is; "-" that none is; "in", "403" and "404" as above.
#
# Team B ("Valley clinic") on the overview, while the collaborative shares results anonymised:
# its name to those who see every team and to its own people, "Team B" to the others who may see
# team names, nothing to the rest.
TEAM_B_SHOWN = "in name name name letter name - letter letter letter letter letter name 404 name"

SHOWN = [
    ("collaboratives:overview", _c, {"name": "Valley clinic", "letter": "Team B"}, TEAM_B_SHOWN),
]


def _b_shared_cycle(w: World) -> dict[str, Any]:
    """Team B's shared cycle, while the collaborative shares results anonymised."""
    from django.utils import timezone

    from convene.improvement.models import PDSACycle

    cycle = PDSACycle.objects.create(
        collaborative=w.collaborative,
        team=w.team_b,
        title="Call-backs",
        own_idea="Call patients back",
        is_shared=True,
        shared_at=timezone.now(),
    )
    return {**_c(w), "cycle_id": cycle.pk}


def _with_b_shared_cycle(w: World) -> dict[str, Any]:
    _b_shared_cycle(w)
    return _c(w)


# Team B's shared cycle, in the shared list and on its page: its name to those who see every team
# and to its own people, its letter to the other participants; observers read no team's cycles.
TEAM_B_CYCLE_SHOWN = (
    "in name name name letter name 403 letter letter letter letter letter name 404 name"
)
SHOWN += [
    (
        "improvement:shared-cycles",
        _with_b_shared_cycle,
        {"name": "Valley clinic", "letter": "Team B"},
        TEAM_B_CYCLE_SHOWN,
    ),
    (
        "improvement:cycle",
        _b_shared_cycle,
        {"name": "Valley clinic", "letter": "Team B"},
        TEAM_B_CYCLE_SHOWN,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "args", "texts", "expectations"), SHOWN, ids=[c[0] for c in SHOWN]
)
def test_what_is_shown(client, db, persona, name, args, texts, expectations) -> None:
    world = build_world()
    expected = _parse(expectations)[persona]
    if persona != "anonymous":
        client.force_login(world.people[persona])
    response = client.get(reverse(name, kwargs=args(world)))
    if expected == "in":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif expected in ("403", "404"):
        assert response.status_code == EXPECTED_STATUS[expected]
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert {key for key, text in texts.items() if text in body} == (
            set() if expected == "-" else {expected}
        )


# Observers (funders, leadership, evaluators) read the aggregate dashboards and evaluation, and
# the charter and the measure definitions that explain them; never a team's own figures, notes or
# reports (DESIGN.md). Every row the observer's column opens is here, with what it is to them.
OBSERVER_READS = {
    "collaboratives:home": "their own list of collaboratives",
    "collaboratives:overview": "the collaborative's front page: its aim and dates, no team named",
    "collaboratives:charter": "the charter, which explains what is measured and why",
    "measures:metrics": "the measure definitions",
    "measures:metric": "one measure's definition",
    "measures:schedule": "when teams report, which dates the aggregate charts run over",
    "dashboards:dashboard": "the aggregate dashboard: roll-ups and reporting rates, no team named",
    "dashboards:dashboard-teams": "opens, but shows no team's chart: observers see no team",
    "dashboards:chart-file": "the aggregate dashboard's charts as files: roll-ups, no team named",
    "measures:rollup-phases": "the phases of the aggregate chart (the host's reasons, no team's)",
    "accounts:profile": "their own account",
    "accounts:password-change": "their own account",
    "accounts:password-changed": "their own account",
    "notifications:list": "their own notifications",
    "notifications:bell": "their own count of unread notifications",
    "notifications:mark-all-read": "their own notifications",
    "notifications:preferences": "their own choices of how to hear of things",
}


def test_the_matrix_names_everything_an_observer_opens() -> None:
    observer = PERSONAS.index("observer")
    opened = {name for name, _method, _args, _data, exp in CASES if exp.split()[observer] == "ok"}
    assert opened == set(OBSERVER_READS)


def test_what_an_observer_opens_carries_no_team_name_figure_or_note(client, db) -> None:
    world = build_world()
    args = _cell(world)
    for team, numerator in ((world.team_a, 41), (world.team_b, 37)):
        Value.objects.create(
            team=team,
            metric_id=args["metric_id"],
            period_id=args["period_id"],
            numerator=numerator,
            denominator=97,
            note=f"{team.name} note: the registry was cleaned",
        )
    client.force_login(world.observer)
    for name, method, make_args, _data, _exp in CASES:
        if name not in OBSERVER_READS or method != "get":
            continue
        kwargs = make_args(world) if make_args else None
        if name == "measures:metric":
            kwargs = {**_c(world), "metric_id": args["metric_id"]}
        body = client.get(reverse(name, kwargs=kwargs)).content.decode()
        for team in (world.team_a, world.team_b):
            assert team.name not in body, name
        assert "the registry was cleaned" not in body, name
        assert not re.search(r">\s*Team [A-Z]\s*<", body), name  # not even as a letter
        # Each team's own share (41 and 37 of 97); the roll-up (40.2 %) may show.
        assert "42.3" not in body and "38.1" not in body, name


def test_wrong_method_is_refused(client, world) -> None:
    client.force_login(world.host)
    pages = {case[0] for case in CASES if case[1] == "get"}
    for name, method, args, _data, _exp in CASES:
        if method != "post" or name in pages:
            continue
        url = reverse(name, kwargs=args(world) if args else None)
        assert client.get(url).status_code == 405, name


# URLs that are not in the matrix, each with the reason. A key ending in ":" is a whole namespace.
NOT_IN_THE_MATRIX = {
    "admin:": "Django's admin, for site staff only (tests/collaboratives/test_admin.py)",
    "set_language": "Django's own view: sets the language cookie for whoever asks",
    "health": "answers everyone the same, signed in or not (tests/lib/test_errors_and_demo.py)",
    "health-ready": "answers everyone the same, signed in or not (tests/lib/test_cache.py)",
    # Signing in and out and resetting a forgotten password: the same for everyone, signed in
    # or not, and nothing of any collaborative on them (tests/accounts/test_sign_in.py). The
    # signed-in pages of accounts (profile, password change) are rows of the matrix.
    "accounts:login": "the sign-in page, the same for everyone",
    "accounts:logout": "signs out whoever asks",
    "accounts:password-reset": "asks for an address, the same for everyone",
    "accounts:password-reset-sent": "the same for everyone",
    "accounts:password-reset-confirm": "answers to whoever holds the e-mailed token",
    "accounts:password-reset-done": "the same for everyone",
    # Invitation links answer to whoever holds the token: tests/collaboratives/test_invitations.py.
    "collaboratives:accept-invitation": "answers to whoever holds the invitation's token",
    "collaboratives:request-invitation": "answers to whoever holds the invitation's token",
    # The e-mails' one-click unsubscribe link: tests/notifications/test_unsubscribe.py.
    "notifications:unsubscribe": "answers to whoever holds the e-mail's signed token",
}


def _walk(
    patterns: list[Any], route: str = "", namespace: str = ""
) -> list[tuple[str, str, str | None]]:
    """Every URL pattern at any depth: (its whole route, its namespace, its namespaced name or
    None when it has no name)."""
    found = []
    for pattern in patterns:
        whole = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _walk(pattern.url_patterns, whole, inner)
        elif isinstance(pattern, URLPattern):
            found.append((whole, namespace, f"{namespace}{pattern.name}" if pattern.name else None))
    return found


def _exempt(namespace: str, name: str | None) -> bool:
    namespaces = [key for key in NOT_IN_THE_MATRIX if key.endswith(":")]
    return name in NOT_IN_THE_MATRIX or any(namespace.startswith(key) for key in namespaces)


def urls_missing_from_the_matrix() -> list[str]:
    """What the matrix lacks, as sentences: every URL of ``ROOT_URLCONF``, wherever it sits and
    whatever its namespace, must be a row of ``CASES`` or be in ``NOT_IN_THE_MATRIX``."""
    in_matrix = {case[0] for case in CASES}
    problems = []
    seen: dict[str, str] = {}
    for route, namespace, name in _walk(get_resolver().url_patterns):
        if _exempt(namespace, name):
            continue
        if name is None:
            problems.append(f"/{route} has no name: name it and add rows, or exempt it")
        elif name in seen:  # reverse() finds one of them: the matrix would test only that one
            problems.append(f"{name} names both /{seen[name]} and /{route}")
        elif name not in in_matrix:
            problems.append(f"{name} (/{route}) has no row in the matrix")
        seen.setdefault(name or "", route)
    return problems


def test_every_url_is_in_the_matrix() -> None:
    assert urls_missing_from_the_matrix() == []


def test_every_exemption_and_row_names_a_url() -> None:
    walked = _walk(get_resolver().url_patterns)
    names = {name for _route, _namespace, name in walked}
    namespaces = {namespace for _route, namespace, _name in walked}
    for key in NOT_IN_THE_MATRIX:
        assert (key in namespaces) if key.endswith(":") else (key in names), key
    assert {case[0] for case in CASES} <= names


@override_settings(ROOT_URLCONF="tests.collaboratives.urls_with_strays")
def test_a_url_outside_the_matrix_is_reported() -> None:
    assert urls_missing_from_the_matrix() == [
        "stray (/stray/) has no row in the matrix",
        "newapp:thing (/newapp/thing/<int:thing_id>/) has no row in the matrix",
        "/nameless/ has no name: name it and add rows, or exempt it",
        "collaboratives:home names both / and /home-again/",
    ]


def test_unknown_ids_are_not_found(client, world) -> None:
    client.force_login(world.host)
    assert client.get(reverse("collaboratives:overview", args=[999999])).status_code == 404
    url = reverse("collaboratives:team", args=[world.collaborative.pk, 999999])
    assert client.get(url).status_code == 404
    # A real team, asked for under the wrong collaborative, does not exist there.
    other_team = world.other_collaborative.teams.get()
    url = reverse("collaboratives:team", args=[world.collaborative.pk, other_team.pk])
    assert client.get(url).status_code == 404
