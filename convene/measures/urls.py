from django.urls import path

from . import progress_views, reporting_views, views

app_name = "measures"

urlpatterns = [
    path("c/<int:collaborative_id>/measures/", views.metric_list, name="metrics"),
    path(
        "c/<int:collaborative_id>/dashboard/",
        views.collaborative_dashboard,
        name="dashboard",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/progress/<str:rater>/",
        progress_views.save_progress_score,
        name="progress-score",
    ),
    path(
        "c/<int:collaborative_id>/dashboard/metrics/<int:metric_id>/teams/",
        views.dashboard_team_charts,
        name="dashboard-teams",
    ),
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
        "c/<int:collaborative_id>/teams/<int:team_id>/data/",
        reporting_views.team_data,
        name="team-data",
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
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/<int:metric_id>/<int:period_id>/",
        reporting_views.save_cell,
        name="save-cell",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/",
        reporting_views.period_report,
        name="period-report",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/reopen/",
        reporting_views.reopen_report,
        name="reopen-report",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/template.xlsx",
        reporting_views.team_template_file,
        name="team-template",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/upload/",
        reporting_views.import_team_figures,
        name="import-figures",
    ),
    path(
        "c/<int:collaborative_id>/measures/export.<str:fmt>",
        views.export_figures,
        name="export",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/feedback/",
        reporting_views.add_feedback,
        name="add-feedback",
    ),
    path(
        "c/<int:collaborative_id>/feedback/",
        views.feedback_queue,
        name="feedback-queue",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/dashboard/",
        reporting_views.team_dashboard,
        name="team-dashboard",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/charts/<int:metric_id>.<str:fmt>",
        reporting_views.team_chart_file,
        name="team-chart-file",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/values/<int:value_id>/history/",
        reporting_views.value_history,
        name="value-history",
    ),
]
