"""The visitor's input: the share password or code, and how a listing is sorted and paged."""

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from shareportal.pds.ids import MARKER_MAX_LENGTH, SHARE_PASSWORD_MAX_LENGTH

from .selectors import ORDER_BY, WALK_MAX_ITEMS


class PasswordForm(forms.Form):
    # Spaces are kept as typed.
    password = forms.CharField(
        label=_("Password"),
        max_length=SHARE_PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


# What PDS takes as a share code (`share_msg`, docs/pds-api.md#share_linkget_share_id).
SHARE_CODE_MAX_LENGTH = 128


class ShareCodeForm(forms.Form):
    """A share code, as the visitor was given it: spaces around it are not part of it."""

    code = forms.CharField(
        label=_("Share code"),
        max_length=SHARE_CODE_MAX_LENGTH,
        error_messages={
            "required": _("Type the share code you were given."),
            "max_length": _("A share code has at most %(limit_value)d characters."),
        },
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        # No code holds control characters, and a NUL would be refused by PDS.
        if any(unicodedata.category(char) == "Cc" for char in code):
            raise forms.ValidationError(_("Type letters, digits and punctuation only."))
        return code


def view_of(value: str | None) -> str:
    """How a listing is laid out, kept in the URL (`?view=grid`): tiles, or else a table of rows.

    Anything but "grid" is the list: an old or mistyped link still shows the files.
    """
    return "grid" if value == "grid" else "list"


class ListingForm(forms.Form):
    """`?sort=name&dir=asc&marker=...&view=grid`: every part optional, anything else refused
    (but an unknown `view`, which falls back to the list)."""

    sort = forms.ChoiceField(
        choices=[(key, key) for key in ORDER_BY], required=False, initial="name"
    )
    dir = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    marker = forms.CharField(max_length=MARKER_MAX_LENGTH, required=False, strip=False)
    view = forms.CharField(required=False)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        data["sort"] = data.get("sort") or "name"
        data["dir"] = data.get("dir") or "asc"
        data["view"] = view_of(data.get("view"))
        return data


# Longer than any name anyone types to find a file; PDS takes queries of 4096 characters, and a
# URL of the results must fit a request line.
SEARCH_MAX_LENGTH = 200


class SearchForm(forms.Form):
    """`?q=words&marker=...` (or `&start=N` for the walk's later pages): what to look for.

    `view` is the results' layout, as for `ListingForm`."""

    q = forms.CharField(
        label=_("Search this share"),
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "required": _("Type part of a file or folder name to look for."),
            "max_length": _("Type at most %(limit_value)d characters to look for."),
        },
    )
    marker = forms.CharField(max_length=MARKER_MAX_LENGTH, required=False, strip=False)
    start = forms.IntegerField(min_value=0, max_value=WALK_MAX_ITEMS, required=False)
    view = forms.CharField(required=False)

    def clean_view(self) -> str:
        return view_of(self.cleaned_data.get("view"))

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        # Control characters are in no name anyone types, and a NUL would be refused by PDS.
        if any(unicodedata.category(char) == "Cc" for char in text):
            raise forms.ValidationError(_("Type letters, digits and punctuation only."))
        return text


class OEmbedForm(forms.Form):
    """`/oembed?url=...&format=json&maxwidth=...&maxheight=...` (https://oembed.com, 2.2)."""

    url = forms.CharField(max_length=2000)
    format = forms.CharField(max_length=20, required=False)
    maxwidth = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    maxheight = forms.IntegerField(min_value=1, max_value=10_000, required=False)
