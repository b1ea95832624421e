from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "convene.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from convene.collaboratives import restore

        from .models import CheckIn

        restore.register("check_in", CheckIn, "team__collaborative")
        # An invitation accepted and a new member of a team, told to the people concerned.
        from . import membership_events

        membership_events.connect()
