from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "convene.measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        from convene.collaboratives import restore
        from convene.lib import dataversion

        from .models import (
            ChartPhase,
            Metric,
            ReportingPeriod,
            ReportingSchedule,
            Stratification,
            Stratum,
        )

        # Deleted metrics and strata are restored from the collaborative's Deleted items.
        restore.register("metric", Metric, "collaborative")
        restore.register("strata", Stratification, "collaborative")
        restore.register("chart-phase", ChartPhase, "collaborative")
        dataversion.watch(
            Metric, ReportingPeriod, ReportingSchedule, Stratification, Stratum, ChartPhase
        )
