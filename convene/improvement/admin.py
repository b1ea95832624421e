from django.contrib import admin

from convene.collaboratives.admin import SoftDeleteAdmin

from .models import ChangeConcept, KeyChange


@admin.register(ChangeConcept)
class ChangeConceptAdmin(SoftDeleteAdmin):
    list_display = ["name", "collaborative", "position"]
    raw_id_fields = ["collaborative"]


@admin.register(KeyChange)
class KeyChangeAdmin(SoftDeleteAdmin):
    list_display = ["name", "concept", "position"]
    raw_id_fields = ["concept"]
