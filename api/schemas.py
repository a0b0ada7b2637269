"""Request and response models: the JSON shapes of the CLI's ``--format json`` and of the service
layer's ``to_dict()``, described for OpenAPI (with examples). Routes return the service data as is;
these models document it (and the schemathesis test checks that the two agree)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Scalar = str | int | float | bool | None
PropValue = Scalar | list[Scalar]

_OWNER_EXAMPLE = {"person": {"id": "Person:T0153", "name": "曾欣博"},
                  "post": {"id": "Post:XB02-P03", "name": "车辆工程系教学副主任"},
                  "unit": {"id": "OrgUnit:XB02", "name": "车辆工程系"}}
_NODE_EXAMPLE = {"id": "Indicator:ZK-24", "kind": "Indicator", "code": "ZK-24",
                 "props": {"name": "招生计划完成率", "target_value": 0.98, "warning": 0.9, "direction": "ge",
                           "unit": "%", "frequency": "年"}}


def _examples(*examples: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class Health(BaseModel):
    model_config = _examples({"status": "ok", "version": "0.1.0", "backend": "embedded", "nodes": 2950})

    status: Literal["ok"]
    version: str
    #: The store's backend: "embedded" (one SQLite file, one process) or "neo4j".
    backend: str
    nodes: int


class NodeOut(BaseModel):
    """A node: ``id`` is ``Kind:code``; ``props`` holds text, numbers, booleans, nulls and lists of those."""

    model_config = _examples(_NODE_EXAMPLE)

    id: str
    kind: str
    code: str
    props: dict[str, PropValue]


class NodePage(BaseModel):
    model_config = _examples({"total": 19, "limit": 1, "offset": 0, "items": [_NODE_EXAMPLE]})

    total: int = Field(description="matches in all")
    limit: int
    offset: int
    items: list[NodeOut]


class EdgeOut(BaseModel):
    model_config = _examples({"source": "Indicator:ZK-24", "type": "measures", "target": "Target:MB-S-05",
                              "props": {}})

    source: str
    type: str
    target: str
    props: dict[str, PropValue]


class Neighbor(BaseModel):
    edge: EdgeOut
    node: NodeOut


class Neighborhood(BaseModel):
    model_config = _examples({"node": "Indicator:ZK-24", "direction": "out", "neighbors": [
        {"edge": {"source": "Indicator:ZK-24", "type": "led_by", "target": "OrgUnit:ZJC", "props": {}},
         "node": {"id": "OrgUnit:ZJC", "kind": "OrgUnit", "code": "ZJC",
                  "props": {"name": "招生就业处", "type": "functional_office", "system": "quality_generation"}}}]})

    node: str
    direction: Literal["out", "in", "both"]
    neighbors: list[Neighbor]


class Ref(BaseModel):
    id: str
    name: str


class OwnerParts(BaseModel):
    person: Ref | None
    post: Ref | None
    unit: Ref | None


class ChainStep(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    edge: str = Field(description="edge type; prefixed with ^ when walked against its direction")
    to: str


class OwnerAnswerOut(BaseModel):
    """Who owns a node: the same shape as ``iqa owner --format json``."""

    model_config = _examples({
        "node": "Indicator:ZK-58", "owner": _OWNER_EXAMPLE, "inherited_from": "Target:MB-D-XB02-2",
        "chain": [{"from": "Indicator:ZK-58", "edge": "measures", "to": "Target:MB-D-XB02-2"},
                  {"from": "Target:MB-D-XB02-2", "edge": "led_by", "to": "OrgUnit:XB02"},
                  {"from": "Target:MB-D-XB02-2", "edge": "assigned_to", "to": "Person:T0153"},
                  {"from": "Person:T0153", "edge": "holds", "to": "Post:XB02-P03"}]})

    node: str
    owner: OwnerParts
    inherited_from: str | None = Field(description="the node the owner is inherited from; null when explicit")
    chain: list[ChainStep]


class PageFields(BaseModel):
    """``total`` / ``limit`` / ``offset`` of a paged answer (graph.services.paging): the list holds
    items ``offset`` … ``offset + limit - 1`` of ``total``."""

    total: int = Field(description="items in all")
    limit: int | None = Field(description="page size asked for")
    offset: int = Field(description="index of the first item of the page")


class TraceEntry(BaseModel):
    """One node of a trace (``iqa trace --format json``). A node met again in a DAG is a reference
    ``{"id", "kind", "name", "ref": true}`` without children."""

    id: str
    kind: str
    name: str
    layer: PropValue = None
    owner: OwnerParts | None = None
    owner_inherited_from: str | None = None
    status: PropValue = None
    deadline: PropValue = None
    via: str | None = Field(None, description="edge type from the node above")
    truncated: int | None = Field(None, description="children not shown because of depth or limit")
    total: int | None = Field(None, description="root only: its children (parents going up) in all")
    limit: int | None = Field(None, description="root only: children shown at most under each node")
    offset: int | None = Field(None, description="root only: index of the root's first child shown")
    ref: bool | None = None
    children: list[TraceEntry] | None = None
    parents: list[TraceEntry] | None = None


TraceEntry.model_config["json_schema_extra"] = {"examples": [{
    "id": "Task:RW-0002", "kind": "Task", "name": "机械工程系承担：完成年度招生计划，稳定办学规模", "layer": None,
    "owner": {"person": {"id": "Person:T0110", "name": "袁杰嘉"}, "post": {"id": "Post:XB01-P01", "name": "机械工程系主任"},
              "unit": {"id": "OrgUnit:XB01", "name": "机械工程系"}},
    "owner_inherited_from": None, "status": "completed", "deadline": "2025-08-31",
    "parents": [{"id": "Task:RW-0001", "kind": "Task", "name": "2025年度党政工作要点：完成年度招生计划，稳定办学规模",
                 "layer": None, "owner": {"person": None, "post": None, "unit": {"id": "OrgUnit:ZJC", "name": "招生就业处"}},
                 "owner_inherited_from": None, "status": "completed", "deadline": "2025-12-31", "parents": [],
                 "truncated": 1, "via": "decomposes_to"}]}]}
TraceEntry.model_rebuild(force=True)


class Affected(BaseModel):
    id: str
    kind: str
    name: str
    depth: int
    via: str
    owner: OwnerParts


class CountedRef(BaseModel):
    id: str
    name: str
    count: int


class ImpactOut(PageFields):
    model_config = _examples({
        "node": "Target:MB-D-GZC",
        "affected": [{"id": "Task:RW-0135", "kind": "Task", "name": "年度重点工作：完成实训设备采购与验收", "depth": 1,
                      "via": "implemented_by", "owner": {"person": {"id": "Person:T0012", "name": "杜欣"},
                                                         "post": {"id": "Post:GZC-P01", "name": "国有资产管理处处长"},
                                                         "unit": {"id": "OrgUnit:GZC", "name": "国有资产管理处"}}}],
        "units": [{"id": "OrgUnit:GZC", "name": "国有资产管理处", "count": 1}],
        "people": [{"id": "Person:T0012", "name": "杜欣", "count": 1}], "total": 1, "limit": 50, "offset": 0})

    node: str
    affected: list[Affected] = Field(description="one page of the affected nodes (`total` counts them all)")
    units: list[CountedRef]
    people: list[CountedRef]


class OwnedItem(BaseModel):
    id: str
    name: str
    via: Literal["led_by", "assigned_to"]
    through: str | None = Field(description="the post the item is owned through (null when direct)")


class OwnerRef(BaseModel):
    id: str
    kind: str
    name: str


class OwnedItems(BaseModel):
    model_config = _examples({"owner": {"id": "Person:T0007", "kind": "Person", "name": "廖哲"}, "total": 2,
                              "by_kind": {"Duty": [{"id": "Duty:JWC-NZNZ1", "name": "专业设置及调整（A101）",
                                                    "via": "assigned_to", "through": "Post:JWC-P02"}],
                                          "Indicator": [{"id": "Indicator:ZK-06", "name": "院级以上优质（精品）课程数",
                                                         "via": "assigned_to", "through": None}]},
                              "limit": 50, "offset": 0})

    owner: OwnerRef
    total: int = Field(description="items in all")
    limit: int | None = Field(None, description="page size asked for")
    offset: int = Field(0, description="index (kind, then id order) of the first item of the page")
    by_kind: dict[str, list[OwnedItem]] = Field(description="one page of the items, grouped by kind")


class FindingOwner(BaseModel):
    unit: Ref | None
    person: Ref | None


class FindingOut(BaseModel):
    rule: str
    severity: Literal["error", "warning"]
    node: str
    name: str
    message: str
    message_en: str
    owner: FindingOwner
    inherited_from: str | None


class CheckSummary(BaseModel):
    total: int
    errors: int
    warnings: int
    by_rule: dict[str, int]
    by_unit: dict[str, int]
    as_of: str


class CheckReportOut(PageFields):
    """The same shape as ``iqa check --format json``."""

    model_config = _examples({
        "findings": [{"rule": "IS001", "severity": "error", "node": "Process:E302L", "name": "后勤管理和服务 流程",
                      "message": "编号不符：流程 E302L 挂在制度体系事项 E301 下，应为 E301L",
                      "message_en": "code mismatch: process E302L is attached to institution item E301, whose code "
                                    "would be E301L",
                      "owner": {"unit": {"id": "OrgUnit:HQC", "name": "后勤管理处"}, "person": None},
                      "inherited_from": "InstitutionItem:E301"}],
        "summary": {"total": 1, "errors": 1, "warnings": 0, "by_rule": {"IS001": 1}, "by_unit": {"后勤管理处": 1},
                    "as_of": "2025-12-31"}, "total": 1, "limit": 50, "offset": 0})

    findings: list[FindingOut] = Field(description="one page of the findings (`summary` counts them all)")
    summary: CheckSummary


class KindOut(BaseModel):
    name: str
    zh: str
    en: str
    comment: str


class EdgeTypeOut(BaseModel):
    name: str
    zh: str
    en: str
    comment: str
    domain: list[str]
    range: list[str]


class ConceptOut(BaseModel):
    notation: str
    zh: str
    en: str
    rank: int
    colour: str | None


class LabelsOut(BaseModel):
    zh: str
    en: str


class OntologyOut(BaseModel):
    model_config = _examples({
        "kinds": [{"name": "Indicator", "zh": "指标", "en": "Indicator", "comment": ""}],
        "edge_types": [{"name": "measures", "zh": "测量", "en": "measures", "comment": "", "domain": ["Indicator"],
                        "range": ["DiagnosisPoint", "Standard", "Target"]}],
        "properties": {"layer": {"zh": "层面", "en": "layer"}},
        "schemes": {"Layers": [{"notation": "school", "zh": "学校", "en": "school", "rank": 1, "colour": None}]}})

    kinds: list[KindOut]
    edge_types: list[EdgeTypeOut]
    properties: dict[str, LabelsOut]
    schemes: dict[str, list[ConceptOut]]


class SheetCountOut(BaseModel):
    file: str
    sheet: str
    rows: int
    skipped: int


class LocatedProblem(BaseModel):
    location: str
    reason: str


class NormalisedOut(BaseModel):
    """One normalisation of the input: where, what was read, what was stored."""

    location: str
    read: str
    stored: str


class LoadReportOut(BaseModel):
    """The ingest report (``LoadReport.to_dict()``)."""

    model_config = _examples({
        "files": ["目标.csv"], "sheets": [{"file": "目标.csv", "sheet": "目标", "rows": 1, "skipped": 0}],
        "nodes_loaded": 1, "nodes_written": 1, "nodes_created": 1, "edges_loaded": 1, "edges_written": 1,
        "edges_removed": 0, "warnings": [], "problems": [], "skipped_rows": [], "partial": False, "rows": 1})

    files: list[str]
    sheets: list[SheetCountOut]
    nodes_loaded: int
    nodes_written: int
    nodes_created: int
    edges_loaded: int
    edges_written: int
    edges_removed: int
    warnings: list[str]
    problems: list[LocatedProblem]
    skipped_rows: list[str]
    partial: bool
    rows: int
    dropped: list[LocatedProblem] = Field(default_factory=list, description="cells a partial load left out of a "
                                          "row it kept (a bad optional cell), with the reason")
    normalised: list[NormalisedOut] = Field(default_factory=list, description="every value stored otherwise "
                                            "than it was written, for the quality office to check")
    dry_run: bool = Field(False, description="true when nothing was written (a check of the load)")
    changes: dict[str, Any] | None = Field(None, description="a dry run only: `nodes_added`, `nodes_changed` "
                                           "(`{id, fields: {property: {before, after}}}`), `edges_added`, "
                                           "`edges_removed`")


class AuditEntry(BaseModel):
    """One write: who (the token's name), when (UTC), what (operation, id, before and after)."""

    model_config = ConfigDict(extra="allow")

    at: str
    who: str
    op: str
    id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    model_config = _examples({"total": 1, "limit": 50, "offset": 0, "items": [{
        "at": "2025-11-21T08:30:00.000Z", "who": "quality-office", "op": "node.patch", "id": "Task:RW-0001",
        "before": {"id": "Task:RW-0001", "kind": "Task", "code": "RW-0001", "props": {"name": "…", "status": "normal"}},
        "after": {"id": "Task:RW-0001", "kind": "Task", "code": "RW-0001", "props": {"name": "…", "status": "completed"}}}]})

    total: int
    limit: int
    offset: int
    items: list[AuditEntry]


# ------------------------------------------------------------------------------- request bodies
class NodeWrite(BaseModel):
    """The properties of a node (the id comes from the path). Values are text, numbers, booleans,
    null or lists of those; dates, numbers and controlled values are parsed as in a workbook
    (``"层面": "学校"`` is stored as ``layer: school``)."""

    model_config = ConfigDict(extra="forbid")

    props: dict[str, PropValue] = Field(default_factory=dict)


class PropsPatch(BaseModel):
    """Changes to merge into the properties (JSON merge patch on ``props``: a null value removes
    the property; properties not named are kept)."""

    model_config = ConfigDict(extra="forbid")

    props: dict[str, PropValue] = Field(default_factory=dict)


class EdgeWrite(BaseModel):
    """The properties of an edge (the edge itself is named by the query)."""

    model_config = ConfigDict(extra="forbid")

    props: dict[str, PropValue] = Field(default_factory=dict)


# ------------------------------------------------------------------------- diagnosis
class _Open(BaseModel):
    """A diagnosis object: the fields listed are always typed; more may be added later."""

    model_config = ConfigDict(extra="allow")


class NamedRef(_Open):
    id: str
    name: str | None = None


class ScorecardBefore(_Open):
    received: int = 0
    decomposed: int = 0
    rate: float | None = None


class ScorecardTasks(_Open):
    total: int = 0
    counts: dict[str, int] = Field(default_factory=dict, description="task status notation → tasks")
    on_schedule: int = 0
    behind: int = 0
    rate: float | None = Field(None, description="share of tasks on schedule, 0–1")


class ScorecardIndicators(_Open):
    total: int = 0
    breach: int = 0
    watch: int = 0
    met: int = 0
    stale: int = 0


class ScorecardWarnings(_Open):
    total: int = 0
    errors: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)


