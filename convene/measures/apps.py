from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "convene.measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        # Deleted metrics and strata are restored from the collaborative's Deleted items.
        from convene.collaboratives.views import RESTORABLE

        from .models import Metric, Stratification

        RESTORABLE["metric"] = (Metric, "collaborative")
        from . import cache

        cache.connect()
        RESTORABLE["strata"] = (Stratification, "collaborative")
