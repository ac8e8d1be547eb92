"""Forms of the dashboard. They refuse what PDS would refuse before PDS is asked.

The limits they check are those of docs/pds-api.md#limits.
"""

import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.conf import settings
from django.forms.fields import BaseTemporalField
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shareportal.origins import origin_parse
from shareportal.pds.errors import InvalidParameter, PdsError
from shareportal.pds.ids import MARKER_MAX_LENGTH, SHARE_PASSWORD_MAX_LENGTH, is_file_id
from shareportal.pds.types import FileItem, ShareLink

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# PDS's own limits (docs/pds-api.md#limits).
MAX_FILES = 100
MAX_NAME = 128
MAX_DESCRIPTION = 1024
# Limits are int64 in PDS; a billion is more than any share will ever be opened.
MAX_LIMIT = 1_000_000_000
# Expirations are refused from this year on: with a time zone applied, they pass datetime.max.
LAST_YEAR = 9999
VISIBLE_ASCII = re.compile(r"[\x21-\x7e]*")
USER_ID = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
# No look-alike characters (0/O, 1/l/I): owners read generated passwords out to people.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
PASSWORD_LENGTH = 12

KEEP = "keep"
NEVER = "never"
CUSTOM = "custom"
EXPIRY_PRESETS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
EXPIRY_CHOICES = [
    ("1d", _("In 1 day")),
    ("7d", _("In 7 days")),
    ("30d", _("In 30 days")),
    (NEVER, _("Never")),
    (CUSTOM, _("On a date and time…")),
]


def generated_password() -> str:
    """A random share password that is easy to read out."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time; the form puts it in the time zone the owner chose.

    Django's own field would read it in the server's zone, which is rarely the owner's.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        return BaseTemporalField.to_python(self, value)

    def strptime(self, value: str, format: str) -> datetime:
        return datetime.strptime(value, format)


def _limit_field(label: "StrOrPromise") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_LIMIT,
        help_text=_("0 or empty: no limit."),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
    )


class ShareSettingsForm(forms.Form):
    """What an owner may set on a share, when creating it and later."""

    share_name = forms.CharField(label=_("Name"), max_length=MAX_NAME, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The share password is shown to its owner on purpose (they pass it on), so it is a text
    # field that keeps its value when the form comes back with an error.
    share_pwd = forms.CharField(
        label=_("Password"),
        max_length=SHARE_PASSWORD_MAX_LENGTH,
        required=False,
        strip=False,
        help_text=_("Optional. Up to 64 letters, digits and symbols, no spaces."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )
    expiry = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, initial="7d")
    expires_on = LocalDateTimeField(label=_("Date and time"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    disable_preview = forms.BooleanField(label=_("Turn off previews"), required=False)
    disable_download = forms.BooleanField(label=_("Turn off downloads"), required=False)
    disable_save = forms.BooleanField(label=_("Turn off saving to a drive"), required=False)
    preview_limit = _limit_field(_("Most previews"))
    download_limit = _limit_field(_("Most downloads"))
    save_limit = _limit_field(_("Most saves"))
    save_download_limit = _limit_field(_("Most saves and downloads together"))
    require_login = forms.BooleanField(
        label=_("Only people signed in to the drive may open it"), required=False
    )
    creatable = forms.BooleanField(label=_("Let visitors upload files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Set when the drive was down, slow or busy as the form was sent.
        self.pds_trouble: PdsError | None = None
        self.fields["time_zone"].initial = settings.TIME_ZONE
        for form_field in self.fields.values():
            # Django has Field.template_name since 5.0; django-stubs 6.1.2 does not declare it.
            form_field.template_name = "dashboard/field.html"  # type: ignore[attr-defined]

    @classmethod
    def redisplayed(cls, data: QueryDict, *, new_password: bool = False, **kwargs: Any) -> Self:
        """The form with what the owner typed, as initial values, so without error messages.

        For posts that browse the picker or ask for a password rather than save the share.
        """
        initial: dict[str, Any] = {}
        for name, form_field in cls.base_fields.items():
            if isinstance(form_field.widget, forms.CheckboxInput):
                initial[name] = name in data
            elif name in data:
                initial[name] = data.get(name)
        if new_password:
            initial["share_pwd"] = generated_password()
        return cls(initial=initial, **kwargs)

    def clean_share_pwd(self) -> str:
        password = self.cleaned_data["share_pwd"]
        if not VISIBLE_ASCII.fullmatch(password):
            raise forms.ValidationError(
                _("Use only letters, digits and symbols from a basic keyboard, with no spaces.")
            )
        return password

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        expiry = cleaned.get("expiry")
        if expiry in EXPIRY_PRESETS:
            cleaned["expiration"] = timezone.now() + EXPIRY_PRESETS[expiry]
        elif expiry == NEVER:
            cleaned["expiration"] = None
        elif expiry == CUSTOM:
            self._clean_custom_expiration(cleaned)
        return cleaned

    def _clean_custom_expiration(self, cleaned: dict[str, Any]) -> None:
        when, zone = cleaned.get("expires_on"), cleaned.get("time_zone")
        if when is None:
            if "expires_on" not in self.errors:
                self.add_error("expires_on", _("Choose the date and time the share ends."))
            return
        if zone is None:
            return
        if when.year >= LAST_YEAR:
            # Later times do not fit a date once moved to UTC or another zone (OverflowError).
            self.add_error("expires_on", _("Choose a date before the year 9999."))
            return
        aware = when.replace(tzinfo=ZoneInfo(zone))
        if aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None) != when:
            # Python reads a time skipped by the clocks (a DST gap) as an hour off; say so.
            self.add_error(
                "expires_on",
                _(
                    "There is no %(time)s on %(date)s in %(zone)s: the clocks skip it. "
                    "Choose another time."
                )
                % {"time": when.strftime("%H:%M"), "date": when.strftime("%Y-%m-%d"), "zone": zone},
            )
            return
        if aware <= timezone.now():
            self.add_error("expires_on", _("Choose a time in the future."))
            return
        cleaned["expiration"] = aware

    def pds_fields(self) -> dict[str, Any]:
        """The cleaned values as the keyword arguments of the client's create/update."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "description": data["description"],
            "share_pwd": data["share_pwd"],
            "disable_preview": data["disable_preview"],
            "disable_download": data["disable_download"],
            "disable_save": data["disable_save"],
            "require_login": data["require_login"],
            "enable_upload": data["creatable"],
        }
        if data["share_name"]:
            fields["share_name"] = data["share_name"]
        for name in ("preview_limit", "download_limit", "save_limit", "save_download_limit"):
            fields[name] = data[name] or 0
        if "expiration" in data:
            fields["expiration"] = data["expiration"]
        return fields

    def add_pds_trouble(self, exc: PdsError, *, words: str) -> None:
        """Say above the form that the drive could not be asked; what was typed stays."""
        self.pds_trouble = exc
        self.add_error(None, words)

    def add_pds_refusal(self, exc: InvalidParameter) -> None:
        """Show PDS's refusal of a field next to that field (or above the form)."""
        name = PDS_FIELDS.get(exc.field, exc.field)
        if name == "expires_on" and self.cleaned_data.get("expiry") != CUSTOM:
            name = "expiry"
        message = _("The drive refused this: %(reason)s") % {"reason": refusal_reason(exc)}
        self.add_error(name if name in self.fields else None, message)


