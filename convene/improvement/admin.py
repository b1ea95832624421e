from django.contrib import admin

from convene.collaboratives.admin import SoftDeleteAdmin

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


@admin.register(ChangeConcept)
class ChangeConceptAdmin(SoftDeleteAdmin):
    list_display = ["name", "collaborative", "position"]
    raw_id_fields = ["collaborative"]


@admin.register(KeyChange)
class KeyChangeAdmin(SoftDeleteAdmin):
    list_display = ["name", "concept", "position"]
    raw_id_fields = ["concept"]


@admin.register(DriverNode)
class DriverNodeAdmin(SoftDeleteAdmin):
    list_display = ["text", "collaborative", "team", "parent", "position"]
    raw_id_fields = ["collaborative", "team", "parent"]
    filter_horizontal = ["key_changes", "metrics"]


@admin.register(PDSACycle)
class PDSACycleAdmin(SoftDeleteAdmin):
    list_display = ["title", "team", "status", "decision", "starts_on", "is_shared"]
    list_filter = ["status", "decision", "is_shared"]
    raw_id_fields = [
        "collaborative",
        "team",
        "idea",
        "key_change",
        "builds_on",
        "metric",
        "period",
        "created_by",
    ]


@admin.register(CycleAttachment)
class CycleAttachmentAdmin(SoftDeleteAdmin):
    list_display = ["name", "cycle", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["cycle", "uploaded_by"]


class ActionStepInline(admin.TabularInline):
    model = ActionStep
    raw_id_fields = ["owner", "cycle"]
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(SoftDeleteAdmin):
    list_display = ["title", "team", "status", "created_at"]
    raw_id_fields = ["collaborative", "team", "idea", "created_by"]
    inlines = [ActionStepInline]


@admin.register(Comment)
class CommentAdmin(SoftDeleteAdmin):
    list_display = ["__str__", "cycle", "plan", "author", "created_at"]
    raw_id_fields = ["cycle", "plan", "author"]
