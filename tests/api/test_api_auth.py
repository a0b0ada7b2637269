"""Authentication and roles: who may read, write, upload and read the audit trail; where tokens
come from; anonymous reads by bind address; CORS."""

from __future__ import annotations

import json

import pytest
from api_helpers import API, ENTRIES, TOKENS, assert_problem, auth
from typer.testing import CliRunner

from graph.auth import (ANONYMOUS_READER, TokenRegistry, anonymous_read_allowed, hash_token, is_loopback, new_token,
                        token_entry, yaml_line)
from graph.errors import ConfigError
from graph.settings import Settings

NODE = "Task:RW-0001"
CSV = ("目标.csv", "编号,名称,层面\nT-AUTH-1,鉴权测试目标,学校\n".encode())

# (method, path, kwargs, role needed); one entry per route
ROUTES = [
    ("get", "/health", {}, None),
    ("get", "/nodes?q=招生", {}, "reader"),
    ("get", f"/nodes/{NODE}", {}, "reader"),
    ("get", f"/nodes/{NODE}/neighbors", {}, "reader"),
    ("get", f"/trace/{NODE}", {}, "reader"),
    ("get", f"/impact/{NODE}", {}, "reader"),
    ("get", "/indicators/Indicator:ZK-01/owner", {}, "reader"),
    ("get", "/owners/OrgUnit:ZJC/items", {}, "reader"),
    ("get", "/checks", {}, "reader"),
    ("get", "/ontology", {}, "reader"),
    ("get", "/export?format=ttl", {}, "reader"),
    ("put", "/nodes/Task:AUTH-1", {"json": {"props": {"name": "鉴权测试"}}}, "editor"),
    ("patch", f"/nodes/{NODE}", {"json": {"props": {"note": "x"}}}, "editor"),
    ("delete", "/nodes/Person:T0002", {}, "editor"),
    ("put", "/edges?source=Target:MB-D-GZC&type=implemented_by&target=Task:RW-0001", {}, "editor"),
    ("patch", "/edges?source=Target:MB-D-GZC&type=implemented_by&target=Task:RW-0135", {"json": {"props": {"w": 1}}},
     "editor"),
    ("delete", "/edges?source=Target:MB-D-GZC&type=implemented_by&target=Task:RW-0135", {}, "editor"),
    ("post", "/load", {"files": {"files": CSV}}, "editor"),
    ("get", "/audit", {}, "admin"),
]
ORDER = [None, "reader", "editor", "admin"]


def _call(client, method, path, kwargs, role):
    return getattr(client, method)(API + path, headers=auth(role), **kwargs)


@pytest.mark.parametrize("method, path, kwargs, needed", ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
@pytest.mark.parametrize("role", ORDER, ids=lambda r: r or "no-token")
def test_each_route_for_each_role_on_a_public_bind(make_client, method, path, kwargs, needed, role):
    """Bound beyond loopback (0.0.0.0) with default settings: no token → 401 (except /health); a
    role below the one needed → 403; enough → 2xx."""
    client = make_client(api_host="0.0.0.0")
    r = _call(client, method, path, kwargs, role)
    if needed is None:
        assert r.status_code == 200
    elif role is None:
        body = assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "token" in body["detail"]
    elif ORDER.index(role) < ORDER.index(needed):
        body = assert_problem(r, 403)
        assert body["required_role"] == needed and body["role"] == role
    else:
        assert r.status_code in (200, 201, 204), r.text


def test_unauthenticated_write_is_refused_even_on_loopback(client, store):
    """Anonymous reads on 127.0.0.1 never extend to writes."""
    before = store.get_node(NODE).to_dict()
    assert client.get(f"{API}/nodes/{NODE}").status_code == 200
    r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"status": "completed"}})
    assert_problem(r, 401)
    assert_problem(client.post(f"{API}/load", files={"files": CSV}), 401)
    assert_problem(client.delete(f"{API}/nodes/{NODE}"), 401)
    assert store.get_node(NODE).to_dict() == before and store.get_node("Target:T-AUTH-1") is None


