"""The driver diagram as an outline: reading it as a tree, and the operations that reshape it.

A diagram is the collaborative's nodes (``team`` empty), plus, in a team's diagram, the team's
own nodes hung under the collaborative's or under each other. What a node is (primary driver,
secondary driver, change idea) follows from its depth, so every operation checks that the
subtree it moves still fits under ``DriverNode.MAX_DEPTH`` and never ends up under itself.

Reading is one query: every live node of the diagram, the tree built here in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from convene.collaboratives.models import Collaborative, Team
from convene.measures.models import Metric

from .models import DriverNode, KeyChange
from .package import move as move_among


class DiagramError(Exception):
    """An operation the diagram refuses; the message says why, for the person who tried."""


def kind_at(depth: int) -> str:
    """The kind of a node at ``depth`` (0 for a primary driver)."""
    kinds = DriverNode.KINDS_BY_DEPTH
    return kinds[min(depth, len(kinds) - 1)]


def scope(collaborative_id: int, team_id: int | None = None) -> QuerySet[DriverNode]:
    """The live nodes of the collaborative's diagram, and a team's own ones with ``team_id``."""
    nodes = DriverNode.objects.filter(collaborative_id=collaborative_id)
    if team_id is None:
        return nodes.filter(team__isnull=True)
    return nodes.filter(Q(team__isnull=True) | Q(team_id=team_id))


def change_ideas(collaborative_id: int, team_id: int | None = None) -> QuerySet[DriverNode]:
    """The diagram's change ideas (depth 2) under drivers that are not deleted, in the
    diagram's order: the collaborative's, and with ``team_id`` the team's own too."""
    return (
        scope(collaborative_id, team_id)
        .filter(
            parent__deleted_at__isnull=True,
            parent__parent__isnull=False,
            parent__parent__deleted_at__isnull=True,
            parent__parent__parent__isnull=True,
        )
        .select_related("parent__parent")
        .order_by(
            "parent__parent__position",
            "parent__parent__pk",
            "parent__position",
            "parent__pk",
            "position",
            "pk",
        )
    )


