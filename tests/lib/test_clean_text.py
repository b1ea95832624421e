"""Every form reads what was sent without control characters (issue #10, point 2): one
renderer does it for all of them, so a new form cannot forget."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.forms.renderers import get_default_renderer

import convene
from convene.lib.forms import CleanBoundField
from convene.lib.text import clean_text


def test_clean_text_keeps_tabs_and_line_breaks_and_drops_the_rest():
    assert clean_text("a\tb\nc\r\nd\x00e\x0bf\x0cg\x1bh\x7fi\ufffej é€") == "a\tb\nc\r\ndefghij é€"


def _convene_forms() -> set[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(convene.__path__, "convene."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            if subclass.__module__.startswith("convene."):
                found.add(subclass)
    return found


def _cleans(bound_field_class: type | None) -> bool:
    return bound_field_class is None or issubclass(bound_field_class, CleanBoundField)


def test_every_form_of_the_project_reads_through_the_cleaning_renderer():
    """FORM_RENDERER gives every form, Django's and the admin's too, ``CleanBoundField``;
    no form or field of ours may choose another bound field or renderer."""
    assert get_default_renderer().bound_field_class is CleanBoundField
    found = _convene_forms()
    assert len(found) > 20
    for form in found:
        assert _cleans(form.bound_field_class), form
        assert form.default_renderer is None, form
        for name, field in form.base_fields.items():
            assert _cleans(field.bound_field_class), f"{form.__name__}.{name}"


class Sample(forms.Form):
    note = forms.CharField(max_length=10)
    email = forms.EmailField()
    groups = forms.MultipleChoiceField(choices=[("18-44", "18-44"), ("45-85", "45-85")])
    password = forms.CharField(widget=forms.PasswordInput)


def test_a_form_takes_them_out_before_any_field_checks_the_text():
    form = Sample(
        {
            "note": "EHR\x0b\x00 outage",  # 10 characters once clean: within max_length
            "email": "lead\x0b@example.org",
            "groups": ["18-44\x00"],
            "password": "kept\x0bas typed",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "note": "EHR outage",
        "email": "lead@example.org",
        "groups": ["18-44"],
        "password": "kept\x0bas typed",
    }
    assert form["note"].value() == "EHR outage"  # shown again as stored
