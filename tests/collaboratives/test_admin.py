"""Site staff can open every model's pages in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from convene.collaboratives.models import CharterDecision, PeerGroup

from ..factories import make_user


@pytest.fixture
def superuser(world):
    CharterDecision.objects.create(collaborative=world.collaborative, decision="Monthly calls")
    PeerGroup.objects.create(collaborative=world.collaborative, name="North")
    return make_user("Root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_admin_pages_open_for_every_model(client, superuser, model):
    client.force_login(superuser)
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert client.get(reverse(f"{prefix}_changelist")).status_code == 200
    first = model._default_manager.first()
    if first is not None:
        assert client.get(reverse(f"{prefix}_change", args=[first.pk])).status_code == 200
    add = client.get(reverse(f"{prefix}_add"))
    assert add.status_code in (200, 403)  # the audit log cannot be added to


def test_deleted_rows_show_in_the_admin(client, superuser, world):
    world.team_b.soft_delete(superuser)
    client.force_login(superuser)
    body = client.get(reverse("admin:collaboratives_team_changelist")).content.decode()
    assert "Valley clinic" in body
