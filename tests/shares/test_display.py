"""Listing dates and sizes read exactly as Django's `|date` and `|filesizeformat` write them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from shareportal.shares.display import RowFormats

# Every format character of Django's date syntax, escapes and literals among them.
EVERY_CHARACTER = (
    r"a A b c d D e E f F g G h H i I j l L m M n N o O P r s S t T u U w W y Y z Z \d\a\y"
)
MOMENTS = [
    datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),  # midnight
    datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC),  # noon
    datetime(2026, 3, 29, 1, 30, 5, 123456, tzinfo=UTC),  # around a DST change in Europe
    datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime(2024, 2, 29, 9, 5, 0, tzinfo=UTC),
] + [
    datetime(2025, month, 7 + month, (5 * month) % 24, (7 * month) % 60, tzinfo=UTC)
    for month in range(1, 13)
]
SIZES = [0, 1, 1023, 1024, 1025, 1536, 10**6, 1024**2 - 1, 1024**2, 7 * 1024**2 + 123]
SIZES += [1024**3 * 5 + 7, 1024**4 * 3, 1024**5 - 1, 1024**5, 1024**6 * 9]


def rendered(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", ["en", "de", "fr", "ja", "ar"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"])
def test_dates_read_as_the_date_filter_writes_them(settings, language, zone):
    settings.TIME_ZONE = zone
    with translation.override(language), timezone.override(zone):
        formats = RowFormats()
        for moment in MOMENTS:
            local = formats.local(moment)
            for name in (
                "DATE_FORMAT",
                "SHORT_DATETIME_FORMAT",
                "DATETIME_FORMAT",
                EVERY_CHARACTER,
            ):
                assert formats.date(local, name) == rendered(
                    "{{ when|date:name }}", when=moment, name=name
                ), (name, moment)
            assert local.isoformat() == rendered("{{ when|date:'c' }}", when=moment)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_sizes_read_as_filesizeformat_writes_them(language):
    with translation.override(language):
        formats = RowFormats()
        for size in SIZES:
            assert formats.size(size) == rendered("{{ size|filesizeformat }}", size=size), size


def test_sizes_with_thousands_separators_are_still_right(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("en"):
        size = 1000 * 1024 + 512  # "1,000.5 KB"
        assert RowFormats().size(size) == rendered("{{ size|filesizeformat }}", size=size)


def test_a_time_near_the_end_of_the_calendar_is_shown_in_the_local_zone():
    late = datetime(9999, 12, 31, 12, 0, tzinfo=UTC) - timedelta(hours=1)
    with timezone.override("Asia/Tokyo"):
        formats = RowFormats()
        assert formats.date(formats.local(late), "SHORT_DATETIME_FORMAT") == rendered(
            "{{ when|date:'SHORT_DATETIME_FORMAT' }}", when=late
        )