class ScorecardOut(_Open):
    """A unit's diagnosis scorecard (``GET /units/{id}/scorecard``, ``scorecards`` of a diagnosis)."""

    unit: NamedRef
    type: str | None = Field(None, description="the unit's OrgUnitTypes notation")
    status: str = Field(description="TaskStatuses notation: warning / incomplete / completed / normal")
    status_label: str
    colour: str = Field(description="#rrggbb of the status (图13)")
    achievement: float | None = Field(None, description="target achievement rate 0–1; null without data")
    targets: int = 0
    measured: int = 0
    before: ScorecardBefore | None = None
    tasks: ScorecardTasks
    indicators: ScorecardIndicators
    warnings: ScorecardWarnings
    absorbed: int = 0
    school_goals_at_risk: list[str] = Field(default_factory=list, description="node ids of school goals")

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "unit": {"id": "OrgUnit:XB01", "name": "机械工程系"}, "type": "teaching_unit", "status": "warning",
        "status_label": "预警", "colour": "#c62828", "achievement": 0.7421, "targets": 54, "measured": 54,
        "before": {"received": 54, "decomposed": 54, "rate": 1.0},
        "tasks": {"total": 106, "counts": {"normal": 16, "completed": 76}, "on_schedule": 102, "behind": 4, "rate": 0.9623},
        "indicators": {"total": 0, "breach": 0, "watch": 0, "met": 0, "stale": 0},
        "warnings": {"total": 5, "errors": 1, "by_kind": {"chain": 1}}, "absorbed": 0,
        "school_goals_at_risk": ["Target:MB-S07"]}]})


