from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "convene.improvement"
    # The label the app was born with: its migrations, tables and audit events keep it.
    label = "changes"
    verbose_name = _("Change package")

    def ready(self) -> None:
        # Deleted concepts and key changes are restored from the collaborative's Deleted items.
        from convene.collaboratives import restore

        from .models import ChangeConcept, KeyChange

        restore.register("concept", ChangeConcept, "collaborative")
        restore.register("key_change", KeyChange, "concept__collaborative")
