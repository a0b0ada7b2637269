"""Who owns a node — person, post and unit — and why (provenance).

Rule: a node's explicit owners are its ``led_by`` unit and its ``assigned_to`` person / post /
unit. Missing parts are completed from what is known: a post's holder is the person, a person's
post is the post, a post's or person's org unit is the unit. A node with no explicit owner
inherits the owner of its nearest parent (for an indicator: what it measures; for a task: the
target it implements or its parent task; …; see ``chains.PARENT_STEPS``), and the answer names
that node in ``inherited_from``. ``chain`` lists every edge walked, in order, as
``{"from", "edge", "to"}`` (``edge`` prefixed with ``^`` when walked against its direction).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from collections.abc import Callable, Iterable, Sequence

from graph.model import Node
from graph.services.chains import PARENT_STEPS, RESPONSIBLE_KINDS, inheritance_parents
from graph.store import GraphStore, adjacency
from graph.subgraph import Step, Subgraph


def ref(node: Node | None) -> dict[str, str] | None:
    """``{"id", "name"}`` of a node, or None: the shape every owner part uses in JSON."""
    return {"id": node.id, "name": node.name} if node is not None else None


@dataclass
class OwnerAnswer:
    """Owner of ``node``; each of ``person``, ``post``, ``unit`` is a Node or None."""

    node: str
    person: Node | None = None
    post: Node | None = None
    unit: Node | None = None
    inherited_from: str | None = None
    chain: list[dict[str, str]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return any((self.person, self.post, self.unit))

    def owner_dict(self) -> dict[str, Any]:
        """``{"person", "post", "unit"}``, each ``{"id", "name"}`` or None."""
        return {"person": ref(self.person), "post": ref(self.post), "unit": ref(self.unit)}

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``{"node", "owner": {"person", "post", "unit"}, "inherited_from", "chain"}``."""
        return {"node": self.node, "owner": self.owner_dict(), "inherited_from": self.inherited_from, "chain": self.chain}


def _step(a: str, edge: str, b: str) -> dict[str, str]:
    return {"from": a, "edge": edge, "to": b}


def explicit_owner(store: GraphStore | Subgraph, node: Node) -> OwnerAnswer:
    """The owner stated on ``node`` itself (plus completion through posts and people); ``found``
    is False when the node names no owner at all."""
    return stated_owner(node, lambda node_id, edge_type, direction: [
        other for _, other in store.neighbors(node_id, (edge_type,), direction)])


def stated_owner(node: Node, others: Callable[[str, str, str], Sequence[Node]],
                 first: Callable[[str, str, str], Node | None] | None = None) -> OwnerAnswer:
    """:func:`explicit_owner` of ``node`` with its neighbours given by ``others(node id, edge
    type, "out" | "in")``: the nodes at the other end of those edges, in ``neighbors`` order (the
    first one counts). ``first`` (same arguments): the first of them or None, where the reader
    has it cheaper than the list (:class:`IndexOwnerMemo`); by default ``others(...)[0]``.
    KeyError when ``assigned_to`` reaches a node that is no person, post or org unit."""
    if first is None:
        def first(node_id: str, edge_type: str, direction: str) -> Node | None:
            found = others(node_id, edge_type, direction)
            return found[0] if found else None

    nid = node.id
    ans = OwnerAnswer(nid)
    chain = ans.chain
    kind = node.kind
    unit = person = post = None
    if kind == "OrgUnit":
        unit = node
    elif kind == "Person":
        person = node
    elif kind == "Post":
        post = node
    if unit is None:
        unit = first(nid, "led_by", "out")
        if unit is not None:
            chain.append(_step(nid, "led_by", unit.id))
    for other in others(nid, "assigned_to", "out"):
        slot = _SLOTS[other.kind]  # the first of each kind counts
        if slot == "person":
            if person is not None:
                continue
            person = other
        elif slot == "post":
            if post is not None:
                continue
            post = other
        elif unit is not None:
            continue
        else:
            unit = other
        chain.append(_step(nid, "assigned_to", other.id))
    if person is None and post is None and unit is None:
        return ans
    # Complete the triple: post → holder, person → post, post/person → unit.
    if person is None and post is not None:
        person = first(post.id, "holds", "in")
        if person is not None:
            chain.append(_step(post.id, "^holds", person.id))
    if post is None and person is not None:
        post = first(person.id, "holds", "out")
        if post is not None:
            chain.append(_step(person.id, "holds", post.id))
    if unit is None:
        for holder in (post, person):
            if holder is None:
                continue
            unit = first(holder.id, "part_of", "out")
            if unit is not None:
                chain.append(_step(holder.id, "part_of", unit.id))
                break
    ans.person, ans.post, ans.unit = person, post, unit
    return ans


