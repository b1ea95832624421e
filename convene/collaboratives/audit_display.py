"""The audit log as a person reads it: field labels, related objects by name, times, diffs.

Events store what changed as raw JSON (``reopened_by_id: 2``, ISO times, ``{"added": [3]}``).
:func:`describe` turns a page of events into rows for the template, looking up every related
object the page names with one query per related model, however many events there are.
"""

from __future__ import annotations

import datetime
import difflib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A text this long, or one over several lines, is shown as a diff of its lines.
LONG_TEXT = 80

# Keys that are not a model's fields: what bulk operations write (reporting's upload).
PSEUDO_FIELDS = {"import": gettext_lazy("Spreadsheet upload")}

# The words inside such values: a link's "added"/"removed", an upload's counts.
WORDS = {
    "added": gettext_lazy("added"),
    "removed": gettext_lazy("removed"),
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
}


def _word(key: Any) -> str:
    return str(WORDS.get(str(key), key))


@dataclass
class Shown:
    """One side of a change: a moment (the template shows it in the reader's zone) or text."""

    text: str = ""
    when: datetime.datetime | None = None
    empty: bool = False


@dataclass
class Change:
    label: str
    before: Shown
    after: Shown
    diff: SafeString | None = None


@dataclass
class Described:
    event: Any
    changes: list[Change] = field(default_factory=list)
    raw: str = ""


def _model(event: Any) -> type[models.Model] | None:
    try:
        return apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> Any:
    """The field (or reverse relation) an event's key names, else None."""
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.attname, f.name):
            return f
    for f in model._meta.many_to_many:
        if f.name == key:
            return f
    for rel in model._meta.related_objects:
        if rel.many_to_many and rel.get_accessor_name() == key:
            return rel
    return None


def _related_ids(f: Any, value: Any) -> list[Any]:
    if f is None or value is None or not (f.is_relation and f.related_model):
        return []
    if isinstance(value, dict):
        return [i for ids in value.values() if isinstance(ids, list) for i in ids]
    if isinstance(value, list):
        return value
    return [value]


def _names(events: list[Any]) -> dict[type[models.Model], dict[str, str]]:
    """Every related object the events mention, by model and id: one query per model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for event in events:
        model = _model(event)
        for side in (event.before or {}, event.after or {}):
            for key, value in side.items():
                f = _field(model, key)
                for pk in _related_ids(f, value):
                    wanted[f.related_model].add(pk)
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, ids in wanted.items():
        # The base manager: a related object deleted since is still named.
        rows = related._base_manager.filter(pk__in=ids)
        names[related] = {str(row.pk): str(row) for row in rows}
    return names


def _name(names: dict[type[models.Model], dict[str, str]], f: Any, pk: Any) -> str:
    return names.get(f.related_model, {}).get(str(pk)) or _("#%(id)s (gone)") % {"id": pk}


def _plain(value: Any) -> str:
    """Dicts and lists as words, not Python's notation."""
    if isinstance(value, dict):
        # Sorted: PostgreSQL's jsonb keeps no order of its own.
        return ", ".join(f"{_word(k)}: {_plain(v)}" for k, v in sorted(value.items()))
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _moment(text: str) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _show(f: Any, value: Any, names: dict[type[models.Model], dict[str, str]]) -> Shown:
    if value is None or value == "":
        return Shown(empty=True)
    if f is not None and f.is_relation and f.related_model:
        if isinstance(value, dict):
            return Shown(
                text="; ".join(
                    f"{_word(k)}: {', '.join(_name(names, f, pk) for pk in ids)}"
                    for k, ids in value.items()
                    if isinstance(ids, list)
                )
            )
        return Shown(text=", ".join(_name(names, f, pk) for pk in _related_ids(f, value)))
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        moment = _moment(value)
        if moment is not None:
            return Shown(when=moment)
    if isinstance(f, models.DateField) and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return Shown(text=date_format(day, "j M Y"))
    if f is not None and getattr(f, "choices", None):
        return Shown(text=str(dict(f.flatchoices).get(value, value)))
    return Shown(text=_plain(value))


def _diff(before: Any, after: Any) -> SafeString | None:
    """Long texts changed: their lines as a unified diff, each line escaped."""
    if not (isinstance(before, str) and isinstance(after, str) and before and after):
        return None  # a text written or emptied is shown whole
    if max(len(before), len(after)) <= LONG_TEXT and "\n" not in before + after:
        return None
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1))[
        2:
    ]  # the two header lines name no files
    kinds = {"+": "diff-added", "-": "diff-removed", "@": "diff-hunk"}
    return format_html(
        '<pre class="audit-diff">{}</pre>',
        format_html_join(
            "\n", '<span class="{}">{}</span>', ((kinds.get(ln[:1], ""), ln) for ln in lines)
        ),
    )


def _label(model: type[models.Model] | None, f: Any, key: str) -> str:
    if key in PSEUDO_FIELDS:
        return str(PSEUDO_FIELDS[key])
    if f is None:
        return key
    if isinstance(f, models.ForeignObjectRel):
        return capfirst(str(f.related_model._meta.verbose_name_plural))
    return capfirst(str(f.verbose_name))


def describe(events: Iterable[Any]) -> list[Described]:
    """The events, each with its changes as a reader sees them and its raw data."""
    events = list(events)
    names = _names(events)
    described = []
    for event in events:
        model = _model(event)
        before, after = event.before or {}, event.after or {}
        changes = []
        for key in sorted({*before, *after}):
            f = _field(model, key)
            was, now = before.get(key), after.get(key)
            if event.action == "create" and now in (None, "", [], {}):
                continue  # a new object's empty fields say nothing
            if f is not None and getattr(f, "primary_key", False):
                continue  # its number is in the raw data
            changes.append(
                Change(
                    label=_label(model, f, key),
                    before=_show(f, was, names),
                    after=_show(f, now, names),
                    diff=_diff(was, now),
                )
            )
        raw = json.dumps({"before": event.before, "after": event.after}, indent=1, default=str)
        described.append(Described(event=event, changes=changes, raw=raw))
    return described
