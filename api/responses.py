"""The API's JSON responses, encoded by orjson (Rust): a check report or a large trace encodes
several times faster than with the standard library (figures: bench/bench_libs.py).

The bytes are compact UTF-8 JSON, as Starlette's ``JSONResponse`` sent them; a ``datetime.date``
is written as ISO text. What a route sends is kept true to its OpenAPI schema by a test
(tests/api/test_api_schema_responses.py), not by validating each response at run time.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class OrjsonResponse(JSONResponse):
    """A ``JSONResponse`` whose body orjson encodes (non-string keys as text, like the standard
    library); what orjson refuses (an integer beyond 64 bits) is left to the standard library.
    Raises TypeError / ValueError for a value JSON cannot hold."""

    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)
        except orjson.JSONEncodeError:
            return super().render(content)


__all__ = ["OrjsonResponse"]
