"""The sheet specs of the workbook contract (``docs/workbook.md``), as data.

Each :class:`SheetSpec` names a sheet (Chinese name and English alias), the node kind its rows
define and its columns. Each :class:`Column` says whether it is required or multi-valued, which
node property it fills (``prop``) and how its text is parsed (``value``), or which node kinds it
references and with which edge (``refs``, ``edge``, ``incoming``). The loader builds nodes and
edges from these fields; the template writer and the reader use them for the headers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property

from ontology.properties import property_spec

#: Cell separators of multi-valued columns: 、 ， , ； ; and line breaks.
MULTI_SEPARATORS = re.compile(r"[、，,；;\r\n]+")

#: Sheets that are never data (the template's instructions); skipped without a warning.
IGNORED_SHEETS = frozenset({"说明", "instructions", "readme"})

_TRAILING_GROUP = re.compile(r"^(.+?)[(\[].*[)\]]$")


def normalize_header(text: object) -> str:
    """A header or sheet name in comparable form: Unicode NFKC (full-width brackets, commas,
    colons, letters and digits made half-width, as codes and search are), every blank removed, a
    trailing required marker ``*`` dropped, lower case."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    return s.rstrip("*").lower()


def split_multi(text: str) -> list[str]:
    """The values of a multi-valued cell: split on ``、 ， , ； ;`` and line breaks, each value
    stripped, empty values dropped."""
    return [p.strip() for p in MULTI_SEPARATORS.split(text) if p.strip()]


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``prop``: the node property the cell fills (``code`` and ``name`` identify the row's node); its
    ``value`` type and ``required`` flag come from the kind's property schema
    (``ontology.properties``), filled in by :class:`SheetSpec`.
    ``value``: how the text is parsed — ``text``, ``date``, ``number``, ``number_or_text``,
    ``int_or_text`` or a controlled vocabulary (``layer``, ``status``, ``org_type``, ``system``,
    ``plan_level``, ``scope``, ``task_kind``, ``direction``); see :mod:`graph.values`.
    ``refs``: node kinds a reference cell may name (matched by code, then by exact name);
    ``edge``: the edge type made for each referenced node, from the row's node, or towards it
    when ``incoming`` (``上级目标`` makes ``parent -decomposes_to-> row``).
    ``stub``: an unknown reference creates a node whose code and name are the cell text.
    ``aliases``: other headers printed tables use for this column (``牵头责任单位`` for 牵头部门);
    the contract's own name wins when a sheet has both.
    """

    zh: str
    en: str
    required: bool = False
    multi: bool = False
    prop: str | None = None
    value: str = "text"
    refs: tuple[str, ...] = ()
    edge: str | None = None
    incoming: bool = False
    stub: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the contract: ``zh`` name, ``en`` alias, the ``kind`` of node a row defines,
    its ``columns`` and the ``builder`` that maps a row (``node`` = the generic one)."""

    zh: str
    en: str
    kind: str
    columns: tuple[Column, ...]
    builder: str = "node"

    def __post_init__(self) -> None:
        # A property column reads its value type and required flag from the kind's schema.
        filled = []
        for c in self.columns:
            if c.prop and c.prop not in ("code", "name"):
                spec = property_spec(self.kind, c.prop)
                c = replace(c, value=spec.value, required=spec.required)
            filled.append(c)
        object.__setattr__(self, "columns", tuple(filled))

    @cached_property
    def _by_header(self) -> dict[str, tuple[Column, bool]]:
        out: dict[str, tuple[Column, bool]] = {}
        for c in self.columns:
            for alias in c.aliases:
                out[normalize_header(alias)] = (c, True)
        for c in self.columns:  # the contract's names win over the aliases of printed tables
            out[normalize_header(c.zh)] = (c, False)
            out[normalize_header(c.en)] = (c, False)
        return out

    def match(self, header: object) -> tuple[Column | None, bool]:
        """``(column, by_alias)``: the column a header names (Chinese name, English alias or an
        alias of printed tables, normalised; ``编号(code)`` style headers too), and whether it was
        named by a printed-table alias; ``(None, False)`` when none."""
        key = normalize_header(header)
        hit = self._by_header.get(key)
        if hit is None:
            m = _TRAILING_GROUP.match(key)  # "编号(code)" style headers
            if m:
                hit = self._by_header.get(m.group(1))
        return hit if hit is not None else (None, False)

    def column(self, header: object) -> Column | None:
        """The column a header names (Chinese name, English alias or printed-table alias,
        normalised), or None."""
        return self.match(header)[0]

    def get(self, zh: str) -> Column:
        """The column with Chinese name ``zh``; KeyError if the sheet has none."""
        for c in self.columns:
            if c.zh == zh:
                return c
        raise KeyError(f"{self.zh} has no column {zh}")

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


C = Column
_UNIT = ("OrgUnit",)


def _code(zh: str = "编号", aliases: tuple[str, ...] = ("序号", "代码", "编码")) -> Column:
    return C(zh, "code", required=True, prop="code", aliases=aliases)


def _name(zh: str = "名称", aliases: tuple[str, ...] = ()) -> Column:
    return C(zh, "name", required=True, prop="name", aliases=aliases)


#: Headers of printed tables (专业建设标准, 师资标准, 课程质量诊断标准, a plan's table of contents)
#: read as the contract's columns.
_LEAD = ("牵头责任单位", "牵头单位", "牵头责任部门", "主责部门", "负责部门")
_RESPONSIBLE = ("责任领导", "分管领导", "负责人", "责任人员")
_DEADLINE = ("完成时间", "时间节点", "完成期限", "时间进度", "时间")


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("部门", "org_units", "OrgUnit", (
        _code(), _name(),
        C("类型", "type", prop="type"),
        C("上级部门", "parent", refs=_UNIT, edge="part_of"),
        C("纵向系统", "system", prop="system"),
    )),
    SheetSpec("岗位", "posts", "Post", (
        _code(), _name(),
        C("所属部门", "org_unit", required=True, refs=_UNIT, edge="part_of"),
    )),
    SheetSpec("人员", "people", "Person", (
        _code("工号"), _name("姓名"),
        C("岗位", "posts", multi=True, refs=("Post",), edge="holds"),
        C("部门", "org_unit", refs=_UNIT, edge="part_of"),
    )),
    SheetSpec("规划", "plans", "Plan", (
        _code(), _name(aliases=("规划名称", "规划")),
        C("层级", "level", prop="level", aliases=("规划层级", "级别")),
        C("上级规划", "parent", refs=("Plan",), edge="decomposes_to", incoming=True),
        C("牵头部门", "lead_unit", refs=_UNIT, edge="led_by", aliases=_LEAD),
        C("牵头人", "lead_person", refs=("Person",), edge="assigned_to", aliases=_RESPONSIBLE),
        C("完成时限", "deadline", prop="deadline", aliases=_DEADLINE),
    )),
    SheetSpec("目标", "targets", "Target", (
        _code(), _name(aliases=("目标与任务", "目标名称", "建设目标", "目标")),
        C("层面", "layer", prop="layer"),
        C("目标类别", "category", prop="category"),
        C("上级目标", "parents", multi=True, refs=("Target",), edge="decomposes_to", incoming=True),
        C("所属规划", "plan", refs=("Plan",), edge="decomposes_to", incoming=True),
        C("目标值", "target_value", prop="target_value"),
        C("单位", "unit", prop="unit"),
        C("完成时限", "deadline", prop="deadline", aliases=_DEADLINE),
        # split as multi too: two lead units is a finding (RS002), not an input error
        C("牵头部门", "lead_unit", multi=True, refs=_UNIT, edge="led_by", aliases=_LEAD),
        C("责任人", "responsible", multi=True, refs=("Person",), edge="assigned_to", aliases=_RESPONSIBLE),
        C("标准", "standards", multi=True, refs=("Standard",), edge="governed_by"),
    )),
    SheetSpec("任务", "tasks", "Task", (
        _code(), _name(aliases=("任务名称", "建设任务", "工作任务", "任务", "目标与任务")),
        C("属性", "kind", prop="task_kind"),
        C("上级任务", "parents", multi=True, refs=("Task",), edge="decomposes_to", incoming=True),
        C("对应目标", "targets", multi=True, refs=("Target",), edge="implemented_by", incoming=True),
        C("牵头部门", "lead_unit", refs=_UNIT, edge="led_by", aliases=_LEAD),
        C("责任部门", "responsible_units", multi=True, refs=_UNIT, edge="assigned_to",
          aliases=("责任单位", "配合单位", "参与部门")),
        C("责任人", "responsible", multi=True, refs=("Person",), edge="assigned_to", aliases=_RESPONSIBLE),
        C("完成时限", "deadline", prop="deadline", aliases=_DEADLINE),
        C("状态", "status", prop="status"),
        C("流程", "process", refs=("Process",), edge="follows"),
    )),
    SheetSpec("标准", "standards", "Standard", (
        _code(), _name(aliases=("标准名称", "关键要素", "质量标准")),
        C("层面", "layer", prop="layer"),
        C("上级标准", "parents", multi=True, refs=("Standard",), edge="decomposes_to", incoming=True),
        C("牵头部门", "lead_unit", refs=_UNIT, edge="led_by", aliases=_LEAD),
    )),
    SheetSpec("制度体系", "institution_index", "InstitutionItem", (
        C("一级", "level1", required=True),
        C("二级", "level2", required=True),
        C("三级", "level3", required=True),
        C("制度", "regulation", refs=("Regulation",), edge="includes"),
        C("流程", "process", refs=("Process",), edge="includes"),
        C("标准", "standard", refs=("Standard",), edge="includes"),
        C("责任部门", "lead_units", multi=True, refs=_UNIT, edge="led_by"),
    ), builder="institution"),
    SheetSpec("程序文件", "procedure_documents", "ProcedureDocument", (
        _code("文件编号"), _name("程序文件名称"),
        C("牵头部门", "lead_units", multi=True, refs=_UNIT, edge="led_by"),
        C("协作部门", "cooperating_units", multi=True, refs=_UNIT, edge="cooperated_by"),
    )),
    SheetSpec("流程", "processes", "Process", (
        _code("流程编号"), _name("流程名称"),
        C("业务主管部门", "lead_unit", refs=_UNIT, edge="led_by"),
        C("所属岗位", "post", refs=("Post",), edge="assigned_to"),
        C("协作部门", "cooperating_units", multi=True, refs=_UNIT, edge="cooperated_by"),
        C("工作准则", "regulations", multi=True, refs=("Regulation",), edge="follows", stub=True),
        C("输入资源", "inputs", prop="inputs"),
        C("输出资源", "outputs", prop="outputs"),
        C("考核点", "checkpoints", prop="checkpoints"),
        C("程序文件", "procedure_document", refs=("ProcedureDocument",), edge="based_on"),
    )),
    SheetSpec("职责", "duties", "Duty", (
        C("职能部门", "org_unit", required=True, refs=_UNIT, edge="led_by"),
        C("职责属性", "scope", prop="scope"),
        C("序号", "seq", prop="seq"),
        C("职责描述", "description", prop="description"),
        C("具体工作内容", "work", prop="work"),
        C("工作归属岗位", "post", refs=("Post",), edge="assigned_to"),
        C("工作标准", "work_standard", prop="work_standard"),
    ), builder="duty"),
    SheetSpec("诊断", "diagnosis", "DiagnosisPoint", (
        C("诊断项目", "item", required=True, aliases=("质控项目", "一级指标", "项目")),
        C("诊断要素", "element", required=True, aliases=("关键要素", "要素", "二级指标")),
        C("诊断点", "point", required=True, aliases=("主要观测点", "观测点", "质控点", "诊断内容")),
        C("诊断标准", "criterion", prop="criterion", aliases=("建设和质量标准", "质量标准", "标准", "评价标准")),
        C("预警值", "warning", prop="warning", aliases=("预警线", "警戒值")),
        C("牵头部门", "lead_unit", multi=True, refs=_UNIT, edge="led_by", aliases=_LEAD),
        C("责任人", "responsible", refs=("Person",), edge="assigned_to", aliases=_RESPONSIBLE),
    ), builder="diagnosis"),
    SheetSpec("指标", "indicators", "Indicator", (
        _code(aliases=("序号", "指标编号", "代码")),
        _name(aliases=("主要观测点", "观测点", "指标名称", "质控点", "监测点", "指标")),
        C("测量对象", "measures", refs=("Target", "Standard", "DiagnosisPoint"), edge="measures",
          aliases=("关键要素", "所属标准", "对应标准", "质量标准", "二级指标")),
        C("目标值", "target_value", prop="target_value", aliases=("目标", "标准值", "建设和质量标准")),
        C("预警值", "warning", prop="warning", aliases=("预警线", "警戒值")),
        C("方向", "direction", prop="direction"),
        C("单位", "unit", prop="unit", aliases=("计量单位",)),
        C("采集频次", "frequency", prop="frequency", aliases=("频次", "监测频次", "采集周期")),
        C("责任岗位", "post", refs=("Post",), edge="assigned_to"),
        C("责任人", "responsible", refs=("Person",), edge="assigned_to", aliases=_RESPONSIBLE),
        # split as multi like 目标.牵头部门: two lead units on an indicator is finding RS002
        C("牵头部门", "lead_unit", multi=True, refs=_UNIT, edge="led_by", aliases=_LEAD),
    )),
    SheetSpec("测量", "measurements", "Measurement", (
        C("指标编号", "indicator", required=True, refs=("Indicator",), edge="measurement_of"),
        C("日期", "date", prop="date"),
        C("值", "value", prop="value"),
        C("来源", "source", prop="source"),
    ), builder="measurement"),
)

_BY_NAME = {normalize_header(s.zh): s for s in SHEETS} | {normalize_header(s.en): s for s in SHEETS}


def sheet_spec(name: object) -> SheetSpec | None:
    """The spec of the sheet called ``name`` (Chinese name or English alias, normalised), or None."""
    return _BY_NAME.get(normalize_header(name))


def is_ignored_sheet(name: object) -> bool:
    """True for sheets that carry no data (``说明``), which readers skip silently."""
    return normalize_header(name) in IGNORED_SHEETS
