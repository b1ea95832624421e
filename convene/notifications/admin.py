from django.contrib import admin

from .models import CheckIn, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "text", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["recipient__email", "text"]
    raw_id_fields = ["recipient", "collaborative", "team"]
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    raw_id_fields = ["user"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["held_on", "team", "author", "how"]
    raw_id_fields = ["team", "author"]
