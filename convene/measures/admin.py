from django.contrib import admin

from convene.collaboratives.admin import SoftDeleteAdmin

from .models import (
    Feedback,
    Metric,
    ProgressScore,
    ReportingPeriod,
    ReportingSchedule,
    Stratification,
    Stratum,
    TrialAnswer,
    TrialRecord,
    TrialReview,
    TrialRun,
    Value,
    ValueRevision,
)


@admin.register(Metric)
class MetricAdmin(SoftDeleteAdmin):
    list_display = ["name", "short_name", "collaborative", "team", "kind", "category"]
    list_filter = ["kind", "category", "direction"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["collaborative", "team", "stratification"]


class StratumInline(admin.TabularInline):
    model = Stratum
    extra = 0


@admin.register(Stratification)
class StratificationAdmin(SoftDeleteAdmin):
    list_display = ["name", "collaborative"]
    raw_id_fields = ["collaborative"]
    inlines = [StratumInline]


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(admin.ModelAdmin):
    list_display = ["collaborative", "frequency", "first_period_on", "baseline_periods"]
    raw_id_fields = ["collaborative"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["collaborative", "starts_on", "ends_on", "due_on", "is_baseline"]
    list_filter = ["is_baseline"]
    raw_id_fields = ["collaborative"]


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


class TrialRecordInline(admin.TabularInline):
    model = TrialRecord
    extra = 0


class TrialReviewInline(admin.TabularInline):
    model = TrialReview
    extra = 0
    raw_id_fields = ["reviewed_by"]


@admin.register(TrialRun)
class TrialRunAdmin(admin.ModelAdmin):
    list_display = ["team", "status", "submitted_at", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["team", "submitted_by", "updated_by"]
    inlines = [TrialRecordInline, TrialReviewInline]


@admin.register(TrialAnswer)
class TrialAnswerAdmin(admin.ModelAdmin):
    list_display = ["record", "metric", "numerator", "denominator", "stratum"]
    raw_id_fields = ["record", "metric", "stratum"]
