from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from convene.lib.forms import Styled, style
from convene.lib.versioning import VersionField, version_of

from .models import ActionPlan, ActionStep, ChangeConcept, KeyChange
from .plans import change_ideas


class ConceptForm(Styled, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ChangeConcept
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class KeyChangeForm(Styled, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = KeyChange
        fields = ["concept", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, collaborative, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["concept"].queryset = collaborative.change_concepts.all()
        self.fields["concept"].empty_label = None
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


# --- action plans -----------------------------------------------------------------------------


class ActionPlanForm(Styled, forms.ModelForm):
    """A team's plan. The change idea is one of the driver diagram's (the collaborative's or the
    team's own)."""

    version = VersionField()

    class Meta:
        model = ActionPlan
        fields = ["title", "changes", "idea", "measure", "status"]
        widgets = {
            "changes": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, team, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["idea"].queryset = change_ideas(team)
        self.fields["idea"].empty_label = _("— none —")
        self.fields["idea"].help_text = _("Optional: the change idea of the driver diagram.")
        if not self.is_bound:
            self.initial["version"] = version_of(self.instance)


class ActionStepForm(Styled, forms.ModelForm):
    """One step: what, who (a member of the team, or the name of someone not on the platform),
    by when, how far. ``members`` are the team's current members, read once for every row."""

    version = VersionField()
    owner = forms.TypedChoiceField(
        label=_("Responsible"), required=False, coerce=int, empty_value=None
    )

    class Meta:
        model = ActionStep
        fields = ["text", "owner_name", "due_on", "status"]
        labels = {"owner_name": _("Or someone not on the platform")}
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "owner_name": forms.TextInput(attrs={"placeholder": _("or a name")}),
        }

    def __init__(self, *args, members, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in members}
        owner = self.instance.owner if self.instance.owner_id else None
        if owner is not None and owner.pk not in self.people:  # left the team since
            self.people[owner.pk] = owner
        self.fields["owner"].choices = [
            ("", "—"),
            *((pk, str(person)) for pk, person in self.people.items()),
        ]
        # A row of the grid: the small size, and the fields tied to the row's form by its id
        # (a form cannot wrap a table row).
        self.form_id = f"{self.prefix}-form" if self.prefix else "step-form"
        for field in self.fields.values():
            field.widget.attrs.pop("class", None)
            style(field, small=True)
            field.widget.attrs["form"] = self.form_id
        if not self.is_bound:
            self.initial["owner"] = self.instance.owner_id
            self.initial["version"] = version_of(self.instance)

    def clean_owner(self) -> Any:
        pk = self.cleaned_data["owner"]
        return self.people.get(pk) if pk else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("owner") and cleaned.get("owner_name"):
            self.add_error("owner_name", _("Choose a member of the team or type a name, not both."))
        self.instance.owner = cleaned.get("owner")
        return cleaned


class FeedbackForm(forms.Form):
    text = forms.CharField(label=_("Feedback"), max_length=5000, widget=forms.Textarea)
