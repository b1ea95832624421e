from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "convene.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from convene.lib import dataversion
        from convene.notifications.kinds import register_scan

        from . import events, reminders
        from .models import ProgressScore, Report, Value

        dataversion.watch(ProgressScore, Report, Value)
        events.register_kinds()
        register_scan("report_reminders", reminders.scan)
