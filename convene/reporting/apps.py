from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "convene.reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from convene.lib import dataversion

        from . import events
        from .models import ProgressScore, Report, Value

        dataversion.watch(ProgressScore, Report, Value)
        events.register_kinds()
