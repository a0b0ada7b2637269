"""The diagnosis of the demo college, its report (HTML and xlsx) and the CLI commands."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser

from diag_helpers import DEMO_AS_OF
from openpyxl import load_workbook
from typer.testing import CliRunner

from graph.services.report import render_html, report_xlsx, write_report


class Collector(HTMLParser):
    """Counts elements and collects the ``data-unit`` sections and the heading texts."""

    def __init__(self):
        super().__init__()
        self.tags: dict[str, int] = {}
        self.units: list[str] = []
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        attrs = dict(attrs)
        if tag == "section" and "data-unit" in attrs:
            self.units.append(attrs["data-unit"])

    def handle_data(self, data):
        self.text.append(data)


def test_demo_diagnosis_lists_each_warning_once_with_owner_and_goals(demo_diagnosis):
    data = demo_diagnosis.to_dict()
    ids = [w["id"] for w in data["warnings"]]
    assert len(ids) == len(set(ids))
    # the breaches the demo seeds (seed/demo_college.py EXPECTED_BREACHES) and its overdue task
    assert {"indicator_breach:Indicator:ZK-41", "indicator_breach:Indicator:ZK-49",
            "indicator_breach:Indicator:ZK-68", "task_overdue:Task:RW-9903"} <= set(ids)
    # every seeded chain defect of the chain rules is there once
    for rid, code in (("TC001", "Target:MB-D-XB06-7"), ("TC002", "Target:MB-K020101-3"),
                      ("TC004", "Target:MB-Z0402-4"), ("TC007", "Target:MB-JXB03-F1"), ("TK001", "Task:RW-9901"),
                      ("TK002", "Task:RW-9902")):
        assert f"{rid}:{code}" in ids
    by_id = {w["id"]: w for w in data["warnings"]}
    # ZK-68 has no owner of its own: it inherits 经济管理系 from the target it measures
    zk68 = by_id["indicator_breach:Indicator:ZK-68"]
    assert zk68["owner"]["unit"]["name"] == "经济管理系" and zk68["owner_inherited_from"] == "Target:MB-D-XB06-4"
    assert zk68["school_goals"] and all(g["id"].startswith("Target:MB-S") for g in zk68["school_goals"])
    overdue = by_id["task_overdue:Task:RW-9903"]
    assert overdue["owner"]["person"] is not None and overdue["school_goals"]
    assert data["summary"]["warnings"] == len(ids) and data["summary"]["units"] == len(data["scorecards"])
    json.dumps(data, ensure_ascii=False)  # plain JSON


def test_report_html_parses_with_charts_and_every_unit(demo_diagnosis):
    data = demo_diagnosis.to_dict()
    page = render_html(data)
    parser = Collector()
    parser.feed(page)
    parser.close()
    # charts: achievement by layer, warnings by unit, tasks by month, one trend per key indicator
    assert parser.tags.get("svg", 0) >= 3 + len(data["key_indicators"]) and len(data["key_indicators"]) == 8
    assert parser.tags.get("script", 0) == 0 and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert sorted(parser.units) == sorted(c["unit"]["id"] for c in data["scorecards"])
    text = "".join(parser.text)
    for heading in ("总体情况", "事前诊断", "事中诊断", "事后诊断", "关键质控指标月度趋势", "预警与责任", "各部门诊断"):
        assert heading in text
    for card in data["scorecards"]:
        assert card["unit"]["name"] in text
    for w in data["warnings"]:
        assert w["message"] in text or w["message"].replace("“", "&ldquo;") in text


def test_unit_report_and_xlsx(demo_store, demo_diagnosis, tmp_path):
    from graph.services.diagnosis import diagnose

    unit = diagnose(demo_store, as_of=DEMO_AS_OF, unit="XB06").to_dict()
    parser = Collector()
    parser.feed(render_html(unit))
    assert parser.units == ["OrgUnit:XB06"] and "（经济管理系）" in "".join(parser.text)
    buf = io.BytesIO()
    report_xlsx(demo_diagnosis.to_dict(), buf)
    buf.seek(0)
    wb = load_workbook(buf)
    assert wb.sheetnames == ["概览", "预警清单", "部门记分卡", "层面达成度", "目标达成度", "质控指标", "任务进度", "事前诊断"]
    assert wb["预警清单"].max_row == demo_diagnosis.summary()["warnings"] + 1
    assert len(wb["概览"]._charts) == 2
    write_report(unit, tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_diagnose_and_rectify(tmp_path, monkeypatch):
    from cli.main import app
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import load_demo

    db = tmp_path / "demo.sqlite"
    with EmbeddedStore(db) as store:
        load_demo(store)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    base = ["--store", str(db)]
    res = runner.invoke(app, base + ["diagnose", "--as-of", "2025-12-31", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["as_of"] == "2025-12-31" and data["summary"]["warnings"] == len(data["warnings"])
    res = runner.invoke(app, base + ["diagnose", "--as-of", "2025-12-31"])
    assert res.exit_code == 0 and "预警 warnings" in res.output
    res = runner.invoke(app, base + ["diagnose", "--as-of", "2025-12-31", "--format", "html", "-o", "r.html"])
    assert res.exit_code == 0 and (tmp_path / "r.html").exists()
    res = runner.invoke(app, base + ["diagnose", "--unit", "NOPE"])
    assert res.exit_code == 5 and "NOPE" in res.output
    res = runner.invoke(app, base + ["rectify", "export", "--unit", "XB01", "--as-of", "2025-12-31"])
    assert res.exit_code == 0, res.output
    listed = tmp_path / "整改清单-机械工程系.xlsx"
    wb = load_workbook(listed)
    ws = wb["机械工程系"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        row[header.index("整改措施")].value = "制定整改方案并按月跟踪"
        row[header.index("整改时限")].value = "2026-03-31"
    wb.save(listed)
    res = runner.invoke(app, base + ["rectify", "import", str(listed)])
    assert res.exit_code == 0, res.output
    created = ws.max_row - 1
    assert f"{created} created" in res.output
    res = runner.invoke(app, base + ["rectify", "import", str(listed)])
    assert "0 created, 0 updated" in res.output and f"{created} unchanged" in res.output
