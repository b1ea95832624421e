"""Form helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms


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
