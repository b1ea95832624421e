"""Lookups of the change package's objects, through the collaborative's policy."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from convene.collaboratives.access import Access, collaborative_for

from .models import ChangeConcept, KeyChange


def concept_for(
    request: HttpRequest, collaborative_id: int, concept_id: int
) -> tuple[ChangeConcept, Access]:
    """A concept of the change package, for a person who may edit the package."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    concept = ChangeConcept.objects.filter(pk=concept_id, collaborative=collaborative).first()
    if concept is None:
        raise Http404
    return concept, access


def key_change_for(
    request: HttpRequest, collaborative_id: int, key_change_id: int
) -> tuple[KeyChange, Access]:
    """A key change under a concept that is not deleted, for a person who may edit the package."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    key_change = (
        KeyChange.objects.filter(
            pk=key_change_id,
            concept__collaborative=collaborative,
            concept__deleted_at__isnull=True,
        )
        .select_related("concept")
        .first()
    )
    if key_change is None:
        raise Http404
    return key_change, access
