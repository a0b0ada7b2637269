"""The API docs work without internet: /api/v1/docs (Swagger UI) and /api/v1/redoc (ReDoc) name
only assets that the app itself serves, and every one of them answers."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from api_helpers import API

#: ``src="…"`` / ``href="…"`` and the URLs given to the Swagger UI / ReDoc scripts.
_REFS = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']|spec-url=["']([^"']+)["']""")


def _references(html: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in _REFS.finditer(html)]


@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_docs_page_loads_every_asset_from_the_app(client, page):
    r = client.get(f"{API}/{page}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = _references(r.text)
    assert any(ref.endswith(".js") for ref in refs), refs  # the page does load a script
    assert any(ref.endswith("openapi.json") for ref in refs), refs
    for ref in refs:
        assert not re.match(r"(https?:)?//", ref), f"{page} names an outside URL: {ref}"
        asset = client.get(urljoin(f"{client.base_url}{API}/{page}", ref))
        assert asset.status_code == 200, ref
        assert asset.content, ref
    assert "fonts.googleapis" not in r.text and "cdn.jsdelivr" not in r.text


def test_swagger_ui_has_no_validator_badge_from_outside(client):
    assert '"validatorUrl": null' in client.get(f"{API}/docs").text


def test_docs_assets_are_served_with_their_types(client):
    js = client.get(f"{API}/docs-assets/swagger-ui-bundle.js")
    css = client.get(f"{API}/docs-assets/swagger-ui.css")
    assert "javascript" in js.headers["content-type"] and len(js.content) > 100_000
    assert css.headers["content-type"].startswith("text/css")
    assert client.get(f"{API}/docs-assets/nope.js").status_code == 404
