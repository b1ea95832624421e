from django.urls import path

from . import views

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

# A person's own notifications, their choices and the unsubscribe link (issue 15, delivery).
urlpatterns += [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/<int:notification_id>/open/", views.open_notification, name="open"),
    path("notifications/<int:notification_id>/read/", views.mark_read, name="mark-read"),
    path("notifications/read/", views.mark_all_read, name="mark-all-read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
