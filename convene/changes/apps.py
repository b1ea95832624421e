from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "convene.changes"
    verbose_name = _("Change package")

    def ready(self) -> None:
        # Deleted concepts and key changes are restored from the collaborative's Deleted items.
        from convene.collaboratives.views import RESTORABLE

        from .models import ChangeConcept, KeyChange

        RESTORABLE["concept"] = (ChangeConcept, "collaborative")
        RESTORABLE["key_change"] = (KeyChange, "concept__collaborative")
