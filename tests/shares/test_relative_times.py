"""How far a time is, as the share pages say it: rounded as people count, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from shareportal.display import relative_time

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _said(delta: timedelta, language: str = "en") -> str:
    with translation.override(language):
        return relative_time(NOW + delta, now=NOW)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=7), "in 7 days"),
        # A share made to expire in 7 days, opened a moment later, still reads "in 7 days".
        (timedelta(days=7) - timedelta(seconds=5), "in 7 days"),
        (timedelta(days=6, hours=12), "in 7 days"),
        (timedelta(days=6, hours=11, minutes=59), "in 6 days"),
        (timedelta(days=1), "in 1 day"),
        (timedelta(hours=23, minutes=40), "in 1 day"),
        (timedelta(hours=23, minutes=20), "in 23 hours"),
        (timedelta(minutes=59, seconds=40), "in 1 hour"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=89), "in 1 minute"),
        (timedelta(seconds=90), "in 2 minutes"),
        (timedelta(seconds=30), "in a moment"),
        (timedelta(days=30), "in 30 days"),
        (timedelta(days=31), "in 1 month"),
        (timedelta(days=45), "in 1 month"),
        (timedelta(days=46), "in 2 months"),
        (timedelta(days=350), "in 11 months"),
        (timedelta(days=360), "in 1 year"),
        (timedelta(days=365 * 3), "in 3 years"),
    ],
)
def test_a_time_ahead_is_rounded_to_the_nearest_unit(delta, words):
    assert _said(delta) == words


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (-timedelta(seconds=20), "just now"),
        (-timedelta(minutes=5), "5 minutes ago"),
        (-timedelta(hours=1), "1 hour ago"),
        (-timedelta(days=2, hours=13), "3 days ago"),
        (-timedelta(days=400), "1 year ago"),
    ],
)
def test_a_time_past_is_rounded_too(delta, words):
    assert _said(delta) == words


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(days=7) - timedelta(seconds=5), "7 天后"),
        (timedelta(days=1), "1 天后"),
        (timedelta(hours=3), "3 小时后"),
        (timedelta(minutes=15), "15 分钟后"),
        (timedelta(days=62), "2 个月后"),
        (timedelta(days=800), "2 年后"),
        (timedelta(seconds=10), "稍后"),
        (-timedelta(seconds=10), "刚刚"),
        (-timedelta(days=3), "3 天前"),
        (-timedelta(hours=2), "2 小时前"),
    ],
)
def test_chinese_says_it_with_its_one_plural_form(delta, words):
    assert _said(delta, "zh-hans") == words


def test_no_time_says_nothing():
    assert relative_time(None) == ""
