"""The API's access rules as an attacker would try them: anonymous reads follow the socket the
request came in on (not a setting) and never pass a proxy; the Host header is checked (DNS
rebinding); a bad token is refused before the body is read, and repeated bad tokens get 429; a
token removed from the configuration file stops working without a restart; upload names that are
no file names are 422; ``iqa serve`` sets uvicorn's proxy, concurrency and keep-alive settings."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "tests" / "api"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from api.main import create_app  # noqa: E402
from api_helpers import API, ENTRIES, auth  # noqa: E402
from graph.auth import FailureLimiter, new_token, token_entry, yaml_line  # noqa: E402
from graph.settings import Settings  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from seed.demo import load_demo  # noqa: E402

READ = f"{API}/indicators/Indicator:ZK-01/owner"


@pytest.fixture(autouse=True)
def _clean_env(clean_env):
    """Every test here starts without IQA_* variables, in a fresh working directory."""


@pytest.fixture(scope="module")
def demo():
    store = EmbeddedStore(None)
    load_demo(store)
    yield store
    store.close()


_started: list[ExitStack] = []


@pytest.fixture(autouse=True)
def _clients_stop_with_the_test() -> Iterator[None]:
    """The clients :func:`client` starts are stopped (their app's lifespan ends) after each test."""
    with ExitStack() as stack:
        _started.append(stack)
        yield
        _started.pop()


def started(c: TestClient) -> TestClient:
    """``c`` entered (its app's lifespan has run: the store is open, as in a server) until the test ends."""
    return _started[-1].enter_context(c)


def client(demo, socket: str = "127.0.0.1", *, host: str | None = None, peer: str = "203.0.113.7",
           **fields) -> TestClient:
    """A started client whose requests come in on a socket with local address ``socket`` (the ASGI
    ``server``) from ``peer``, sending ``Host: <host>`` (default: ``socket``)."""
    fields.setdefault("api_tokens", ENTRIES)
    c = started(TestClient(create_app(Settings(**fields), demo), base_url=f"http://{socket}", client=(peer, 50000)))
    if host is not None:
        c.headers["host"] = host
    return c


# ------------------------------------------------------------------------ anonymous reads
def test_anonymous_reads_follow_the_socket_not_the_configured_host(demo):
    # `uvicorn --factory api.main:create_app --host 0.0.0.0`: settings still say 127.0.0.1
    assert client(demo, "127.0.0.1").get(READ).status_code == 200
    remote = client(demo, "192.168.1.10", host="localhost")  # a LAN client, Host forged to pass the check
    assert remote.get(READ).status_code == 401
    assert remote.get(READ, headers=auth("reader")).status_code == 200
    assert client(demo, "192.168.1.10", host="localhost", api_host="127.0.0.1").get(READ).status_code == 401


@pytest.mark.parametrize("header", [{"X-Forwarded-For": "198.51.100.2"}, {"Forwarded": "for=198.51.100.2"},
                                    {"X-Real-IP": "198.51.100.2"}])
def test_a_proxy_on_the_same_host_does_not_make_remote_clients_local(demo, header):
    c = client(demo, "127.0.0.1")
    assert c.get(READ, headers=header).status_code == 401
    assert c.get(READ, headers={**header, **auth("reader")}).status_code == 200
    assert client(demo, "127.0.0.1", api_anonymous_read=True).get(READ, headers=header).status_code == 200


def test_a_configured_proxy_means_no_anonymous_reads_even_without_its_headers(demo):
    assert client(demo, "127.0.0.1", api_forwarded_allow_ips=["127.0.0.1"]).get(READ).status_code == 401


def test_anonymous_read_false_is_honoured_on_loopback(demo):
    assert client(demo, "127.0.0.1", api_anonymous_read=False).get(READ).status_code == 401


# ------------------------------------------------------------------------ Host header
@pytest.mark.parametrize("host, status", [("127.0.0.1:8000", 200), ("localhost", 200), ("[::1]:8000", 200),
                                          ("rebind.attacker.example", 400), ("rebind.attacker.example:8000", 400),
                                          ("10.0.0.5", 400)])
def test_dns_rebinding_is_refused_by_the_host_check(demo, host, status):
    assert client(demo, "127.0.0.1", host=host).get(READ).status_code == status


def test_allowed_hosts_are_configurable_and_include_the_bound_host(demo):
    named = client(demo, "10.0.0.5", host="quality.example.edu.cn", api_allowed_hosts=["quality.example.edu.cn"])
    assert named.get(READ, headers=auth("reader")).status_code == 200
    assert client(demo, "10.0.0.5", host="localhost", api_allowed_hosts=["quality.example.edu.cn"]).get(READ).status_code == 400
    assert client(demo, "10.0.0.5", api_host="10.0.0.5").get(READ, headers=auth("reader")).status_code == 200
    assert Settings(api_host="::1").allowed_hosts() == ["localhost", "127.0.0.1", "[::1]"]


# ------------------------------------------------------------------------ bad tokens
def test_repeated_bad_tokens_get_429_with_retry_after(demo):
    c = client(demo, "127.0.0.1", api_auth_failures_per_minute=3)
    for _ in range(3):
        assert c.get(READ, headers={"Authorization": f"Bearer {new_token()}"}).status_code == 401
    r = c.get(READ, headers={"Authorization": f"Bearer {new_token()}"})
    assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.headers["content-type"].startswith("application/problem+json")
    # while blocked even a good token is not looked at; another client is not affected
    assert c.get(READ, headers=auth("reader")).status_code == 429
    other = TestClient(c.app, base_url="http://127.0.0.1", client=("198.51.100.9", 1))
    assert other.get(READ, headers=auth("reader")).status_code == 200


def test_the_failure_limiter_window_slides():
    now = [0.0]
    limiter = FailureLimiter(limit=2, window=60, clock=lambda: now[0])
    limiter.failed("a")
    now[0] = 30
    limiter.failed("a")
    assert limiter.retry_after("a") == pytest.approx(30) and limiter.retry_after("b") is None
    now[0] = 60.5
    assert limiter.retry_after("a") is None


def test_a_bad_token_is_refused_before_a_byte_of_the_body_is_read(demo):
    app = create_app(Settings(api_tokens=ENTRIES), demo)
    reads = []
    sent: list[dict] = []

    async def receive():
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message):
        sent.append(message)

    def scope(token: str | None) -> dict:
        headers = [(b"host", b"127.0.0.1"), (b"content-length", str(19 * 1024 * 1024).encode()),
                   (b"content-type", b"multipart/form-data; boundary=x")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                "scheme": "http", "path": f"{API}/load", "raw_path": f"{API}/load".encode(), "root_path": "",
                "query_string": b"", "headers": headers, "client": ("203.0.113.7", 1), "server": ("127.0.0.1", 80)}

    async def requests() -> None:
        async with app.router.lifespan_context(app):  # the store opens as a server starts it
            for token in (new_token(), None):
                reads.clear()
                sent.clear()
                await app(scope(token), receive, send)
                assert sent[0]["status"] == 401 and not reads

    asyncio.run(requests())


