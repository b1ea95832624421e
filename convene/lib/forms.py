"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

from .text import clean_text


class CleanBoundField(BoundField):
    """A field's data as sent, with control characters taken out (``clean_text``) before the
    field checks it, so no form stores a text that an export or a database cannot hold.
    Passwords are left as typed: they are never shown, exported or stored as text."""

    @property
    def data(self) -> Any:
        data = super().data
        if isinstance(self.field.widget, forms.PasswordInput):
            return data
        if isinstance(data, str):
            return clean_text(data)
        if isinstance(data, list | tuple):
            return [clean_text(item) if isinstance(item, str) else item for item in data]
        return data


class CleanTextRenderer(DjangoTemplates):
    """The project's form renderer (``FORM_RENDERER``): every form, the admin's and Django's
    own included, reads what a person sent through ``CleanBoundField``."""

    bound_field_class = CleanBoundField


def style(field: forms.Field, small: bool = False) -> None:
    """Give a field's widget the CSS framework's class (its small size with ``small``)."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    elif isinstance(widget, forms.HiddenInput):
        return
    else:
        css = "form-control"
    if small and css != "form-check-input":
        css = f"{css} {css}-sm"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class Styled:
    """Gives widgets the CSS framework's classes, so templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            style(field)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class KeyedFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """A formset whose rows the server decides, each named by a key of its own.

    Subclasses set ``self.keys`` before calling ``__init__``; row ``k`` of prefix ``p`` sends
    ``p-k-<field>``. The rows come from the keys, never from a posted count: a row missing
    from a post is checked as blank, and when rows were added or removed after the page was
    shown, typed figures still reach the row they were typed in.
    """

    keys: list[str]

    def total_form_count(self) -> int:
        return len(self.keys)

    def initial_form_count(self) -> int:
        return len(self.keys)  # so every row is checked, a blank one too

    def add_prefix(self, index: Any) -> str:
        return f"{self.prefix}-{self.keys[index] if isinstance(index, int) else index}"

    @cached_property
    def management_form(self) -> ManagementForm:
        counts = {TOTAL_FORM_COUNT: len(self.keys), INITIAL_FORM_COUNT: len(self.keys)}
        form = ManagementForm(
            {f"{self.prefix}-{name}": count for name, count in counts.items()},
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form
