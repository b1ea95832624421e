"""The check-in form: when, how, what was said, what follows and by when."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from convene.lib.forms import Styled
from convene.lib.versioning import VersionField, version_of

from .models import CheckIn

CHECK_IN_FIELDS = ["held_on", "how", "notes", "follow_up", "follow_up_on"]


class CheckInForm(Styled, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = CheckIn
        fields = CHECK_IN_FIELDS
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "notes": _("What you talked about: progress, barriers, what the team asked for."),
            "follow_up": _("What you or the team will do next."),
            "follow_up_on": _("The team shows as slipping on My teams once this date passes."),
        }

    def __init__(self, *args: Any, today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = version_of(self.instance)
            if not self.instance.pk and today is not None:
                self.initial["held_on"] = today

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        held, due = data.get("held_on"), data.get("follow_up_on")
        if held and due and due < held:
            self.add_error("follow_up_on", _("The follow-up date comes after the check-in."))
        return data