class WarningNode(_Open):
    id: str
    kind: str
    code: str
    name: str | None = None
    layer: str | None = None


class WarningOwner(_Open):
    person: NamedRef | None = None
    post: NamedRef | None = None
    unit: NamedRef | None = None


class SchoolGoal(_Open):
    id: str
    code: str | None = None
    name: str | None = None
    achievement: float | None = None


class DiagnosisWarning(_Open):
    """One warning, reported once at its root cause."""

    id: str
    kind: str = Field(description="chain / indicator_breach / indicator_stale / task_overdue / task_at_risk / "
                                  "low_achievement / rectification_overdue")
    label: str
    rule: str | None = None
    severity: Literal["error", "warning"]
    node: WarningNode
    message: str
    facts: dict[str, Any] = Field(default_factory=dict)
    owner: WarningOwner | None = None
    owner_inherited_from: str | None = None
    owner_chain: list[dict[str, Any]] = Field(default_factory=list)
    root_cause: dict[str, Any] | None = None
    endangered: list[dict[str, Any]] = Field(default_factory=list)
    school_goals: list[SchoolGoal] = Field(default_factory=list)
    absorbed: list[dict[str, Any]] = Field(default_factory=list)
    suggestion: str | None = None
    rectification: dict[str, Any] | None = None


