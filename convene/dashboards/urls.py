from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path(
        "c/<int:collaborative_id>/dashboard/",
        views.collaborative_dashboard,
        name="dashboard",
    ),
    path(
        "c/<int:collaborative_id>/dashboard/metrics/<int:metric_id>/teams/",
        views.dashboard_team_charts,
        name="dashboard-teams",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/dashboard/",
        views.team_dashboard,
        name="team-dashboard",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/reports/<int:period_id>/figures/",
        views.period_figures_view,
        name="period-figures",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/charts/progress.<str:fmt>",
        views.team_progress_file,
        name="team-progress-file",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/charts/<int:metric_id>.<str:fmt>",
        views.team_chart_file,
        name="team-chart-file",
    ),
    path(
        "c/<int:collaborative_id>/dashboard/charts/<slug:chart>.<str:fmt>",
        views.chart_file,
        name="chart-file",
    ),
]
