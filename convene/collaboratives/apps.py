from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborativesConfig(AppConfig):
    name = "convene.collaboratives"
    verbose_name = _("Collaboratives")

    def ready(self) -> None:
        from convene.lib import dataversion

        from . import restore
        from .models import (
            CharterDecision,
            CoachAssignment,
            Collaborative,
            CollaborativeMembership,
            PeerGroup,
            Team,
            TeamMembership,
        )

        restore.register("team", Team, "collaborative")
        restore.register("decision", CharterDecision, "collaborative")
        restore.register("group", PeerGroup, "collaborative")
        restore.register("role", CollaborativeMembership, "collaborative")
        restore.register("membership", TeamMembership, "team__collaborative")
        restore.register("coaching", CoachAssignment, "team__collaborative")
        # Dashboards are computed from the collaborative's settings and teams too.
        dataversion.watch(Collaborative, Team)
