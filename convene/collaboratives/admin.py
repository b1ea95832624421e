from django.contrib import admin
from django.db import models

from .models import (
    AuditEvent,
    CharterDecision,
    CoachAssignment,
    Collaborative,
    CollaborativeMembership,
    Invitation,
    Organisation,
    PeerGroup,
    Team,
    TeamMembership,
)


class SoftDeleteAdmin(admin.ModelAdmin):
    """Staff see deleted rows too, marked, and can filter by them."""

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    def get_list_display(self, request):
        return [*super().get_list_display(request), "deleted_at"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ("deleted_at", admin.EmptyFieldListFilter)]


@admin.register(Organisation)
class OrganisationAdmin(SoftDeleteAdmin):
    # A website typed without a scheme is taken as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "city", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "city"]


@admin.register(Collaborative)
class CollaborativeAdmin(SoftDeleteAdmin):
    list_display = ["name", "topic", "host_organisation", "status", "start_on", "end_on"]
    list_filter = ["status", "sharing"]
    search_fields = ["name", "topic"]
    raw_id_fields = ["host_organisation", "created_by"]


@admin.register(CharterDecision)
class CharterDecisionAdmin(SoftDeleteAdmin):
    list_display = ["decided_on", "collaborative", "author"]
    raw_id_fields = ["collaborative", "author"]


@admin.register(CollaborativeMembership)
class CollaborativeMembershipAdmin(SoftDeleteAdmin):
    list_display = ["user", "role", "collaborative", "started_at", "ended_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["collaborative", "user"]


@admin.register(Team)
class TeamAdmin(SoftDeleteAdmin):
    list_display = ["name", "organisation", "collaborative", "joined_on"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["collaborative", "organisation"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(SoftDeleteAdmin):
    list_display = ["user", "role", "team", "started_at", "ended_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "team__name"]
    raw_id_fields = ["team", "user"]


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(SoftDeleteAdmin):
    list_display = ["coach", "team", "started_at", "ended_at"]
    raw_id_fields = ["team", "coach"]


@admin.register(PeerGroup)
class PeerGroupAdmin(SoftDeleteAdmin):
    list_display = ["name", "basis", "collaborative", "coach"]
    raw_id_fields = ["collaborative", "coach"]
    filter_horizontal = ["teams"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "object_type", "object_repr", "actor", "collaborative"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr"]
    date_hierarchy = "at"

    # The log is evidence: nobody edits or removes it, not even staff.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "role",
        "collaborative",
        "team",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", "collaborative"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by"]
    raw_id_fields = ["collaborative", "team", "invited_by"]
