"""Property-based tests of every operation against the app's own OpenAPI schema (schemathesis,
in process): no 5xx, and every response conforms to what the schema documents — status code,
content type, headers and body. Bounded and deterministic: a fixed number of examples per
operation, derandomized, no example database.

The app runs bound to 0.0.0.0 (so tokens are required) and the calls carry the admin token, so
every operation — writes and uploads included — is exercised on a demo college of its own.
"""

from __future__ import annotations

import pytest

import os

import schemathesis
from api_helpers import ENTRIES, TOKENS, demo_store
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from api.main import create_app
from graph.settings import Settings

pytestmark = [pytest.mark.slow]

#: Examples per operation: small enough for CI (< 2 min on 2 cores), enough to reach every branch
#: of parameter validation. IQA_SCHEMATHESIS_EXAMPLES raises it for a longer local run.
EXAMPLES = int(os.environ.get("IQA_SCHEMATHESIS_EXAMPLES", "10"))

# schemathesis sends `Host: testserver`: allowed as the name of this server
app = create_app(Settings(api_host="0.0.0.0", api_tokens=ENTRIES, api_max_upload_mb=1, api_allowed_hosts=["testserver"]),
                 demo_store())
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
HEADERS = {"Authorization": f"Bearer {TOKENS['admin']}"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate(headers=HEADERS, checks=CHECKS)
