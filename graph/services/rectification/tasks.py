"""Rectification lists (整改清单) from a diagnosis, exported per unit as xlsx and imported back as
rectification tasks (整改任务) — the loop into the next cycle.

包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表9 (事后 应用): "反馈信息，修正规划/方案，兑现奖惩，形成整改清单"; 表9 (6): at the end of a
cycle the school, offices and departments draw up rectification plans that enter the next cycle's
work; (4): a unit's work plan includes "上一次循环后需要整改的任务". docs/rules.md: the findings of a unit
are its rectification list.

**Export** (:func:`export_rectification`): one row per reported warning of the diagnosis (root
causes only: an absorbed warning is named in 关联预警 of the row that explains it), grouped by the
warning's owner unit, in the one layout of every rectification list (``rectification.workbook``:
a ``汇总`` sheet, one sheet per unit titled with the unit's name, columns :data:`COLUMNS`). The unit fills
in 整改措施, 整改时限 and 责任人 (and later 状态); 建议时限, 整改时限 and 诊断日期 are date cells
(yyyy-mm-dd; a date typed in or ISO text is read back alike); 建议时限 pre-fills 整改时限's default: the month-end
one month after the diagnosis date for an error, two months for a warning (our rule). A warning that
already has a rectification task is exported with that task's measure, deadline, person and status.

**Import** (:func:`import_rectification`): every row whose 整改措施 is filled — in this list or in
the check findings' list of the same layout (``rectification.findings``) — becomes the node
``RectificationTask:<编号>`` (编号 is ``ZG-<kind>-<code>-<tag>``, derived from the warning, so a
re-import updates the same node: importing the same file twice changes nothing; a check finding
and the diagnosis' warning of the same rule on the same node give the same 编号) with properties
``name``, ``finding``, ``measure``, ``deadline`` (ISO), ``status`` (TaskStatuses notation, default
``not_started``), ``warning_id``, ``warning_kind``, ``diagnosed_on``, and the edges
``-rectifies->`` the node of the warning, ``-assigned_to->`` the 责任人 (a Person, by 工号, exact
name or ``姓名（工号）``; empty = the warning's owner person) and ``-led_by->`` the unit (部门编号,
else 责任部门, else the person's unit). Those three edge types are replaced on re-import. Rows whose
整改措施 is empty are skipped (counted in ``unfilled``). Rectification tasks are tracked like tasks
(``diagnosis.tasks``): one due and not 已完成 is itself a warning (整改逾期).

**Languages** (``lang``): ``"zh"`` (default) writes the Chinese headers above; ``"en"`` writes the
same workbook in English — the sheet ``Summary`` (:data:`SUMMARY_COLUMNS_EN`), the headers of
:data:`COLUMNS_EN` (Code, Severity, Problem, … in the same order), severities ``error`` /
``warning``, the warnings' kinds, messages and suggested actions in English (the diagnosis'
``label_en``, ``message_en``, ``suggestion_en``) and the status words of the ontology in English
(``not started`` …); names, codes and the filled-in text stay as stored. The import reads either:
it finds its columns by header in both languages (:data:`HEADER_KEYS`) and status words in both;
the task's ``name`` takes the Chinese kind of the warning when the list gives its English kind, so
an English list and a Chinese one give the same task (``finding`` keeps the problem text as
written in the list).

Errors: a problem in any filled row (unknown node, person or unit, unreadable date or status, no
owner at all) raises ``IngestError`` listing every located problem (``file sheet!row:column``) and
writes nothing, unless ``partial=True``: then the good rows are written and the report lists the
rest. An unreadable file raises ``IngestError`` too. Writing the export propagates ``OSError``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from graph.settings import LimitsSection

from graph.errors import IngestError, IqaError, Problem
from graph.model import Edge, Node
from graph.checks import NO_UNIT_LABEL, RULES, resolve_unit
from graph.services.diagnosis import Diagnosis, DiagnosisConfig, diagnose
from graph.services.diagnosis.tasks import normalise_status
from graph.services.diagnosis.warnings import KINDS, KINDS_EN, DiagnosisWarning
from graph.services.ownership import owner_of
from graph.store import GraphStore
from graph.values import BadValue, parse_date
from graph.services.rectification.workbook import (
    COLUMNS, COLUMNS_EN, FILL_COLUMNS, HEADER_KEYS, NO_UNIT_LABEL_EN, PRINTED, SEVERITY_ZH, SUMMARY_COLUMNS,
    SUMMARY_COLUMNS_EN, SUMMARY_SHEET, SUMMARY_SHEET_EN, check_lang, suggested_deadline, task_code, write_lists)
from graph.xlsx_reader import check_xlsx, open_xlsx

_TAGS = {"indicator_breach": "BREACH", "indicator_stale": "STALE", "task_overdue": "OVERDUE",
         "task_at_risk": "RISK", "low_achievement": "LOW", "rectification_overdue": "LATE"}
_PERSON_WITH_CODE = re.compile(r"^(.*?)\s*[（(]\s*([^（）()]+?)\s*[）)]$")


def rectification_code(warning: DiagnosisWarning) -> str:
    """The code of the rectification task of ``warning``: ``ZG-<node kind>-<node code>-<tag>``,
    tag = the rule id of a chain warning, else BREACH / STALE / OVERDUE / RISK / LOW / LATE."""
    return task_code(warning.node.id, warning.rule if warning.kind == "chain" else _TAGS[warning.kind])


def _person_text(node: Node | None, lang: str = "zh") -> str:
    if node is None:
        return ""
    return f"{node.name} ({node.code})" if lang == "en" else f"{node.name}（{node.code}）"


def rectification_rows(diagnosis: Diagnosis, lang: str = "zh") -> dict[str, list[dict[str, Any]]]:
    """The rows of the lists, by owner unit id (``""`` for warnings without a unit), units ordered
    by name with ``""`` last; each row is ``{column: value}`` over :data:`COLUMNS` (keys always the
    Chinese headers; the words in ``lang``, ``"zh"`` or ``"en"``, module docstring). ValueError for
    another language."""
    check_lang(lang)
    en = lang == "en"
    ctx = diagnosis.ctx
    groups: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, str] = {}
    for w in diagnosis.warnings:
        own = w.owner
        unit = own.unit if own else None
        key = unit.id if unit else ""
        names[key] = unit.name if unit else NO_UNIT_LABEL
        code = rectification_code(w)
        existing = ctx.nodes.get(f"RectificationTask:{code}")
        person = own.person if own else None
        measure = deadline = status = ""
        if existing is not None:
            measure = str(existing.props.get("measure") or "")
            deadline = str(existing.props.get("deadline") or "")
            status = ctx.onto.concept("TaskStatuses", normalise_status(existing.props.get("status")) or "not_started")
            status = (status.labels.en if en else status.labels.zh) if status is not None else ""
            assigned = [n for _, n in ctx.neighbors(existing.id, ("assigned_to",), "out") if n.kind == "Person"]
            person = assigned[0] if assigned else person
        groups.setdefault(key, []).append({
            "编号": code, "预警编号": w.id, "预警类型": w.label_en if en else w.label,
            "严重程度": w.severity if en else SEVERITY_ZH.get(w.severity, w.severity),
            "问题描述": (w.message_en or w.message) if en else w.message, "节点": w.node.id, "名称": w.node.name,
            "责任部门": unit.name if unit else "", "部门编号": unit.code if unit else "",
            "责任岗位": own.post.name if own and own.post else "",
            "危及学校目标": ("; " if en else "、").join(f"{g['code']} {g['name']}" for g in w.school_goals),
            "关联预警": ("; " if en else "；").join(a["message_en" if en else "message"] for a in w.absorbed),
            "建议措施": w.suggestion_en if en else w.suggestion,
            "建议时限": suggested_deadline(diagnosis.as_of, w.severity).isoformat(),
            "整改措施": measure, "整改时限": deadline, "责任人": _person_text(person, lang),
            "状态": status or ("not started" if en else "未开始"), "诊断日期": diagnosis.as_of.isoformat(),
        })
    order = sorted(groups, key=lambda k: (k == "", names[k], k))
    return {k: groups[k] for k in order}


def export_rectification(store: GraphStore, dest: str | os.PathLike[str] | IO[bytes], *, unit: str | None = None,
                         as_of: dt.date | None = None, config: DiagnosisConfig | None = None,
                         diagnosis: Diagnosis | None = None, lang: str = "zh") -> dict[str, Any]:
    """Write the rectification lists of a diagnosis (``diagnosis``, else ``diagnose(store, as_of=,
    unit=, config=)``) to ``dest`` (a path or a binary file object), in ``lang`` (``"zh"``, default,
    or ``"en"``: module docstring). Returns ``{"rows", "sheets": {unit id: sheet title}, "as_of"}``.
    Raises as ``diagnose`` does for an unknown unit; ValueError for another language (before
    anything is computed or written)."""
    check_lang(lang)
    d = diagnosis or diagnose(store, as_of=as_of, unit=unit, config=config)
    groups = rectification_rows(d, lang)
    sheets = write_lists(groups, dest, lang)
    return {"rows": sum(len(r) for r in groups.values()), "sheets": sheets, "as_of": d.as_of.isoformat()}


# ================================================================================ import
@dataclass
class ImportReport:
    """What :func:`import_rectification` did: rectification task ids ``created`` / ``updated`` /
    ``unchanged``, rows left ``unfilled``, and the located ``problems`` (rows skipped when partial)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unfilled: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"created", "updated", "unchanged": [ids], "unfilled": n, "problems": [text]}``."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "unfilled": self.unfilled, "problems": [str(p) for p in self.problems]}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _resolve_person(store: GraphStore, text: str) -> Node | None:
    """A Person by ``工号``, ``姓名（工号）`` or a unique exact name; None when nothing matches.
    Raises IqaError when a name is shared by several people."""
    candidates = [text]
    m = _PERSON_WITH_CODE.match(text)
    if m:
        candidates.insert(0, m.group(2))
    for c in candidates:
        node = store.get_node(c if c.startswith("Person:") else f"Person:{c}")
        if node is not None:
            return node
    name = m.group(1) if m else text
    same = [n for n in store.iter_nodes("Person") if n.name == name]
    if len(same) > 1:
        raise IqaError(f"several people are named {name!r}: {', '.join(n.id for n in same)}; write the 工号")
    return same[0] if same else None


