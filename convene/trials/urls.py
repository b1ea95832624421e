from django.urls import path

from . import views

app_name = "trials"

urlpatterns = [
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/trial/",
        views.team_trial,
        name="trial",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/trial/review/",
        views.review_trial_run,
        name="review-trial",
    ),
    path("c/<int:collaborative_id>/trials/", views.trial_runs, name="trials"),
]