class LegendEntry(_Open):
    label: str
    colour: str


class DiagnosisSummary(_Open):
    warnings: int = 0
    errors: int = 0
    by_kind: dict[str, int] = Field(default_factory=dict)
    by_unit: dict[str, int] = Field(default_factory=dict, description="unit name → warnings")
    absorbed: int = 0
    units: int = 0
    indicators: dict[str, int] = Field(default_factory=dict)
    tasks: dict[str, Any] = Field(default_factory=dict)
    school_achievement: float | None = None
    school_goals_at_risk: list[dict[str, Any]] = Field(default_factory=list)


class DiagnosisOut(_Open):
    """``GET /diagnosis``: the diagnosis as ``iqa diagnose --format json`` (shape in
    graph.services.diagnosis)."""

    as_of: str = Field(description="ISO date")
    college: str | None = None
    unit: NamedRef | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    legend: dict[str, LegendEntry] = Field(default_factory=dict, description="task status notation → label, colour")
    summary: DiagnosisSummary
    warnings: list[DiagnosisWarning] = Field(default_factory=list)
    absorbed: list[dict[str, Any]] = Field(default_factory=list)
    indicators: list[dict[str, Any]] = Field(default_factory=list)
    key_indicators: list[str] = Field(default_factory=list)
    tasks: list[dict[str, Any]] = Field(default_factory=list)
    assessment: dict[str, Any] = Field(default_factory=dict, description="before / during / after (表9)")
    scorecards: list[ScorecardOut] = Field(default_factory=list)
    total: int | None = Field(None, description="warnings in all (`warnings` holds one page)")
    totals: dict[str, int] | None = Field(None, description="items in all of each paged list: warnings, absorbed, "
                                                            "tasks, targets (assessment.after.targets)")
    limit: int | None = Field(None, description="page size asked for")
    offset: int | None = Field(None, description="index of the first item of each paged list")