def _unit_from(store: GraphStore, code: str, name: str) -> Node | None:
    for text in (code, name):
        if text:
            try:
                return resolve_unit(store, text)
            except IqaError:
                continue
    return None


def _header_key(header: str) -> str:
    """The column key (Chinese header) of a header as written, in either language; else the header."""
    return HEADER_KEYS.get(header, HEADER_KEYS.get(header.casefold(), header))


def _rows(source: str | os.PathLike[str] | IO[bytes],
          where: str) -> list[tuple[str, int, dict[str, Any], dict[str, str]]]:
    """``(sheet title, row number, {column key: value}, {column key: header as written})`` of every
    list sheet (one with 编号 / Code and 整改措施 / Rectification measure, in either language:
    :data:`HEADER_KEYS`). The workbook is checked against the default limits first
    (:func:`check_xlsx`)."""
    limits = LimitsSection()
    check_xlsx(source, where, limits)
    out = []
    with open_xlsx(source, where) as wb:
        for title in wb.titles:
            try:
                rows = wb.sheet(title, limits, f"{where} {title}").rows
            except IngestError:
                raise
            except Exception as exc:  # a damaged part, a number that is not one
                raise IngestError([Problem(f"{where} {title}", f"cannot read the sheet ({type(exc).__name__}: "
                                                               f"{exc})")]) from exc
            header = rows[0] if rows else None
            if not header:
                continue
            written = {_header_key(_text(h)): _text(h) for h in header if _text(h)}
            cols = {_header_key(_text(h)): i for i, h in enumerate(header) if _text(h)}
            if "整改措施" not in cols or ("编号" not in cols and "节点" not in cols):
                continue
            for number, values in enumerate(rows[1:], start=2):
                cells = {c: values[i] if i < len(values) else None for c, i in cols.items()}
                if any(_text(v) for v in cells.values()):
                    out.append((title, number, cells, written))
    return out


