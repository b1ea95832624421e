from django.urls import path

from . import progress_views, views

app_name = "reporting"

urlpatterns = [
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/progress/<str:rater>/",
        progress_views.save_progress_score,
        name="progress-score",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/",
        views.team_data,
        name="team-data",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/<int:metric_id>/<int:period_id>/",
        views.save_cell,
        name="save-cell",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/",
        views.period_report,
        name="period-report",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/reopen/",
        views.reopen_report,
        name="reopen-report",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/template.xlsx",
        views.team_template_file,
        name="team-template",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/data/upload/",
        views.import_team_figures,
        name="import-figures",
    ),
    path(
        "c/<int:collaborative_id>/measures/export.<str:fmt>",
        views.export_figures,
        name="export",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/feedback/",
        views.add_feedback,
        name="add-feedback",
    ),
    path(
        "c/<int:collaborative_id>/feedback/",
        views.feedback_queue,
        name="feedback-queue",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/values/<int:value_id>/history/",
        views.value_history,
        name="value-history",
    ),
]
