from django.urls import path  # noqa: F401  (the pages come with the rest of issue 15)

app_name = "notifications"

urlpatterns: list = []

# Who is slipping ("My teams" / "Teams") and the coach's check-ins with teams.
from . import followup_views  # noqa: E402

urlpatterns += [
    path("c/<int:collaborative_id>/my-teams/", followup_views.follow_up, name="follow-up"),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/check-ins/",
        followup_views.check_ins,
        name="check-ins",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/check-ins/new/",
        followup_views.new_check_in,
        name="new-check-in",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/check-ins/<int:check_in_id>/",
        followup_views.edit_check_in,
        name="edit-check-in",
    ),
    path(
        "c/<int:collaborative_id>/teams/<int:team_id>/check-ins/<int:check_in_id>/delete/",
        followup_views.delete_check_in,
        name="delete-check-in",
    ),
]
