"""Operations on a change package: ordering its items, copying one from another collaborative."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from convene.collaboratives.access import planned_by
from convene.collaboratives.models import Collaborative
from convene.measures.models import Metric

from .models import ChangeConcept, KeyChange


def move(item: ChangeConcept | KeyChange, siblings: QuerySet, step: int) -> bool:
    """Move ``item`` one place up (-1) or down (+1) among its ``siblings``.

    Positions are renumbered 0, 1, 2… on the way, so gaps and ties left by deletions or
    copies do not stop a move. Returns False when the item is already at that end.
    """
    with transaction.atomic():
        ordered = list(siblings.select_for_update().order_by("position", "pk"))
        index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
        target = index + step
        if not 0 <= target < len(ordered):
            return False
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, sibling in enumerate(ordered):
            if sibling.position != position:
                # update(), not save(): reordering is not a change worth an audit event each.
                type(sibling).objects.filter(pk=sibling.pk).update(position=position)
    return True


def copyable_packages(user: Any, collaborative: Collaborative) -> list[Collaborative]:
    """The other live collaboratives whose package this person may copy: those they host or
    plan (every one for site staff) that have a package."""
    sources = planned_by(user).exclude(pk=collaborative.pk)
    sources = sources.filter(change_concepts__deleted_at__isnull=True)
    return list(sources.distinct().order_by("-start_on", "name"))


def copy_package(source: Collaborative, target: Collaborative) -> tuple[int, int]:
    """Append ``source``'s concepts and key changes to ``target``'s package.

    A key change keeps its links to metrics whose short name the target also uses: the same
    measure, defined again there. Returns how many concepts and key changes were added.
    """
    targets = {
        metric.short_name.casefold(): metric
        for metric in Metric.objects.filter(collaborative=target, team__isnull=True)
    }
    concepts = source.change_concepts.prefetch_related("key_changes__metrics")
    start = target.change_concepts.count()
    added_changes = 0
    with transaction.atomic():
        for offset, concept in enumerate(concepts):
            copy = ChangeConcept.objects.create(
                collaborative=target,
                name=concept.name,
                description=concept.description,
                position=start + offset,
            )
            for key_change in concept.key_changes.all():
                new = KeyChange.objects.create(
                    concept=copy,
                    name=key_change.name,
                    description=key_change.description,
                    position=key_change.position,
                )
                linked = [
                    targets[metric.short_name.casefold()]
                    for metric in key_change.metrics.all()
                    if metric.team_id is None and metric.short_name.casefold() in targets
                ]
                new.metrics.set(linked)
                added_changes += 1
    return len(concepts), added_changes
