"""A long name wraps after its separators, and stays escaped wherever it breaks."""

import pytest

from shareportal.display import breakable


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("IMG_2041.final.jpg", "IMG_<wbr>2041.<wbr>final.<wbr>jpg"),
        ("a-b+c~d,e", "a-<wbr>b+<wbr>c~<wbr>d,<wbr>e"),
        ("ends with a dot.", "ends with a dot."),
        ("", ""),
        # Escaped in one piece: a break before an escaped character, never inside one.
        ("a.<b>", "a.<wbr>&lt;b&gt;"),
        ("x&.y", "x&amp;.<wbr>y"),
        ("\"'.'\"", "&#34;&#39;.<wbr>&#39;&#34;"),
        ('"><img src=x onerror=alert(1)>_a', "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;_<wbr>a"),
    ],
)
def test_a_name_breaks_after_separators_and_is_escaped(name, shown):
    assert str(breakable(name)) == shown
