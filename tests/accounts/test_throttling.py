"""Sign-in throttling behind the reverse proxy, and how many reset e-mails anyone can cause."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from convene.lib.client import client_address

from ..factories import make_user

PROXY = "10.0.0.2"
PASSWORD = "correct horse battery"


def _person(email):
    user = make_user(email.split("@")[0].title(), email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, email, password, client_ip, via_proxy=True):
    # Behind the proxy REMOTE_ADDR is always the proxy; the client is in X-Forwarded-For.
    meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}
    if not via_proxy:
        meta = {"REMOTE_ADDR": client_ip}
    client.logout()
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **meta
    ).status_code


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    # Dozens of sign-ins per test: Argon2's deliberate slowness is not what is tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_an_attacker_locks_the_host_admin_out_only_from_his_own_address(
    client, db, behind_proxy, settings
):
    _person("olivia@example.test")
    for _guess in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "olivia@example.test", "guess", "198.51.100.66") == 200
    # The fifth failure locks her account, for that address.
    assert _sign_in(client, "olivia@example.test", "guess", "198.51.100.66") == 429
    assert _sign_in(client, "olivia@example.test", PASSWORD, "198.51.100.66") == 429
    # Olivia, at her own address behind the same proxy, signs in.
    assert _sign_in(client, "olivia@example.test", PASSWORD, "203.0.113.5") == 302


def test_spraying_many_accounts_from_one_address_is_stopped(client, db, behind_proxy, settings):
    accounts = [_person(f"person{n}@example.test") for n in range(9)]
    answers = [
        _sign_in(client, user.email, f"guess {guess}", "198.51.100.66")
        for guess in range(4)
        for user in accounts
    ]
    limit = settings.SIGN_IN_FAILURES_PER_ADDRESS
    # The twentieth failure from the address locks it.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    # The address is locked for every account, even with a right password...
    assert _sign_in(client, accounts[0].email, PASSWORD, "198.51.100.66") == 429
    # ...and no one else is: none of the nine had five failures from one address.
    assert _sign_in(client, accounts[0].email, PASSWORD, "203.0.113.5") == 302


def test_signing_in_to_an_account_of_ones_own_keeps_the_address_failures(
    client, db, behind_proxy, settings
):
    accounts = [_person(f"person{n}@example.test") for n in range(5)]
    mine = _person("mallory@example.test")
    limit = settings.SIGN_IN_FAILURES_PER_ADDRESS
    for n in range(limit - 1):
        _sign_in(client, accounts[n % 5].email, f"guess {n}", "198.51.100.66")
    assert _sign_in(client, mine.email, PASSWORD, "198.51.100.66") == 302
    assert _sign_in(client, accounts[0].email, "one more", "198.51.100.66") == 429


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    _person("olivia@example.test")
    # An attacker who writes a new X-Forwarded-For for each guess is still one address.
    for guess in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": "olivia@example.test", "password": f"guess {guess}"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{guess}",
        )
    assert _sign_in(client, "olivia@example.test", PASSWORD, "198.51.100.66", False) == 429
    assert _sign_in(client, "olivia@example.test", PASSWORD, "203.0.113.5", False) == 302


@pytest.mark.parametrize(
    ("count", "forwarded_for", "client"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        # What the client wrote itself comes first; the proxy appends what it saw.
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),
        (2, "1.2.3.4, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.2"),
        (1, "not an address", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_saw(
    settings, count, forwarded_for, client
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == client


def _ask_reset(client, email, client_ip):
    response = client.post(
        reverse("accounts:password-reset"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )
    # Whatever happens, the page says the same.
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-sent")


def test_reset_emails_are_capped_per_account(client, db, behind_proxy, settings):
    _person("olivia@example.test")
    for _ask in range(settings.PASSWORD_RESETS_PER_ACCOUNT + 2):
        _ask_reset(client, "olivia@example.test", "198.51.100.66")
    _ask_reset(client, "Olivia@example.test", "198.51.100.67")
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_ACCOUNT == 3


def test_reset_emails_are_capped_per_address(client, db, behind_proxy, settings):
    accounts = [_person(f"person{n}@example.test") for n in range(12)]
    for user in accounts:
        _ask_reset(client, user.email, "198.51.100.66")
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_ADDRESS == 10
    # Another address is not held back by that one.
    _ask_reset(client, accounts[-1].email, "203.0.113.5")
    assert len(mail.outbox) == 11
