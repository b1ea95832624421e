from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convene.accounts.models import User
from convene.collaboratives.models import CollaborativeRole, Invitation, TeamMembership, TeamRole

from ..concurrency import at_once
from ..conftest import build_world
from ..factories import make_user


def _link_from(message) -> str:
    return re.search(r"https?://\S+/accounts/invitations/\S+/", message.body).group(0)


def _invite_to_team(client, world, email="nurse@example.test", role="data_lead"):
    client.force_login(world.host)
    url = reverse("collaboratives:invite-to-team", args=[world.collaborative.pk, world.team_a.pk])
    response = client.post(url, {"email": email, "role": role, "message": "Welcome aboard"})
    client.logout()
    return response


def test_host_invites_a_new_person_who_creates_an_account(client, world):
    response = _invite_to_team(client, world, email="Nurse@Example.test")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nurse@example.test"]
    assert world.collaborative.name in message.subject
    assert "Welcome aboard" in message.body
    link = _link_from(message)
    # Only a hash of the token is stored.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()

    page = client.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    response = client.post(
        link,
        {
            "full_name": "Nia Nurse",
            "time_zone": "America/Chicago",
            "language": "es",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nurse@example.test")
    assert user.password.startswith("argon2")
    assert user.time_zone == "America/Chicago"
    membership = TeamMembership.objects.get(team=world.team_a, user=user)
    assert membership.role == TeamRole.DATA_LEAD
    # Signed in straight away.
    assert client.get(reverse("collaboratives:home")).status_code == 200


def test_sign_up_form_keeps_what_was_typed_and_explains_errors(client, world):
    _invite_to_team(client, world)
    link = _link_from(mail.outbox[0])
    response = client.post(
        link,
        {
            "full_name": "Nia Nurse",
            "time_zone": "Europe/Madrid",
            "language": "en",
            "password1": "a long passphrase 42",
            "password2": "a different one 42",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The two passwords differ." in body
    assert 'value="Nia Nurse"' in body
    assert not User.objects.filter(email="nurse@example.test").exists()


def test_an_invitation_works_once(client, world):
    _invite_to_team(client, world, email=world.member.email)
    link = _link_from(mail.outbox[0])
    client.force_login(world.member)
    assert client.post(link).status_code == 302
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    body = response.content.decode()
    assert "This invitation has been used" in body
    assert "Ask for a new invitation" in body


def test_an_expired_invitation_says_so_and_the_hosts_hear_of_a_request(client, world):
    _invite_to_team(client, world)
    link = _link_from(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(link)
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
        token = link.rstrip("/").rsplit("/", 1)[1]
        ask = reverse("collaboratives:request-invitation", args=[token])
        assert client.post(ask).status_code == 200
        assert client.post(ask).status_code == 200  # asking twice sends one note
    requests = [m for m in mail.outbox if "asks for a new invitation" in m.subject]
    assert len(requests) == 1
    assert requests[0].to == [world.host.email]


def test_an_unknown_token_is_not_found(client, db):
    response = client.get(reverse("collaboratives:accept-invitation", args=["nonsense"]))
    assert response.status_code == 404
    assert "Invitation not found" in response.content.decode()


def test_an_existing_user_is_asked_to_sign_in_then_just_gains_the_role(client, world):
    client.force_login(world.host)
    client.post(
        reverse("collaboratives:invite", args=[world.collaborative.pk]),
        {"email": world.other_team.email, "role": "faculty"},
    )
    client.logout()
    link = _link_from(mail.outbox[0])
    page = client.get(link)
    assert "already has an account" in page.content.decode()
    client.force_login(world.other_team)
    assert client.post(link).status_code == 302
    roles = world.collaborative.memberships.current().filter(user=world.other_team)
    assert [m.role for m in roles] == [CollaborativeRole.FACULTY]


def test_duplicate_invitation_is_refused_with_a_message(client, world):
    _invite_to_team(client, world)
    client.force_login(world.host)
    url = reverse("collaboratives:invite-to-team", args=[world.collaborative.pk, world.team_a.pk])
    response = client.post(url, {"email": "nurse@example.test", "role": "data_lead"})
    assert response.status_code == 400
    assert "already waiting" in response.content.decode()
    assert len(mail.outbox) == 1


def test_withdrawn_invitation_cannot_be_used_and_resend_issues_a_fresh_link(client, world):
    _invite_to_team(client, world)
    first_link = _link_from(mail.outbox[0])
    invitation = Invitation.objects.get()
    client.force_login(world.host)
    base = [world.collaborative.pk, invitation.pk]
    client.post(reverse("collaboratives:revoke-invitation", args=base))
    client.post(reverse("collaboratives:resend-invitation", args=base))
    client.logout()
    assert "withdrawn" in client.get(first_link).content.decode()
    second_link = _link_from(mail.outbox[-1])
    assert second_link != first_link
    assert client.get(second_link).status_code == 200


def test_sign_up_starts_from_utc_and_guesses_the_browser_zone(client, world):
    _invite_to_team(client, world)
    page = client.get(_link_from(mail.outbox[0])).content.decode()
    assert '<option value="UTC" selected>' in page
    assert "guess-time-zone.js" in page


def _invite_to_planning(client, world, email="olivia@example.test"):
    client.force_login(world.host)
    client.post(
        reverse("collaboratives:invite", args=[world.collaborative.pk]),
        {"email": email, "role": CollaborativeRole.PLANNING},
    )
    client.logout()
    return _link_from(mail.outbox[-1])


def test_someone_else_signed_in_is_told_the_invitation_is_not_theirs_and_gains_nothing(
    client, world
):
    link = _invite_to_planning(client, world)
    client.force_login(world.outsider)
    page = client.get(link)
    body = page.content.decode()
    assert page.status_code == 403
    assert "This invitation is for someone else" in body
    assert "olivia@example.test" in body and world.outsider.email in body
    assert client.post(link).status_code == 403
    assert not world.collaborative.memberships.filter(user=world.outsider).exists()
    assert Invitation.objects.get().status == "pending"
    # The page's button signs them out and brings them back to the link, to sign up as Olivia.
    signed_out = client.post(reverse("accounts:logout"), {"next": link}, follow=True)
    assert "Create your account" in signed_out.content.decode()


def test_the_invited_address_is_compared_without_case(client, world):
    olivia = make_user("Olivia", email="Olivia@Example.test")
    link = _invite_to_planning(client, world, email="olivia@EXAMPLE.test")
    # Her account is found: she is asked to sign in, not to make a second one.
    assert "already has an account" in client.get(link).content.decode()
    client.force_login(olivia)
    assert client.post(link).status_code == 302
    roles = world.collaborative.memberships.current().filter(user=olivia)
    assert [m.role for m in roles] == [CollaborativeRole.PLANNING]


def test_accepting_twice_at_once_grants_the_role_once(client, threads_db):
    world = build_world()
    link = _invite_to_planning(client, world, email=world.member.email)
    tabs = [Client(raise_request_exception=False) for _tab in range(2)]
    for tab in tabs:
        tab.force_login(world.member)
    responses = at_once(threads_db, *[partial(tab.post, link) for tab in tabs])
    assert sorted(r.status_code for r in responses) == [302, 410]
    [used] = [r for r in responses if r.status_code == 410]
    assert "This invitation has been used" in used.content.decode()
    assert world.collaborative.memberships.filter(user=world.member).count() == 1


def test_signing_up_twice_at_once_makes_one_account_and_a_friendly_answer(client, threads_db):
    world = build_world()
    link = _invite_to_planning(client, world)
    form = {
        "full_name": "Olivia Planner",
        "time_zone": "UTC",
        "language": "en",
        "password1": "a long passphrase 42",
        "password2": "a long passphrase 42",
    }
    tabs = [Client(raise_request_exception=False) for _tab in range(2)]
    responses = at_once(threads_db, *[partial(tab.post, link, form) for tab in tabs])
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 302 and codes[1] in {409, 410}, codes
    [late] = [r for r in responses if r.status_code != 302]
    assert "Sign in" in late.content.decode()
    olivia = User.objects.get(email="olivia@example.test")
    assert world.collaborative.memberships.filter(user=olivia).count() == 1