def test_reader_write_is_refused(client, store):
    before = store.get_node(NODE).to_dict()
    assert_problem(client.patch(f"{API}/nodes/{NODE}", json={"props": {"status": "warning"}}, headers=auth("reader")), 403)
    assert_problem(client.post(f"{API}/load", files={"files": CSV}, headers=auth("reader")), 403)
    assert store.get_node(NODE).to_dict() == before


def test_tokenless_read_is_refused_on_a_non_loopback_bind(remote_client):
    for path in ("/nodes", f"/nodes/{NODE}", "/indicators/Indicator:ZK-01/owner", f"/trace/{NODE}", "/checks"):
        assert_problem(remote_client.get(API + path), 401)
    assert remote_client.get(f"{API}/nodes", headers=auth("reader")).status_code == 200


@pytest.mark.parametrize("host, configured, allowed", [
    ("127.0.0.1", None, True), ("localhost", None, True), ("::1", None, True), ("127.0.0.2", None, True),
    ("0.0.0.0", None, False), ("192.168.1.10", None, False), ("::", None, False), ("iqa.example.edu.cn", None, False),
    ("0.0.0.0", True, True), ("127.0.0.1", False, False)])
def test_anonymous_reads_follow_the_socket_unless_configured(make_client, host, configured, allowed):
    assert anonymous_read_allowed(configured, host) is allowed
    client = make_client(api_host=host, api_anonymous_read=configured)
    r = client.get(f"{API}/indicators/Indicator:ZK-01/owner")
    assert r.status_code == (200 if allowed else 401)


def test_an_unknown_token_is_401_even_where_anonymous_reads_are_allowed(client):
    body = assert_problem(client.get(f"{API}/nodes", headers={"Authorization": "Bearer iqa_wrong"}), 401)
    assert "not valid" in body["detail"]
    assert 'error="invalid_token"' in client.get(f"{API}/nodes", headers={"Authorization": "Bearer x"}).headers[
        "www-authenticate"]


def test_no_tokens_configured_means_no_writes(make_client):
    client = make_client(api_tokens=[])
    assert_problem(client.patch(f"{API}/nodes/{NODE}", json={"props": {"x": 1}},
                                headers={"Authorization": f"Bearer {TOKENS['admin']}"}), 401)


# ------------------------------------------------------------------------------------ token sources
def test_tokens_from_the_environment(monkeypatch, make_client):
    token = new_token()
    entry = token_entry("env-editor", "editor", token)
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps([entry.model_dump()]))
    monkeypatch.setenv("IQA_API_HOST", "0.0.0.0")
    from api.main import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(None, make_client().app.state.iqa.store.inner), base_url="http://0.0.0.0") as client:
        assert client.get(f"{API}/nodes").status_code == 401
        r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "env"}}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        assert client.app.state.iqa.editor.audit.entries()[-1]["who"] == "env-editor"


def test_tokens_from_the_config_file_and_the_environment_wins(tmp_path, monkeypatch, make_client):
    file_token, env_token = new_token(), new_token()
    (tmp_path / "iqa.yaml").write_text(
        "checks:\n  disabled: []\napi:\n  tokens:\n    " + yaml_line(token_entry("file-admin", "admin", file_token))
        + "\n  anonymous_read: false\n  max_upload_mb: 5\n", encoding="utf-8")
    from api.main import create_app
    from fastapi.testclient import TestClient

    store = make_client().app.state.iqa.store.inner
    settings = Settings(config=tmp_path / "iqa.yaml")
    assert settings.api_anonymous_read is False and settings.api_max_upload_mb == 5
    with TestClient(create_app(Settings(config=tmp_path / "iqa.yaml"), store), base_url="http://127.0.0.1") as client:
        assert client.get(f"{API}/nodes").status_code == 401  # anonymous_read: false even on loopback
        assert client.get(f"{API}/audit", headers={"Authorization": f"Bearer {file_token}"}).status_code == 200
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps([token_entry("env-reader", "reader", env_token).model_dump()]))
    with TestClient(create_app(Settings(config=tmp_path / "iqa.yaml"), store), base_url="http://127.0.0.1") as client:
        assert client.get(f"{API}/nodes", headers={"Authorization": f"Bearer {env_token}"}).status_code == 200
        assert client.get(f"{API}/nodes", headers={"Authorization": f"Bearer {file_token}"}).status_code == 401


