"""The rule catalogue, docs/rules.md, generated from the registry :data:`graph.checks.RULES`.

``rules_markdown()`` renders every rule (id, severity, titles, what it finds, message templates,
suggested action, source) grouped by family, after an introduction on findings, their owners and
the ``checks:`` configuration. The layer order and the inheritance steps in the introduction are
read from the ontology and from ``chains.PARENT_STEPS``, so the page cannot drift from the code.

Regenerate the page after changing a rule::

    python -m graph.checks.catalogue > docs/rules.md

tests/test_docs.py fails when docs/rules.md differs from ``rules_markdown()``.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Mapping

from graph.checks.registry import RULES, SEVERITY_LABELS_ZH, Rule
from graph.services.chains import PARENT_STEPS
from ontology import get_ontology

#: Rule families in the order the catalogue lists them: (code, Chinese title, English title).
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("TC", "目标链", "Target chains"),
    ("TK", "任务", "Tasks"),
    ("SI", "标准与指标", "Standards and indicators"),
    ("RS", "责任", "Responsibilities"),
    ("IS", "制度体系", "Institution index"),
    ("DU", "职责", "Duties"),
    ("PL", "规划", "Plans"),
    ("DG", "诊断", "Diagnosis"),
    ("CH", "变更", "Change over time"),
)

REGENERATE = "python -m graph.checks.catalogue > docs/rules.md"

#: Each rule's suggested action in English (the registry holds the Chinese, ``suggestion_zh``).
#: tests/services/test_checks.py fails when a rule has none.
SUGGESTIONS_EN: dict[str, str] = {
    "CH001": "Review whether this node still agrees with its changed parent, adjust it if needed, "
             "then mark it reviewed with iqa review",
    "DG001": "Name a lead unit for this diagnosis point",
    "DU001": "Assign this duty to a specific post (duty, post and standard settled together)",
    "DU002": "Add a work standard for this duty (duty, post and standard settled together)",
    "IS001": "Correct the code of this institution/process/standard to its item's code (item code + Z/L/B), "
             "or attach it to the right item",
    "IS002": "Complete the item with its institution (Z), process (L) and standard (B)",
    "IS003": "Settle the one item this institution/process/standard belongs to; number it afresh for the others",
    "IS004": "Name the institution (work rule) this process follows",
    "PL001": "Break this plan down into targets or sub-plans, or withdraw it",
    "RS001": "Staff this post, or move its work to a staffed post",
    "RS002": "Settle one lead unit; make the others cooperating units",
    "SI001": "Set quality control points / monitoring indicators for this standard",
    "SI002": "Name a responsible post or person, and a lead unit, for this indicator",
    "SI003": "Set a numeric warning value for this indicator",
    "SI004": "Analyse why the indicator deviates, set improvement measures and follow up at the next measurement",
    "TC001": "Give this target a parent target or its plan, or change its layer to the school layer",
    "TC002": "Break this target down into sub-targets, or assign tasks to carry it out",
    "TC003": "Link this target to its standard (the standard chain)",
    "TC004": "Rearrange the parent and child targets or correct the layers, so that no parent is on a lower layer "
             "than its child",
    "TC005": "Remove one decomposition, implementation or containment link of the cycle, so that the "
             "plan–target–task chain has no cycle",
    "TC006": "Bring the deadline within that of the parent target/plan/task, or move the parent's deadline",
    "TC007": "Name a lead unit and a responsible person for this target",
    "TC008": "Break the target chain down to tasks that can be carried out, so that every school goal has tasks",
    "TK001": "Link this task to its target or parent task",
    "TK002": "Name the lead unit, the responsible unit and the responsible person of this task",
    "TK003": "Get the responsible person to finish the task and update its status, or adjust its deadline "
             "through the proper procedure",
}


def suggestion(rule_id: str, lang: str = "zh") -> str:
    """The suggested action of rule ``rule_id`` in ``lang`` (``"zh"`` the registry's
    ``suggestion_zh``, ``"en"`` :data:`SUGGESTIONS_EN`, falling back to the Chinese); ``""`` for an
    unknown rule id."""
    rule = RULES.get(rule_id)
    if rule is None:
        return ""
    return SUGGESTIONS_EN.get(rule_id, rule.suggestion_zh) if lang == "en" else rule.suggestion_zh

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")  # :func:`x` → `x`
_DOUBLE = re.compile(r"``(.+?)``")  # ``x`` → `x`


def _markdown_inline(text: str) -> str:
    """reStructuredText inline markup of a docstring as Markdown: ``x`` and :role:`x` → `x`."""
    text = _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", text)
    return _DOUBLE.sub(lambda m: f"`{m.group(1)}`", text)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def rule_summary(rule: Rule) -> str:
    """What the rule finds, in English: the first paragraph of its function's docstring, without
    the leading ``ID:``, as one line of Markdown."""
    doc = inspect.getdoc(rule.fn) or ""
    first = doc.split("\n\n", 1)[0]
    first = " ".join(first.split())
    first = re.sub(rf"^{re.escape(rule.id)}\s*:\s*", "", first)
    first = first[:1].upper() + first[1:]
    return _markdown_inline(first)


def _families(rules: Mapping[str, Rule]) -> list[tuple[str, str, str, list[Rule]]]:
    """Families with at least one rule, known ones in :data:`FAMILIES` order, then any other
    family (e.g. one added later) under its code."""
    known = {code: (zh, en) for code, zh, en in FAMILIES}
    by_family: dict[str, list[Rule]] = {}
    for rule in rules.values():
        by_family.setdefault(rule.family, []).append(rule)
    order = [code for code, _, _ in FAMILIES if code in by_family]
    order += sorted(code for code in by_family if code not in known)
    return [(code, *known.get(code, (code, f"{code} rules")), sorted(by_family[code], key=lambda r: r.id))
            for code in order]


def _layer_order() -> str:
    layers = sorted(get_ontology().schemes["Layers"], key=lambda c: c.rank)
    return " > ".join(c.labels.zh for c in layers)


def _layer_order_en() -> str:
    layers = sorted(get_ontology().schemes["Layers"], key=lambda c: c.rank)
    return " > ".join(c.labels.en for c in layers)


_STEP_WORDS = {
    ("measurement_of", "out"): "a measurement → the indicator it is a measurement of",
    ("measures", "out"): "an indicator → the target, standard or diagnosis point it measures",
    ("decomposes_to", "in"): "a node → its parent in a decomposition (plan, target, task, standard, "
                             "institution item, diagnosis item or element)",
    ("implemented_by", "in"): "a task → the target it implements",
    ("includes", "in"): "a regulation, process or standard → the institution item that includes it",
    ("part_of", "out"): "a post, person or org unit → the org unit it is part of",
}


def _parent_steps() -> str:
    lines = []
    for i, (edge, direction) in enumerate(PARENT_STEPS, 1):
        arrow = f"`-{edge}->`" if direction == "out" else f"`<-{edge}-`"
        words = _STEP_WORDS.get((edge, direction), "")
        lines.append(f"{i}. {arrow}" + (f": {words}" if words else ""))
    return "\n".join(lines)


def _intro(rules: Mapping[str, Rule]) -> str:
    n_err = sum(1 for r in rules.values() if r.severity == "error")
    n_warn = len(rules) - n_err
    return f"""# Consistency rules (规则目录)