# ------------------------------------------------------------------------------ change over time
# The shapes of graph/history/timeline.py and graph/history/suspect.py (docs/history.md); the
# examples are the routes' own (api/routes/history.py).
FieldChange = list[PropValue | dict[str, Any]]  # [before, after]: a property's value or null


class FileRef(BaseModel):
    name: str
    sha256: str


class RevisionCounts(BaseModel):
    nodes_added: int
    nodes_changed: int
    nodes_removed: int
    edges_added: int
    edges_removed: int


class RevisionOut(BaseModel):
    rev: int
    at: str = Field(description="UTC time, ISO 8601 with milliseconds and Z")
    who: str
    source: str = Field(description="what wrote it: a load, an upload, `node.patch <id>`, an import, a review")
    files: list[FileRef]
    changes: RevisionCounts


class RevisionsOut(BaseModel):
    revisions: list[RevisionOut]


class EdgeKey(BaseModel):
    source: str
    type: str
    target: str


class ReviewMark(BaseModel):
    parent: str
    by: str | None


class NodeVersion(BaseModel):
    rev: int
    at: str
    who: str
    source: str
    op: Literal["added", "changed", "removed"]
    fields: dict[str, FieldChange] = Field(description="property → [before, after]")
    edges_added: list[EdgeKey]
    edges_removed: list[EdgeKey]
    reviews: list[ReviewMark]


class NodeHistoryOut(BaseModel):
    id: str
    versions: list[NodeVersion]


class ChangedNode(BaseModel):
    id: str
    fields: dict[str, FieldChange]


class DiffNodes(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[ChangedNode]


class DiffEdges(BaseModel):
    added: list[EdgeKey]
    removed: list[EdgeKey]


class DiffOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    start: int = Field(alias="from")
    end: int = Field(alias="to")
    nodes: DiffNodes
    edges: DiffEdges


class SuspectLink(BaseModel):
    child: str
    parent: str
    type: str
    rev: int = Field(description="the revision that changed the parent")
    fields: list[str] = Field(description="the parent's changed trigger fields")


class SuspectOut(SuspectLink):
    name: str | None
    parent_name: str | None
    owner: dict[str, Ref | None] = Field(description='{"unit", "person"}: where the review is routed')


class SuspectsOut(BaseModel):
    suspects: list[SuspectOut]


class ReviewOut(BaseModel):
    child: str
    reviewed: list[SuspectLink]
    rev: int | None = Field(description="the review's revision; null when nothing was suspect")