@dataclass
class Outline:
    """A diagram read as a tree. Each node carries ``kids`` (ordered), ``depth`` and ``kind``."""

    roots: list[DriverNode]
    by_id: dict[int, DriverNode] = field(default_factory=dict)

    def walk(self) -> Iterable[DriverNode]:
        """Every node, depth first, in reading order."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.kids))

    def siblings(self, node: DriverNode) -> list[DriverNode]:
        """The nodes beside ``node``, itself included, as the outline shows them."""
        parent = self.by_id.get(node.parent_id) if node.parent_id else None
        return parent.kids if parent is not None else self.roots

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(DriverNode.KINDS_BY_DEPTH, 0)
        for node in self.walk():
            counts[node.kind] += 1
        return counts

    def leaves(self) -> int:
        return sum(1 for node in self.walk() if not node.kids)


def _order(node: DriverNode) -> tuple[bool, int, int]:
    # The collaborative's nodes first, a team's own additions after them.
    return (node.team_id is not None, node.position, node.pk)


def build(nodes: Iterable[DriverNode]) -> Outline:
    """The tree of ``nodes``. A node whose parent is not among them (deleted) is left out,
    with everything under it."""
    by_id = {node.pk: node for node in nodes}
    for node in by_id.values():
        node.kids = []
    roots = []
    for node in sorted(by_id.values(), key=_order):
        if node.parent_id is None:
            roots.append(node)
        elif node.parent_id in by_id:
            by_id[node.parent_id].kids.append(node)
    outline = Outline(roots)
    for node in outline.walk():
        parent = by_id.get(node.parent_id) if node.parent_id else None
        node.depth = parent.depth + 1 if parent is not None else 0
        node.kind = kind_at(node.depth)
        node.kind_label = DriverNode.Kind(node.kind).label
        node.is_own = node.team_id is not None
        outline.by_id[node.pk] = node
    return outline


def outline_of(collaborative_id: int, team_id: int | None = None) -> Outline:
    return build(scope(collaborative_id, team_id))


def height(node: DriverNode) -> int:
    """How many levels hang under ``node`` (0 for a node with no children)."""
    return 1 + max((height(kid) for kid in node.kids), default=-1)


def descendants(node: DriverNode) -> list[DriverNode]:
    found = []
    stack = list(node.kids)
    while stack:
        kid = stack.pop()
        found.append(kid)
        stack.extend(kid.kids)
    return found


def _fits(node: DriverNode, parent: DriverNode | None) -> None:
    depth = parent.depth + 1 if parent is not None else 0
    if depth + height(node) > DriverNode.MAX_DEPTH:
        raise DiagramError(
            _(
                "“%(text)s” cannot go there: a driver diagram has three levels (primary "
                "drivers, secondary drivers, change ideas) and change ideas have nothing "
                "under them."
            )
            % {"text": node.text}
        )


def _may_hang_under(node: DriverNode, parent: DriverNode | None) -> None:
    if parent is None:
        return
    if parent.pk == node.pk or parent in descendants(node):
        raise DiagramError(
            _("“%(text)s” cannot go under itself or under a node that is under it.")
            % {"text": node.text}
        )
    if parent.team_id is not None and parent.team_id != node.team_id:
        raise DiagramError(_("The collaborative's nodes cannot go under a team's own node."))


def _place(node: DriverNode, parent: DriverNode | None, index: int | None = None) -> None:
    """Hang ``node`` under ``parent`` at ``index`` among the nodes of its own kind there
    (the collaborative's, or the same team's), at the end with None; renumber them."""
    with transaction.atomic():
        siblings = list(
            DriverNode.objects.select_for_update()
            .filter(
                collaborative_id=node.collaborative_id,
                team_id=node.team_id,
                parent=parent,
            )
            .exclude(pk=node.pk)
            .order_by("position", "pk")
        )
        index = len(siblings) if index is None else max(0, min(index, len(siblings)))
        siblings.insert(index, node)
        if node.parent_id != (parent.pk if parent else None):
            node.parent = parent
            node.position = index
            node.save(update_fields=["parent", "position"])
        for position, sibling in enumerate(siblings):
            if sibling.position != position or sibling is node:
                # update(), not save(): renumbering is not a change worth an audit event each.
                DriverNode.objects.filter(pk=sibling.pk).update(position=position)
                sibling.position = position


def add(
    collaborative: Collaborative,
    text: str,
    parent: DriverNode | None = None,
    team: Team | None = None,
    description: str = "",
) -> DriverNode:
    """A new node at the end of ``parent``'s children (a primary driver without a parent)."""
    outline = outline_of(collaborative.pk, team.pk if team else None)
    if parent is not None:
        parent = outline.by_id.get(parent.pk)
        if parent is None:
            raise DiagramError(_("That node is not in this diagram any more."))
        if parent.depth >= DriverNode.MAX_DEPTH:
            raise DiagramError(
                _("Change ideas have nothing under them: “%(text)s” is a change idea.")
                % {"text": parent.text}
            )
        if team is None and parent.team_id is not None:
            raise DiagramError(_("The collaborative's nodes cannot go under a team's own node."))
    siblings = [
        kid
        for kid in (parent.kids if parent is not None else outline.roots)
        if kid.team_id == (team.pk if team else None)
    ]
    return DriverNode.objects.create(
        collaborative=collaborative,
        team=team,
        parent=parent,
        text=text,
        description=description,
        position=max((kid.position for kid in siblings), default=-1) + 1,
    )


def _in_outline(node: DriverNode) -> tuple[Outline, DriverNode]:
    outline = outline_of(node.collaborative_id, node.team_id)
    current = outline.by_id.get(node.pk)
    if current is None:
        raise DiagramError(_("That node is not in this diagram any more."))
    return outline, current


def indent(node: DriverNode) -> DriverNode:
    """Make ``node`` the last child of the node just above it. Returns its new parent."""
    outline, node = _in_outline(node)
    siblings = outline.siblings(node)
    if node.team_id is None:
        siblings = [s for s in siblings if s.team_id is None]
    index = siblings.index(node)
    if index == 0:
        raise DiagramError(
            _("“%(text)s” is the first at its level: there is no node above to indent it under.")
            % {"text": node.text}
        )
    parent = siblings[index - 1]
    _fits(node, parent)
    _place(node, parent)
    return parent