<!-- Generated from the rule registry by `{REGENERATE}`. Do not edit by hand:
     change the rule in graph/checks/rules/ and regenerate; tests/test_docs.py checks this page. -->

`iqa check` (and the API's `GET /api/v1/checks`, the UI's 检查 page) runs the consistency rules
below over the whole graph. There are {len(rules)} rules: {n_err} of severity `error` (错误) and
{n_warn} of severity `warning` (警告). Rule ids are fixed: outside tools, reports and configuration
files depend on them. `iqa rules` lists the same catalogue.

Terms used here are defined in the [glossary](glossary.md); the documents each rule enforces are
listed in [sources](sources.md); the workbook columns that create the nodes and edges the rules
look at are in [workbook](workbook.md).

## Findings

A rule reports one **finding** per broken node:

```json
{{"rule": "TC002", "severity": "error", "node": "Target:MB-K020101-3", "name": "…",
 "message": "断头目标：…", "message_en": "dead-end target: …",
 "owner": {{"unit": {{"id": "OrgUnit:…", "name": "…"}}, "person": {{"id": "Person:…", "name": "…"}}}},
 "inherited_from": null}}
```

`message` and `message_en` are the rule's templates below, filled in for the node (`{{code}}`,
`{{name}}`, `{{kind_zh}}` / `{{kind_en}}` of the node, and the values the rule computes). A run exits
with status 1 when at least one finding has severity `error` (unless `--exit-zero`). Findings are
sorted errors first, then by rule id, then by node id.

