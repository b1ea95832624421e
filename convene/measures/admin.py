from django.contrib import admin

from convene.collaboratives.admin import SoftDeleteAdmin

from .models import Metric, ReportingPeriod, ReportingSchedule, Stratification, Stratum


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
