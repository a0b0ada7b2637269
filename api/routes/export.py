"""``GET /export``: the whole graph as RDF or GraphML, or the rectification workbook."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import ReaderAuth, ReadsDep, RuleConfigDep
from api.problems import problem_responses
from api.routes._common import IsoDate, attachment
from graph.export import export_graphml
from graph.rdf import export_rdf
from graph.services.rectification.findings import findings_to_xlsx
from graph.services.search import check_report

router = APIRouter(tags=["export"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json", "graphml": "application/graphml+xml",
         "xlsx": XLSX}
FILENAMES = {"ttl": "iqa-graph.ttl", "jsonld": "iqa-graph.jsonld", "graphml": "iqa-graph.graphml", "xlsx": "整改清单.xlsx"}


@router.get(
    "/export", summary="Export the graph or the rectification lists", response_class=Response,
    responses={200: {"description": "the file", "content": {
        "text/turtle": {"schema": {"type": "string"}, "example": "@prefix iqa: <https://w3id.org/iqa-graph/ontology#> ."},
        "application/ld+json": {"schema": {}},
        "application/graphml+xml": {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}}}},
        **problem_responses(401, 422)},
)
async def export(
    reads: ReadsDep,
    _: ReaderAuth,
    config: RuleConfigDep,
    format: Annotated[Literal["ttl", "jsonld", "graphml", "xlsx"], Query(
        description="ttl / jsonld: the whole graph as RDF in the ontology's namespace (as `iqa export`); graphml: "
                    "as GraphML; xlsx: the rectification workbook (整改清单: the check findings, one sheet per "
                    "responsible unit, as `iqa check --format xlsx`)")] = "ttl",
    as_of: Annotated[IsoDate | None, Query(description="xlsx only: the check date (default today)")] = None,
    lang: Annotated[Literal["zh", "en"], Query(description="xlsx only: zh (default) or en — the headers, severities, "
                                                       "messages and suggested actions in English; names stay as stored")] = "zh",
) -> Response:
    """Download the graph (Turtle, JSON-LD, GraphML) or the findings workbook (`format=xlsx`: a
    `汇总` sheet and one sheet per responsible unit with 规则, 严重程度, 节点, 名称, 问题描述, 责任部门, 责任人,
    建议措施, 整改时限; with `lang=en` in English: Summary, Rule, Severity, Node, Name, Problem …). Sent as an
    attachment."""
    def run(store) -> bytes | str:
        if format == "xlsx":
            buffer = io.BytesIO()
            findings_to_xlsx(check_report(store, as_of=as_of, config=config), buffer, lang=lang)
            return buffer.getvalue()
        if format == "graphml":
            return export_graphml(store)
        return export_rdf(store, format)

    content = await reads(run, heavy=True)
    return Response(content, media_type=MEDIA[format],
                    headers=attachment(FILENAMES[format]))
