"""The driver diagram: the collaborative's, a team's adoption of it, editing it as an outline,
and the drawing as a file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from convene.charts.diagram import diagram_spec, sentences
from convene.charts.render import with_title
from convene.collaboratives.access import Access, collaborative_for, team_for
from convene.collaboratives.models import Collaborative, Team
from convene.lib.versioning import fresh_copy, refreshed_form, save_if_unchanged
from convene.measures.models import Metric

from . import diagram
from .access import adopted_diagram, node_for
from .diagram_forms import MoveNodeForm, NewNodeForm, NodeForm
from .models import DriverNode
from .starting_points import STARTING_POINTS

FILE_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
OPERATIONS = {"up", "down", "indent", "outdent"}


def _outline(collaborative: Collaborative, team: Team | None = None) -> diagram.Outline:
    """The diagram in three queries, whatever its size: the nodes, their key changes and
    their metrics."""
    nodes = diagram.scope(collaborative.pk, team.pk if team else None).prefetch_related(
        "key_changes",
        Prefetch("metrics", queryset=Metric.objects.only("pk", "short_name", "team_id")),
    )
    return diagram.build(nodes)


def _spec(collaborative: Collaborative, outline: diagram.Outline, team: Team | None) -> dict:
    own = _("Dashed boxes: %(team)s's own additions") % {"team": team.name} if team else ""
    return diagram_spec(collaborative.aim_statement, diagram.plain_nodes(outline), own)


def _page(request: HttpRequest, access: Access, team: Team | None, **extra: Any) -> HttpResponse:
    collaborative = access.collaborative
    outline = _outline(collaborative, team)
    if team is None:
        may_edit = access.can("edit_driver_diagram")
    else:
        may_edit = extra.get("adopted") is not None and access.can("adapt_team_diagram", team)
    diagram.mark_operations(outline, team.pk if team else None, may_edit)
    counts = outline.counts()
    context = {
        "collaborative": collaborative,
        "access": access,
        "team": team,
        "outline": outline,
        "spec": _spec(collaborative, outline, team),
        "summary": " ".join(s for s in sentences(collaborative.aim_statement, counts) if s),
        "counts": counts,
        "may_edit": may_edit,
        "focus": request.GET.get("focus", ""),
        "partial": request.headers.get("HX-Request") == "true",
        **extra,
    }
    name = "improvement/team_diagram.html" if team else "improvement/diagram.html"
    return render(request, name, context)


@require_GET
@login_required
def driver_diagram(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    _collaborative, access = collaborative_for(request, collaborative_id, "view_driver_diagram")
    return _page(request, access, None)


@require_GET
@login_required
def team_diagram(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_cycles")
    adopted = adopted_diagram(team)
    may_adopt = adopted is None and access.can("adapt_team_diagram", team)
    return _page(request, access, team, adopted=adopted, may_adopt=may_adopt)


@require_POST
@login_required
def adopt_diagram(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, _access = team_for(request, collaborative_id, team_id, "adapt_team_diagram")
    if diagram.adopt(team, request.user):
        messages.success(
            request,
            _(
                "The collaborative's driver diagram is now your team's too. Add your own "
                "drivers and change ideas under any of its boxes."
            ),
        )
    return redirect("improvement:team-diagram", collaborative_id, team_id)


def _file(
    collaborative: Collaborative, outline: diagram.Outline, team: Team | None, fmt: str
) -> HttpResponse:
    import vl_convert

    spec = _spec(collaborative, outline, team)
    if fmt == "svg":
        title = _("Driver diagram: %(name)s") % {"name": team.name if team else collaborative.name}
        body: Any = with_title(
            vl_convert.vega_to_svg(spec),
            title,
            sentences(collaborative.aim_statement, outline.counts()),
        )
    elif fmt == "png":
        body = vl_convert.vega_to_png(spec, scale=2)
    else:
        body = vl_convert.vega_to_pdf(spec)
    response = HttpResponse(body, content_type=FILE_TYPES[fmt])
    name = slugify(f"{team.name if team else collaborative.name} driver diagram") or "diagram"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
@login_required
def diagram_file(request: HttpRequest, collaborative_id: int, fmt: str) -> HttpResponse:
    collaborative, _access = collaborative_for(request, collaborative_id, "view_driver_diagram")
    if fmt not in FILE_TYPES:
        raise Http404
    return _file(collaborative, _outline(collaborative), None, fmt)


@require_GET
@login_required
def team_diagram_file(
    request: HttpRequest, collaborative_id: int, team_id: int, fmt: str
) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "view_cycles")
    if fmt not in FILE_TYPES:
        raise Http404
    return _file(access.collaborative, _outline(access.collaborative, team), team, fmt)


# --- editing ---------------------------------------------------------------------------------


def _back(collaborative_id: int, team_id: int | None, node_id: int | None = None) -> str:
    if team_id is None:
        url = reverse("improvement:diagram", args=[collaborative_id])
    else:
        url = reverse("improvement:team-diagram", args=[collaborative_id, team_id])
    return f"{url}?focus={node_id}#node-{node_id}" if node_id else url


def _new_node(request: HttpRequest, access: Access, team: Team | None) -> HttpResponse:
    collaborative = access.collaborative
    outline = diagram.outline_of(collaborative.pk, team.pk if team else None)
    parents = [node for node in outline.walk() if node.depth < DriverNode.MAX_DEPTH]
    initial = {"parent": request.GET.get("parent", "")}
    form = NewNodeForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            node = diagram.add(
                collaborative, data["text"], data["parent"], team, data["description"]
            )
        except diagram.DiagramError as refused:
            form.add_error("parent", str(refused))
        else:
            kind = DriverNode.Kind(
                diagram.kind_at(data["parent"].depth + 1 if data["parent"] else 0)
            )
            messages.success(
                request, _("%(kind)s “%(text)s” added.") % {"kind": kind.label, "text": node.text}
            )
            return redirect(_back(collaborative.pk, team.pk if team else None, node.pk))
    return render(
        request,
        "improvement/node_form.html",
        {
            "collaborative": collaborative,
            "access": access,
            "team": team,
            "form": form,
            "title": _("Add to the driver diagram"),
            "back": _back(collaborative.pk, team.pk if team else None),
        },
        status=400 if form.errors else 200,
    )


@login_required
def new_node(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    _collaborative, access = collaborative_for(request, collaborative_id, "edit_driver_diagram")
    return _new_node(request, access, None)


@login_required
def new_team_node(request: HttpRequest, collaborative_id: int, team_id: int) -> HttpResponse:
    team, access = team_for(request, collaborative_id, team_id, "adapt_team_diagram")
    if adopted_diagram(team) is None:
        messages.error(request, _("Adopt the collaborative's diagram first."))
        return redirect("improvement:team-diagram", collaborative_id, team_id)
    return _new_node(request, access, team)


@login_required
def edit_node(request: HttpRequest, collaborative_id: int, node_id: int) -> HttpResponse:
    node, access = node_for(request, collaborative_id, node_id)
    outline = diagram.outline_of(collaborative_id, node.team_id)
    placed = outline.by_id.get(node.pk)
    if placed is None:
        raise Http404
    kwargs = {
        "collaborative": access.collaborative,
        "is_idea": placed.depth == DriverNode.MAX_DEPTH,
    }
    form = NodeForm(request.POST or None, instance=node, **kwargs)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        if save_if_unchanged(node, form.cleaned_data["version"] or 0, ["text", "description"]):
            form.save_m2m()
            messages.success(request, _("“%(text)s” saved.") % {"text": node.text})
            return redirect(_back(collaborative_id, node.team_id, node.pk))
        conflict = _(
            "Someone else saved this while you were editing. Your text is kept below; compare "
            "it with the saved version, then save again."
        )
        form = refreshed_form(NodeForm, request.POST, fresh_copy(node), conflict, **kwargs)
    return render(
        request,
        "improvement/node_form.html",
        {
            "collaborative": access.collaborative,
            "access": access,
            "team": node.team,
            "node": placed,
            "form": form,
            "move_form": MoveNodeForm(
                parents=diagram.parent_choices(outline, placed),
                initial={"parent": node.parent_id or ""},
            ),
            "title": _("Edit “%(text)s”") % {"text": node.text},
            "back": _back(collaborative_id, node.team_id, node.pk),
        },
        status=409 if form.non_field_errors() else 400 if form.errors else 200,
    )


@require_POST
@login_required
def move_node(
    request: HttpRequest, collaborative_id: int, node_id: int, operation: str
) -> HttpResponse:
    node, _access = node_for(request, collaborative_id, node_id)
    if operation not in OPERATIONS:
        raise Http404
    try:
        if operation == "indent":
            diagram.indent(node)
        elif operation == "outdent":
            diagram.outdent(node)
        else:
            diagram.move(node, -1 if operation == "up" else 1)
    except diagram.DiagramError as refused:
        messages.error(request, str(refused))
    return redirect(_back(collaborative_id, node.team_id, node.pk))


@require_POST
@login_required
def move_node_to(request: HttpRequest, collaborative_id: int, node_id: int) -> HttpResponse:
    node, _access = node_for(request, collaborative_id, node_id)
    outline = diagram.outline_of(collaborative_id, node.team_id)
    form = MoveNodeForm(request.POST, parents=list(outline.walk()))
    if not form.is_valid():
        messages.error(request, _("Choose where to move it from the list."))
        return redirect(_back(collaborative_id, node.team_id, node.pk))
    try:
        diagram.move_under(node, form.cleaned_data["parent"])
    except diagram.DiagramError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("“%(text)s” moved.") % {"text": node.text})
    return redirect(_back(collaborative_id, node.team_id, node.pk))


@require_POST
@login_required
def delete_node(request: HttpRequest, collaborative_id: int, node_id: int) -> HttpResponse:
    node, _access = node_for(request, collaborative_id, node_id)
    count = diagram.delete_subtree(node, request.user)
    messages.success(
        request,
        _(
            "“%(text)s” deleted, with the %(under)s boxes under it. A host admin can restore "
            "it from Deleted items."
        )
        % {"text": node.text, "under": count - 1}
        if count > 1
        else _("“%(text)s” deleted. A host admin can restore it from Deleted items.")
        % {"text": node.text},
    )
    return redirect(_back(collaborative_id, node.team_id, node.parent_id))


@login_required
def diagram_start(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    """Start from a built-in diagram or from one of a collaborative this person hosted."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_driver_diagram")
    sources = diagram.copyable_diagrams(request.user, collaborative)
    if request.method == "POST":
        point = STARTING_POINTS.get(request.POST.get("point", ""))
        source = next((c for c in sources if str(c.pk) == request.POST.get("source")), None)
        if point is not None:
            added = diagram.copy_into(point.drafts(), collaborative)
            name = str(point.title)
        elif source is not None:
            nodes = _outline(source)
            added = diagram.copy_into(diagram.drafts_of(nodes), collaborative)
            name = source.name
        else:
            messages.error(request, _("Choose one of the diagrams listed."))
            return redirect("improvement:diagram-start", collaborative_id)
        messages.success(
            request,
            _("Copied %(count)s boxes from “%(name)s”, after the ones already here.")
            % {"count": added, "name": name},
        )
        return redirect("improvement:diagram", collaborative_id)
    previews = {source.pk: _outline(source).roots for source in sources}
    return render(
        request,
        "improvement/diagram_start.html",
        {
            "collaborative": collaborative,
            "access": access,
            "points": list(STARTING_POINTS.values()),
            "sources": [(source, previews[source.pk]) for source in sources],
        },
    )