def _kind_zh(warning_id: str, written: str) -> str:
    """The warning kind as the task name gives it: ``written`` (the list's 预警类型), but the Chinese
    kind when ``written`` is the English kind of the warning ``warning_id`` (an English list)."""
    kind = warning_id.split(":", 1)[0] if warning_id else ""
    if kind in KINDS_EN and written.casefold() == KINDS_EN[kind][0].casefold():
        return KINDS[kind][0]
    if kind in RULES and written.casefold() == RULES[kind].title_en.casefold():
        return RULES[kind].title_zh
    return written


def import_rectification(store: GraphStore, source: str | os.PathLike[str] | IO[bytes], *,
                         partial: bool = False, name: str | None = None) -> ImportReport:
    """Load a filled-in rectification workbook into ``store`` as rectification tasks (module
    docstring). ``name``: how the file is named in problems (default its path). All rows are
    checked first and written in one transaction. Raises IngestError as described above."""
    where = name or (str(source) if isinstance(source, (str, os.PathLike)) else "<workbook>")
    report = ImportReport()
    planned: list[tuple[Node, list[Edge]]] = []
    seen: set[str] = set()
    label = Path(where).name if isinstance(source, (str, os.PathLike)) and not name else where
    for title, number, cells, written in _rows(source, where):
        loc = f"{label} {title}!{number}"

        def at(column: str, loc: str = loc, written: dict[str, str] = written) -> str:
            """The location of a cell, named by its header as the list writes it."""
            return f"{loc}:{written.get(column, column)}"

        measure = _text(cells.get("整改措施"))
        if not measure:
            report.unfilled += 1
            continue
        problems: list[Problem] = []
        node = store.get_node(_text(cells.get("节点")))
        if node is None:
            problems.append(Problem(at("节点"), f"no node {_text(cells.get('节点'))!r} in the store"))
        code = _text(cells.get("编号"))
        wid = _text(cells.get("预警编号"))
        if not code and node is not None:
            code = f"ZG-{node.kind}-{node.code}-{wid.split(':', 1)[0] or 'FIX'}"
        if not code:
            problems.append(Problem(at("编号"), "required cell is empty"))
        elif code in seen:
            problems.append(Problem(at("编号"), f"{code} appears twice in the workbook"))
        seen.add(code)
        deadline = None
        for col in ("整改时限", "建议时限"):
            raw = cells.get(col)
            if _text(raw):
                try:
                    deadline = parse_date(raw)
                except BadValue as exc:
                    problems.append(Problem(at(col), str(exc)))
                break
        if deadline is None and not any(p.location in (at("整改时限"), at("建议时限")) for p in problems):
            problems.append(Problem(at("整改时限"), "required cell is empty"))
        status_text = _text(cells.get("状态"))
        status = normalise_status(status_text) if status_text else "not_started"
        if status is None:
            problems.append(Problem(at("状态"), f"unknown status {status_text!r} (未开始/正常/已完成/未完成/预警, or not started/"
                                                          "normal/completed/incomplete/warning)"))
        person = None
        person_text = _text(cells.get("责任人"))
        try:
            person = _resolve_person(store, person_text) if person_text else None
        except IqaError as exc:
            problems.append(Problem(at("责任人"), str(exc)))
        else:
            if person_text and person is None:
                problems.append(Problem(at("责任人"), f"no person {person_text!r} (write the 工号 or the exact name)"))
        if node is not None and not person_text:
            person = owner_of(store, node).person
        unit = _unit_from(store, _text(cells.get("部门编号")), _text(cells.get("责任部门")))
        if unit is None and person is not None:
            units = [n for _, n in store.neighbors(person.id, ("part_of",), "out") if n.kind == "OrgUnit"]
            unit = units[0] if units else None
        if unit is None and person is None and node is not None:
            problems.append(Problem(at("责任人"), "no responsible person and no responsible unit"))
        if problems:
            report.problems += problems
            continue
        assert node is not None
        props = {"name": f"整改：{_kind_zh(wid, _text(cells.get('预警类型'))) or '问题'}（{node.name}）",
                 "finding": _text(cells.get("问题描述")), "measure": measure, "deadline": deadline,
                 "status": status, "warning_id": wid or None, "warning_kind": wid.split(":", 1)[0] if wid else None,
                 "diagnosed_on": _text(cells.get("诊断日期")) or None}
        rt = Node("RectificationTask", code, {k: v for k, v in props.items() if v is not None})
        edges = [Edge(rt.id, "rectifies", node.id)]
        if person is not None:
            edges.append(Edge(rt.id, "assigned_to", person.id))
        if unit is not None:
            edges.append(Edge(rt.id, "led_by", unit.id))
        planned.append((rt, edges))
    if report.problems and not partial:
        raise IngestError(report.problems, f"{len(report.problems)} problem(s) in the rectification workbook; "
                                           "nothing was written")
    owned = ("rectifies", "assigned_to", "led_by")
    with store.transaction():
        for rt, edges in planned:
            old = store.get_node(rt.id)
            old_edges = {(e.source, e.type, e.target) for t in owned for e, _ in store.neighbors(rt.id, (t,), "out")}
            new_edges = {e.key for e in edges}
            if old is not None and old.props == rt.props and old_edges == new_edges:
                report.unchanged.append(rt.id)
                continue
            (report.updated if old is not None else report.created).append(rt.id)
            store.upsert_nodes([rt])
            for key in old_edges - new_edges:
                store.delete_edge(*key)
            store.upsert_edges(edges)
    return report


__all__ = ["COLUMNS", "COLUMNS_EN", "FILL_COLUMNS", "HEADER_KEYS", "NO_UNIT_LABEL_EN", "PRINTED", "SUMMARY_COLUMNS_EN",
           "SUMMARY_SHEET_EN", "ImportReport", "SUMMARY_COLUMNS", "SUMMARY_SHEET", "export_rectification",
           "import_rectification", "rectification_code", "rectification_rows", "suggested_deadline"]
