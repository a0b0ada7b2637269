"""Property-based tests of every operation against the app's own OpenAPI schema (schemathesis,
in process): no 5xx, every response conforms to what the schema documents — status code,
content type, headers and body — invalid input is refused, valid input accepted, a wrong method is
405 with its ``Allow`` header, and a call without its token is refused. Bounded and deterministic: a fixed number of examples per
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
from schemathesis.specs.openapi.checks import (allow_header_conformance, content_type_conformance, ignored_auth,
                                               missing_required_header, negative_data_rejection,
                                               positive_data_acceptance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance,
                                               unsupported_method)

from api.main import create_app
from graph.settings import Settings

pytestmark = [pytest.mark.slow]

#: Examples per operation: small enough for CI (< 2 min on 2 cores), enough to reach every branch
#: of parameter validation. IQA_SCHEMATHESIS_EXAMPLES raises it for a longer local run.
EXAMPLES = int(os.environ.get("IQA_SCHEMATHESIS_EXAMPLES", "10"))

# schemathesis sends `Host: testserver`: allowed as the name of this server. ignored_auth sends bad
# tokens on purpose: the failure limit is raised so that the throttle (429, documented on every
# operation) does not answer every later call of the run in their place.
app = create_app(Settings(api_host="0.0.0.0", api_tokens=ENTRIES, api_max_upload_mb=1, api_allowed_hosts=["testserver"],
                          api_auth_failures_per_minute=1_000_000),
                 demo_store())
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
HEADERS = {"Authorization": f"Bearer {TOKENS['admin']}"}
#: Operations whose input the ontology constrains beyond what a JSON schema says — which kind may
#: carry which property value, an edge type's domain and range, which kinds own items, the file
#: types of a load — or that two parameters agree (`/checks`: `unit` and its deprecated alias `owner`
#: naming different units): a schema-valid request may break such a rule and is then rightly 422.
DOMAIN_RULES = {"PUT /api/v1/nodes/{node_id}", "PATCH /api/v1/nodes/{node_id}", "PUT /api/v1/edges",
                "GET /api/v1/owners/{node_id}/items", "POST /api/v1/load", "GET /api/v1/checks"}


@schemathesis.check
def schema_valid_input_accepted(ctx, response, case):
    """``positive_data_acceptance``, except a 422 from one of :data:`DOMAIN_RULES` that names the
    rule broken (its problem type is ``invalid-input`` or ``ingest-failed``)."""
    if case.operation.label in DOMAIN_RULES and response.status_code == 422:
        problem = response.json()
        assert problem["type"].rsplit("/", 1)[-1] in {"invalid-input", "ingest-failed"}, problem
        assert problem.get("errors") or problem.get("problems"), problem
        return None
    return positive_data_acceptance(ctx, response, case)


#: Every response check schemathesis has for an OpenAPI operation (the stateful ones need links):
#: conformance of status, content type, headers and body; invalid input refused (negative data) and
#: valid input accepted (but for the ontology's own rules); a missing required header refused; a method the path lacks answered 405
#: with a complete ``Allow`` header; a request without its token refused.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, schema_valid_input_accepted, missing_required_header,
          unsupported_method, allow_header_conformance, ignored_auth]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_schema(case):
    case.call_and_validate(headers=HEADERS, checks=CHECKS)