# What PDS's refusals of a field mean, in the owner's language: PDS words its messages in
# English (the embedded drive and a real domain alike).
REFUSAL_REASONS = {
    "InvalidParameterMissing": _("a value is needed"),
    "InvalidParameterOutOfRange": _("the value is outside what the drive accepts"),
}


def refusal_reason(exc: InvalidParameter) -> str:
    """Why PDS refused a field: our own words for its code, else its message if in English."""
    if known := REFUSAL_REASONS.get(exc.code):
        return str(known)
    if exc.message and (translation.get_language() or "en").startswith("en"):
        return exc.message
    return str(_("the value is not accepted"))


# PDS's field names that the form spells differently.
PDS_FIELDS = {
    "expiration": "expires_on",
    "file_id_list": "pick",
    "drive_id": "pick",
    "enable_upload": "creatable",
}


class ShareFileIdsField(forms.Field):
    """The ids of the files and folders picked, in the order they were picked."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        ids = list(dict.fromkeys(value or []))
        if any(not is_file_id(i) for i in ids):
            raise forms.ValidationError(_("Something picked is not a file of your drive."))
        return ids

    def validate(self, value: list[str]) -> None:
        if not value:
            raise forms.ValidationError(_("Choose at least one file or folder to share."))
        if len(value) > MAX_FILES:
            raise forms.ValidationError(
                _("Choose at most %(max)d files and folders (you chose %(count)d).")
                % {"max": MAX_FILES, "count": len(value)}
            )


class ShareCreateForm(ShareSettingsForm):
    """A new share: the settings, the files and how it is handed over."""

    share_policy = forms.ChoiceField(
        label=_("Share by"),
        choices=[
            ("url", _("Link: anyone with the link can open it")),
            ("msg", _("Share code: visitors type a code on this site instead of opening a link")),
        ],
        initial="url",
        widget=forms.RadioSelect,
    )
    pick = ShareFileIdsField(required=False)

    field_order = ["share_name", "description", "share_pwd", "expiry"]

    def pds_fields(self) -> dict[str, Any]:
        fields = super().pds_fields()
        fields["file_id_list"] = self.cleaned_data["pick"]
        fields["share_policy"] = self.cleaned_data["share_policy"]
        return fields


class ShareEditForm(ShareSettingsForm):
    """Changes to a share; its expiration stays unless the owner picks another."""

    share_name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    expiry = forms.ChoiceField(
        label=_("Expires"),
        choices=[(KEEP, _("Keep as it is")), *EXPIRY_CHOICES],
        initial=KEEP,
    )


def edit_initial(share: ShareLink, *, time_zone: str) -> dict[str, Any]:
    """The edit form's values for a share, its expiration shown in the owner's zone."""
    expires_on = None
    if share.expiration is not None and share.expiration.year < LAST_YEAR:
        # (Shares made elsewhere may end in the year 9999, which no zone east of UTC can show.)
        expires_on = share.expiration.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
    return {
        "share_name": share.share_name,
        "description": share.description,
        "share_pwd": share.share_pwd,
        "expiry": KEEP,
        "expires_on": expires_on,
        "time_zone": time_zone,
        "disable_preview": share.disable_preview,
        "disable_download": share.disable_download,
        "disable_save": share.disable_save,
        "preview_limit": share.preview_limit,
        "download_limit": share.download_limit,
        "save_limit": share.save_limit,
        "save_download_limit": share.save_download_limit,
        "require_login": share.require_login,
        "creatable": share.enable_upload,
    }


class ShareFilterForm(forms.Form):
    """The filters above the list of shares."""

    q = forms.CharField(label=_("Name contains"), max_length=MAX_NAME, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("enabled", _("Enabled")), ("disabled", _("Disabled"))],
    )
    creator = forms.CharField(
        label=_("Creator (user id)"),
        max_length=64,
        required=False,
        help_text=_("Administrators: list another user's shares."),
    )
    marker = forms.CharField(max_length=MARKER_MAX_LENGTH, required=False, widget=forms.HiddenInput)

    def clean_creator(self) -> str:
        creator = self.cleaned_data["creator"].strip()
        if creator and not USER_ID.fullmatch(creator):
            raise forms.ValidationError(_("A user id has only letters, digits and . _ @ -"))
        return creator


class ShareStatusForm(forms.Form):
    """Disable or re-enable a share."""

    status = forms.ChoiceField(choices=[("enabled", _("Enabled")), ("disabled", _("Disabled"))])


@dataclass
class Picker:
    """The file picker's state, carried in the create form's hidden fields between folders.

    `picks` maps the ids picked to their names; `trail` is the folders from the top of the
    drive down to the one shown.
    """

    picks: dict[str, str] = field(default_factory=dict)
    trail: list[tuple[str, str]] = field(default_factory=list)
    marker: str = ""

    @property
    def folder_id(self) -> str:
        return self.trail[-1][0] if self.trail else "root"

    @classmethod
    def from_post(cls, data: QueryDict) -> "Picker":
        labels = dict(_id_and_name(v) for v in data.getlist("label"))
        picks = {i: labels.get(i, i) for i in data.getlist("pick") if is_file_id(i)}
        trail = [_id_and_name(v) for v in data.getlist("trail")]
        trail = [(i, name) for i, name in trail if is_file_id(i)]
        # "more" is the button to the folder's next page; "marker" keeps the page shown.
        marker = data.get("more") or data.get("marker", "")
        picker = cls(picks=picks, trail=trail, marker=marker[:MARKER_MAX_LENGTH])
        target = data.get("browse", "")
        if target:
            picker.browse(target, name=labels.get(target, target))
        return picker

    def picked_outside(self, items: list[FileItem]) -> list[tuple[str, str]]:
        """The picks that are not among `items` (the folder shown), as (id, name)."""
        shown = {item.file_id for item in items}
        return [(i, name) for i, name in self.picks.items() if i not in shown]

    def browse(self, folder_id: str, *, name: str) -> None:
        """Go to the top, back up to a folder of the trail, or into a folder."""
        self.marker = ""
        ids = [i for i, _name in self.trail]
        if folder_id == "root":
            self.trail = []
        elif folder_id in ids:
            self.trail = self.trail[: ids.index(folder_id) + 1]
        elif is_file_id(folder_id):
            self.trail.append((folder_id, name))


def _id_and_name(value: str) -> tuple[str, str]:
    file_id, _slash, name = value.partition("/")
    return file_id, name


MAX_EMBED_SITES = 20


class EmbedSitesForm(forms.Form):
    """The sites that may embed a share: https origins, one a line, each allowed by the portal."""

    origins = forms.CharField(
        label=_("Sites that may embed this share"),
        help_text=_("One address a line, like https://example.com. Leave empty to allow none."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )

    def clean_origins(self) -> list[str]:
        found: list[str] = []
        problems: list[StrOrPromise] = []
        for line in self.cleaned_data["origins"].splitlines():
            if not line.strip():
                continue
            try:
                origin = origin_parse(line)
            except ValueError as exc:
                problems.append(exc.args[0])
                continue
            if origin not in settings.EMBED_ALLOWED_ORIGINS:
                problems.append(
                    format_lazy(
                        _("{}: this portal does not allow that site; ask its administrator."),
                        origin,
                    )
                )
            elif origin not in found:
                found.append(origin)
        if len(found) > MAX_EMBED_SITES:
            problems.append(_("At most 20 sites may embed one share."))
        if problems:
            raise forms.ValidationError(problems)
        return found
