"""Optimistic locking: an edit made from a stale copy is refused, not silently saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

NEW = 0  # the version a form carries when it was read before any row existed ("was empty")


class VersionField(forms.Field):
    """The version an edit form was read at, sent back hidden.

    ``NEW`` (0) says there was no row yet. A version that is missing or unreadable counts as
    ``NEW`` too: no stored row has it, so such a save can only create, never overwrite.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int:
        text = str(value or "").strip()
        return int(text) if text.isdigit() else NEW


def version_of(instance: Any) -> int:
    """The version to carry in a form for ``instance``: ``NEW`` while it is not stored."""
    return instance.version if instance is not None and instance.pk else NEW


def save_if_unchanged(instance: Any, expected_version: int, fields: list[str]) -> bool:
    """Save ``fields`` of ``instance`` only if its stored version is still ``expected_version``.

    The row is locked while checking, so two saves cannot both pass. Returns False when
    somebody saved in between; the caller shows the conflict.
    """
    model = type(instance)
    with transaction.atomic():
        stored = model._base_manager.select_for_update().only("version").get(pk=instance.pk)
        if stored.version != expected_version:
            return False
        instance.version = expected_version + 1
        update = [*fields, "version"]
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update.append("updated_at")
        instance.save(update_fields=update)
    return True


def fresh_copy(instance: Any) -> Any:
    """The object as it is stored now, read again after a refused save (deleted rows too)."""
    return type(instance)._base_manager.get(pk=instance.pk)


def refreshed_form(form_class: Any, data: Any, current: Any, message: str, **kwargs: Any) -> Any:
    """After a refused save: the form on the freshly saved object, keeping what was typed.

    The form now carries the new version, so saving again is a deliberate choice.
    """
    data = data.copy()
    data["version"] = current.version
    form = form_class(data, instance=current, **kwargs)
    form.is_valid()
    form.add_error(None, message)
    return form
