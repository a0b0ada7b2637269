"""The runner: the selected rules over one bulk read of the store, each finding routed to its owner."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from graph.asof import as_of_or_default
from graph.checks import parallel
from graph.checks.config import RuleConfig
from graph.checks.context import CheckContext
from graph.checks.registry import RULES, Rule
from graph.checks.report import CheckReport, Finding
from graph.errors import AmbiguousIdError, NotFoundError, ValidationError
from graph.gcpause import gc_paused
from graph.model import Node
from graph.services.ownership import ref
from graph.services.resolve import suggest
from graph.store import GraphStore


def resolve_unit(store: GraphStore, text: str) -> Node:
    """The OrgUnit named by ``text``: its id (``OrgUnit:D03``), its code, or its exact name.
    Raises NotFoundError (with suggestions) when none matches, AmbiguousIdError when a name is shared."""
    text = text.strip()
    node = store.get_node(text)
    if node is not None and node.kind == "OrgUnit":
        return node
    by_code = [n for n in store.find_by_code(text) if n.kind == "OrgUnit"]
    if by_code:
        return by_code[0]
    by_name = [n for n in store.iter_nodes("OrgUnit") if str(n.props.get("name", "")).strip() == text]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        ids = [n.id for n in by_name]
        raise AmbiguousIdError(f"several org units are named {text!r}: {', '.join(ids)}", ids)
    hints = suggest(store, text.partition(":")[2] if text.startswith("OrgUnit:") else text, "OrgUnit")
    raise NotFoundError(f"no org unit {text!r}" + (f"; did you mean {', '.join(hints)}?" if hints else ""), hints)


def selected_rules(rules: Iterable[str] | None, config: RuleConfig) -> list[str]:
    """The rule ids a check of ``rules`` (None: every rule; one id or several, any case) runs
    under ``config``: known, enabled, sorted. ValidationError naming unknown ids."""
    return [rid for rid in _select(rules) if rid not in config.disabled]


def _select(rules: Iterable[str] | None) -> list[str]:
    if rules is None:
        return list(RULES)
    if isinstance(rules, str):
        rules = [rules]
    wanted = [str(r).strip().upper() for r in rules]
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        raise ValidationError(f"unknown rule id(s) {', '.join(unknown)}; known rules: {', '.join(RULES)}")
    return sorted(set(wanted))


def make_finding(ctx: CheckContext, rule: Rule, severity: str, node_id: str, args: dict) -> Finding:
    """The finding of ``rule`` on node ``node_id`` (KeyError when ``ctx`` has no such node) with the
    ``args`` its function yielded: the messages formatted, the owner from ``ctx.owner``."""
    node = ctx.node(node_id)
    kind_zh, kind_en = ctx.kind_labels(node.kind)
    fmt = {"id": node.id, "code": node.code, "name": node.name, "kind_zh": kind_zh,
           "kind_en": kind_en.lower(), **args}
    own = ctx.owner(node)
    return Finding(
        rule=rule.id, severity=severity, node=node.id, name=node.name,
        message=rule.message_zh.format(**fmt), message_en=rule.message_en.format(**fmt),
        owner={"unit": ref(own.unit), "person": ref(own.person)},
        inherited_from=own.inherited_from,
    )


def run_checks(store: GraphStore, *, rules: Iterable[str] | None = None, owner: str | None = None,
               as_of: _dt.date | None = None, config: RuleConfig | None = None) -> CheckReport:
    """Run the consistency rules (docs/rules.md) over ``store`` and return a :class:`CheckReport`.

    ``rules``: rule ids to run (default all; case-insensitive); an unknown id raises ValidationError
    listing the known ids. Rules disabled in ``config`` never run; re-graded rules report the
    configured severity. ``owner``: keep only findings whose owner unit is this org unit (id, code
    or exact name); an unknown unit raises NotFoundError. ``as_of``: the check date for TK003 and
    SI004 (default today). Each finding's owner is ``owner_of(store, node)``, computed once per node.
    The cyclic garbage collector is paused while the rules run (``graph.gcpause``).
    """
    with gc_paused():
        return _run_checks(store, rules=rules, owner=owner, as_of=as_of, config=config)


def _run_checks(store: GraphStore, *, rules: Iterable[str] | None, owner: str | None,
                as_of: _dt.date | None, config: RuleConfig | None) -> CheckReport:
    config = config or RuleConfig()
    as_of = as_of_or_default(as_of)
    selected = selected_rules(rules, config)
    unit = resolve_unit(store, owner) if owner is not None else None
    findings = None
    if parallel.worth_it(store, selected):  # a large store file: two processes, each reading a part
        findings = parallel.two_process_findings(store, selected, as_of, config, make_finding)
    if findings is None:
        ctx = CheckContext(store, as_of, suspect_fields=config.suspect_fields)
        findings = _findings(ctx, selected, config)
        # The owner memo refers back to the context: without that cycle the snapshot (millions of
        # objects at 1M nodes) is freed by reference counting when this returns, rather than by the
        # first collection after the pause, which would walk every object of it first (~1 s at 1M).
        ctx.reset_owners()
    if unit is not None:
        findings = [f for f in findings if f.unit_id == unit.id]
    findings.sort(key=Finding.sort_key)
    return CheckReport(findings, as_of, tuple(selected), ref(unit))


def run_rules(ctx: CheckContext, *, rules: Iterable[str] | None = None,
              config: RuleConfig | None = None) -> CheckReport:
    """``run_checks`` over a context already made (its snapshot, its check date ``ctx.as_of``,
    its owners), e.g. the diagnosis' own: no second read of the store. The same report as
    ``run_checks(ctx.store, rules=rules, as_of=ctx.as_of, config=config)`` when the store has not
    changed since the context read it and ``ctx.suspect_fields`` are ``config``'s (the suspect-link
    rules CH read the store's journal). ValidationError for an unknown rule id."""
    config = config or RuleConfig()
    selected = selected_rules(rules, config)
    with gc_paused():
        findings = _findings(ctx, selected, config)
    findings.sort(key=Finding.sort_key)
    return CheckReport(findings, ctx.as_of, tuple(selected), None)


def _findings(ctx: CheckContext, selected: list[str], config: RuleConfig) -> list[Finding]:
    """The findings of the ``selected`` rules on ``ctx``, in rule order, unsorted."""
    findings: list[Finding] = []
    for rid in selected:
        rule = RULES[rid]
        severity = config.severity_of(rule)
        for node_id, args in rule.fn(ctx):
            findings.append(make_finding(ctx, rule, severity, node_id, args))
    return findings