#: The answer's slot for each kind an ``assigned_to`` edge may reach (another kind: KeyError).
_SLOTS = {"Person": "person", "Post": "post", "OrgUnit": "unit"}


#: Steps that reach everything an owner answer may read around a node: its lead unit and
#: responsible unit / post / person, a post's holders, a holder's posts, and their org units.
OWNER_STEPS: tuple[Step, ...] = (("led_by", "out"), ("assigned_to", "out"), ("holds", "both"),
                                 ("part_of", "out"))
#: How far OWNER_STEPS reach: node → post → holder → holder's unit.
OWNER_REACH = 3
#: What :func:`stated_owner` reads, in two parts: the owner edges a node states itself …
STATED_STEPS: tuple[Step, ...] = (("led_by", "out"), ("assigned_to", "out"))
#: … and, around each post or person named (or asked about), its holders or posts and their units
#: (two levels: post → holder → holder's unit).
COMPLETING_STEPS: tuple[Step, ...] = (("holds", "both"), ("part_of", "out"))


#: Kinds whose owner is usually inherited (an indicator's from what it measures, a measurement's
#: from its indicator): the owner of ONE such node is read by :func:`ownership_view` (two store
#: calls), any other node's by :func:`owners_view` — one call when it names its owner (a task
#: assigned to a person: ~0.3 ms instead of ~2 ms on the 20,000-student college, which read every
#: ancestor up to the plan and the owner edges around each), three when it does not. The answer is
#: the same either way; only the reads differ.
INHERITING_KINDS = frozenset({"Indicator", "Measurement"})


def ownership_view(store: GraphStore, ids: Iterable[str], max_hops: int = 50) -> Subgraph:
    """Everything the owner answers of ``ids`` depend on, in two store calls: the inheritance
    ancestors (``chains.PARENT_STEPS``, at most ``max_hops`` levels) and, around each of them, the
    owner edges (:data:`OWNER_STEPS`)."""
    up = store.traverse(ids, PARENT_STEPS, max_hops)
    return up.merge(store.traverse(list(up.nodes), OWNER_STEPS, OWNER_REACH))


def owners_view(store: GraphStore, nodes: list[Node], max_hops: int = 50) -> Subgraph:
    """A view on which the owner answers of ``nodes`` are those of :func:`ownership_view`, read
    in two to five store calls whatever the number of nodes but reading less when many nodes
    name their own owner (a trace's tasks): first what each node states (:func:`stated_view`);
    then, only for the nodes that name no owner, their inheritance ancestors
    (``chains.PARENT_STEPS``, at most ``max_hops`` levels) and what those ancestors not yet read
    state. A node that names an owner never looks at its parents, and whatever else the view
    holds reads the same for every node that is asked about (each such node's owner edges and
    parents are all read), so every answer is the same."""
    return _owners_view(store, nodes, max_hops)[0]


def stated_view(store: GraphStore, ids: list[str]) -> Subgraph:
    """Everything :func:`stated_owner` reads of the nodes ``ids``, in one or two store calls: the
    edges each states (:data:`STATED_STEPS`), then around every post and person among them or
    named by them the edges completing it (:data:`COMPLETING_STEPS`, two levels). Less than the
    :data:`OWNER_STEPS` around every node: at ~4,000 nodes of a trace, half the index probes."""
    view = store.traverse(ids, STATED_STEPS, 1)
    holders = [i for i, n in view.nodes.items() if n.kind in RESPONSIBLE_KINDS]
    if holders:
        view.merge(store.traverse(holders, COMPLETING_STEPS, 2))
    return view


