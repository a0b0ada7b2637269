"""The diagnosis report (HTML, xlsx) and the rectification list in English (``lang="en"``) from the
services, the CLI (``--lang en``), the API (``lang=en``) and the UI's language: no Han character
outside the data (names, codes and text as stored in the demo college, collected from the store,
not written here); Chinese stays the default; an English list imports like a Chinese one."""

from __future__ import annotations

import html
import io
import re
import zipfile

import pytest
from diag_helpers import DEMO_AS_OF
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from graph.services.rectification.tasks import (COLUMNS, COLUMNS_EN, SUMMARY_SHEET, SUMMARY_SHEET_EN,
                                                export_rectification, import_rectification)
from graph.services.report import render_html, report_xlsx, task_grid_html, write_report

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.fixture(scope="module")
def data_strings(demo_store) -> list[str]:
    """Every text of the demo's data holding a Han character: ids, codes, names and the string
    values of every node's properties, longest first."""
    found: set[str] = set()
    for node in demo_store.iter_nodes():
        values = [node.id, node.code, node.name or ""]
        for v in node.props.values():
            values += [v] if isinstance(v, str) else [x for x in v if isinstance(x, str)] if isinstance(v, list) else []
        found.update(v for v in values if HAN.search(v))
    return sorted(found, key=len, reverse=True)


def han_outside_data(text: str, data: list[str]) -> list[str]:
    """The words of ``text`` with a Han character that are not data: each data string is taken out
    (longest first); a data text shortened with “…” (a chart label) counts as data."""
    for match in set(re.findall(r"([^\s<>…]{1,60})…", text)):
        for k in range(len(match)):
            tail = match[k:]
            if HAN.search(tail) and any(d.startswith(tail) for d in data):
                text = text.replace(tail + "…", " ")
                break
    for d in data:
        if d in text:
            text = text.replace(d, " ")
    return sorted({w for w in re.findall(r"\S*[\u3400-\u9fff]\S*", text)})


def html_text(page: str) -> str:
    """The text and attribute values of a page (tags and the style sheet's font names dropped)."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'="([^"]*)"', page))
    return html.unescape(re.sub(r"<[^>]+>", " ", page) + " " + attributes)


def xlsx_text(content: bytes) -> str:
    """Every text of a workbook: cells, shared strings, sheet names, chart titles (all XML parts)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", z.read(n).decode("utf-8")))
                        for n in z.namelist() if n.endswith(".xml") and not n.startswith("docProps/"))


@pytest.fixture(scope="module")
def data(demo_diagnosis):
    return demo_diagnosis.to_dict()


def test_report_html_in_english_has_no_chinese_outside_data(data, data_strings):
    page = render_html(data, lang="en")
    assert '<html lang="en">' in page and "1. Overview" in page and "Warnings and responsibility" in page
    assert han_outside_data(html_text(page), data_strings) == []
    # the warnings' English kinds and messages, the statuses in English; names as stored
    w = data["warnings"][0]
    assert html.escape(w["message_en"], quote=False) in page and html.escape(w["label_en"], quote=False) in page
    assert "not started" in page and data["scorecards"][0]["unit"]["name"] in page


def test_report_html_in_chinese_keeps_its_words(data, data_strings):
    page = render_html(data)
    assert page == render_html(data, lang="zh")
    assert '<html lang="zh-CN">' in page and "一、总体情况" in page and "四、预警与责任（按根源问题，每项只报一次）" in page
    assert "<th>序号</th><th>类型</th><th>问题（根源）</th>" in page and "未开始" in page
    # the check above is not vacuous: Chinese words are found outside the data
    assert "总体情况" in han_outside_data(html_text(page), data_strings)


