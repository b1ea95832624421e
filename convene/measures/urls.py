from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path(
        "c/<int:collaborative_id>/measures/<int:metric_id>/phases/",
        views.rollup_phases,
        name="rollup-phases",
    ),
    path(
        "c/<int:collaborative_id>/measures/<int:metric_id>/phases/<int:phase_id>/remove/",
        views.remove_rollup_phase,
        name="remove-rollup-phase",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/charts/<int:metric_id>/phases/",
        views.chart_phases,
        name="chart-phases",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/charts/<int:metric_id>/phases/"
        "<int:phase_id>/remove/",
        views.remove_chart_phase,
        name="remove-chart-phase",
    ),
    path("c/<int:collaborative_id>/measures/", views.metric_list, name="metrics"),
    path("c/<int:collaborative_id>/measures/new/", views.new_metric, name="new-metric"),
    path("c/<int:collaborative_id>/measures/library/", views.metric_library, name="library"),
    path("c/<int:collaborative_id>/measures/schedule/", views.edit_schedule, name="schedule"),
    path(
        "c/<int:collaborative_id>/measures/strata/new/",
        views.new_stratification,
        name="new-stratification",
    ),
    path(
        "c/<int:collaborative_id>/measures/strata/<int:stratification_id>/delete/",
        views.delete_stratification,
        name="delete-stratification",
    ),
    path("c/<int:collaborative_id>/measures/<int:metric_id>/", views.metric_detail, name="metric"),
    path(
        "c/<int:collaborative_id>/measures/<int:metric_id>/edit/",
        views.edit_metric,
        name="edit-metric",
    ),
    path(
        "c/<int:collaborative_id>/measures/<int:metric_id>/delete/",
        views.delete_metric,
        name="delete-metric",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/metrics/new/",
        views.new_team_metric,
        name="new-team-metric",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/metrics/<int:metric_id>/",
        views.team_metric_detail,
        name="team-metric",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/metrics/<int:metric_id>/edit/",
        views.edit_team_metric,
        name="edit-team-metric",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/metrics/<int:metric_id>/delete/",
        views.delete_team_metric,
        name="delete-team-metric",
    ),
]
