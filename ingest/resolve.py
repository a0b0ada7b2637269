"""Resolution of a load: parsed rows + the store → the exact nodes and edges to write, or the
located problems that forbid it.

One :class:`Resolver` per load builds the store's code and name indexes once; :meth:`Resolver.run`
then resolves every row that is not skipped: duplicate codes, references (by code, then by exact
name; this load first, then the store), the edges each re-loaded node's sheet owns (replaced, not
added to), and node validation. It never writes; with ``partial`` it also skips the rows that
depend on a bad row. A cycle is not refused: it can be stored, and rule TC005 reports it to its
owners (an interactive edit that would close one is refused by graph.services.edit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from graph.values import normalise_code
from graph.errors import Problem, ValidationError
from graph.model import Node, node_id, validate_node
from graph.store import GraphStore
from ingest.mapping import Def, ParsedRow, Ref, Slot, person_name, split_printed_number
from ingest.report import Note
from ingest.sheets import split_multi
from ontology import get_ontology

EdgeKey = tuple[str, str, str]
#: Above this many re-loaded nodes, their current edges are found in one pass over the store.
BULK_RELOAD = 2000


def kind_of(nid: str) -> str:
    return nid.partition(":")[0]


def _in_slots(slots: frozenset[Slot], etype: str, direction: str, other_kind: str) -> bool:
    return any(t == etype and d == direction and other_kind in kinds for t, d, kinds in slots)


def kinds_label(kinds: Iterable[str]) -> str:
    """``("Target", "Standard")`` → ``target or standard`` (the ontology's English labels)."""
    onto = get_ontology()
    names = [onto.kinds[k].labels.en.lower() for k in kinds]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


@lru_cache(maxsize=256)
def _label(kinds: tuple[str, ...]) -> str:
    """:func:`kinds_label`, kept per tuple of kinds (a load asks for the same few again and again)."""
    return kinds_label(kinds)


@dataclass
class Outcome:
    """One resolution pass. ``nodes``: every node the load defines (new stubs included);
    ``write``: those new or changed; ``add`` / ``remove``: edges to write / to delete from the
    store; ``edges``: how many edges the load defines; ``problems`` with the rows they make bad."""

    nodes: dict[str, Node] = field(default_factory=dict)
    write: list[Node] = field(default_factory=list)
    add: list[EdgeKey] = field(default_factory=list)
    remove: list[EdgeKey] = field(default_factory=list)
    edges: int = 0
    created: int = 0
    problems: list[Problem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    #: cells a partial load left out of rows it kept; people known by name only; normalisations
    dropped: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass(slots=True)
class _Entry:
    kind: str
    code: str
    props: dict
    mode: str
    slots: set
    row: int
    index: int  # position in the defining row's defs
    key: str
    owned: frozenset[str]


class KnownNodes:
    """The store's nodes as a load resolves references against them: ``stored`` (id → Node) and
    ``names`` ((kind, name) → ids, in the order the nodes were added). :meth:`add` keeps it up to
    date with the nodes a load wrote, so that loads following each other in one transaction
    (``ingest.loader.load_stream``) read the store once, not once per load."""

    def __init__(self, nodes: Iterable[Node] = ()):
        self.stored: dict[str, Node] = {}
        self.names: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.add(nodes)

    def add(self, nodes: Iterable[Node]) -> None:
        """Record ``nodes`` as stored (a node already known is replaced, its name updated)."""
        stored, names = self.stored, self.names
        for n in nodes:
            name = n.props.get("name")
            before = stored.get(n.id)
            if before is not None:
                old = before.props.get("name")
                if old == name:
                    stored[n.id] = n
                    continue
                if old is not None:
                    ids = names[(before.kind, str(old))]
                    ids.remove(n.id)
                    if not ids:
                        del names[(before.kind, str(old))]
            stored[n.id] = n
            if name is not None:
                names[(n.kind, str(name))].append(n.id)


class Resolver:
    """Resolves ``rows`` against ``store`` (read once; or ``known``, what a :class:`KnownNodes`
    says the store holds) and the nodes of RDF files loaded in the same load (``external_nodes``,
    written before the rows)."""

    def __init__(self, rows: list[ParsedRow], store: GraphStore, external_nodes: Iterable[Node] = (),
                 known: KnownNodes | None = None):
        self.rows = rows
        self.store = store
        if known is None:
            known = KnownNodes(store.iter_nodes())
        self.stored: dict[str, Node] = known.stored
        self.external: dict[str, Node] = {n.id: n for n in external_nodes}
        if not self.external:
            self.known: dict[str, Node] = self.stored
            self.known_names: dict[tuple[str, str], list[str]] = known.names
            return
        self.known = self.stored | self.external
        self.known_names = defaultdict(list)
        for nid, n in self.known.items():
            if n.props.get("name") is not None:
                self.known_names[(n.kind, str(n.props["name"]))].append(nid)

    def slot_edges(self, owners: dict[str, frozenset[Slot]]) -> set[EdgeKey]:
        """The store's edges at each node of ``owners`` that fall in that node's slots: by asking
        the store for each node's neighbours, or, when many nodes are loaded again, by one pass
        over the store's edges."""
        found: set[EdgeKey] = set()
        if len(owners) > BULK_RELOAD:
            for e in self.store.iter_edges():
                out_slots, in_slots = owners.get(e.source), owners.get(e.target)
                if (out_slots and _in_slots(out_slots, e.type, "out", kind_of(e.target))) or (
                        in_slots and _in_slots(in_slots, e.type, "in", kind_of(e.source))):
                    found.add(e.key)
            return found
        for nid, slots in owners.items():
            for direction in ("out", "in"):
                types = {t for t, d, _ in slots if d == direction}
                if types:
                    found.update(edge.key for edge, other in self.store.neighbors(nid, types, direction)
                                 if _in_slots(slots, edge.type, direction, other.kind))
        return found

    def run(self, skip: set[int], partial: bool = False) -> Outcome:
        """Resolve every row whose index is not in ``skip``. With ``partial``, rows that reference
        a node defined only by a bad row are made bad too (with a problem saying so)."""
        return _Pass(self, skip, partial).run()


class _Pass:
    def __init__(self, r: Resolver, skip: set[int], partial: bool):
        self.r, self.skip, self.partial = r, skip, partial
        self.active = [(i, row) for i, row in enumerate(r.rows) if i not in skip]
        self.defs: dict[str, _Entry] = {}
        self.names: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.skipped: dict[str, int] = {}
        self.skipped_names: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        self.row_ids: dict[int, list[str | None]] = {}
        self.edges: dict[EdgeKey, tuple[int, str]] = {}
        #: row → [(dependent row, the dependent's column, the text naming the row)]
        self.deps: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        self.problems: list[tuple[int, Problem]] = []
        self.warnings: list[str] = []
        self.notes: list[Note] = []
        self.by_name: set[str] = set()  # people created from a name alone (warned once each)

    def problem(self, ri: int, location: str, reason: str) -> None:
        self.problems.append((ri, Problem(location, reason)))

    # -- registration ------------------------------------------------------------------------
    def statement(self, ri: int, di: int) -> tuple:
        """What row ``ri`` states about its node ``di`` besides the properties: its references and
        the kinds and codes of the nodes linked to it within the row."""
        row = self.r.rows[ri]
        refs = sorted((rl.type, rl.ref.key, rl.ref.text, rl.incoming) for rl in row.refs if rl.node == di)
        links = sorted((link.type, row.defs[link.source].kind, row.defs[link.source].code)
                       for link in row.links if link.target == di)
        return refs, links

    def register(self, ri: int, di: int, d: Def, code: str, props: dict) -> str:
        """Record node ``di`` of row ``ri``; a second row with the same code is a duplicate unless
        the node is shared (index items) or both rows state exactly the same (a 部门 sheet repeated
        in several files of one load)."""
        nid = node_id(d.kind, code)
        e = self.defs.get(nid)
        if e is None or (e.mode == "stub" and d.mode != "stub"):
            self.defs[nid] = _Entry(d.kind, code, dict(props), d.mode, set(d.slots), ri, di, d.key, d.owned)
        elif d.mode == "stub":
            pass
        elif e.mode == d.mode == "own" and e.props == props and self.statement(e.row, e.index) == self.statement(ri, di):
            pass
        elif e.mode == "own" or d.mode == "own":
            here, there = self.r.rows[ri].location(d.key), self.r.rows[e.row].location(e.key)
            what = kinds_label([d.kind])
            self.problem(ri, here, f"duplicate {what} code '{code}': also on {there}")
            self.problem(e.row, there, f"duplicate {what} code '{code}': also on {here}")
        elif e.props.get("name") != props.get("name"):
            self.problem(ri, self.r.rows[ri].location(d.key),
                         f"{kinds_label([d.kind])} '{code}' is named '{props.get('name')}' here but "
                         f"'{e.props.get('name')}' on {self.r.rows[e.row].location(e.key)}")
        else:
            for k, v in props.items():
                e.props.setdefault(k, v)
            e.slots |= d.slots
            e.owned |= d.owned
        return nid

    def register_rows(self) -> None:
        for ri in self.skip:
            for d in self.r.rows[ri].defs:
                if d.mode == "own" and d.code:
                    nid = node_id(d.kind, d.code)
                    self.skipped[nid] = ri
                    if d.props.get("name") is not None:
                        self.skipped_names[(d.kind, str(d.props["name"]))].append((nid, ri))
        for ri, row in self.active:
            self.row_ids[ri] = [self.register(ri, di, d, d.code, d.props) if not d.code_ref else None
                                for di, d in enumerate(row.defs)]
        for nid, e in self.defs.items():
            if not (e.mode == "stub" and nid in self.r.known) and e.props.get("name") is not None:
                self.names[(e.kind, str(e.props["name"]))].append(nid)
        for ri, row in self.active:  # codes made from a referenced node's code (职责, 测量)
            for di, d in enumerate(row.defs):
                if d.code_ref:
                    targets = self.resolve(ri, d.code_ref)
                    if len(targets) == 1:
                        code = targets[0].partition(":")[2] + d.code_suffix
                        props = dict(d.props)
                        props.setdefault("name", code)
                        self.row_ids[ri][di] = self.register(ri, di, d, code, props)

    # -- references --------------------------------------------------------------------------
    def match(self, kinds: tuple[str, ...], text: str) -> tuple[str, object]:
        """("ok", id) | ("ambiguous code" or "ambiguous name", ids) | ("skipped", (id, row index)) |
        ("unknown", None).

        By code first, then by exact name; for each kind the nodes of this load come first, then
        those of skipped rows (partial loads), then the store's."""
        by_code: list[str | tuple[str, int]] = []
        by_name: list[str | tuple[str, int]] = []
        for k in kinds:
            nid = node_id(k, text)
            if nid in self.defs or nid in self.r.known:
                by_code.append(nid if nid in self.defs or nid not in self.skipped else (nid, self.skipped[nid]))
            elif nid in self.skipped:
                by_code.append((nid, self.skipped[nid]))
            by_name += (self.names.get((k, text))
                        or self.skipped_names.get((k, text))
                        or [n for n in self.r.known_names.get((k, text), ())
                            if n not in self.defs or self.defs[n].mode == "stub"])
        for how, candidates in (("code", by_code), ("name", by_name)):
            if len(candidates) == 1:
                hit = candidates[0]
                return ("skipped", hit) if isinstance(hit, tuple) else ("ok", hit)
            if len(candidates) > 1:
                return f"ambiguous {how}", sorted(c[0] if isinstance(c, tuple) else c for c in candidates)
        return "unknown", None

    def resolve(self, ri: int, ref: Ref) -> list[str]:
        """The ids a reference cell names; a problem for each value that names none or several."""
        parts = split_multi(ref.text) if ref.multi else [ref.text]
        if len(parts) > 1:
            status, hit = self.match(ref.kinds, ref.text)  # a name that itself contains a separator
            if status == "ok":
                parts = [ref.text]
        # the cell's location and the kinds' label are made only for a note or a problem (most
        # references resolve without either); a dependency keeps the column, see close_over_dependents
        row = self.r.rows[ri]
        found: list[str] = []
        people = ref.kinds == ("Person",)
        if people:
            parts = self.people(ri, ref, parts, row.location(ref.key))
        for text in parts:
            status, hit = self.match(ref.kinds, text)
            if status == "unknown" and people:
                found.append(self.person_by_name(ri, text, row.location(ref.key)))
                continue
            if status != "ok" or ref.stub:
                where, what = row.location(ref.key), _label(ref.kinds)
            if status == "unknown" and (clean := normalise_code(text)) != text and clean:
                status, hit = self.match(ref.kinds, clean)  # 'ＺＫ－０１' names the node coded ZK-01
                if status == "ok":
                    self.notes.append(Note(where, f"'{text}'", f"{hit} (the code normalised: NFKC)"))
            if status == "unknown":
                number, rest = split_printed_number(text)
                if number is not None:  # '1.1 专业定位' names the node coded 1.1 (or named 专业定位)
                    status, hit = self.match(ref.kinds, number)
                    if status == "unknown":
                        status, hit = self.match(ref.kinds, rest)
                    if status == "ok":
                        self.notes.append(Note(where, f"'{text}'", f"{hit} (named by its printed numbering)"))
            if status == "ok" and ref.stub and hit not in self.defs:  # count it as named by the load
                kind, _, code = hit.partition(":")
                self.register(ri, -1, Def(kind, code, {"name": text}, "stub"), code, {"name": text})
            if status == "ok":
                found.append(hit)
                e = self.defs.get(hit)
                if e is not None and e.mode == "own" and e.row != ri:
                    self.deps[e.row].append((ri, ref.key, text))
            elif status == "unknown" and ref.stub:
                kind = ref.kinds[0]
                found.append(self.register(ri, -1, Def(kind, text, {"name": text}, "stub"), text, {"name": text}))
                self.names[(kind, text)].append(found[-1])
            elif status == "unknown":
                self.problem(ri, where, f"unknown {what} '{text}' (no code or name matches){ref.note}")
            elif status == "ambiguous code":
                self.problem(ri, where, f"ambiguous {what} '{text}': that code names {len(hit)} nodes "
                                        f"({', '.join(hit)}){ref.note}")
            elif status == "ambiguous name":
                self.problem(ri, where, f"ambiguous {what} '{text}': {len(hit)} nodes have that name "
                                        f"({', '.join(hit)}); write the code instead{ref.note}")
            else:
                nid, other = hit
                self.problem(ri, where, f"{what} '{text}' is defined on a skipped row "
                                        f"({self.r.rows[other].location()}){ref.note}")
        return found

    def people(self, ri: int, ref: Ref, parts: list[str], where: str) -> list[str]:
        """The names of a person cell: ``俞 悦`` → ``俞悦`` and ``张三 李四`` → two names (noted);
        several names in a column that takes one person are a problem."""
        out: list[str] = []
        if not ref.multi and len(split_multi(ref.text)) > 1 and self.match(ref.kinds, ref.text)[0] == "unknown":
            self.problem(ri, where, f"several people in one cell ('{ref.text}'); {ref.key} takes one person")
            return []
        for text in parts:
            clean, names = person_name(text)
            if len(names) > 1 and self.match(ref.kinds, text)[0] == "unknown":
                if not ref.multi:
                    self.problem(ri, where, f"several people in one cell ('{text}'); {ref.key} takes one person")
                    continue
                self.notes.append(Note(where, f"'{text}'", f"people {'、'.join(names)} (names separated by blanks)"))
                out += names
            elif clean != text:
                self.notes.append(Note(where, f"'{text}'", f"person '{clean}' (blanks inside a name removed)"))
                out.append(clean)
            else:
                out.append(text)
        return out

    def person_by_name(self, ri: int, name: str, where: str) -> str:
        """A person named in a cell but not in 人员 (no 工号): a Person keyed by the name
        (``Person:俞悦``), with a warning once per name; a name that looks like two names written
        without a separator is said so."""
        nid = self.register(ri, -1, Def("Person", name, {"name": name}, "stub"), name, {"name": name})
        if nid not in self.names[("Person", name)]:
            self.names[("Person", name)].append(nid)
        if name not in self.by_name:
            self.by_name.add(name)
            self.warnings.append(f"{where}: person '{name}' is not in 人员 (no 工号): created as {nid}, "
                                 "keyed by the name; add a 人员 row with the 工号 to key them by it")
            known = {n for (k, n) in list(self.names) + list(self.r.known_names) if k == "Person" and n != name}
            split = next(((name[:i], name[i:]) for i in range(2, len(name) - 1)
                          if name[:i] in known and name[i:] in known), None)
            if split:
                self.warnings.append(f"{where}: '{name}' looks like two names without a separator "
                                     f"({split[0]}, {split[1]}); write {split[0]}、{split[1]}")
            elif len(name) >= 5 and all("\u4e00" <= ch <= "\u9fff" for ch in name):
                self.warnings.append(f"{where}: '{name}' is long for one name: two names without a "
                                     "separator? separate them with 、")
        return nid

    def link_rows(self) -> None:
        for ri, row in self.active:
            ids = self.row_ids[ri]
            for link in row.links:
                s, t = ids[link.source], ids[link.target]
                if s and t:
                    self.edges.setdefault((s, link.type, t), (ri, row.defs[link.target].key))
            for rl in row.refs:
                src = ids[rl.node]
                if src is None:
                    continue
                for nid in self.resolve(ri, rl.ref):
                    key = (nid, rl.type, src) if rl.incoming else (src, rl.type, nid)
                    self.edges.setdefault(key, (ri, rl.ref.key))

    def close_over_dependents(self, bad: set[int]) -> None:
        queue = list(bad)
        while queue:
            r = queue.pop()
            for dependent, key, text in self.deps.get(r, ()):
                if dependent not in bad:
                    bad.add(dependent)
                    queue.append(dependent)
                    self.problem(dependent, self.r.rows[dependent].location(key), f"skipped: '{text}' is defined on "
                                                   f"{self.r.rows[r].location()}, which is skipped")

    # -- the pass ------------------------------------------------------------------------------
    def run(self) -> Outcome:
        dropped: list[Problem] = []
        for ri, row in self.active:
            self.problems += [(ri, p) for p in row.problems]
            if self.partial:
                dropped += row.dropped
            else:
                self.problems += [(ri, p) for p in row.dropped]
        self.register_rows()
        self.link_rows()
        out = Outcome(edges=len(self.edges), dropped=dropped, warnings=self.warnings,
                      notes=[n for _, row in self.active for n in row.notes] + self.notes)
        onto = get_ontology()
        for nid, e in self.defs.items():
            if e.mode == "stub" and nid in self.r.known:
                out.nodes[nid] = self.r.known[nid]  # named by the load, kept as it is
                continue
            before = self.r.stored.get(nid)
            props = e.props
            if before is not None and not e.owned.issuperset(before.props):  # keep what the row does not state
                props = {k: v for k, v in before.props.items() if k not in e.owned} | e.props
            node = Node(e.kind, e.code, props)
            if before is None or before.props != node.props or nid in self.r.external:
                try:  # what the store holds is valid already
                    validate_node(node, onto)
                except ValidationError as exc:
                    self.problem(e.row, self.r.rows[e.row].location(e.key), str(exc))
                    continue
                out.write.append(node)
                out.created += before is None
            out.nodes[nid] = node
        existing = self.r.slot_edges({nid: frozenset(e.slots) for nid, e in self.defs.items()
                                      if e.mode != "stub" and e.slots and nid in self.r.stored})
        out.remove = sorted(existing.difference(self.edges))
        out.add = [k for k in self.edges if k not in existing]
        bad = {ri for ri, _ in self.problems}
        if self.partial:
            self.close_over_dependents(bad)
        out.bad_rows = bad
        seen: set[Problem] = set()
        for _, p in sorted(self.problems, key=lambda item: item[0]):
            if p not in seen:
                seen.add(p)
                out.problems.append(p)
        return out
