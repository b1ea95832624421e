from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "convene.trials"
    verbose_name = _("Trial runs")

    def ready(self) -> None:
        from . import events

        events.register_kinds()
