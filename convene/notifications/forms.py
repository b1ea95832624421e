from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from .kinds import Kind
from .models import Channel


class PreferencesForm(forms.Form):
    """One radio group per registered kind: how the person hears of it. A kind the person has
    not chosen shows its default, and saving leaves it unchosen unless they change it."""

    def __init__(self, *args: Any, kinds: list[Kind], chosen: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        self.chosen = chosen
        for kind in kinds:
            choices = [
                (value, _("%(channel)s (default)") % {"channel": label})
                if value == kind.default
                else (value, label)
                for value, label in Channel.choices
            ]
            self.fields[kind.name] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=choices,
                initial=chosen.get(kind.name, kind.default),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def changes(self) -> dict[str, str]:
        """{kind: channel} for each kind whose choice differs from what holds now (the person's
        own choice, or the default where they have none)."""
        return {
            kind.name: self.cleaned_data[kind.name]
            for kind in self.kinds
            if self.cleaned_data[kind.name] != self.chosen.get(kind.name, kind.default)
        }
