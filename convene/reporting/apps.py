from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "convene.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from convene.collaboratives.providers import register_signals, register_to_do
        from convene.lib import dataversion
        from convene.notifications.kinds import register_scan

        from . import events, providers, reminders
        from .models import ProgressScore, Report, Value

        dataversion.watch(ProgressScore, Report, Value)
        events.register_kinds()
        register_scan("report_reminders", reminders.scan)
        register_to_do("reporting", providers.to_do)
        register_signals("reporting", providers.signals)
