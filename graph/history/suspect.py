"""Suspect links: a link from a parent to a child whose parent's own content changed after the
link was made or last reviewed, so the child's owner must look at the child again.

The procedure behind it is the change procedure of 江苏海事职业技术学院《内部质量保证体系诊断与改进
工作方案》表3 工作流程的业务概述示例 (年度工作目标变更流程): a changed annual target goes back through
the units that decomposed it. The links are the decomposition chain (plan → plan or target,
target → target or task, task → task, standard → sub-standard, institution item → its
regulation / process / standard codes) and governance (standard → the target or task it governs,
target or standard → the indicator that measures it). Only content fields trigger
(:data:`DEFAULT_TRIGGER_FIELDS`, or per kind from the configuration): a task turning 预警 or a
new measurement makes nothing suspect, nor does a parent whose links alone changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.errors import NotFoundError, ValidationError
from graph.history.model import ADDED, CHANGED, EDGE, NODE, REVIEW, journal_of
from graph.model import split_id
from graph.store import GraphStore

#: The properties whose change makes a parent's links suspect, for kinds the configuration does
#: not list (``checks.suspect_fields``): name, description, target value, threshold, direction,
#: deadline, layer, unit, level and code text — never status, progress or measurements.
DEFAULT_TRIGGER_FIELDS: tuple[str, ...] = (
    "name", "description", "target_value", "target_value_text", "threshold", "threshold_text", "warning",
    "warning_text", "direction", "unit", "deadline", "layer", "level", "code_text")

#: Edge type → which end is the parent: "source" (decomposition, ``includes``) or "target" (the
#: standard a target is ``governed_by``, the target or standard an indicator ``measures``).
LINKS: Mapping[str, str] = {"decomposes_to": "source", "implemented_by": "source", "includes": "source",
                            "governed_by": "target", "measures": "target"}


@dataclass(frozen=True, slots=True)
class SuspectLink:
    """``parent`` changed (``fields``, at revision ``rev``, the latest such change) after its link
    ``type`` to ``child`` was made or last reviewed."""

    child: str
    parent: str
    type: str
    rev: int
    fields: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """``{"child", "parent", "type", "rev", "fields"}``."""
        return {"child": self.child, "parent": self.parent, "type": self.type, "rev": self.rev,
                "fields": list(self.fields)}


def _edge(parent: str, child: str, type: str) -> tuple[str, str, str]:
    return (parent, type, child) if LINKS[type] == "source" else (child, type, parent)


def suspect_links(store: GraphStore, fields: Mapping[str, Sequence[str]] | None = None, *,
                  child: str | None = None) -> list[SuspectLink]:
    """Every suspect link of ``store`` (only those to ``child`` when given), ordered by child,
    parent. ``fields``: node kind → trigger properties (default :data:`DEFAULT_TRIGGER_FIELDS`).
    A store without a journal has none."""
    journal = journal_of(store)
    if journal is None:
        return []
    fields = fields or {}
    marked = journal.changes_by_op([CHANGED, REVIEW])
    changed: dict[str, list[tuple[int, set[str]]]] = {}
    reviewed: dict[tuple[str, str, str], int] = {}
    for c in marked:
        if c.kind == NODE:
            kind = split_id(c.node)[0]
            trig = set(fields.get(kind) or DEFAULT_TRIGGER_FIELDS)
            hit = {f for f in c.fields() if f in trig}
            if hit:
                changed.setdefault(c.node, []).append((c.rev, hit))
        elif c.kind == REVIEW:
            reviewed[(c.other, c.type, c.node)] = c.rev
    if not changed:
        return []
    sources = [t for t, end in LINKS.items() if end == "source"]
    targets = [t for t, end in LINKS.items() if end == "target"]
    # Only the changed parents that have links matter: the history of the others (an org unit
    # renamed, with tens of thousands of edges recorded) is not read.
    links_of: dict[str, list[tuple[str, str]]] = {}
    for parent in changed:
        links = [(e.type, n.id) for e, n in store.neighbors(parent, sources, "out")]
        links += [(e.type, n.id) for e, n in store.neighbors(parent, targets, "in")]
        if links:
            links_of[parent] = links
    if not links_of:
        return []
    made: dict[tuple[str, str, str], int] = {}
    for c in journal.changes_touching(list(links_of)):
        if c.kind == EDGE and c.op == ADDED:
            made[(c.node, c.type, c.other)] = c.rev
    out: list[SuspectLink] = []
    for parent, links in links_of.items():
        revs = changed[parent]
        for type_, kid in links:
            if child is not None and kid != child:
                continue
            since = max(made.get(_edge(parent, kid, type_), 0), reviewed.get((parent, type_, kid), 0))
            later = [(rev, hit) for rev, hit in revs if rev > since]
            if later:
                out.append(SuspectLink(kid, parent, type_, max(r for r, _ in later),
                                       tuple(sorted(set().union(*(h for _, h in later))))))
    out.sort(key=lambda s: (s.child, s.parent, s.type))
    return out


def review(store: GraphStore, child: str, *, who: str, parent: str | None = None,
           fields: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """Mark the suspect links to ``child`` (only the one from ``parent`` when given) as reviewed
    by ``who``: one revision (source ``review``) recording each review. Returns ``{"child",
    "reviewed": [SuspectLink.to_dict()], "rev"}`` (``rev`` None when nothing was suspect).
    NotFoundError for an unknown child or a parent with no suspect link to it; ValidationError
    when the store keeps no revisions."""
    from graph.services.edit import concurrent

    cs = concurrent(store)
    if cs.recorder is None:
        raise ValidationError(f"{cs.location}: this store keeps no revisions, so there is nothing to review")
    with cs.recording(who=who, source="review") as rec:
        assert rec is not None
        if cs.get_node(child) is None:
            raise NotFoundError(f"no node {child}")
        links = [s for s in suspect_links(cs.inner, fields, child=child) if parent is None or s.parent == parent]
        if parent is not None and not links:
            raise NotFoundError(f"{child} has no suspect link from {parent}")
        for s in links:
            rec.review(s.child, s.parent, s.type, who)
    return {"child": child, "reviewed": [s.to_dict() for s in links],
            "rev": rec.last.rev if links and rec.last is not None else None}


def by_child(links: Iterable[SuspectLink]) -> dict[str, list[SuspectLink]]:
    """``links`` grouped by child id."""
    out: dict[str, list[SuspectLink]] = {}
    for s in links:
        out.setdefault(s.child, []).append(s)
    return out