## Who must fix it: the owner of a finding

Every finding is routed to the **owner** of its node: the unit (and person, where known) that
must fix it.

**Explicit owner.** The node's own lead unit (`-led_by->` an org unit: 牵头部门) and its responsible
unit, post or person (`-assigned_to->`: 责任部门, 责任岗位, 责任人). Missing parts are completed: a
post's holder (`<-holds-`) is the person, a person's post (`-holds->`) is the post, and the post's
or person's org unit (`-part_of->`) is the unit.

**Inherited owner.** A node that names no owner takes the owner of its nearest parent that has
one, searched breadth first along these steps, in this order (`-x->` follows an edge forward,
`<-x-` backward):

{_parent_steps()}

The finding's `inherited_from` names the node the owner came from. A finding whose node has no
owner, explicit or inherited, is listed under `(无责任部门)`.

Grouped by owner unit, the findings are each unit's **rectification list** (整改清单):
`iqa check --format xlsx` writes one workbook with a summary sheet (汇总) and one sheet per unit, in
the format of every rectification list (the one `iqa rectify export` writes: code, severity,
problem, suggested action and suggested deadline, the columns the unit fills in, and the rule,
node and owner; docs/exports.md), so a filled-in list loads back with `iqa rectify import`; and
`iqa check --owner UNIT` keeps one unit's findings.

## Layers

Targets, standards and indicators sit on one of six layers, highest first:

    {_layer_order()}
    {_layer_order_en()}

A parent target must not be on a lower layer than its child (TC004); a target on the school
layer (学校) needs no parent (TC001) but must reach a task (TC008).

## Switching rules off, re-grading them

The `checks:` section of the configuration file (`--config FILE`, the environment variable
`IQA_CONFIG`, or `iqa.yaml` in the working directory) disables rules and changes their severity:

```yaml
checks:
  disabled: [TC003, SI001]          # these rules do not run
  severity: {{TK003: error, SI003: error}}   # report with this severity instead of the default
```

Ids are case-insensitive; an unknown rule id or severity stops the command with a message naming
the file and the key. The same file may hold the `api:` section (see the README).

`iqa check --rule ID` (repeatable) runs only the named rules, and `--as-of DATE` sets the check date
that TK003 (overdue task) and SI004 (indicator breach) judge against (default: today).
"""


def _family_section(code: str, zh: str, en: str, rules: list[Rule]) -> str:
    out = [f"## {code}: {en} ({zh})", "",
           "| id | severity | title | what it finds | source |",
           "|---|---|---|---|---|"]
    for r in rules:
        sev = f"{r.severity} ({SEVERITY_LABELS_ZH[r.severity]})"
        out.append(f"| {r.id} | {sev} | {_cell(r.title_zh)}<br>{_cell(r.title_en)} | "
                   f"{_cell(rule_summary(r))} | {_cell(r.source)} |")
    out.append("")
    for r in rules:
        out += [f"**{r.id}** {r.title_zh} / {r.title_en}",
                "",
                f"- 消息: `{r.message_zh}`",
                f"- message: `{r.message_en}`",
                f"- 建议措施: {r.suggestion_zh}",
                f"- suggested action: {SUGGESTIONS_EN.get(r.id, '—')}",
                ""]
    return "\n".join(out)


def rules_markdown(rules: Mapping[str, Rule] | None = None) -> str:
    """docs/rules.md: the introduction, then one section per rule family with a table and each
    rule's message templates and suggested action. ``rules`` defaults to :data:`RULES`."""
    rules = RULES if rules is None else rules
    parts = [_intro(rules)]
    parts += [_family_section(*fam) for fam in _families(rules)]
    return "\n".join(parts).rstrip("\n") + "\n"


def main() -> None:
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    sys.stdout.write(rules_markdown())


if __name__ == "__main__":
    main()
