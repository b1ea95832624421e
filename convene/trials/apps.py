from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "convene.trials"
    verbose_name = _("Trial runs")

    def ready(self) -> None:
        from convene.collaboratives.providers import register_signals, register_to_do

        from . import events, providers

        events.register_kinds()
        register_to_do("trial_runs", providers.to_do)
        register_signals("trial_runs", providers.signals)
