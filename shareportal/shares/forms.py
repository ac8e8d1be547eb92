"""The visitor's input: the share password, and how a listing is sorted and paged."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import ORDER_BY


class PasswordForm(forms.Form):
    # PDS passwords are at most 64 visible ASCII characters; spaces are kept as typed.
    password = forms.CharField(
        label=_("Password"),
        max_length=64,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ListingForm(forms.Form):
    """`?sort=name&dir=asc&marker=...`: every part optional, anything else refused."""

    sort = forms.ChoiceField(
        choices=[(key, key) for key in ORDER_BY], required=False, initial="name"
    )
    dir = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    # PDS markers are opaque, and the embedded PDS's carry the last row's sort value: a name of
    # 1,024 characters makes one of about 1,450. Longer than a request line can carry (4 KiB in
    # gunicorn) is not one PDS gave us.
    marker = forms.CharField(max_length=4096, required=False, strip=False)

    def clean(self) -> dict:
        data = super().clean()
        data["sort"] = data.get("sort") or "name"
        data["dir"] = data.get("dir") or "asc"
        return data
