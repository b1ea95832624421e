from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "convene.improvement"
    # The label the app was born with: its migrations, tables and audit events keep it.
    label = "changes"
    verbose_name = _("Improvement")

    def ready(self) -> None:
        # Deleted concepts and key changes are restored from the collaborative's Deleted items.
        from convene.collaboratives import restore

        from .models import (
            ActionPlan,
            ActionStep,
            ChangeConcept,
            Comment,
            CycleAttachment,
            DriverNode,
            KeyChange,
            PDSACycle,
        )

        restore.register("concept", ChangeConcept, "collaborative")
        restore.register("key_change", KeyChange, "concept__collaborative")
        restore.register("driver_node", DriverNode, "collaborative")
        restore.register("cycle", PDSACycle, "collaborative")
        restore.register("attachment", CycleAttachment, "cycle__collaborative")
        restore.register("action_plan", ActionPlan, "collaborative")
        restore.register("action_step", ActionStep, "plan__collaborative")
        restore.register("comment", Comment, "cycle__collaborative")
        # Cycles show on the dashboards (marks on charts, the counts of testing): a change
        # to one renews the collaborative's cached dashboards.
        from convene.lib import dataversion

        dataversion.watch(PDSACycle, DriverNode)
        # The host's export carries the cycles, the action plans and the counts.
        from convene.lib.sheet_data import register_export

        from .exports import counts_sheet, cycles_sheet, plans_sheet

        for builder in (cycles_sheet, plans_sheet, counts_sheet):
            register_export(builder)
        # The last cycle and the next action step on "My teams" (who is slipping).
        from convene.collaboratives.providers import register_signals

        from .follow_up import last_cycle, next_step

        register_signals("improvement.last_cycle", last_cycle)
        register_signals("improvement.next_step", next_step)
        # A comment on a cycle is told to the team's leads and the cycle's author.
        from . import notices

        notices.connect()
