"""Turn what a user typed (``Kind:code`` or a bare code) into a node id."""

from __future__ import annotations

import difflib
import unicodedata

from graph.errors import AmbiguousIdError, NotFoundError
from graph.model import Node
from graph.store import GraphStore
from ontology import get_ontology


def suggest(store: GraphStore, text: str, kind: str | None = None, n: int = 5) -> list[str]:
    """Up to ``n`` existing ids whose code or id is closest to ``text`` (difflib ratio ≥ 0.6),
    closest first; ``text`` may be a bare code or a full id."""
    ids = [node.id for node in store.iter_nodes(kind)]
    by_code = {i.split(":", 1)[1]: i for i in ids}
    close = difflib.get_close_matches(text, list(by_code), n=n, cutoff=0.6)
    close_ids = difflib.get_close_matches(text, ids, n=n, cutoff=0.6)
    out: list[str] = []
    for i in [by_code[c] for c in close] + close_ids:
        if i not in out:
            out.append(i)
    return out[:n]


def _name_key(value: object) -> str:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""


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
