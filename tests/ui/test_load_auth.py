"""The UI follows the API's access rules (``IQA_API_TOKENS``, as ``iqa token new`` prints it):
sign-in with a token in the sidebar, reading without one only where an anonymous API request may
(loopback, no proxy), the Load page for editors and admins only — and never without tokens."""

from __future__ import annotations

import json

import pytest
from ui_helpers import texts

from graph.auth import token_entry

ENTRIES = [token_entry("office", "editor", "iqa_editor-secret").model_dump(),
           token_entry("viewer", "reader", "iqa_reader-secret").model_dump()]


@pytest.fixture
def tokens_env(ui_env, demo_store_path, monkeypatch):
    monkeypatch.setenv("IQA_STORE", str(demo_store_path))
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps(ENTRIES))


def sign_in(at, token: str):
    at.text_input(key="auth_token").input(token).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_load_page_checks_configured_tokens(open_page, tokens_env):
    at = open_page("load")  # anonymous (loopback): may read, but the Load page is not even listed
    assert not at.get("file_uploader") and "未登录：只读" in texts(at)
    sign_in(at, "iqa_wrong")
    assert "令牌无效" in texts(at) and not at.get("file_uploader")
    sign_in(at, "iqa_reader-secret")
    assert "已登录：viewer（reader）" in texts(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/load.py")  # not registered for a reader
    sign_in(at, "iqa_editor-secret")
    at.switch_page("views/load.py").run()
    assert at.get("file_uploader") and "已登录：office（editor）" in texts(at)


def test_load_page_without_tokens_loads_nothing(open_page, ui_env, demo_store_path, monkeypatch):
    monkeypatch.setenv("IQA_STORE", str(demo_store_path))
    at = open_page("load")
    assert not at.get("file_uploader") and "未登录：只读" in texts(at)


def test_a_server_beyond_loopback_shows_nothing_without_a_token(open_page, tokens_env):
    from streamlit import config

    config.set_option("server.address", "0.0.0.0")  # reset by the autouse fixture (tests/conftest.py)
    at = open_page("overview")
    assert "请先在侧栏输入访问令牌" in texts(at) and "总览" not in " ".join(t.value for t in at.title)
    sign_in(at, "iqa_reader-secret")
    assert "请先在侧栏输入访问令牌" not in texts(at) and at.title


def test_repeated_bad_tokens_are_throttled(open_page, tokens_env, monkeypatch):
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps(ENTRIES))
    at = open_page("overview")
    for i in range(10):
        sign_in(at, f"iqa_wrong-{i}")
    sign_in(at, "iqa_editor-secret")
    assert "失败次数过多" in texts(at)


def test_uploads_over_the_configured_limit_are_refused(open_page, tokens_env, monkeypatch):
    monkeypatch.setenv("IQA_API_MAX_UPLOAD_MB", "0.001")  # about 1 KB
    at = sign_in(open_page("overview"), "iqa_editor-secret")
    at.switch_page("views/load.py").run()
    at.file_uploader(key="load_files").upload("目标.csv", b"x" * 4096, "text/csv").run()
    assert "超过上限" in texts(at) and not any(b.key == "load_validate" for b in at.button)


def test_the_load_page_applies_the_configured_limits(ui_env, no_auth, monkeypatch):
    """The UI's load (and its preview) bound a file by the ``limits:`` of iqa.yaml, as the CLI and
    the API do: a sheet beyond ``max_rows`` is refused, naming the limit, and nothing is written."""
    from graph.errors import IngestError
    from ui import state

    monkeypatch.setenv("IQA_STORE", str(ui_env / "store.sqlite"))
    (ui_env / "iqa.yaml").write_text("limits:\n  max_rows: 3\n", encoding="utf-8")
    sheet = ui_env / "部门.csv"
    sheet.write_text("部门编码,部门名称\n" + "".join(f"D{i:02d},部门{i}\n" for i in range(10)), encoding="utf-8")
    for attempt in (state.check_upload, lambda files: state.load_upload(files, who="office")):
        with pytest.raises(IngestError, match="more than 3 rows"):
            attempt([("部门.csv", str(sheet))])
    assert state.handle().iqa.store.count_nodes() == 0