def _index_memo(view: Subgraph, max_hops: int) -> IndexOwnerMemo:
    """An :class:`IndexOwnerMemo` on the nodes and edges ``view`` holds: the answers of an
    :class:`OwnerMemo` on ``view`` (its ``neighbors`` order: per edge type, by the other node's
    id; edges to nodes not held left out), without a list of Edge objects per question."""
    out, inc, _ = adjacency(((e.source, e.type, e.target, None) for e in view.edges()), None, view.nodes)
    return IndexOwnerMemo(view.nodes, out, inc, max_hops)


def _owners_view(store: GraphStore, nodes: list[Node], max_hops: int
                 ) -> tuple[Subgraph, dict[str, OwnerAnswer], IndexOwnerMemo | None]:
    """:func:`owners_view`, the explicit owners it found on the way (``{id: answer}``, the nodes
    that name an owner; the same answers on the whole view, so a memo may start from them), and
    for several nodes an :class:`IndexOwnerMemo` on the whole view (None for one node)."""
    one = len(nodes) == 1

    def stated(ids: list[str]) -> Subgraph:
        # One node (the owner route's question): every owner edge around it in one traversal, the
        # fewest statements. Many (a trace's thousands): what each states, then the completion of
        # the posts and people named — half the index probes.
        return store.traverse(ids, OWNER_STEPS, OWNER_REACH) if one else stated_view(store, ids)

    ids = [n.id for n in nodes]
    view = stated(ids)
    memo = None if one else _index_memo(view, max_hops)
    explicit: dict[str, OwnerAnswer] = {}
    heirs = []
    for n in nodes:
        if n.id in view.nodes:
            own = explicit_owner(view, n) if memo is None else memo._explicit_of(n)
            if own.found:
                explicit[n.id] = own
            else:
                heirs.append(n.id)
    if heirs:
        up = store.traverse(heirs, PARENT_STEPS, max_hops)
        asked = set(ids)
        rest = [i for i in up.nodes if i not in asked]  # what these state is not read yet
        view.merge(up)
        if rest:
            view.merge(stated(rest))
        if memo is not None:
            memo = _index_memo(view, max_hops)
    return view, explicit, memo


def owners_of(reader: GraphStore | Subgraph, nodes: Iterable[Node], max_hops: int = 50,
              kept: KeptOwners | None = None) -> dict[str, OwnerAnswer]:
    """The owner of each node (as :func:`owner_of`), by node id. From a store it reads
    :func:`owners_view` (one to five traversals, whatever the number of nodes), or for one node
    of :data:`INHERITING_KINDS` :func:`ownership_view` (two); a :class:`Subgraph` that already
    holds the graph around the nodes is used as it is. The ancestors the nodes share are resolved once
    (:class:`OwnerMemo`). With ``kept`` (answers kept from earlier calls on the same state of the
    store), only the nodes it does not hold are computed, and their answers are kept in it; every
    answer returned is the caller's to change."""
    nodes = list(nodes)
    if kept is not None:
        answers = kept.answers(nodes, max_hops)
        missing = [n for n in nodes if n.id not in answers]
        if missing:
            fresh = owners_of(reader, missing, max_hops)
            kept.keep(fresh.values(), max_hops)
            answers.update(fresh)
        return {n.id: answers[n.id] for n in nodes}
    explicit: dict[str, OwnerAnswer] = {}
    memo: OwnerMemo | None = None
    if isinstance(reader, Subgraph):
        view = reader
    elif len(nodes) == 1 and nodes[0].kind in INHERITING_KINDS:
        view = ownership_view(reader, [nodes[0].id], max_hops)
    else:
        view, explicit, memo = _owners_view(reader, nodes, max_hops)
    if len(nodes) == 1:
        own = explicit.get(nodes[0].id)
        return {nodes[0].id: own if own is not None else _owner_in(view, nodes[0], max_hops)}
    if memo is None:
        memo = OwnerMemo(view, max_hops)
    memo._explicit.update(explicit)
    return {n.id: memo.owner(n) for n in nodes}