def test_report_xlsx_in_english_has_no_chinese_outside_data(data, data_strings):
    en, zh = io.BytesIO(), io.BytesIO()
    report_xlsx(data, en, "en")
    report_xlsx(data, zh)
    wb_en, wb_zh = load_workbook(en), load_workbook(zh)
    assert wb_en.sheetnames == ["Overview", "Warnings", "Unit scorecards", "Achievement by layer", "Target achievement",
                                "Quality indicators", "Task progress", "Before"]
    assert wb_zh.sheetnames == ["概览", "预警清单", "部门记分卡", "层面达成度", "目标达成度", "质控指标", "任务进度", "事前诊断"]
    assert [c.value for c in wb_zh["预警清单"][1]][:7] == ["序号", "严重程度", "问题", "责任部门", "责任岗位", "责任人", "建议措施"]
    assert [c.value for c in wb_en["Warnings"][1]][:3] == ["No.", "Severity", "Problem"]
    assert [c.value for c in wb_en["Warnings"][2]][1:3] == [data["warnings"][0]["severity"], data["warnings"][0]["message_en"]]
    # same shape in both languages: the same rows in every sheet
    assert [ws.max_row for ws in wb_en.worksheets] == [ws.max_row for ws in wb_zh.worksheets]
    assert han_outside_data(xlsx_text(en.getvalue()), data_strings) == []
    assert han_outside_data(xlsx_text(zh.getvalue()), data_strings)


def test_task_grid_and_unknown_language(data):
    grid = task_grid_html(data["tasks"][:3], data["assessment"]["during"]["months"], data["legend"], "en")
    assert "<th>Task</th><th>Kind</th><th>Deadline</th><th>Jan</th>" in grid
    assert "<th>任务</th><th>属性</th><th>完成时限</th><th>1月</th>" in task_grid_html(
        data["tasks"][:3], data["assessment"]["during"]["months"], data["legend"])
    with pytest.raises(ValueError):
        write_report(data, io.BytesIO(), "html", "fr")


def test_rectification_list_in_english_has_no_chinese_outside_data(demo_store, demo_diagnosis, data_strings):
    en, zh = io.BytesIO(), io.BytesIO()
    info_en = export_rectification(demo_store, en, diagnosis=demo_diagnosis, lang="en")
    info_zh = export_rectification(demo_store, zh, diagnosis=demo_diagnosis)
    assert info_en["rows"] == info_zh["rows"] and info_en["sheets"] == info_zh["sheets"]
    wb_en, wb_zh = load_workbook(en), load_workbook(zh)
    assert wb_en.sheetnames[0] == SUMMARY_SHEET_EN and wb_zh.sheetnames[0] == SUMMARY_SHEET
    assert wb_en.sheetnames[1:] == wb_zh.sheetnames[1:]  # the units' sheets keep their names
    unit = wb_en.sheetnames[1]
    assert tuple(c.value for c in wb_en[unit][1]) == tuple(COLUMNS_EN[c] for c in COLUMNS)
    assert tuple(c.value for c in wb_zh[unit][1]) == COLUMNS
    assert han_outside_data(xlsx_text(en.getvalue()), data_strings) == []
    assert han_outside_data(xlsx_text(zh.getvalue()), data_strings)
    with pytest.raises(ValueError):
        export_rectification(demo_store, io.BytesIO(), diagnosis=demo_diagnosis, lang="fr")


