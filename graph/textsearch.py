"""The matching and ranking rules of node search, shared by ``graph.services.search`` and the
stores' :meth:`GraphStore.search_text` (which must all answer the same).

A query and a node's id, code and name are compared after Unicode NFKC normalisation and case
folding (:func:`norm`). A node matches when the query is a substring of its code or name, or of its
id when the query holds a colon (:func:`matches`). Ranks (:func:`rank`): 0 exact code, id or name,
1 code prefix, 2 name prefix, 3 any other match; within a rank by id.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Iterable
from operator import add
from typing import TypeVar

T = TypeVar("T")


def norm(text: object) -> str:
    """``text`` (any object, as ``str``) NFKC-normalised and case-folded: what search compares."""
    return unicodedata.normalize("NFKC", str(text)).casefold()


def matches(q: str, nid: str, code: str, name: str) -> bool:
    """Whether normalised query ``q`` matches a node with normalised ``nid``, ``code``, ``name``
    (every node matches an empty query)."""
    if not q:
        return True
    return q in code or q in name or (":" in q and q in nid)


def rank(q: str, nid: str, code: str, name: str) -> int:
    """0 exact code, id or name, 1 code prefix, 2 name prefix, 3 any other match (3 for an empty
    query); all strings normalised."""
    if not q:
        return 3
    if code == q or nid == q or name == q:
        return 0
    if code.startswith(q):
        return 1
    if name.startswith(q):
        return 2
    return 3


def ranked_page(q: str, entries: Iterable[tuple[str, str, str, T]], limit: int | None,
                offset: int = 0) -> tuple[int, list[T]]:
    """``(total, page)`` of the ``(nid, code, name, item)`` entries (normalised text) matching
    ``q``: ``total`` matches, ``page`` the items ranked (rank, then nid) from ``offset``, at most
    ``limit`` of them (all when None)."""
    hits = [(rank(q, nid, code, name), nid, item) for nid, code, name, item in entries
            if matches(q, nid, code, name)]
    if limit is None:
        hits.sort(key=lambda h: (h[0], h[1]))
        top = hits
    else:
        top = heapq.nsmallest(offset + limit, hits, key=lambda h: (h[0], h[1]))
    return len(hits), [h[2] for h in top[offset:]]


def short_grams(*texts: str) -> str:
    """The distinct one- and two-character substrings of ``texts`` (normalised) as FTS tokens
    separated by spaces: ``u<hex>`` for one character, ``b<hex>x<hex>`` for two (letters and
    digits only, so any tokenizer keeps each whole). What the embedded store indexes for queries
    shorter than three characters, below the trigram index's reach."""
    grams: set[str] = set()
    for text in texts:  # characters and pairs in one set: a character is never a pair
        grams.update(text)
        grams.update(map(add, text, text[1:]))
    try:  # distinct characters and pairs give distinct tokens: no set of tokens needed
        tokens = list(map(_GRAMS.__getitem__, grams))
    except KeyError:  # one not made yet (or beyond what is kept): made one by one
        tokens = list(map(_gram, grams))
    tokens.sort()
    return " ".join(tokens)


#: Tokens made so far (character or pair → token): a bulk load indexes the same few thousand
#: characters and pairs again and again. Bounded: beyond _GRAMS_KEPT entries, tokens are made anew.
_GRAMS: dict[str, str] = {}
_GRAMS_KEPT = 200_000
#: The id part of :func:`short_doc` of an id with one colon, by the id up to the character after
#: the colon (all that part depends on: ``task:rw-1`` and ``task:rw-2`` share it). Bounded as _GRAMS.
_ID_GRAMS: dict[str, str] = {}


def _gram(gram: str) -> str:
    """The token of one character or pair (see :func:`short_grams`)."""
    token = _GRAMS.get(gram)
    if token is None:
        token = f"u{ord(gram):x}" if len(gram) == 1 else f"b{ord(gram[0]):x}x{ord(gram[1]):x}"
        if len(_GRAMS) < _GRAMS_KEPT:
            _GRAMS[gram] = token
    return token


def short_doc(nid: str, code: str, name: str) -> str:
    """What the embedded store's short index holds for a node (normalised ``nid``, ``code``,
    ``name``): :func:`short_grams` of code and name, and, prefixed ``i``, the one- and
    two-character substrings of the id that hold a colon (``k:`` and ``:r`` in ``task:rw-1``), which
    only a query with a colon looks for (:func:`short_query`)."""
    i = nid.find(":")
    if i == -1:
        return short_grams(code, name)
    if nid.find(":", i + 1) == -1:  # one colon (nearly every id): its part kept per id head
        head = nid[:i + 2]
        ids = _ID_GRAMS.get(head)
        if ids is None:
            ids = _id_grams(nid, i)
            if len(_ID_GRAMS) < _GRAMS_KEPT:
                _ID_GRAMS[head] = ids
    else:
        ids = _id_grams(nid, i)
    return f"{short_grams(code, name)} {ids}"


def _id_grams(nid: str, i: int) -> str:
    """The id part of :func:`short_doc` of ``nid``, whose first colon is at ``i``."""
    grams: set[str] = set()
    while i != -1:  # found, not a walk over every character: ids hold one colon or two
        if i > 0:
            grams.add(f"i{short_token(nid[i - 1:i + 1])}")
        if i + 1 < len(nid):
            grams.add(f"i{short_token(nid[i:i + 2])}")
        i = nid.find(":", i + 1)
    grams.add(f"i{short_token(':')}")
    grams.add(kind_token(nid.split(":", 1)[0]))
    return " ".join(sorted(grams))


def kind_token(kind: str) -> str:
    """The token :func:`short_doc` writes for the node's kind (``kind`` normalised or not)."""
    return f"k{norm(kind).encode().hex()}"


def short_query(q: str) -> str:
    """The FTS5 query of the short index for a one- or two-character query ``q`` (normalised):
    its token, or with a colon in ``q`` also the id token (see :func:`short_doc`)."""
    token = short_token(q)
    return f'"{token}" OR "i{token}"' if ":" in q else f'"{token}"'


def short_token(q: str) -> str:
    """The token :func:`short_grams` writes for a one- or two-character query ``q``."""
    if len(q) == 1:
        return f"u{ord(q):x}"
    if len(q) == 2:
        return f"b{ord(q[0]):x}x{ord(q[1]):x}"
    raise ValueError(f"short_token takes one or two characters, not {len(q)}")


__all__ = ["matches", "norm", "rank", "ranked_page", "kind_token", "short_doc", "short_grams", "short_query", "short_token"]
