"""Optimistic locking: an edit made from a stale copy is refused, not silently saved."""

from __future__ import annotations

from typing import Any

from django.db import transaction


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
