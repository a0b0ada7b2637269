"""Turn what a user typed (``Kind:code`` or a bare code) into a node id."""

from __future__ import annotations

import unicodedata

from graph.errors import AmbiguousIdError, NotFoundError
from graph.model import Node
from graph.store import GraphStore
from ontology import get_ontology


def suggest(store: GraphStore, text: str, kind: str | None = None, n: int = 5) -> list[str]:
    """Up to ``n`` existing ids whose code or id is closest to ``text`` (similarity ≥ 0.6; closest
    first, ties in id order, so both stores answer alike); ``text`` may be a bare code or a full
    id. The similarity is rapidfuzz's normalised Indel ratio, ``2·matches / (len(a) + len(b))``
    like difflib's ratio, computed in C++: a probe over 50,000 ids costs milliseconds for the
    matching, where two difflib passes took about a second."""
    from rapidfuzz import fuzz, process  # imported here: only a miss needs it, not every command

    ids = sorted(node.id for node in store.iter_nodes(kind))
    codes = [i.split(":", 1)[1] for i in ids]
    out: list[str] = []
    for choices in (codes, ids):  # codes first: a bare code is what users type most
        for _, _, index in process.extract(text, choices, scorer=fuzz.ratio, limit=n, score_cutoff=60):
            if ids[index] not in out:
                out.append(ids[index])
    return out[:n]


def _name_key(value: object) -> str:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""


def find_node(store: GraphStore, ref: str) -> Node | None:
    """The node ``ref`` names when one index lookup finds it: ``Kind:code`` of an existing node, or
    a bare code exactly one node has; None otherwise (no such node, a code several nodes share, a
    name). What :func:`resolve_node` answers first, without its slow cases — a name looked for
    among all nodes, the closest ids of a miss — so that a caller that must answer at once (the
    API's event loop) leaves the rest to :func:`resolve_node`. Raises only the store's errors."""
    ref = ref.strip()
    kind, sep, _ = ref.partition(":")
    if sep and kind in get_ontology().kinds:
        return store.get_node(ref)
    matches = store.find_by_code(ref)
    return matches[0] if len(matches) == 1 else None


def resolve_node(store: GraphStore, ref: str) -> Node:
    """The node named by ``ref``: ``Kind:code``; else a bare code when exactly one node has it;
    else an exact name (after Unicode NFKC normalisation and trimming) when exactly one node has it.
    The CLI's arguments, the API's paths and the UI all resolve through here.

    Raises NotFoundError (with the closest ids as ``suggestions``) when nothing matches, and
    AmbiguousIdError (listing the candidate ids) when a bare code names nodes of several kinds or a
    name is shared by several nodes.
    """
    ref = ref.strip()
    kind, sep, code = ref.partition(":")
    if sep and kind in get_ontology().kinds:
        node = store.get_node(ref)
        if node is None:
            hints = suggest(store, ref, kind)
            raise NotFoundError(f"no node {ref}" + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)
        return node
    matches = store.find_by_code(ref)
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = [m.id for m in matches]
        raise AmbiguousIdError(f"code {ref!r} names several nodes; use one of: {', '.join(ids)}", ids)
    wanted = _name_key(ref)
    named = [n for n in store.iter_nodes() if _name_key(n.props.get("name")) == wanted] if wanted else []
    if len(named) == 1:
        return named[0]
    if named:
        ids = [n.id for n in named]
        raise AmbiguousIdError(f"several nodes are named {ref!r}; use one of: {', '.join(ids)}", ids)
    hints = suggest(store, ref)
    raise NotFoundError(f"no node with code {ref!r}" + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)