def owner_of(store: GraphStore | Subgraph, node: Node, max_hops: int = 50,
             kept: KeptOwners | None = None) -> OwnerAnswer:
    """The owner of ``node``: explicit if stated, else inherited from the nearest parent that has
    one (breadth-first through ``chains.PARENT_STEPS``, at most ``max_hops`` levels). When nothing
    up the chain names an owner, the answer has no person, post or unit (``found`` is False).
    ``kept``: see :func:`owners_of`."""
    return owners_of(store, [node], max_hops, kept)[node.id]


def _owner_in(view: Subgraph, node: Node, max_hops: int) -> OwnerAnswer:
    own = explicit_owner(view, node)
    if own.found:
        return own
    seen = {node.id}
    queue: deque[tuple[Node, list[dict[str, str]], int]] = deque([(node, [], 0)])
    while queue:
        current, path, hops = queue.popleft()
        if hops >= max_hops:
            continue
        for edge, parent in inheritance_parents(view, current.id):
            if parent.id in seen:
                continue
            seen.add(parent.id)
            step = (_step(current.id, edge.type, parent.id) if edge.source == current.id
                    else _step(current.id, "^" + edge.type, parent.id))
            found = explicit_owner(view, parent)
            if found.found:
                found.node = node.id
                found.inherited_from = parent.id
                found.chain = path + [step] + found.chain
                return found
            queue.append((parent, path + [step], hops + 1))
    return OwnerAnswer(node.id)


def _copy(ans: OwnerAnswer) -> OwnerAnswer:
    """A copy of ``ans`` with its own ``chain`` list (the step dicts are shared, never mutated)."""
    return OwnerAnswer(ans.node, ans.person, ans.post, ans.unit, ans.inherited_from, list(ans.chain))


class KeptOwners:
    """Owner answers kept between calls (the API's requests) on ONE state of the store: whoever
    keeps one must drop it at the next write — the API keeps it as a memo of its
    ``ConcurrentStore`` (``Reads.memo``), which is dropped on every write and whenever another
    process has committed. Answers are kept by (node id, ``max_hops``), at most ``max_entries`` of
    them (then no more are kept; a few hundred bytes each, the nodes they name are shared with the
    store's reads); safe to share between threads (a node computed by two threads at once is
    computed twice, with the same answer).

    A trace's owners are then the kept answers of the nodes asked before (every owner question
    and trace of the same nodes), so repeated questions cost no owner reads at all; the answers are
    those :func:`owner_of` gives, since they are its answers on the same data."""

    #: At most this many answers are kept (each ~0.3–1 KB: ~100 MB at most).
    MAX_ENTRIES = 200_000

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._answers: dict[tuple[str, int], OwnerAnswer] = {}

    def __len__(self) -> int:
        return len(self._answers)

    def answers(self, nodes: Iterable[Node], max_hops: int = 50) -> dict[str, OwnerAnswer]:
        """The kept answers of those ``nodes`` that have one, by node id, each a fresh copy."""
        kept = self._answers
        out: dict[str, OwnerAnswer] = {}
        for n in nodes:
            ans = kept.get((n.id, max_hops))
            if ans is not None:
                out[n.id] = _copy(ans)
        return out

    def keep(self, answers: Iterable[OwnerAnswer], max_hops: int = 50) -> None:
        """Keep a copy of each answer (by its ``node``), while fewer than ``max_entries`` are kept."""
        kept = self._answers
        for ans in answers:
            if len(kept) >= self.max_entries:
                return
            kept[(ans.node, max_hops)] = _copy(ans)


