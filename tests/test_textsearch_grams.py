"""The short index's tokens (``graph.textsearch.short_grams`` / ``short_doc``, made from
distinct characters and pairs with cached tokens) against the plain definition, on random texts,
with the token caches (tokens, id parts) warm, cold and full."""

from __future__ import annotations

import random

import pytest

from graph import textsearch
from graph.textsearch import kind_token, norm, short_doc, short_grams, short_token

_ALPHABET = "ab:-0123456789 中文学生：é\u00df😀\x00"


def _plain_grams(*texts: str) -> str:
    grams = set()
    for text in texts:
        grams.update(short_token(ch) for ch in text)
        grams.update(short_token(text[i:i + 2]) for i in range(len(text) - 1))
    return " ".join(sorted(grams))


def _plain_doc(nid: str, code: str, name: str) -> str:
    grams = {f"i{short_token(nid[max(0, i - 1):i + 1])}" for i, ch in enumerate(nid) if ch == ":" and i > 0}
    grams |= {f"i{short_token(nid[i:i + 2])}" for i, ch in enumerate(nid) if ch == ":" and i + 1 < len(nid)}
    if ":" in nid:
        grams.add(f"i{short_token(':')}")
        grams.add(kind_token(nid.split(":", 1)[0]))
    text = _plain_grams(code, name)
    return f"{text} {' '.join(sorted(grams))}" if grams else text


def _text(rng: random.Random) -> str:
    return norm("".join(rng.choice(_ALPHABET) for _ in range(rng.randrange(12))))


@pytest.mark.parametrize("kept", [200_000, 5, 0])
def test_short_tokens_are_the_plain_ones(monkeypatch, kept):
    monkeypatch.setattr(textsearch, "_GRAMS", {})
    monkeypatch.setattr(textsearch, "_ID_GRAMS", {})
    monkeypatch.setattr(textsearch, "_GRAMS_KEPT", kept)
    rng = random.Random(kept)
    for _ in range(3000):
        nid, code, name = _text(rng), _text(rng), _text(rng)
        if rng.random() < 0.5:  # ids of one colon sharing their heads (the id part is kept per head)
            nid = f"{rng.choice(['task', 'target', 'a', ''])}:{_text(rng).replace(':', '')}"
        assert short_grams(code, name) == _plain_grams(code, name)
        assert short_grams(name) == _plain_grams(name)
        assert short_doc(nid, code, name) == _plain_doc(nid, code, name)
