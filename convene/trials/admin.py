from django.contrib import admin

from .models import TrialAnswer, TrialRecord, TrialReview, TrialRun


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
