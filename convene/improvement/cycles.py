"""What the cycle pages do beyond HTTP: saving a worksheet with its revision, and the names
under which a person sees the teams whose cycles are shared."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from convene.collaboratives.access import Access
from convene.collaboratives.overview import labelled_teams
from convene.lib.versioning import save_if_unchanged

from .models import PDSACycle, PDSACycleRevision

# The model fields a worksheet save writes (``WORKSHEET_FIELDS`` without the ``_id``).
SAVED_FIELDS = [name.removesuffix("_id") for name in PDSACycle.WORKSHEET_FIELDS]


def _mark_shared(cycle: PDSACycle, was_shared: bool) -> None:
    if cycle.is_shared and not was_shared:
        cycle.shared_at = timezone.now()
    elif not cycle.is_shared:
        cycle.shared_at = None


def create_cycle(cycle: PDSACycle, by: Any) -> PDSACycle:
    """Save a new cycle of ``cycle.team`` written by ``by``."""
    cycle.collaborative_id = cycle.team.collaborative_id
    cycle.created_by = by
    _mark_shared(cycle, False)
    cycle.save()
    return cycle


def save_worksheet(
    cycle: PDSACycle, before: dict[str, Any], expected_version: int, by: Any
) -> bool | None:
    """Save an edited worksheet unless someone saved since ``expected_version``; keep what it
    replaced (``before``, a ``snapshot()``) as a revision. Returns None when nothing changed,
    False on a conflict, True once saved."""
    if cycle.snapshot() == before:
        return None
    _mark_shared(cycle, bool(before["is_shared"]))
    cycle.updated_at = timezone.now()
    with transaction.atomic():
        if not save_if_unchanged(cycle, expected_version, [*SAVED_FIELDS, "shared_at"]):
            return False
        PDSACycleRevision.objects.create(
            cycle=cycle, version=expected_version, data=before, saved_by=by
        )
    return True


def team_labels(access: Access) -> dict[int, str]:
    """The name (or anonymised letter) this person sees for each team they may see, by id:
    the same labels as the collaborative's overview (``labelled_teams``)."""
    return {team.pk: team.label for team in labelled_teams(access)}


def revision_changes(cycle: PDSACycle, revisions: list[PDSACycleRevision]) -> list[Any]:
    """Each revision (newest first) with ``changed``: the names of the worksheet's fields that
    the edit replacing it changed, compared with the version after it."""
    after = cycle.snapshot()
    for revision in revisions:  # newest first: the one after is the previous in the loop
        revision.changed = [
            str(PDSACycle._meta.get_field(name.removesuffix("_id")).verbose_name)
            for name in PDSACycle.WORKSHEET_FIELDS
            if revision.data.get(name) != after.get(name)
        ]
        after = revision.data
    return revisions
