from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborativesConfig(AppConfig):
    name = "convene.collaboratives"
    verbose_name = _("Collaboratives")