def outdent(node: DriverNode) -> None:
    """Make ``node`` the next sibling of its parent."""
    outline, node = _in_outline(node)
    parent = outline.by_id.get(node.parent_id) if node.parent_id else None
    if parent is None:
        raise DiagramError(_("“%(text)s” is a primary driver already.") % {"text": node.text})
    grandparent = outline.by_id.get(parent.parent_id) if parent.parent_id else None
    index = None
    if parent.team_id == node.team_id:
        same = [s for s in outline.siblings(parent) if s.team_id == node.team_id]
        index = same.index(parent) + 1
    else:  # a team's node leaving a node of the collaborative: first of the team's there
        index = 0
    _place(node, grandparent, index)


def move_under(node: DriverNode, parent: DriverNode | None) -> None:
    """Hang ``node`` (and its subtree) at the end of ``parent``'s children; None for the top."""
    outline, node = _in_outline(node)
    if parent is not None:
        target = outline.by_id.get(parent.pk)
        if target is None:
            raise DiagramError(_("That node is not in this diagram any more."))
        parent = target
    _may_hang_under(node, parent)
    _fits(node, parent)
    if (parent.pk if parent else None) == node.parent_id:
        return
    _place(node, parent)


def move(node: DriverNode, step: int) -> bool:
    """One place up (-1) or down (+1) among its siblings of the same kind (collaborative's or
    the team's). False when it is already at that end."""
    siblings = DriverNode.objects.filter(
        collaborative_id=node.collaborative_id, team_id=node.team_id, parent_id=node.parent_id
    )
    return move_among(node, siblings, step)  # type: ignore[arg-type]


def parent_choices(outline: Outline, node: DriverNode) -> list[DriverNode]:
    """The nodes ``node`` may move under, in reading order."""
    below = {kid.pk for kid in descendants(node)} | {node.pk}
    room = DriverNode.MAX_DEPTH - height(node)  # the deepest parent it fits under is room - 1
    return [
        candidate
        for candidate in outline.walk()
        if candidate.pk not in below
        and candidate.depth < room
        and (candidate.team_id is None or candidate.team_id == node.team_id)
    ]


# --- deleting and restoring subtrees -----------------------------------------------------------


def delete_subtree(node: DriverNode, by: Any) -> int:
    """Soft-delete ``node`` and everything under it (teams' own nodes too) at one instant, so
    that restoring ``node`` brings them back together. Returns how many nodes went."""
    children = _children(DriverNode.objects.filter(collaborative_id=node.collaborative_id))
    gone = [node]
    stack = [node.pk]
    while stack:
        for kid in children.get(stack.pop(), []):
            gone.append(kid)
            stack.append(kid.pk)
    now = timezone.now()
    with transaction.atomic():
        for item in gone:
            item.deleted_at = now
            item.deleted_by = by
            item.save(update_fields=["deleted_at", "deleted_by"])
    return len(gone)


def _children(rows: Iterable[DriverNode]) -> dict[int, list[DriverNode]]:
    children: dict[int, list[DriverNode]] = {}
    for row in rows:
        if row.parent_id:
            children.setdefault(row.parent_id, []).append(row)
    return children


def restore_subtree(node: DriverNode) -> int:
    """Bring back ``node``, the nodes deleted with it, and any deleted node above it (without
    their subtrees), so that it shows in the diagram again. Returns how many came back."""
    rows = list(DriverNode.all_objects.filter(collaborative_id=node.collaborative_id))
    by_id = {row.pk: row for row in rows}
    children = _children(rows)
    instant = node.deleted_at
    back = [node]
    stack = [node.pk]
    while stack and instant is not None:
        for kid in children.get(stack.pop(), []):
            if kid.deleted_at == instant:
                back.append(kid)
                stack.append(kid.pk)
    above = by_id.get(node.parent_id) if node.parent_id else None
    while above is not None:
        if above.deleted_at is not None:
            back.append(above)
        above = by_id.get(above.parent_id) if above.parent_id else None
    with transaction.atomic():
        for item in back:
            item.deleted_at = None
            item.deleted_by = None
            item.save(update_fields=["deleted_at", "deleted_by"])
    return len(back)


# --- copying --------------------------------------------------------------------------------


@dataclass
class Draft:
    """A node to copy in: its text, description, children, and the key changes and metrics it
    names (by name and short name), found again in the target collaborative."""

    text: str
    description: str = ""
    kids: list[Draft] = field(default_factory=list)
    key_changes: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)


