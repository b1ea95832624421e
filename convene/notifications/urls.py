from django.urls import path

from . import views

app_name = "notifications"

urlpatterns: list = []

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
