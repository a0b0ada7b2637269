"""``values.bad_char`` (a regular expression since it runs on every cell of a load) finds exactly
the characters of its contract: C0 controls (tab and line breaks allowed with ``breaks``), DEL, C1
controls and lone surrogates — checked against a plain per-character reading, over every code
point and on mixed text."""

from __future__ import annotations

import random

import pytest

from graph.values import bad_char


def _reference(text: str, breaks: bool) -> str | None:
    for ch in text:
        o = ord(ch)
        if (o < 32 and not (breaks and ch in "\t\n\r")) or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF:
            return ch
    return None


@pytest.mark.parametrize("breaks", [True, False])
def test_every_code_point(breaks):
    wrong = [cp for cp in range(0x110000) if bad_char(chr(cp), breaks=breaks) != _reference(chr(cp), breaks)]
    assert wrong == []


@pytest.mark.parametrize("breaks", [True, False])
def test_first_bad_character_of_mixed_text(breaks):
    rng = random.Random(3)
    alphabet = "ab中文 -\t\n\r\x00\x1f\x7f\x85\x9f\xa0\ud800\udfff\u200b"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12)))
        assert bad_char(text, breaks=breaks) == _reference(text, breaks), repr(text)
    assert bad_char("目标\t一\n", breaks=True) is None
    assert bad_char("目标\t一", breaks=False) == "\t"


@pytest.mark.parametrize("code, problem", [
    ("ZK-58", None),
    ("A/owner", "the code ends with '/owner', which the API reads as a route"),
    ("a/NEIGHBORS", "the code ends with '/neighbors', which the API reads as a route"),
    ("x/history", "the code ends with '/history', which the API reads as a route"),
    ("x/review/items", "the code ends with '/items', which the API reads as a route"),
    ("x\u200by", "the code holds a zero-width character"),
    ("\ufeffx", "the code holds a zero-width character"),
    ("x\ty", "the code holds the control character U+0009"),
    (" x", "the code starts or ends with blanks"),
    ("", "the code is empty"),
])
def test_code_problem(code, problem):
    from graph.values import code_problem

    assert code_problem(code) == problem
