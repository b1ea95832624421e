"""Audit trail: every create, change, soft delete and restore of domain data leaves an event.

Models opt in by inheriting :class:`AuditedModel`. The acting person comes from the request
(``AuditActorMiddleware``) or from :func:`acting_as` in commands, so that saving code does
not have to pass it around.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

_actor_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("audit_actor", default=None)

# Fields whose changes mean nothing to a reader of the log.
IGNORED_FIELDS = {"version", "updated_at", "token_hash"}


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute the audit events written inside the block to ``user`` (or to nobody)."""
    token = _actor_id.set(user.pk if user is not None else None)
    try:
        yield
    finally:
        _actor_id.reset(token)


def current_actor_id() -> int | None:
    return _actor_id.get()


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user.pk if user is not None and user.is_authenticated else None
        token = _actor_id.set(actor)
        try:
            return self.get_response(request)
        finally:
            _actor_id.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):  # an upload: the log keeps its stored name
        return value.name or ""
    return value


class AuditedModel(models.Model):
    """A model whose saves and deletes are written to the audit log.

    Subclasses name the collaborative an event belongs to with ``audit_collaborative_id``.
    """

    class Meta:
        abstract = True

    @property
    def audit_collaborative_id(self) -> int | None:
        return None

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # Remember what was loaded, so a save can record before and after without a query.
        instance._audit_loaded = instance.audit_snapshot()
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        return {
            field.attname: _plain(getattr(self, field.attname, None))
            for field in self._meta.concrete_fields
            if field.attname not in IGNORED_FIELDS and field.attname in self.__dict__
        }

    def save(self, *args: Any, **kwargs: Any) -> None:
        before: dict[str, Any] | None = getattr(self, "_audit_loaded", None)
        is_new = self._state.adding
        super().save(*args, **kwargs)
        after = self.audit_snapshot()
        if is_new or before is None:
            record(self, "create", None, after)
        else:
            changed = {k for k in after if before.get(k) != after[k]}
            if changed:
                action = "update"
                if "deleted_at" in changed:
                    action = "delete" if after["deleted_at"] else "restore"
                record(
                    self,
                    action,
                    {k: before.get(k) for k in sorted(changed)},
                    {k: after[k] for k in sorted(changed)},
                )
        self._audit_loaded = after

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        before = self.audit_snapshot()
        result = super().delete(*args, **kwargs)
        record(self, "erase", before, None)
        return result


def record(
    obj: AuditedModel,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Write one audit event about ``obj``."""
    event_model = apps.get_model("collaboratives", "AuditEvent")
    event_model.objects.create(
        collaborative_id=obj.audit_collaborative_id,
        actor_id=current_actor_id(),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )


@receiver(m2m_changed)
def _record_many_to_many(
    sender: Any, instance: Any, action: str, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    """Adding or removing links (a peer group's teams) is a change like any other."""
    if not isinstance(instance, AuditedModel) or not pk_set:
        return
    if action not in {"post_add", "post_remove"}:
        return
    # The link may be declared on the other model (a metric's key changes are the key
    # change's field): the event names it as this object's side calls it.
    names = [f.name for f in instance._meta.many_to_many if f.remote_field.through is sender]
    names += [
        rel.get_accessor_name()
        for rel in instance._meta.related_objects
        if rel.many_to_many and rel.through is sender
    ]
    field = next(iter(names), "links")
    ids = sorted(pk_set)
    if action == "post_add":
        record(instance, "update", {field: None}, {field: {"added": ids}})
    else:
        record(instance, "update", {field: {"removed": ids}}, {field: None})
