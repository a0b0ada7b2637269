"""Every page of the UI on the demo college, with streamlit's AppTest: what the page shows."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from ui_helpers import drawings, texts
from graph.checks import run_checks
from graph.services.completeness import chain_completeness
from graph.services.explore import count_tree
from graph.services.ownership import owner_of
from graph.services.trace import trace
from graph.model import Node
from graph.stores.embedded import EmbeddedStore
from ontology import get_ontology
from seed.demo import demo_as_of

pytestmark = pytest.mark.usefixtures("demo_env")


# ------------------------------------------------------------------------------ overview
def test_overview_counts_findings_and_completeness(open_page, demo_store):
    at = open_page("overview")
    shown = texts(at)
    nodes, edges = demo_store.count_nodes(), demo_store.count_edges()
    assert at.title[0].value == "总览"
    assert f"节点={nodes}" in shown and f"关系={edges}" in shown
    assert "各类节点数量" in shown and "各部门问题数" in shown and "目标链完整度" in shown
    assert len(at.get("vega_lite_chart")) == 4  # by kind, by rule, by unit, completeness
    # the completeness table names the units owning targets, e.g. 车辆工程系, with their share
    completeness = at.dataframe[-1].value
    row = completeness[completeness["部门"] == "车辆工程系"].iloc[0]
    expected = next(r for r in chain_completeness(demo_store) if r["unit"] and r["unit"]["name"] == "车辆工程系")
    assert row["目标数"] == expected["targets"] and row["完整"] == expected["complete"]
    assert row["比例"] == round(100 * expected["share"], 1)


def test_overview_in_english_uses_the_ontology_labels(open_page):
    at = open_page("overview", lang="en")
    shown = texts(at)
    assert at.title[0].value == "Overview"
    assert "Nodes by kind" in shown
    by_layer = at.dataframe[0].value
    assert "Target" in list(by_layer.index) and "school" in list(by_layer.columns)


# ------------------------------------------------------------------------------ browse
def test_browse_search_a_code_shows_the_node_its_relations_and_graph(open_page, demo_store):
    at = open_page("browse")
    at.text_input(key="browse_q").input("MB-S01").run()
    assert not at.exception
    assert at.query_params["node"] == "Target:MB-S01"
    shown = texts(at)
    assert "目标 MB-S01 · 全日制在校生规模稳定在12000人以上" in shown
    subtargets = demo_store.neighbors("Target:MB-S01", ["decomposes_to"], "out")
    assert f"分解 → · {len(subtargets)}" in shown and len(subtargets) > 1
    assert "目标 MB-D-XB01-4 · 机械工程系：学生发展目标——双证毕业率95%，毕业生就业率95%" in shown  # a button
    props = at.dataframe[0].value
    assert dict(zip(props.iloc[:, 0], props.iloc[:, 1]))["层面"] == "学校"
    graph = drawings(at)["nbgraph_Target:MB-S01_1"]  # the neighbourhood graph, coloured by kind, with a legend
    assert {"目标", "规划", "任务", "部门"} <= set(graph["legend"][0]["data"])
    ids = {n["id"] for n in graph["series"][0]["data"]}
    assert {"Target:MB-S01", "Target:MB-D-XB01-4", "Plan:GH-01"} <= ids and len(ids) <= 300


def test_browse_neighbour_is_one_click_away(open_page):
    at = open_page("browse", node="Target:MB-S01")
    neighbour = next(b for b in at.button if b.label.startswith("目标 MB-D-XB01-4"))
    neighbour.click().run()
    assert not at.exception
    assert at.query_params["node"] == "Target:MB-D-XB01-4"
    assert at.subheader[0].value.startswith("目标 MB-D-XB01-4")


def test_browse_name_search_and_unknown_id(open_page):
    at = open_page("browse", node="Target:NO-SUCH")
    assert "没有节点 Target:NO-SUCH" in texts(at)
    at.text_input(key="browse_q").input("组织人事处").run()
    assert at.selectbox(key="browse_pick").options  # several matches by name
    assert "组织人事处" in at.subheader[0].value


def test_browse_graph_is_capped_and_says_what_it_left_out(open_page):
    at = open_page("browse", node="OrgUnit:JWC")
    at.slider(key="browse_depth").set_value(3).run()
    assert not at.exception
    notice = " ".join(i.value for i in at.info)
    assert "（每个节点至多展开 24 个相邻节点，总数上限 100），未画出" in notice
    drawn = int(notice.split("图中只画了 ")[1].split(" ")[0])
    assert 25 <= drawn <= 100  # the unit and its first 24 neighbours at least, never over the cap


# ------------------------------------------------------------------------------ trace
def test_trace_a_target_down_to_teacher_tasks_with_owners_and_status(open_page):
    at = open_page("trace", node="Target:MB-D-ZZRSC2")
    shown = texts(at)
    assert "目标 MB-D-ZZRSC2" in at.subheader[0].value
    assert "组织人事处 · 谭立（组织人事处处长）" in shown
    table = at.dataframe[0].value
    row = table[table["节点"] == "Task:RW-0313"].iloc[0]
    assert row["人员"] == "薛琪雨" and row["状态"] == "预警"
    # the status cells are painted with the ontology's TaskStatuses colours (泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13)
    styles = at.dataframe[0].proto.arrow_data.styler.styles
    status_col = list(table.columns).index("状态")
    rw0313 = list(table["节点"]).index("Task:RW-0313")
    red_rule = next(rule for rule in styles.split("}") if "#c62828" in rule)  # 预警 red
    assert f"_row{rw0313}_col{status_col}" in red_rule
    assert "#000000" in styles and "#2e7d32" in styles  # 已完成 black, 正常 green
    # and so are the task nodes of the drawn tree
    tree = next(v for k, v in drawings(at).items() if k.startswith("tree_"))

    def nodes(entry):
        yield entry
        for child in entry.get("children", []):
            yield from nodes(child)

    colour = {n["value"]: n["itemStyle"]["color"] for n in nodes(tree["series"][0]["data"][0])}
    assert colour["Task:RW-0313"] == "#c62828" and colour["Task:RW-0223"] == "#000000"
    assert colour["Task:RW-0224"] == "#2e7d32"
    legend = next(h.proto.body for h in at.get("html") if "任务状态" in h.proto.body)
    assert "#2e7d32" in legend and "正常" in legend and "#f9a825" in legend and "未完成" in legend


def test_trace_a_school_goal_is_capped_in_the_drawing_but_listed_in_full(open_page, demo_store):
    total = count_tree(trace(demo_store, demo_store.get_node("Target:MB-S01")))
    assert total > 300
    at = open_page("trace", node="Target:MB-S01")
    notice = " ".join(i.value for i in at.info)
    assert "图中只画了前 300 个节点" in notice and f"未画出 {total - 300} 个" in notice
    table = at.dataframe[0].value
    assert len(table) == total and (table["节点"].str.startswith("Task:")).any()
    tree = next(v for k, v in drawings(at).items() if k.startswith("tree_"))
    assert json.dumps(tree, ensure_ascii=False).count('"value": "') == 300


def test_trace_a_task_goes_up_to_the_school_goal_and_plan(open_page):
    at = open_page("trace", node="Task:RW-0313")
    assert at.radio(key="trace_dir_Task").value == "up"
    ids = list(at.dataframe[0].value["节点"])
    assert ids[0] == "Task:RW-0313"
    assert {"Target:MB-S13", "Target:MB-S07", "Plan:GH-01"} <= set(ids)


def test_trace_shows_the_impact_of_changing_a_node(open_page):
    at = open_page("trace", node="Target:MB-D-ZZRSC2")
    impact_units = at.dataframe[1].value
    assert "组织人事处" in set(impact_units["部门"])
    affected = at.dataframe[3].value
    assert "Task:RW-0313" in set(affected["节点"])


# ------------------------------------------------------------------------------ checks
def _set_demo_date(at):
    at.date_input(key="as_of").set_value(demo_as_of()).run()  # the sidebar's check date
    assert not at.exception
    return at


def test_checks_lists_a_known_finding_under_its_unit(open_page):
    at = _set_demo_date(open_page("checks"))
    unit = next(e for e in at.expander if e.label.startswith("后勤管理处"))
    frame = unit.get("dataframe")[0].value
    row = frame[frame["节点"] == "Process:E302L"].iloc[0]
    assert row["规则"] == "IS001" and "应为 E301L" in row["问题描述"]
    # and not under another unit
    other = next(e for e in at.expander if e.label.startswith("保卫处"))
    assert "Process:E302L" not in set(other.get("dataframe")[0].value["节点"])


def test_checks_filters_by_rule_and_unit(open_page, demo_store):
    is001 = run_checks(demo_store, rules=["IS001"], as_of=demo_as_of()).findings
    at = _set_demo_date(open_page("checks"))
    at.multiselect(key="checks_rules").set_value(["IS001"]).run()
    assert f"问题={len(is001)}" in texts(at)
    assert {e.label.split(" — ")[0] for e in at.expander} == {"后勤管理处", "保卫处"}  # 包头职业技术学院《内部质量保证体系建设与运行实施方案（试行）》表7's mismatches
    at.multiselect(key="checks_units").set_value(["OrgUnit:BWC"]).run()
    bwc = [f for f in is001 if f.unit_id == "OrgUnit:BWC"]
    assert f"问题={len(bwc)}" in texts(at) and [e.label.split(" — ")[0] for e in at.expander] == ["保卫处"]


def test_checks_download_is_the_rectification_workbook(open_page, demo_store):
    at = _set_demo_date(open_page("checks"))
    at.multiselect(key="checks_rules").set_value(["IS001"]).run()
    labels = [b.label for b in at.get("download_button")]
    assert "下载整改清单 (xlsx)" in labels and labels.count("下载本部门整改清单") == 2
    # what the buttons hand over: findings_to_xlsx of the findings the page shows
    from graph.services.explore import select_findings
    from ui.state import xlsx_bytes

    report = select_findings(run_checks(demo_store, as_of=demo_as_of()), rules=["IS001"])
    wb = load_workbook(io.BytesIO(xlsx_bytes(report)))
    assert wb.sheetnames == ["汇总", "保卫处", "后勤管理处"]
    assert [c.value for c in wb["后勤管理处"][1]][:3] == ["编号", "严重程度", "问题描述"]  # the rectification list's columns


def test_checks_default_date_is_today(open_page):
    at = open_page("checks")
    assert at.date_input(key="as_of").value == dt.date.today()
    assert f"截至 {dt.date.today().isoformat()}" in texts(at)


def test_the_check_date_and_language_are_kept_in_the_query_parameters(open_page):
    at = open_page("overview", lang="en")
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"
    at.date_input(key="as_of").set_value(demo_as_of()).run()
    assert demo_as_of().isoformat() in str(at.query_params["as_of"])
    assert f"As of {demo_as_of().isoformat()}" in texts(at)


def test_a_link_with_language_and_date_opens_with_them(open_page):
    from streamlit.testing.v1 import AppTest

    from ui_helpers import texts as shown

    at = AppTest.from_file(str(open_page.__globals__["APP"]), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["as_of"] = demo_as_of().isoformat()
    at.switch_page("views/checks.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == "Checks" and at.date_input(key="as_of").value == demo_as_of()
    assert f"checked as of {demo_as_of().isoformat()}" in shown(at)


def test_the_selected_node_is_kept_when_moving_by_the_sidebar(open_page):
    at = open_page("trace", node="Target:MB-D-ZZRSC2")
    at.query_params.clear()  # the sidebar's page links carry no query parameters
    at.switch_page("views/ownership.py")
    at.run()
    assert not at.exception and "MB-D-ZZRSC2" in texts(at)


# ------------------------------------------------------------------------------ ownership
def test_ownership_of_an_indicator_names_the_owner_with_chain_and_provenance(open_page, demo_store):
    # ZK-58 names no owner of its own: it inherits the owner of the department target it measures
    answer = owner_of(demo_store, demo_store.get_node("Indicator:ZK-58")).to_dict()
    assert answer["owner"]["unit"]["name"] == "车辆工程系" and answer["inherited_from"] == "Target:MB-D-XB02-2"
    at = open_page("ownership", node="Indicator:ZK-58")
    shown = texts(at)
    assert "部门=车辆工程系" in shown and f"人员={answer['owner']['person']['name']}" in shown
    assert f"岗位={answer['owner']['post']['name']}" in shown
    assert "继承自 Target:MB-D-XB02-2" in shown
    chain = at.dataframe[0].value
    onto = get_ontology()
    assert list(chain["经由"]) == [f"{onto.label(step['edge'])} →" for step in answer["chain"]]
    assert list(chain["经由"])[:2] == ["测量 →", "牵头 →"]  # measures the target, which its unit leads
    assert chain.iloc[0]["到"].startswith("目标 MB-D-XB02-2")


def test_ownership_of_a_unit_and_a_person_lists_what_they_own(open_page):
    at = open_page("ownership", node="OrgUnit:HQC")
    shown = texts(at)
    assert "负责或牵头的事项" in shown and "Target:MB-S14" in shown and "牵头" in shown
    at = open_page("ownership", node="Person:T0009")
    assert "Target:MB-D-ZZRSC2" in texts(at)


def test_ownership_jumps_from_an_owner_to_what_it_owns(open_page):
    at = open_page("ownership", node="Indicator:ZK-58")
    next(b for b in at.button if b.label.startswith("看 车辆工程系")).click().run()
    assert not at.exception and at.query_params["node"] == "OrgUnit:XB02"
    assert "负责或牵头的事项" in texts(at)


# ------------------------------------------------------------------------------ load
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BAD = {"目标": [["编号", "名称", "层面", "上级目标"], ["X-01", "新目标", "学校", "NOPE-99"], ["X-02", "", "学校", ""]]}


def test_load_reports_a_located_error_for_a_bad_workbook_and_writes_nothing(open_page, demo_store_path, workbook_bytes,
                                                                            editor_token):
    before = EmbeddedStore(demo_store_path)
    counts = (before.count_nodes(), before.count_edges())
    before.close()  # (read again from the file below: the page writes through its own handle)
    at = open_page("load", token=editor_token)
    at.file_uploader(key="load_files").upload("坏表.xlsx", workbook_bytes(BAD), XLSX).run()
    assert at.button(key="load_load").disabled  # nothing validated yet
    at.button(key="load_validate").click().run()
    assert not at.exception
    assert "有 2 个问题，未写入任何数据" in texts(at)
    problems = at.dataframe[0].value
    assert list(problems["位置"]) == ["坏表.xlsx 目标!2:上级目标", "坏表.xlsx 目标!3:名称"]
    assert "NOPE-99" in problems.iloc[0]["原因"]
    assert at.button(key="load_load").disabled
    after = EmbeddedStore(demo_store_path)
    assert (after.count_nodes(), after.count_edges()) == counts
    after.close()


def test_load_validates_then_loads_and_the_pages_see_the_new_data(open_page, tmp_path, monkeypatch, workbook_bytes,
                                                                  editor_token):
    store_path = tmp_path / "fresh.sqlite"
    monkeypatch.setenv("IQA_STORE", str(store_path))
    good = {"部门": [["编号", "名称", "类型"], ["XY", "新学院", "学校"], ["D1", "新教务处", "职能部门"]]}
    at = open_page("load", token=editor_token)
    at.file_uploader(key="load_files").upload("部门.xlsx", workbook_bytes(good), XLSX).run()
    at.button(key="load_validate").click().run()
    assert "校验通过" in texts(at) and "节点（新建）=2 (2)" in texts(at)
    assert EmbeddedStore(store_path).count_nodes() == 0
    assert not at.button(key="load_load").disabled
    at.button(key="load_load").click().run()
    assert not at.exception and "已导入" in texts(at)
    check = EmbeddedStore(store_path)
    assert check.get_node("OrgUnit:D1").name == "新教务处"
    check.close()
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    assert audit and all(e["who"] == "ui-editor" for e in audit)  # audited, under the token's name
    # a page opened afterwards sees the new data (caches were invalidated)
    at = open_page("browse", node="OrgUnit:D1")
    assert "部门 D1 · 新教务处" in at.subheader[0].value


def test_load_previews_changes_to_existing_data_and_waits_for_a_confirmation(open_page, tmp_path, monkeypatch,
                                                                            workbook_bytes, editor_token):
    store_path = tmp_path / "office.sqlite"
    with EmbeddedStore(store_path) as seeded:
        seeded.upsert_nodes([Node("OrgUnit", "D1", {"name": "教务处", "type": "functional_office"})])
    monkeypatch.setenv("IQA_STORE", str(store_path))
    renamed = {"部门": [["编号", "名称", "类型"], ["D1", "教学管理处", "职能部门"], ["D2", "学生处", "职能部门"]]}
    at = open_page("load", token=editor_token)
    at.file_uploader(key="load_files").upload("部门.xlsx", workbook_bytes(renamed), XLSX).run()
    at.button(key="load_validate").click().run()
    shown = texts(at)
    assert not at.exception and "导入将做的改动" in shown and "修改 1 个已有节点" in shown
    changed = next(d.value for d in at.dataframe if "原值" in d.value.columns)
    assert changed.to_dict("records") == [{"节点": "OrgUnit:D1", "字段": "名称", "原值": "教务处", "新值": "教学管理处"}]
    assert at.button(key="load_load").disabled  # not before the changes are confirmed
    at.checkbox(key="load_confirm").check().run()
    assert not at.button(key="load_load").disabled
    at.button(key="load_load").click().run()
    assert not at.exception and "已导入" in texts(at)
    with EmbeddedStore(store_path) as after:
        assert after.get_node("OrgUnit:D1").name == "教学管理处" and after.get_node("OrgUnit:D2") is not None


# ------------------------------------------------------------------------------ language
def test_trace_in_english(open_page):
    at = open_page("trace", node="Target:MB-D-ZZRSC2", lang="en")
    shown = texts(at)
    assert at.title[0].value == "Trace" and at.subheader[0].value.startswith("Target MB-D-ZZRSC2")
    legend = next(h.proto.body for h in at.get("html") if "Task status" in h.proto.body)
    assert all(word in legend for word in ("normal", "completed", "incomplete", "warning"))
    assert "Person" in at.dataframe[0].value.columns and "Owner:" in shown


def test_reload_reopens_the_store(open_page):
    at = open_page("overview")
    at.button(key="reload_store").click().run()
    assert not at.exception and at.title[0].value == "总览"



def test_pages_open_on_the_school_goals_and_the_units(open_page, demo_store):
    goals = sorted(n.id for n in demo_store.iter_nodes("Target") if n.props.get("layer") == "school")
    units = sorted(n.id for n in demo_store.iter_nodes("OrgUnit"))
    for page in ("trace", "browse"):
        at = open_page(page)
        assert at.subheader[0].value.startswith(f"目标 {goals[0].split(':')[1]}"), page
        assert "学校目标" in texts(at) and any(b.key == f"{page}_start_{goals[1]}" for b in at.button)
    at = open_page("ownership")
    assert at.subheader[0].value.startswith(f"部门 {units[0].split(':')[1]}")
    next(b for b in at.button if b.key == f"ownership_start_{goals[1]}").click().run()
    assert not at.exception and at.query_params["node"] == goals[1]


def test_browse_shows_the_nodes_history(open_page, ui_env, no_auth, monkeypatch):
    """The browse page's history expander lists each version of the node with its revision: the
    load that created it, then the edit that changed its name (before → after)."""
    from graph.app import Iqa
    from graph.settings import Settings
    from seed.demo import load_demo

    path = ui_env / "recorded.sqlite"
    with Iqa(Settings(store=str(path), audit_log=str(ui_env / "a.jsonl"))) as iqa:
        with iqa.store.recording(who="office", source="test load"):
            load_demo(iqa.store)
        iqa.editor.patch_node("Target:MB-S01", {"name": "新的学校目标"}, who="office")
    monkeypatch.setenv("IQA_STORE", str(path))
    at = open_page("browse", node="Target:MB-S01")
    frames = [df.value for df in at.dataframe if "rev" in df.value.columns]
    assert frames, "no history table"
    history = frames[0]
    assert list(history["rev"]) == [1, 2] and list(history["who"]) == ["office", "office"]
    assert "新的学校目标" in history["fields"].iloc[1]