def drafts_of(outline: Outline) -> list[Draft]:
    """The collaborative's nodes of ``outline`` as drafts (its links as names)."""

    def draft(node: DriverNode) -> Draft:
        return Draft(
            text=node.text,
            description=node.description,
            kids=[draft(kid) for kid in node.kids if kid.team_id is None],
            key_changes=[k.name for k in node.key_changes.all()],
            metrics=[m.short_name for m in node.metrics.all() if m.team_id is None],
        )

    return [draft(root) for root in outline.roots if root.team_id is None]


def copy_into(drafts: list[Draft], target: Collaborative) -> int:
    """Append ``drafts`` to ``target``'s diagram, after its primary drivers. Links are kept
    where the target has a key change of the same name or a metric of the same short name.
    Returns how many nodes were added."""
    key_changes = {
        change.name.casefold(): change
        for change in KeyChange.objects.filter(
            concept__collaborative=target, concept__deleted_at__isnull=True
        )
    }
    metrics = {
        metric.short_name.casefold(): metric
        for metric in Metric.objects.filter(collaborative=target, team__isnull=True)
    }
    start = max(
        scope(target.pk).filter(parent__isnull=True).values_list("position", flat=True),
        default=-1,
    )
    added = 0

    def create(draft: Draft, parent: DriverNode | None, position: int) -> None:
        nonlocal added
        node = DriverNode.objects.create(
            collaborative=target,
            parent=parent,
            text=str(draft.text),
            description=str(draft.description),
            position=position,
        )
        added += 1
        linked = [
            key_changes[n.casefold()] for n in draft.key_changes if n.casefold() in key_changes
        ]
        if linked:
            node.key_changes.set(linked)
        measured = [metrics[n.casefold()] for n in draft.metrics if n.casefold() in metrics]
        if measured:
            node.metrics.set(measured)
        for index, kid in enumerate(draft.kids):
            create(kid, node, index)

    with transaction.atomic():
        for offset, draft in enumerate(drafts):
            create(draft, None, start + 1 + offset)
    return added


def copyable_diagrams(user: Any, collaborative: Collaborative) -> list[Collaborative]:
    """The other live collaboratives this person hosts or plans whose diagram has nodes."""
    from convene.collaboratives.access import planned_by

    sources = planned_by(user).exclude(pk=collaborative.pk)
    sources = sources.filter(driver_nodes__deleted_at__isnull=True, driver_nodes__team__isnull=True)
    return list(sources.distinct().order_by("-start_on", "name"))


# --- what the outline offers -------------------------------------------------------------------


def mark_operations(outline: Outline, team_id: int | None, may_edit: bool) -> None:
    """Mark on each node what the person may do with it on this page: ``editable`` (its own
    buttons), ``can_up``/``can_down``/``can_indent``/``can_outdent`` and ``can_add_under``.
    On the collaborative's page (``team_id`` None) ``may_edit`` is the planners' right over the
    collaborative's nodes; on a team's page it is the team's right over its own nodes, and the
    team may add under every node."""
    for node in outline.walk():
        node.editable = may_edit and node.team_id == team_id
        node.can_add_under = may_edit and node.depth < DriverNode.MAX_DEPTH
        if not node.editable:
            continue
        same = [s for s in outline.siblings(node) if s.team_id == node.team_id]
        index = same.index(node)
        node.can_up = index > 0
        node.can_down = index < len(same) - 1
        shown = same if node.team_id is None else outline.siblings(node)
        place = shown.index(node)
        above = shown[place - 1] if place > 0 else None
        node.can_indent = above is not None and (
            above.depth + 1 + height(node) <= DriverNode.MAX_DEPTH
        )
        node.can_outdent = node.parent_id is not None


def adopt(team: Team, by: Any) -> bool:
    """The team takes the collaborative's diagram as its own. False if it had already."""
    from .models import TeamDiagram

    _diagram, created = TeamDiagram.objects.get_or_create(team=team, defaults={"adopted_by": by})
    return created


def plain_nodes(outline: Outline) -> list[dict[str, Any]]:
    """The outline as the chart wants it: plain data, no models."""
    return [
        {
            "id": node.pk,
            "parent": node.parent_id,
            "text": node.text,
            "kind": node.kind,
            "own": node.team_id is not None,
        }
        for node in outline.walk()
    ]
