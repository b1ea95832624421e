from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "convene.measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        # Deleted metrics and strata are restored from the collaborative's Deleted items.
        from convene.collaboratives import restore

        from .models import Metric, Stratification

        restore.register("metric", Metric, "collaborative")
        from . import cache

        cache.connect()
        restore.register("strata", Stratification, "collaborative")
