from __future__ import annotations

from django import forms

from convene.lib.forms import Styled

from .models import ChangeConcept, KeyChange


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
