"""The driver diagram's forms (``diagram_views.py``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from convene.lib.forms import Styled
from convene.measures.models import Metric

from .models import DriverNode, KeyChange


class NodeForm(Styled, forms.ModelForm):
    """A node's words; a change idea also names the key changes and metrics it goes with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DriverNode
        fields = ["text", "description", "key_changes", "metrics"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "key_changes": forms.CheckboxSelectMultiple,
            "metrics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, collaborative, is_idea: bool, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if is_idea:
            self.fields["key_changes"].queryset = KeyChange.objects.filter(
                concept__collaborative=collaborative, concept__deleted_at__isnull=True
            ).order_by("concept__position", "position", "pk")
            self.fields["metrics"].queryset = Metric.objects.filter(
                collaborative=collaborative, team__isnull=True
            )
        else:
            del self.fields["key_changes"]
            del self.fields["metrics"]
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version


class NewNodeForm(Styled, forms.Form):
    """A new node: its words and where it goes (at the top it is a primary driver)."""

    text = forms.CharField(label=_("Text"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.TypedChoiceField(label=_("Under"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, parents, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.parents = {node.pk: node for node in parents}
        self.fields["parent"].choices = [
            ("", _("Nothing: a new primary driver")),
            *[(node.pk, node_label(node)) for node in parents],
        ]

    def clean_parent(self):  # type: ignore[no-untyped-def]
        parent = self.cleaned_data.get("parent")
        return self.parents.get(parent) if parent is not None else None


class MoveNodeForm(Styled, forms.Form):
    parent = forms.TypedChoiceField(
        label=_("Move under"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, parents, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.parents = {node.pk: node for node in parents}
        self.fields["parent"].choices = [
            ("", _("Nothing: make it a primary driver")),
            *[(node.pk, node_label(node)) for node in parents],
        ]

    def clean_parent(self):  # type: ignore[no-untyped-def]
        parent = self.cleaned_data.get("parent")
        return self.parents.get(parent) if parent is not None else None


def node_label(node: DriverNode) -> str:
    """A node in a list of choices: indented by depth, with its kind."""
    kind = DriverNode.Kind(node.kind).label
    return f"{'— ' * node.depth}{node.text} ({kind})"
