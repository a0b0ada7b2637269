"""English where the user asks for it, Chinese by default: the rules' suggested actions, the
rectification workbook (headers, summary sheet, severities, messages, suggested actions) from the
CLI (`iqa check --lang en`), the API (`/export?format=xlsx&lang=en`) and the UI's language; the
data (unit, node and person names) stays as stored."""

from __future__ import annotations

import io
import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.main import create_app
from cli.main import app as cli
from graph.checks import RULES, run_checks
from graph.checks.catalogue import SUGGESTIONS_EN, suggestion
from graph.services.rectification.findings import COLUMNS, COLUMNS_EN, findings_to_xlsx
from graph.settings import Settings
from graph.stores.embedded import EmbeddedStore
from seed.demo import load_demo


@pytest.fixture(scope="module")
def demo():
    store = EmbeddedStore(None)
    load_demo(store)
    yield store
    store.close()


def _sheets(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_every_rule_has_an_english_suggested_action():
    assert set(SUGGESTIONS_EN) == set(RULES)
    assert all(text and not any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in SUGGESTIONS_EN.values())
    assert suggestion("TC001") == RULES["TC001"].suggestion_zh
    assert suggestion("TC001", "en") == SUGGESTIONS_EN["TC001"] and suggestion("NOPE", "en") == ""


def test_the_rectification_workbook_in_english_keeps_the_names(demo):
    report = run_checks(demo)
    zh, en = io.BytesIO(), io.BytesIO()
    findings_to_xlsx(report, zh)
    findings_to_xlsx(report, en, lang="en")
    zh_sheets, en_sheets = _sheets(zh.getvalue()), _sheets(en.getvalue())
    assert list(zh_sheets)[0] == "汇总" and list(en_sheets)[0] == "Summary"
    assert en_sheets["Summary"][0] == ("Responsible unit", "Unit code", "Errors", "Warnings", "Total", "Sheet")
    # the unit sheets keep the units' (Chinese) names; their rows are the same findings, in English
    assert list(zh_sheets)[1:] == list(en_sheets)[1:]
    unit = list(en_sheets)[1]
    assert zh_sheets[unit][0] == COLUMNS and en_sheets[unit][0] == tuple(COLUMNS_EN[c] for c in COLUMNS)
    first = next(f for f in report.findings if (f.unit_name or "") == unit)
    row = dict(zip(COLUMNS, en_sheets[unit][1]))
    zh_row = dict(zip(COLUMNS, zh_sheets[unit][1]))
    assert (row["预警编号"], row["严重程度"], row["节点"], row["名称"]) == (f"{first.rule}:{first.node}", first.severity,
                                                                 first.node, first.name)  # the name as stored
    assert row["问题描述"] == first.message_en and row["建议措施"] == SUGGESTIONS_EN[first.rule]
    assert row["预警类型"] == RULES[first.rule].title_en and row["状态"] == "not started"
    assert zh_row["问题描述"] == first.message and zh_row["建议措施"] == RULES[first.rule].suggestion_zh
    assert zh_row["预警类型"] == RULES[first.rule].title_zh and zh_row["状态"] == "未开始"


def test_iqa_check_lang_en_writes_the_english_workbook_and_refuses_other_languages(tmp_path):
    runner = CliRunner()
    store = str(tmp_path / "demo.sqlite")
    assert runner.invoke(cli, ["--store", store, "demo"]).exit_code == 0
    out = tmp_path / "list.xlsx"
    done = runner.invoke(cli, ["--store", store, "check", "--format", "xlsx", "--lang", "en", "-o", str(out)])
    assert done.exit_code == 1, done.output  # the demo has errors
    sheets = _sheets(out.read_bytes())
    assert list(sheets)[0] == "Summary" and sheets[list(sheets)[1]][0] == tuple(COLUMNS_EN[c] for c in COLUMNS)
    found = json.loads(runner.invoke(cli, ["--store", store, "check", "--format", "json", "--exit-zero"]).stdout)
    first = found["findings"][0]
    wide = {"COLUMNS": "400"}
    en = runner.invoke(cli, ["--store", store, "check", "--lang", "en", "--exit-zero", "--limit", "1"], env=wide)
    zh = runner.invoke(cli, ["--store", store, "check", "--exit-zero", "--limit", "1"], env=wide)
    assert first["message_en"][:30] in en.stdout and first["message_en"][:30] not in zh.stdout
    assert first["message"][:12] in zh.stdout
    # the tables' headers and the rules' titles follow the language too (the data stays as stored)
    assert RULES["TC001"].title_en in en.stdout and RULES["TC001"].title_zh not in en.stdout
    assert not {"规则", "数量", "检查汇总", "责任部门", "无责任部门"} & set(re.findall(r"[\u4e00-\u9fff]+", en.stdout))
    assert "规则 rule" in zh.stdout and RULES["TC001"].title_zh in zh.stdout
    assert runner.invoke(cli, ["--store", store, "check", "--lang", "fr"]).exit_code == 2
    # iqa diagnose --lang en: the warnings' kinds and messages in English in the table
    data = json.loads(runner.invoke(cli, ["--store", store, "diagnose", "--format", "json"]).stdout)
    w = data["warnings"][0]
    en = runner.invoke(cli, ["--store", store, "diagnose", "--lang", "en"], env={"COLUMNS": "400"})
    zh = runner.invoke(cli, ["--store", store, "diagnose"], env={"COLUMNS": "400"})
    assert en.exit_code == 0 and w["label_en"] in en.stdout and w["message_en"][:25] in en.stdout
    assert w["message_en"][:25] not in zh.stdout and w["message"][:10] in zh.stdout
    # its headings and headers in English only; in Chinese with English beside them
    assert "unit scorecards" in en.stdout and "as of" in en.stdout
    assert not {"截至", "按类型", "单位记分卡", "事前分解率", "危及学校目标"} & set(re.findall(r"[\u4e00-\u9fff]+", en.stdout))
    assert "单位记分卡 unit scorecards" in zh.stdout and "截至" in zh.stdout


def test_the_api_exports_the_english_workbook(demo):
    with TestClient(create_app(Settings(), demo), base_url="http://127.0.0.1") as client:
        en = client.get("/api/v1/export", params={"format": "xlsx", "lang": "en"})
        zh = client.get("/api/v1/export", params={"format": "xlsx"})
        bad = client.get("/api/v1/export", params={"format": "xlsx", "lang": "fr"})
    assert en.status_code == 200 and list(_sheets(en.content))[0] == "Summary"
    assert zh.status_code == 200 and list(_sheets(zh.content))[0] == "汇总"
    assert bad.status_code == 422


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_diagnosis_warnings_carry_english_labels_messages_and_suggestions(demo):
    from graph.app import Iqa

    with Iqa(Settings(), store=demo) as iqa:
        data = iqa.diagnose(as_of=dt.date(2025, 12, 31), low_threshold=0.99, judge_not_due=True).to_dict()
    warnings = data["warnings"]
    kinds = {w["kind"] for w in warnings} | {a["kind"] for a in data["absorbed"]}
    assert {"chain", "low_achievement", "task_overdue", "task_at_risk", "indicator_breach"} <= kinds, kinds
    for a in data["absorbed"]:  # folded into a root cause: listed with its English message too
        assert a["message_en"] != a["message"] and not CJK.search(a["label_en"])
    for w in warnings:
        node = w["node"]
        # what remains of the English message once the stored names are taken out is English
        rest = w["message_en"].replace(node["name"], "")
        for value in (w["facts"].get("frequency"), ):
            rest = rest.replace(str(value), "") if value else rest
        if w["kind"] != "indicator_breach":  # its values carry the indicator's own unit (人, 次 …) as stored
            assert not CJK.search(rest), (w["kind"], w["message_en"])
        assert node["code"] in w["message_en"] or w["kind"] == "chain"
        assert not CJK.search(w["label_en"]) and not CJK.search(w["suggestion_en"]), w["id"]
        assert w["message"] != w["message_en"] and CJK.search(w["message"])  # Chinese stays the default
        assert all(not CJK.search(a["label_en"]) for a in w["absorbed"])
