from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.urls import reverse

from ..factories import make_user


def _person(password="correct horse battery"):
    user = make_user("Rosa Data", email="rosa@example.test")
    user.set_password(password)
    user.save()
    return user


def test_sign_in_with_email_in_any_case(client, db):
    _person()
    response = client.post(
        reverse("accounts:login"),
        {"username": "ROSA@example.test", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("collaboratives:home")


def test_wrong_password_says_so_and_keeps_the_address(client, db):
    _person()
    response = client.post(
        reverse("accounts:login"), {"username": "rosa@example.test", "password": "nope"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "do not match an account" in body
    assert 'value="rosa@example.test"' in body


def test_sign_in_is_throttled_after_repeated_failures(client, db):
    _person()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "rosa@example.test", "password": "x"})
    response = client.post(
        reverse("accounts:login"),
        {"username": "rosa@example.test", "password": "correct horse battery"},
    )
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_passwords_are_hashed_with_argon2(db):
    assert _person().password.startswith("argon2$")


def test_password_reset_by_email(client, db):
    _person()
    client.post(reverse("accounts:password-reset"), {"email": "rosa@example.test"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(word for word in body.split() if "/accounts/password/reset/" in word)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a brand new phrase 7", "new_password2": "a brand new phrase 7"}
    )
    assert response.status_code == 302
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": "rosa@example.test", "password": "a brand new phrase 7"},
    )
    assert signed_in.status_code == 302


def test_profile_sets_name_time_zone_and_language(client, db):
    user = _person()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Rosa M. Data", "time_zone": "America/Bogota", "language": "es"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.time_zone, user.language) == (
        "Rosa M. Data",
        "America/Bogota",
        "es",
    )
    # The next page speaks Spanish.
    assert "Mis colaborativos" in client.get(reverse("collaboratives:home")).content.decode()


def test_profile_rejects_an_unknown_time_zone(client, db):
    user = _person()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Rosa", "time_zone": "Mars/Olympus", "language": "en"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
