from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .helpers import check_page

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _submit(page, email, password):
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    return posted.value


def test_sign_in_wrong_then_right_then_sign_out(page, live_server, world):
    host = _with_password(world.host)
    page.goto(live_server.url + "/accounts/sign-in/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    check_page(page, "sign-in")

    response = _submit(page, host.email, "not my password")
    assert response.status == 200
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("E-mail address")).to_have_value(host.email)
    expect(page.get_by_label("Password")).to_have_value("")
    check_page(page, "sign-in-error")

    _submit(page, host.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", name="My collaboratives")).to_be_visible()
    expect(page.get_by_role("link", name="Hypertension Collaborative")).to_be_visible()
    expect(page.get_by_text("Re-housing Collaborative")).to_have_count(0)
    check_page(page, "my-collaboratives")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/\?next=/$"))


def test_sign_in_is_locked_after_repeated_wrong_passwords(page, live_server, world):
    member = _with_password(world.member)
    sign_in = live_server.url + "/accounts/sign-in/"
    limit = settings.AXES_FAILURE_LIMIT
    statuses = []
    for _attempt in range(limit):
        page.goto(sign_in)
        statuses.append(_submit(page, member.email, "wrong").status)
    # django-axes locks on the limit-th failure itself: that answer is already the lockout page.
    assert statuses == [200] * (limit - 1) + [429], statuses

    # The next attempt is refused even with the right password.
    page.goto(sign_in)
    assert _submit(page, member.email, PASSWORD).status == 429
    expect(page.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    expect(page.get_by_role("link", name="Reset my password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_page(page, "locked-out")
