"""The Load page with real token configuration (``IQA_API_TOKENS``, as ``iqa token new`` prints
it): without a token nothing can be uploaded, a reader is refused, an editor may load."""

from __future__ import annotations

import json

from ui_helpers import texts
from graph.auth import token_entry


def test_load_page_checks_configured_tokens(open_page, ui_env, demo_store_path, monkeypatch):
    monkeypatch.setenv("IQA_STORE", str(demo_store_path))
    entries = [token_entry("office", "editor", "iqa_editor-secret").model_dump(),
               token_entry("viewer", "reader", "iqa_reader-secret").model_dump()]
    monkeypatch.setenv("IQA_API_TOKENS", json.dumps(entries))
    at = open_page("load")
    assert "导入需要编辑或管理员令牌" in texts(at) and not at.get("file_uploader")
    at.text_input(key="load_token").input("iqa_wrong").run()
    assert "令牌无效" in texts(at) and not at.get("file_uploader")
    at.text_input(key="load_token").input("iqa_reader-secret").run()
    assert "只读用户不能导入数据" in texts(at) and not at.get("file_uploader")
    at.text_input(key="load_token").input("iqa_editor-secret").run()
    assert at.get("file_uploader") and "只读用户" not in texts(at)


def test_load_page_without_tokens_needs_none(open_page, ui_env, demo_store_path, monkeypatch):
    monkeypatch.setenv("IQA_STORE", str(demo_store_path))
    at = open_page("load")
    assert at.get("file_uploader") and not at.get("text_input")
