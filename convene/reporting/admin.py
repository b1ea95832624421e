from django.contrib import admin

from convene.collaboratives.admin import SoftDeleteAdmin

from .models import Feedback, ProgressScore, Value, ValueRevision


class ValueRevisionInline(admin.TabularInline):
    model = ValueRevision
    extra = 0
    readonly_fields = [f.name for f in ValueRevision._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Value)
class ValueAdmin(admin.ModelAdmin):
    list_display = ["team", "metric", "period", "stratum", "numerator", "denominator"]
    raw_id_fields = ["team", "metric", "period", "stratum", "updated_by"]
    inlines = [ValueRevisionInline]


@admin.register(Feedback)
class FeedbackAdmin(SoftDeleteAdmin):
    list_display = ["report", "author", "created_at"]
    raw_id_fields = ["report", "author"]


@admin.register(ProgressScore)
class ProgressScoreAdmin(admin.ModelAdmin):
    list_display = ["team", "period", "rater", "score", "scored_by", "scored_at"]
    list_filter = ["rater", "score"]
    raw_id_fields = ["team", "period", "scored_by"]