class OwnerMemo:
    """Owners of many nodes of one snapshot — a :class:`Subgraph`, or anything answering
    ``neighbors`` as a store does (the checks' context) — that does not change while the memo is
    used, each answer identical to :func:`owner_of`'s, with the work shared between
    nodes: every node's explicit owner and inheritance parents are computed once, and a node with
    exactly one inheritance parent takes its parent's answer (memoised too) with one step put in
    front of its chain — what the breadth-first walk of :func:`owner_of` finds through a single
    parent. A node with several parents is walked breadth-first as :func:`owner_of` walks it, on
    the memoised explicit owners. ``max_hops``: the same limit as :func:`owner_of`'s.

    ``owner(node)`` returns a fresh :class:`OwnerAnswer` that the caller may change.
    """

    def __init__(self, view: Subgraph | Any, max_hops: int = 50):
        self.view = view
        self.max_hops = max_hops
        self._explicit: dict[str, OwnerAnswer] = {}
        self._parents: dict[str, list] = {}
        #: node id → (answer, depth of the node it was found on: 0 explicit, -1 not found).
        self._answers: dict[str, tuple[OwnerAnswer, int]] = {}

    def _explicit_of(self, node: Node) -> OwnerAnswer:
        own = self._explicit.get(node.id)
        if own is None:
            own = self._explicit[node.id] = explicit_owner(self.view, node)
        return own

    def _parents_of(self, node_id: str) -> list:
        ps = self._parents.get(node_id)
        if ps is None:
            ps = self._parents[node_id] = inheritance_parents(self.view, node_id)
        return ps

    def owner(self, node: Node) -> OwnerAnswer:
        """The owner of ``node`` as :func:`owner_of` answers it on the memo's view."""
        ans, depth = self._resolve(node)
        out = _copy(ans)
        out.node = node.id
        return out

    def shared(self, node: Node) -> OwnerAnswer:
        """:meth:`owner`'s answer without the copy: the memo's own object (its ``node`` is
        ``node.id``), which later answers are built from — for a caller that never changes it."""
        return self._resolve(node)[0]

    def _resolve(self, node: Node) -> tuple[OwnerAnswer, int]:
        done = self._answers.get(node.id)
        if done is not None:
            return done
        # Climb the run of single-parent nodes without an explicit owner iteratively (no recursion
        # limit), then resolve it from the top down.
        run: list[tuple[Node, Any]] = []
        on_run: set[str] = set()
        current = node
        while True:
            if current.id in self._answers:
                base = self._answers[current.id]
                break
            explicit = self._explicit_of(current)
            if explicit.found:
                base = self._answers[current.id] = (explicit, 0)
                break
            parents = self._parents_of(current.id)
            if len(parents) != 1 or parents[0][1].id in on_run or parents[0][1].id == current.id:
                # Several parents, none, or a cycle through single parents: the plain walk.
                base = self._answers[current.id] = self._walk(current)
                break
            run.append((current, parents[0][0]))
            on_run.add(current.id)
            current = parents[0][1]
        # ``base`` is the answer of ``current``; each node of the run (last first) is one step
        # below the next.
        above = current
        for child, edge in reversed(run):
            ans, depth = base
            if depth >= 0 and depth + 1 <= self.max_hops:
                step = (_step(child.id, edge.type, above.id) if edge.source == child.id
                        else _step(child.id, "^" + edge.type, above.id))
                found = _copy(ans)
                found.node = child.id
                found.inherited_from = ans.inherited_from or above.id
                found.chain = [step] + ans.chain
                base = (found, depth + 1)
            else:
                base = (OwnerAnswer(child.id), -1)
            self._answers[child.id] = base
            above = child
        return self._answers[node.id]

    def _walk(self, node: Node) -> tuple[OwnerAnswer, int]:
        """:func:`_owner_in`'s breadth-first walk from ``node`` (which has no explicit owner), on
        the memoised explicit owners and parents."""
        seen = {node.id}
        queue: deque[tuple[Node, list[dict[str, str]], int]] = deque([(node, [], 0)])
        while queue:
            current, path, hops = queue.popleft()
            if hops >= self.max_hops:
                continue
            for edge, parent in self._parents_of(current.id):
                if parent.id in seen:
                    continue
                seen.add(parent.id)
                step = (_step(current.id, edge.type, parent.id) if edge.source == current.id
                        else _step(current.id, "^" + edge.type, parent.id))
                explicit = self._explicit_of(parent)
                if explicit.found:
                    found = _copy(explicit)
                    found.node = node.id
                    found.inherited_from = parent.id
                    found.chain = path + [step] + explicit.chain
                    return found, hops + 1
                queue.append((parent, path + [step], hops + 1))
        return OwnerAnswer(node.id), -1


