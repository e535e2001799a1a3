"""Member-written text made inert in the core's Markdown subset, and back."""

from __future__ import annotations

import pytest

from bot.envelope import escape, unescape


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words", "plain words"),
        ("a*b_c~d|e", "a\\*b\\_c\\~d\\|e"),
        ("`code` [link](url) <@id> \\", "\\`code\\` \\[link\\]\\(url\\) \\<\\@id\\> \\\\"),
        ("# heading", "\\# heading"),
        ("  - item", "  \\- item"),
        ("> quote", "\\> quote"),
        ("first\n#second\n - third\n>fourth", "first\n\\#second\n \\- third\n\\>fourth"),
        ("mid-word # and - stay", "mid-word # and - stay"),
    ],
)
def test_escape_makes_markup_literal(text: str, escaped: str) -> None:
    assert escape(text) == escaped


@pytest.mark.parametrize("text", ["a*b", "# h\n- i\n> q", "\\`*_~|[]()<>@", "x - y # z"])
def test_unescape_gives_back_what_the_member_wrote(text: str) -> None:
    assert unescape(escape(text)) == text
