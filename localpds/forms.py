"""Forms of the drive's own pages: signing in and answering a consent request."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignInForm(forms.Form):
    user_name = forms.CharField(
        max_length=128,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    # Passwords are taken exactly as typed: spaces at either end are part of them.
    password = forms.CharField(
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(choices=[("allow", _("Allow")), ("deny", _("Deny"))])