def test_an_api_only_config_file_configures_no_rules(tmp_path, make_client):
    (tmp_path / "iqa.yaml").write_text("api:\n  anonymous_read: true\n", encoding="utf-8")
    assert make_client().get(f"{API}/checks").status_code == 200


@pytest.mark.parametrize("text, where", [
    ("api:\n  tokens:\n    - {name: a, sha256: abc, role: editor}\n", "api.tokens.0.sha256"),
    ("api:\n  tokens:\n    - {name: a, sha256: " + "a" * 64 + ", role: boss}\n", "api.tokens.0.role"),
    ("api:\n  colour: blue\n", "api.colour"),
    ("api: [1, 2]\n", "api:"),
    ("api: {max_upload_mb: -1}\n", "api.max_upload_mb"),
    (": bad yaml : [\n", "not valid YAML"),
])
def test_bad_api_configuration_is_a_config_error(tmp_path, text, where):
    (tmp_path / "iqa.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Settings()
    assert where in str(exc.value)


def test_duplicate_token_names_or_digests_are_refused():
    a = token_entry("same", "reader", "t1")
    with pytest.raises(ConfigError):
        TokenRegistry([a, token_entry("same", "admin", "t2")])
    with pytest.raises(ConfigError):
        TokenRegistry([a, token_entry("other", "admin", "t1")])


def test_token_hashing_and_roles():
    token = new_token()
    assert token.startswith("iqa_") and len(token) >= 40 and new_token() != token
    assert hash_token(token) == token_entry("x", "reader", token).sha256 and len(hash_token(token)) == 64
    registry = TokenRegistry(ENTRIES)
    assert registry.authenticate(TOKENS["editor"]).role == "editor"
    assert registry.authenticate("nope") is None
    assert registry.authenticate(TOKENS["admin"]).can("editor") and not registry.authenticate(TOKENS["reader"]).can("editor")
    assert ANONYMOUS_READER.can("reader") and not ANONYMOUS_READER.can("editor")
    assert is_loopback("[::1]") and not is_loopback("")


def test_iqa_token_new_prints_a_working_entry(tmp_path, make_client):
    from cli.main import app as cli

    result = CliRunner().invoke(cli, ["token", "new", "--role", "editor", "--name", "教务处"])
    assert result.exit_code == 0, result.output
    token = next(line.strip() for line in result.output.splitlines() if line.strip().startswith("iqa_"))
    yaml_text = result.output.split("iqa.yaml (under api: tokens:):")[1].split("or the environment")[0]
    (tmp_path / "iqa.yaml").write_text(yaml_text.strip() + "\n", encoding="utf-8")
    assert token not in (tmp_path / "iqa.yaml").read_text(encoding="utf-8")
    from api.main import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(Settings(api_host="0.0.0.0"), make_client().app.state.iqa.store.inner),
                    base_url="http://0.0.0.0") as client:
        r = client.patch(f"{API}/nodes/{NODE}", json={"props": {"note": "cli"}}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
        assert client.app.state.iqa.editor.audit.entries()[-1]["who"] == "教务处"
    bad = CliRunner().invoke(cli, ["token", "new", "--role", "root", "--name", "x"])
    assert bad.exit_code != 0


# ------------------------------------------------------------------------------------ CORS
def test_cors_is_off_unless_configured(make_client):
    headers = {"Origin": "https://oa.example.edu.cn", "Access-Control-Request-Method": "GET"}
    off = make_client()
    assert "access-control-allow-origin" not in off.get(f"{API}/nodes", headers={"Origin": headers["Origin"]}).headers
    assert off.options(f"{API}/nodes", headers=headers).status_code in (404, 405)
    on = make_client(api_cors_origins=["https://oa.example.edu.cn"])
    pre = on.options(f"{API}/nodes", headers={**headers, "Access-Control-Request-Headers": "Authorization"})
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "https://oa.example.edu.cn"
    r = on.get(f"{API}/nodes/{NODE}", headers={"Origin": headers["Origin"]})
    assert r.headers["access-control-allow-origin"] == "https://oa.example.edu.cn"
    assert "etag" in r.headers["access-control-expose-headers"].lower()
    other = on.get(f"{API}/nodes", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers
