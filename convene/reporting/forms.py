from __future__ import annotations

from django import forms

from convene.lib.forms import Styled

from .models import Report


class NarrativeForm(Styled, forms.ModelForm):
    class Meta:
        model = Report
        fields = Report.NARRATIVE
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Report.NARRATIVE}
