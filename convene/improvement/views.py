"""The change package pages: everyone taking part reads it, the planners write it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from convene.collaboratives.access import Access, collaborative_for
from convene.lib.versioning import fresh_copy, refreshed_form, save_if_unchanged
from convene.measures.models import Metric

from .access import concept_for, key_change_for
from .forms import ConceptForm, KeyChangeForm
from .models import ChangeConcept, KeyChange
from .package import copy_package, copyable_packages, move

STEPS = {"up": -1, "down": 1}


def _conflict() -> str:
    return _(
        "Someone else saved this while you were editing. Your text is kept below; compare it "
        "with the saved version, then save again."
    )


@login_required
def change_package(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "view_change_package")
    shared_metrics = Metric.objects.filter(team__isnull=True).only(
        "pk", "short_name", "name", "collaborative_id"
    )
    concepts = collaborative.change_concepts.prefetch_related(
        Prefetch(
            "key_changes",
            queryset=KeyChange.objects.prefetch_related(
                Prefetch("metrics", queryset=shared_metrics)
            ),
        )
    )
    return render(
        request,
        "improvement/change_package.html",
        {"collaborative": collaborative, "access": access, "concepts": concepts},
    )


def _render_form(
    request: HttpRequest, access: Access, form: Any, title: str, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "improvement/form.html",
        {"collaborative": access.collaborative, "access": access, "form": form, "title": title},
        status=status,
    )


@login_required
def new_concept(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    form = ConceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.collaborative = collaborative
        form.instance.position = collaborative.change_concepts.count()
        concept = form.save()
        messages.success(request, _("Concept “%(name)s” added.") % {"name": concept.name})
        return redirect(f"{_package_url(collaborative.pk)}#concept-{concept.pk}")
    return _render_form(request, access, form, _("New change concept"), 400 if form.errors else 200)


@login_required
def edit_concept(request: HttpRequest, collaborative_id: int, concept_id: int) -> HttpResponse:
    concept, access = concept_for(request, collaborative_id, concept_id)
    form = ConceptForm(request.POST or None, instance=concept)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        if save_if_unchanged(concept, form.cleaned_data["version"] or 0, ["name", "description"]):
            messages.success(request, _("Concept saved."))
            return redirect(f"{_package_url(collaborative_id)}#concept-{concept.pk}")
        current = fresh_copy(concept)
        form = refreshed_form(ConceptForm, request.POST, current, _conflict())
    return _render_form(request, access, form, _("Edit the concept"), 400 if form.errors else 200)


@require_POST
@login_required
def delete_concept(request: HttpRequest, collaborative_id: int, concept_id: int) -> HttpResponse:
    concept, _access = concept_for(request, collaborative_id, concept_id)
    concept.soft_delete(request.user)
    messages.success(
        request,
        _(
            "Concept “%(name)s” deleted, with its key changes. "
            "You can restore it from Deleted items."
        )
        % {"name": concept.name},
    )
    return redirect("improvement:package", collaborative_id)


@login_required
def new_key_change(request: HttpRequest, collaborative_id: int, concept_id: int) -> HttpResponse:
    concept, access = concept_for(request, collaborative_id, concept_id)
    collaborative = access.collaborative
    form = KeyChangeForm(
        request.POST or None, initial={"concept": concept}, collaborative=collaborative
    )
    if request.method == "POST" and form.is_valid():
        form.instance.position = form.cleaned_data["concept"].key_changes.count()
        key_change = form.save()
        messages.success(request, _("Key change “%(name)s” added.") % {"name": key_change.name})
        return redirect(f"{_package_url(collaborative_id)}#key-change-{key_change.pk}")
    return _render_form(request, access, form, _("New key change"), 400 if form.errors else 200)


@login_required
def edit_key_change(
    request: HttpRequest, collaborative_id: int, key_change_id: int
) -> HttpResponse:
    key_change, access = key_change_for(request, collaborative_id, key_change_id)
    kwargs = {"collaborative": access.collaborative}
    form = KeyChangeForm(request.POST or None, instance=key_change, **kwargs)
    if request.method == "POST" and form.is_valid():
        form.save(commit=False)
        fields = ["concept", "name", "description"]
        if save_if_unchanged(key_change, form.cleaned_data["version"] or 0, fields):
            messages.success(request, _("Key change saved."))
            return redirect(f"{_package_url(collaborative_id)}#key-change-{key_change.pk}")
        current = fresh_copy(key_change)
        form = refreshed_form(KeyChangeForm, request.POST, current, _conflict(), **kwargs)
    return _render_form(
        request, access, form, _("Edit the key change"), 400 if form.errors else 200
    )


@require_POST
@login_required
def delete_key_change(
    request: HttpRequest, collaborative_id: int, key_change_id: int
) -> HttpResponse:
    key_change, _access = key_change_for(request, collaborative_id, key_change_id)
    key_change.soft_delete(request.user)
    messages.success(
        request,
        _("Key change “%(name)s” deleted. You can restore it from Deleted items.")
        % {"name": key_change.name},
    )
    return redirect("improvement:package", collaborative_id)


def _package_url(collaborative_id: int) -> str:
    return reverse("improvement:package", args=[collaborative_id])


@require_POST
@login_required
def move_concept(
    request: HttpRequest, collaborative_id: int, concept_id: int, direction: str
) -> HttpResponse:
    concept, access = concept_for(request, collaborative_id, concept_id)
    if direction not in STEPS:
        raise Http404
    move(concept, access.collaborative.change_concepts.all(), STEPS[direction])
    return redirect(f"{_package_url(collaborative_id)}#concept-{concept.pk}")


@require_POST
@login_required
def move_key_change(
    request: HttpRequest, collaborative_id: int, key_change_id: int, direction: str
) -> HttpResponse:
    key_change, _access = key_change_for(request, collaborative_id, key_change_id)
    if direction not in STEPS:
        raise Http404
    move(key_change, KeyChange.objects.filter(concept=key_change.concept), STEPS[direction])
    return redirect(f"{_package_url(collaborative_id)}#key-change-{key_change.pk}")


@login_required
def copy_from(request: HttpRequest, collaborative_id: int) -> HttpResponse:
    """Start from the package of a collaborative this person hosted or planned before."""
    collaborative, access = collaborative_for(request, collaborative_id, "edit_change_package")
    sources = copyable_packages(request.user, collaborative)
    if request.method == "POST":
        source = next((c for c in sources if str(c.pk) == request.POST.get("source")), None)
        if source is None:
            messages.error(request, _("Choose one of the collaboratives listed."))
        else:
            concepts, key_changes = copy_package(source, collaborative)
            messages.success(
                request,
                _(
                    "Copied from %(source)s: %(concepts)s concepts and %(changes)s key changes, "
                    "added after the ones already here. Links to metrics with the same short "
                    "name are kept."
                )
                % {"source": source.name, "concepts": concepts, "changes": key_changes},
            )
            return redirect("improvement:package", collaborative_id)
    packages = (
        ChangeConcept.objects.filter(collaborative__in=sources)
        .prefetch_related("key_changes")
        .order_by("collaborative_id", "position", "pk")
    )
    by_collaborative: dict[int, list[ChangeConcept]] = {}
    for concept in packages:
        by_collaborative.setdefault(concept.collaborative_id, []).append(concept)
    return render(
        request,
        "improvement/copy.html",
        {
            "collaborative": collaborative,
            "access": access,
            "sources": [(source, by_collaborative.get(source.pk, [])) for source in sources],
        },
        status=400 if request.method == "POST" else 200,
    )
