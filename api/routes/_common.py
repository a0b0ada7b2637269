"""Helpers shared by the route modules: the node path parameter, JSON responses, ETags."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BeforeValidator
from fastapi.responses import JSONResponse

from api.responses import OrjsonResponse
from graph.model import Node
from graph.values import MAX_CODE_LENGTH
from graph.services.paging import DEFAULT_LIMIT, MAX_LIMIT
from graph.services.edit import node_version
from ontology import get_ontology

def _date_only(value: Any) -> Any:
    """Only a calendar date ``YYYY-MM-DD`` is a date (pydantic would read ``0`` as 1970-01-01)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())):
        return value.strip() if isinstance(value, str) else value
    raise ValueError(f"expected a date as YYYY-MM-DD, not {value!r}")


#: A date query parameter: ``YYYY-MM-DD`` only.
IsoDate = Annotated[dt.date, BeforeValidator(_date_only)]

_onto = get_ontology()
#: The longest node id: the longest kind, ``:``, the longest code (graph.values.MAX_CODE_LENGTH).
MAX_ID_LENGTH = max(map(len, _onto.kinds)) + 1 + MAX_CODE_LENGTH

NodeRef = Annotated[str, Path(
    min_length=1, max_length=MAX_ID_LENGTH,
    description="`Kind:code` (`Indicator:ZK-01`), or a bare code when only one node has it "
                "(several → 409 with `candidates`)",
    openapi_examples={"full id": {"value": "Indicator:ZK-01"}, "bare code": {"value": "ZK-01"}},
)]

NodeId = Annotated[str, Path(
    min_length=1, max_length=MAX_ID_LENGTH,
    # the grammar as documentation only: the write itself names what is wrong (field "id": an
    # unknown kind, a missing colon), which a pattern error could not
    json_schema_extra={"pattern": f"^({'|'.join(_onto.kinds)}):.+$"},
    description="the node's id `Kind:code`, exactly (writes take no bare codes)",
    openapi_examples={"task": {"value": "Task:RW-0001"}},
)]

#: ``limit`` / ``offset`` of every paged route (graph.services.paging).
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page (default {DEFAULT_LIMIT}, "
                                                             f"at most {MAX_LIMIT}); `total` counts them all")]
Offset = Annotated[int, Query(ge=0, description="index of the first item of the page")]

#: The owning org unit filter, one name on every route.
UnitQuery = Annotated[str | None, Query(max_length=200, description="only what this org unit owns: its id, code or "
                                        "exact name", openapi_examples={"unit": {"value": "OrgUnit:XB01"}})]

#: The ontology's node kinds, edge types and layers, as parameter types (listed in the OpenAPI schema).
KindName = Literal[tuple(_onto.kinds)]  # type: ignore[valid-type]
EdgeTypeName = Literal[tuple(_onto.edge_types)]  # type: ignore[valid-type]
LayerName = Literal[tuple(c.notation for c in _onto.schemes["Layers"])]  # type: ignore[valid-type]


def json(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    """``data`` (already in its documented shape) as a JSON response (encoded by orjson)."""
    return OrjsonResponse(data, status_code=status_code, headers=headers)


def attachment(name: str) -> dict[str, str]:
    """The ``Content-Disposition`` header of a download named ``name`` (RFC 6266): an ASCII
    fallback ``filename`` (other characters as ``?``) and the UTF-8 ``filename*`` (RFC 5987), so a
    Chinese file name arrives intact in every current browser."""
    fallback = name.encode("ascii", "replace").decode().replace("\\", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"}


def etag(node: Node) -> str:
    """The ETag header value of a node: its version, quoted."""
    return f'"{node_version(node)}"'


ETAG_HEADER = {"ETag": {"description": "the node's version; send it back as If-Match to update safely",
                        "schema": {"type": "string"}}}
