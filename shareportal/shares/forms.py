"""The visitor's input: the share password, and how a listing is sorted and paged."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shareportal.pds.ids import MARKER_MAX_LENGTH, SHARE_PASSWORD_MAX_LENGTH

from .selectors import ORDER_BY


class PasswordForm(forms.Form):
    # Spaces are kept as typed.
    password = forms.CharField(
        label=_("Password"),
        max_length=SHARE_PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ListingForm(forms.Form):
    """`?sort=name&dir=asc&marker=...`: every part optional, anything else refused."""

    sort = forms.ChoiceField(
        choices=[(key, key) for key in ORDER_BY], required=False, initial="name"
    )
    dir = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    marker = forms.CharField(max_length=MARKER_MAX_LENGTH, required=False, strip=False)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        data["sort"] = data.get("sort") or "name"
        data["dir"] = data.get("dir") or "asc"
        return data