def _fill(content: bytes, measure: str, status: str, deadline: str) -> tuple[bytes, str]:
    """Fill in the first row of the first unit sheet (headers found by name in either language)."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb.worksheets[1]
    header = [c.value for c in ws[1]]
    names = {COLUMNS_EN.get(h, h): i for i, h in enumerate(header)}
    get = {**names, **{zh: names[en] for zh, en in COLUMNS_EN.items() if en in names}}
    ws.cell(row=2, column=get["整改措施"] + 1, value=measure)
    ws.cell(row=2, column=get["状态"] + 1, value=status)
    ws.cell(row=2, column=get["整改时限"] + 1, value=deadline)
    code = ws.cell(row=2, column=get["编号"] + 1).value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), code


def test_an_english_list_imports_like_a_chinese_one():
    from seed.demo import load_demo
    from graph.services.diagnosis import diagnose
    from graph.stores.embedded import EmbeddedStore

    tasks = {}
    for lang, status in (("zh", "已完成"), ("en", "completed")):
        store = EmbeddedStore(None)
        load_demo(store)
        buffer = io.BytesIO()
        export_rectification(store, buffer, diagnosis=diagnose(store, as_of=DEMO_AS_OF), lang=lang)
        filled, code = _fill(buffer.getvalue(), "Replace the sensor and re-measure", status, "2026-03-31")
        report = import_rectification(store, io.BytesIO(filled), name=f"list-{lang}.xlsx")
        assert report.created == [f"RectificationTask:{code}"] and report.problems == []
        node = store.get_node(f"RectificationTask:{code}")
        edges = {(e.type, n.id) for e, n in store.neighbors(node.id, direction="out")}
        tasks[lang] = (node.props, edges)
        # the task is exported back in the list's language, with its status word and person as written
        again = io.BytesIO()
        export_rectification(store, again, diagnosis=diagnose(store, as_of=DEMO_AS_OF), lang=lang)
        row = dict(zip([c.value for c in load_workbook(again).worksheets[1][1]],
                       [c.value for c in load_workbook(again).worksheets[1][2]]))
        assert row[COLUMNS_EN["状态"] if lang == "en" else "状态"] == status
        assert import_rectification(store, io.BytesIO(filled)).unchanged == [node.id]
        store.close()
    zh, en = tasks["zh"], tasks["en"]
    # the same task: name (with the Chinese kind), measure, deadline, status, warning, links
    assert en[1] == zh[1]
    same = ("name", "measure", "deadline", "status", "warning_id", "warning_kind", "diagnosed_on")
    assert {k: en[0].get(k) for k in same} == {k: zh[0].get(k) for k in same}
    assert zh[0]["status"] == "completed" and zh[0]["name"].startswith("整改：")


def test_english_list_problems_name_the_english_headers():
    from seed.demo import load_demo
    from graph.errors import IngestError
    from graph.services.diagnosis import diagnose
    from graph.stores.embedded import EmbeddedStore

    store = EmbeddedStore(None)
    load_demo(store)
    buffer = io.BytesIO()
    export_rectification(store, buffer, diagnosis=diagnose(store, as_of=DEMO_AS_OF), lang="en")
    filled, _ = _fill(buffer.getvalue(), "Fix it", "half done", "2026-03-31")
    with pytest.raises(IngestError) as caught:
        import_rectification(store, io.BytesIO(filled), name="list.xlsx")
    assert ":Status" in str(caught.value) and "not started/" in str(caught.value)
    store.close()


def test_cli_writes_the_english_report_and_list(tmp_path):
    from cli.main import app as cli

    runner = CliRunner()
    store = str(tmp_path / "demo.sqlite")
    assert runner.invoke(cli, ["--store", store, "demo"]).exit_code == 0
    page = tmp_path / "report.html"
    done = runner.invoke(cli, ["--store", store, "diagnose", "--as-of", "2025-12-31", "--format", "html", "--lang", "en",
                               "-o", str(page)])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert '<html lang="en">' in text and "1. Overview" in text
    book = tmp_path / "report.xlsx"
    assert runner.invoke(cli, ["--store", store, "diagnose", "--as-of", "2025-12-31", "--format", "xlsx", "--lang", "en",
                               "-o", str(book)]).exit_code == 0
    assert load_workbook(book).sheetnames[0] == "Overview"
    listed = tmp_path / "list.xlsx"
    done = runner.invoke(cli, ["--store", store, "rectify", "export", "--as-of", "2025-12-31", "--lang", "en",
                               "-o", str(listed)])
    assert done.exit_code == 0, done.output
    wb = load_workbook(listed)
    assert wb.sheetnames[0] == "Summary" and wb.worksheets[1]["A1"].value == "Code"
    # Chinese by default
    zh = tmp_path / "zh.xlsx"
    assert runner.invoke(cli, ["--store", store, "rectify", "export", "--as-of", "2025-12-31", "-o", str(zh)]).exit_code == 0
    assert load_workbook(zh).sheetnames[0] == "汇总"
    assert runner.invoke(cli, ["--store", store, "rectify", "export", "--lang", "fr", "-o", str(zh)]).exit_code == 2


def test_api_serves_the_english_report_and_list(demo_store, tmp_path):
    from api.main import create_app
    from graph.settings import Settings

    settings = Settings(store=":memory:", audit_log=str(tmp_path / "audit.jsonl"))
    with TestClient(create_app(settings, demo_store), base_url="http://127.0.0.1") as client:
        base = {"as_of": "2025-12-31"}
        r = client.get("/api/v1/diagnosis/report", params={**base, "format": "html", "lang": "en"})
        assert r.status_code == 200 and '<html lang="en">' in r.text
        assert '<html lang="zh-CN">' in client.get("/api/v1/diagnosis/report", params=base).text
        r = client.get("/api/v1/diagnosis/report", params={**base, "format": "xlsx", "lang": "en"})
        assert r.status_code == 200 and load_workbook(io.BytesIO(r.content)).sheetnames[0] == "Overview"
        assert "diagnosis-report-school-2025-12-31.xlsx" in r.headers["content-disposition"]
        r = client.get("/api/v1/diagnosis/rectification", params={**base, "unit": "XB01", "lang": "en"})
        assert r.status_code == 200, r.text
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.sheetnames == ["Summary", "机械工程系"] and wb["机械工程系"]["A1"].value == "Code"
        r = client.get("/api/v1/diagnosis/rectification", params=base)
        assert load_workbook(io.BytesIO(r.content)).sheetnames[0] == "汇总"
        assert client.get("/api/v1/diagnosis/report", params={**base, "lang": "fr"}).status_code == 422


def test_the_diagnosis_table_in_english_words_the_scope_and_statuses(tmp_path):
    from cli.main import app as cli

    runner = CliRunner()
    store = str(tmp_path / "demo.sqlite")
    assert runner.invoke(cli, ["--store", store, "demo"]).exit_code == 0
    wide = {"COLUMNS": "300"}
    en = runner.invoke(cli, ["--store", store, "diagnose", "--as-of", "2025-12-31", "--lang", "en"], env=wide).stdout
    zh = runner.invoke(cli, ["--store", store, "diagnose", "--as-of", "2025-12-31"], env=wide).stdout
    statuses = {"en": set(re.findall(r"● (\w+(?: started)?)", en)), "zh": set(re.findall(r"● (\w+)", zh))}
    assert statuses["en"] and statuses["en"] <= {"not started", "normal", "completed", "incomplete", "warning"}
    assert statuses["zh"] and statuses["zh"] <= {"未开始", "正常", "已完成", "未完成", "预警"}
    assert "whole school" in en.splitlines()[0]
    assert "全校" in zh.splitlines()[0]


def test_a_rectification_task_at_risk_is_exported_with_a_status_word_the_import_reads(demo_store, demo_diagnosis):
    """A task's status 预警 (warning) is written as the status word, not the 预警值 threshold's label."""
    from graph.model import Edge, Node
    from graph.services.diagnosis import diagnose
    from graph.stores.embedded import EmbeddedStore
    from graph.services.rectification.tasks import rectification_code, rectification_rows

    w = demo_diagnosis.warnings[0]
    code = rectification_code(w)
    store = EmbeddedStore(None)
    store.upsert_nodes(list(demo_store.iter_nodes()) + [Node("RectificationTask", code, {
        "name": "整改", "measure": "m", "deadline": "2026-03-31", "status": "warning"})])
    store.upsert_edges(list(demo_store.iter_edges()) + [Edge(f"RectificationTask:{code}", "rectifies", w.node.id)])
    d = diagnose(store, as_of=DEMO_AS_OF)
    for lang, word in (("zh", "预警"), ("en", "warning")):
        rows = [r for group in rectification_rows(d, lang).values() for r in group if r["编号"] == code]
        assert [r["状态"] for r in rows] == [word]
    store.close()
