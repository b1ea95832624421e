from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from convene.lib import emails, ratelimit
from convene.lib.client import client_address
from convene.lib.forms import Styled

from .models import User, time_zone_choices


class SignInForm(Styled, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("That e-mail address and password do not match an account."),
        "inactive": _("This account is switched off. Ask the site's staff for help."),
    }

    def clean_username(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["username"])


logger = logging.getLogger(__name__)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends at most a few reset links an hour per account and per asking address.

    Beyond the limits nothing is sent and the page says what it always says, so it tells no one
    whether an account exists.
    """

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        address = client_address(request) if request is not None else ""
        hour = 60 * 60
        if ratelimit.allow(
            f"password-reset-address:{address}", settings.PASSWORD_RESETS_PER_ADDRESS, hour
        ) and ratelimit.allow(
            f"password-reset-account:{email}", settings.PASSWORD_RESETS_PER_ACCOUNT, hour
        ):
            super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # The templates are emails/password_reset*, sent like every other kind of e-mail.
        try:
            emails.password_reset(context, to_email)
        except Exception:
            # As Django does: a failed send must not tell the asker that the account exists.
            logger.exception("Failed to send the password reset e-mail to %s", context["user"].pk)


class ProfileForm(Styled, forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language"]


class SignUpForm(Styled, forms.ModelForm):
    """Creates the account of a person accepting an invitation."""

    # The page's script replaces UTC with the browser's own zone where it can.
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        initial="UTC",
        widget=forms.Select(attrs={"data-guess-time-zone": ""}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language"]

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["full_name"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user
