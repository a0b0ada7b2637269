"""Terminal output with rich: tables, trees and owner answers. Formatting only — no graph logic."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from ontology import get_ontology

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}


def _colour(status: str | None) -> str:
    for c in get_ontology().schemes["TaskStatuses"]:
        if c.notation == status and c.colour:
            return c.colour
    return "default"


def _who(owner: dict[str, Any] | None) -> str:
    if not owner:
        return ""
    parts = [escape(str(owner[k]["name"])) for k in ("unit", "post", "person") if owner.get(k)]
    return " / ".join(parts)


def trace_label(entry: dict[str, Any]) -> str:
    """One line of a trace tree: kind, code, name, layer, owner, status (status in its 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 colour)."""
    onto = get_ontology()
    kind = onto.label(entry["kind"])
    code = escape(entry["id"].split(":", 1)[1])
    name = escape(str(entry["name"]))
    if entry.get("ref"):
        return f"[dim]↺ {kind} {code} {name} (见上 / shown above)[/dim]"
    bits = [f"[bold]{kind}[/bold] {code} {name}"]
    if entry.get("layer"):
        bits.append(f"[cyan]{escape(onto.label(entry['layer']))}[/cyan]")
    who = _who(entry.get("owner"))
    if who:
        inherited = " (继承)" if entry.get("owner_inherited_from") else ""
        bits.append(f"[magenta]{who}{inherited}[/magenta]")
    if entry.get("status"):
        bits.append(f"[{_colour(entry['status'])}]{escape(onto.label(entry['status']))}[/]")
    if entry.get("deadline"):
        bits.append(f"[dim]{escape(str(entry['deadline']))}[/dim]")
    if entry.get("truncated"):
        bits.append(f"[dim]… {entry['truncated']} more below[/dim]")
    return "  ".join(bits)


def trace_tree(tree: dict[str, Any], key: str = "children", max_children: int | None = None) -> Tree:
    """A rich Tree of a trace; ``max_children`` shows only the first n children of each node."""
    root = Tree(trace_label(tree))

    def add(parent: Tree, entry: dict[str, Any]) -> None:
        items = entry.get(key, [])
        shown = items if max_children is None else items[:max_children]
        for child in shown:
            add(parent.add(trace_label(child)), child)
        if len(shown) < len(items):
            parent.add(f"[dim]… {len(items) - len(shown)} more[/dim]")

    add(root, tree)
    return root


def reaches(entry: dict[str, Any], layer: str = "teacher") -> bool:
    """Whether a trace entry is a target on ``layer`` or has one below it (references not followed:
    they have no children)."""
    return entry.get("layer") == layer or any(reaches(c, layer) for c in entry.get("children", []))


def focus_trace(tree: dict[str, Any], layer: str = "teacher", branches: int = 1, leaves: int = 2) -> dict[str, Any]:
    """A copy of a trace keeping, at each level, only the first ``branches`` children whose subtree
    reaches a target on ``layer`` (and, below such a target, its first ``leaves`` children); the
    number left out is kept in ``"truncated"`` (with those the trace itself cut, by its ``limit``)
    so the printed tree says so. Presentation only."""

    def walk(entry: dict[str, Any]) -> dict[str, Any]:
        kids = entry.get("children", [])
        if entry.get("layer") == layer:
            keep = [c for c in kids if not c.get("ref")][:leaves]
        else:
            keep = [c for c in kids if not c.get("ref") and reaches(c, layer)][:branches]
        out = {**entry, "children": [walk(c) for c in keep]}
        cut = entry.get("truncated", 0) + len(kids) - len(keep)
        if cut:
            out["truncated"] = cut
        return out

    return walk(tree)


def provenance(answer: dict[str, Any]) -> str:
    """Where an owner answer comes from, in the words of rule SI002: stated on the node itself
    (explicit), inherited because nothing is stated on the node, or no owner at all."""
    if not any(answer["owner"].get(slot) for slot in ("person", "post", "unit")):
        return "[red]无责任主体 no owner[/red]: 本节点及其上级均未指定 nothing on this node or up its chain names one"
    src = answer["inherited_from"]
    if src:
        rule = ", see SI002" if answer["node"].startswith("Indicator:") else ""
        return f"继承自 inherited from {escape(src)}（本节点未指定责任主体 no owner stated on this node{rule}）"
    return "本节点明确指定 explicit"


def owner_panel(console: Console, answer: dict[str, Any]) -> None:
    """Print an owner answer: person, post, unit, provenance and the chain walked."""
    onto = get_ontology()
    table = Table(show_header=False, box=None)
    table.add_row("指标/节点 node", escape(answer["node"]))
    for slot, zh in (("person", "责任人"), ("post", "责任岗位"), ("unit", "责任部门")):
        o = answer["owner"][slot]
        table.add_row(f"{zh} {slot}", escape(f"{o['name']} ({o['id']})") if o else "[red]—[/red]")
    table.add_row("来源 provenance", provenance(answer))
    console.print(table)
    if answer["chain"]:
        steps = [escape(answer["chain"][0]["from"])]
        for s in answer["chain"]:
            edge = s["edge"]
            label = onto.label(edge.lstrip("^"))
            steps.append(f"{'←' if edge.startswith('^') else '→'}{label}{'←' if edge.startswith('^') else '→'} {escape(s['to'])}")
        console.print("[dim]责任链 chain:[/dim] " + " ".join(steps))


def findings_table(findings: list[dict[str, Any]], limit: int | None = None, lang: str = "zh") -> Table:
    """Findings (``Finding.to_dict()`` shapes) as a table: rule, severity, node, message (``message``,
    or ``message_en`` for ``lang="en"``), responsible unit and person; headers in Chinese and English,
    or English only for ``lang="en"``."""
    en = lang == "en"
    table = Table(title="findings" if en else "检查结果 findings", show_lines=False)
    for col in (("rule", "severity", "node", "message", "unit", "person") if en else
                ("规则 rule", "级别", "节点 node", "问题 message", "责任部门 unit", "责任人")):
        table.add_column(col, overflow="fold")
    for f in findings[:limit] if limit else findings:
        owner = f.get("owner") or {}
        table.add_row(
            f["rule"],
            f"[{SEVERITY_STYLE.get(f['severity'], '')}]{f['severity']}[/]",
            escape(f["node"]),
            escape(f["message_en"] if lang == "en" else f["message"]),
            escape(str((owner.get("unit") or {}).get("name", "—"))),
            escape(str((owner.get("person") or {}).get("name", ""))),
        )
    return table


def summary_table(summary: dict[str, Any], rules: dict[str, Any], lang: str = "zh") -> Table:
    """Findings per rule (``summary["by_rule"]``) with the rule's severity and title (Chinese, or
    English for ``lang="en"``, with English headers only)."""
    en = lang == "en"
    table = Table(title=f"{'' if en else '检查汇总 '}check summary (as of {summary.get('as_of')})")
    for col in (("rule", "severity", "count", "title") if en else ("规则 rule", "级别", "数量", "说明 description")):
        table.add_column(col, justify="right" if col in ("数量", "count") else "left",
                         overflow="fold" if col in ("说明 description", "title") else "ellipsis")
    for rule_id, n in sorted(summary["by_rule"].items()):
        r = rules.get(rule_id)
        sev = getattr(r, "severity", "")
        title = (getattr(r, "title_en", "") if en else getattr(r, "title_zh", "")) or getattr(r, "title", "")
        table.add_row(rule_id, f"[{SEVERITY_STYLE.get(sev, '')}]{sev}[/]", str(n), title)
    table.add_row("", "", f"[bold]{summary['total']}[/bold]", f"errors {summary['errors']}, warnings {summary['warnings']}")
    return table


def unit_summary_table(summary: dict[str, Any], limit: int | None = None, lang: str = "zh") -> Table:
    """Findings per responsible unit (``summary["by_unit"]``, most first); ``limit`` keeps the first
    n units and a last row counts the units and findings left out. ``lang="en"``: English headers
    only, and the findings without a unit under ``(no responsible unit)``."""
    from graph.checks import NO_UNIT_LABEL

    en = lang == "en"
    by_unit = list(summary.get("by_unit", {}).items())
    shown = by_unit if limit is None else by_unit[:limit]
    table = Table(title=f"{'' if en else '按责任部门 '}by unit ({len(by_unit)} units)")
    table.add_column("unit" if en else "责任部门 unit", overflow="fold")
    table.add_column("count" if en else "数量", justify="right")
    for unit, n in shown:
        table.add_row(escape("(no responsible unit)" if en and unit == NO_UNIT_LABEL else unit), str(n))
    rest = by_unit[len(shown):]
    if rest:
        table.add_row(f"[dim]… {len(rest)} more units[/dim]", f"[dim]{sum(n for _, n in rest)}[/dim]")
    return table


def shown_line(shown: int, total: int) -> str | None:
    """The line saying how many findings a table left out (None when it shows them all)."""
    if shown >= total:
        return None
    return (f"[dim]showing the first {shown} of {total} findings (errors first); "
            "--limit N or --all for more, --format json or xlsx for every finding[/dim]")


def trace_cut(tree: dict[str, Any], key: str = "children") -> tuple[int, int]:
    """What a depth limit cut from a trace: ``(nodes cut, entries not shown)`` — how many shown
    nodes had their ``truncated`` children left out, and how many children that was in all."""
    cut = hidden = 0
    stack = [tree]
    while stack:
        entry = stack.pop()
        if entry.get("truncated"):
            cut += 1
            hidden += entry["truncated"]
        stack.extend(entry.get(key, []))
    return cut, hidden