# ------------------------------------------------------------------------ token reload
def test_a_token_removed_from_the_file_stops_working_without_a_restart(demo, tmp_path):
    kept, removed = new_token(), new_token()
    config = tmp_path / "iqa.yaml"
    entries = {"kept": token_entry("kept", "reader", kept), "removed": token_entry("removed", "editor", removed)}

    def write(*names: str) -> None:
        lines = "".join(f"\n    {yaml_line(entries[n])}" for n in names)
        config.write_text(f"api:\n  tokens:{lines or ' []'}\n", encoding="utf-8")
        stat = config.stat()
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a visibly new mtime

    write("kept", "removed")
    c = started(TestClient(create_app(Settings(config=config), demo), base_url="http://127.0.0.1"))
    bearer = lambda t: {"Authorization": f"Bearer {t}"}  # noqa: E731
    assert c.get(READ, headers=bearer(removed)).status_code == 200
    write("kept")
    assert c.get(READ, headers=bearer(removed)).status_code == 401
    assert c.get(READ, headers=bearer(kept)).status_code == 200
    config.write_text("api:\n  tokens: [oops\n", encoding="utf-8")  # a broken file: fail closed
    assert c.get(READ, headers=bearer(kept)).status_code == 401


# ------------------------------------------------------------------------ upload names
@pytest.mark.parametrize("name", ["..", "目标.csv/..", "a\\..", ".", "x/.", "a" * 300 + ".csv"])
def test_an_upload_named_like_a_folder_is_a_clean_422(name, tmp_path):
    store = EmbeddedStore(None)
    try:
        c = started(TestClient(create_app(Settings(api_tokens=ENTRIES), store), base_url="http://127.0.0.1",
                               raise_server_exceptions=False))
        r = c.post(f"{API}/load", headers=auth("editor"), files=[("files", (name, b"a,b\n1,2\n", "text/csv"))])
        assert r.status_code == 422, r.text
        assert r.json()["type"].endswith("bad-file-name")
    finally:
        store.close()


# ------------------------------------------------------------------------ iqa serve
def test_iqa_serve_sets_proxy_concurrency_and_keep_alive_explicitly():
    from cli.serve_cmd import uvicorn_options

    default = uvicorn_options(Settings())
    assert default["proxy_headers"] is False and default["forwarded_allow_ips"] == []
    assert default["limit_concurrency"] == 64 and default["timeout_keep_alive"] == 5
    proxied = uvicorn_options(Settings(api_forwarded_allow_ips=["10.0.0.2"], api_limit_concurrency=8,
                                       api_timeout_keep_alive=2))
    assert proxied["proxy_headers"] is True and proxied["forwarded_allow_ips"] == ["10.0.0.2"]
    assert proxied["limit_concurrency"] == 8 and proxied["timeout_keep_alive"] == 2
    import uvicorn

    uvicorn.Config(lambda *a: None, **{k: v for k, v in proxied.items()})  # uvicorn accepts them all