class _Link:
    """The two fields of an edge that :class:`OwnerMemo` reads (``type``, ``source``)."""

    __slots__ = ("source", "type")

    def __init__(self, source: str, type: str):
        self.source, self.type = source, type


_NO_IDS: dict[str, list[str]] = {}


class IndexOwnerMemo(OwnerMemo):
    """An :class:`OwnerMemo` on a snapshot given as id lists — ``nodes`` (id → Node) and
    ``out`` / ``inc`` (edge type → node id → sorted ids at the other end of its outgoing /
    incoming edges, what ``GraphStore.read_graph`` gives) — with the same answers as an
    OwnerMemo on a view whose ``neighbors`` answers from those lists (the checks' context): the
    explicit owners and inheritance parents are read straight from the lists, without making the
    Edge objects ``neighbors`` makes. The dicts are read, never changed, and must not change
    while the memo is used (a caller that patches them starts a new memo)."""

    def __init__(self, nodes: dict[str, Node], out: dict[str, dict[str, list[str]]],
                 inc: dict[str, dict[str, list[str]]], max_hops: int = 50):
        super().__init__(None, max_hops)
        self._nodes, self._out_ids, self._in_ids = nodes, out, inc
        if any(d not in ("out", "in") for _, d in PARENT_STEPS):
            raise ValueError("IndexOwnerMemo reads one direction per parent step")
        self._steps = [(t, d, (out if d == "out" else inc).get(t) or {}) for t, d in PARENT_STEPS]

    def _explicit_of(self, node: Node) -> OwnerAnswer:
        own = self._explicit.get(node.id)
        if own is None:
            own = self._explicit[node.id] = stated_owner(node, self._others, self._first)
        return own

    def _others(self, node_id: str, edge_type: str, direction: str) -> Sequence[Node]:
        """The nodes at the other end of ``node_id``'s ``edge_type`` edges (``neighbors`` order)."""
        ids = (self._out_ids if direction == "out" else self._in_ids).get(edge_type, _NO_IDS).get(node_id)
        if not ids:
            return ()
        nodes = self._nodes
        return [nodes[i] for i in ids if i in nodes]

    def _first(self, node_id: str, edge_type: str, direction: str) -> Node | None:
        """The first of :meth:`_others`, without the list (a college's ~200,000 targets and tasks
        each name their owner: a list per edge type asked cost a third of their owners' time)."""
        ids = (self._out_ids if direction == "out" else self._in_ids).get(edge_type, _NO_IDS).get(node_id)
        if ids:
            nodes = self._nodes
            for i in ids:
                other = nodes.get(i)
                if other is not None:
                    return other
        return None

    def _parents_of(self, node_id: str) -> list:
        ps = self._parents.get(node_id)
        if ps is None:
            nodes = self._nodes
            ps = []
            # chains.inheritance_parents: PARENT_STEPS in order, each step's ids in id order
            for edge_type, direction, per in self._steps:
                ids = per.get(node_id)
                if not ids:
                    continue
                if direction == "out":
                    ps += [(_Link(node_id, edge_type), nodes[i]) for i in ids if i in nodes]
                else:
                    ps += [(_Link(i, edge_type), nodes[i]) for i in ids if i in nodes]
            self._parents[node_id] = ps
        return ps
