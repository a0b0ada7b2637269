"""The pages with hundreds of units (a big college has 265): the Checks page lists the units in a
table and shows the picked unit's list instead of an expander per unit, the Overview's chart of
units draws the largest 20 with a name filter, the Diagnosis page draws the cards needing attention
first above a table of every unit."""

from __future__ import annotations

import pytest

from graph.model import Edge, Node
from graph.stores.embedded import EmbeddedStore
from ui_helpers import texts

UNITS = 40


@pytest.fixture
def many_units(ui_env, no_auth, monkeypatch):
    """40 units, unit i leading i + 1 school targets that reach no task (TC008, an error each) —
    so the counts by unit differ — in a store named by IQA_STORE."""
    path = ui_env / "many.sqlite"
    with EmbeddedStore(path) as store:
        nodes = [Node("OrgUnit", f"U{i:02d}", {"name": f"单位{i:02d}", "type": "teaching_unit"}) for i in range(UNITS)]
        edges = []
        for i in range(UNITS):
            for j in range(i + 1):
                code = f"T{i:02d}-{j:02d}"
                nodes.append(Node("Target", code, {"name": f"目标{code}", "layer": "school"}))
                edges.append(Edge(f"Target:{code}", "led_by", f"OrgUnit:U{i:02d}"))
        store.upsert_nodes(nodes)
        store.upsert_edges(edges)
    monkeypatch.setenv("IQA_STORE", str(path))
    return path


def test_checks_with_many_units_is_a_table_and_one_unit_list(open_page, many_units):
    at = open_page("checks")
    assert not at.expander  # no expander per unit
    units = at.dataframe[0].value
    assert len(units) == UNITS and units.iloc[0, 0] == "单位39"  # most findings first
    picked = at.selectbox(key="checks_unit_list")
    assert picked.value == "OrgUnit:U39"
    assert set(at.dataframe[1].value["节点"]) >= {"Target:T39-00", "Target:T39-39"}
    picked.set_value("OrgUnit:U03").run()
    shown = set(at.dataframe[1].value["节点"])
    assert {f"Target:T03-0{j}" for j in range(4)} <= shown and "Target:T39-00" not in shown
    assert any(b.label == "下载本部门整改清单" for b in at.get("download_button"))


def _charted(chart) -> tuple[list[str], dict]:
    """The names a Vega-Lite chart of the page draws, and its spec."""
    import json

    import pyarrow as pa

    proto = chart.proto
    blobs = [d.data.data for d in proto.datasets] or [proto.data.data]
    names = []
    for blob in blobs:
        names += pa.ipc.open_stream(blob).read_all().column("name").to_pylist()
    return names, json.loads(proto.spec)


def test_overview_charts_the_largest_units_with_a_filter(open_page, many_units):
    at = open_page("overview")
    assert "显示 20 / 40 项（按数量从多到少）" in texts(at)
    names, spec = _charted(at.get("vega_lite_chart")[2])
    assert names == [f"单位{i:02d}" for i in range(39, 19, -1)]  # the 20 with most findings, most first
    assert "scale" not in spec["encoding"]["x"]  # 40 against 21: a linear scale
    at.text_input(key="overview_units").set_value("单位0").run()
    names, _ = _charted(at.get("vega_lite_chart")[2])
    assert names == [f"单位0{i}" for i in range(9, -1, -1)]


def test_diagnosis_draws_the_cards_needing_attention_and_a_table_of_every_unit(open_page, many_units):
    at = open_page("diagnosis")
    shown = texts(at)
    assert "共 41 个" in shown or "共 40 个" in shown  # the cards' caption counts every scorecard
    table = next(df.value for df in at.dataframe if "单位" in df.value.columns)
    assert {f"单位{i:02d}" for i in range(UNITS)} <= set(table["单位"])


def test_counts_a_hundredfold_apart_are_drawn_on_a_log_scale():
    from ui.charts import bar_spec, needs_log

    assert needs_log([5000, 40, 3]) and not needs_log([99, 1, 0]) and not needs_log([0, 0]) and not needs_log([])
    spec = bar_spec([("学生", 100000.0), ("单位", 265.0)], "数量", log=True)
    assert spec["encoding"]["x"]["scale"] == {"type": "symlog"}
    assert [r["name"] for r in spec["data"]["values"]] == ["学生", "单位"]
    assert "scale" not in bar_spec([("a", 1.0)], "n")["encoding"]["x"]
