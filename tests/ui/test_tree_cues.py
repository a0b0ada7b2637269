"""The trace tree drawing says what it hides: a folded node's label ends in ``▸ +n`` (n entries
below it), a node cut by the depth or the drawing cap in ``✂ +n``; the tooltip names the edge
that leads to a node; the neighbourhood graph is laid out in columns (upstream left, downstream
right) whose labels cannot overlap, each saying its relation and what its node hides."""

from __future__ import annotations

from ui.charts import DRAWING_PX, ROW_PX, label_width, neighbourhood_layout, neighbourhood_options, tree_options
from ui.state import edge_label


def _entry(code: str, children=(), **extra):
    return {"id": f"Target:{code}", "kind": "Target", "name": f"目标{code}", "owner": None,
            "via": "decomposes_to", "children": list(children), **extra}


def _walk(node):
    yield node
    for c in node.get("children", []):
        yield from _walk(c)


def test_folded_and_cut_nodes_show_how_much_they_hide():
    # a wide first level (90 children) keeps everything below it folded
    leaves = [_entry(f"L{i}-{j}") for i in range(90) for j in range(3)]
    level1 = [_entry(f"C{i}", leaves[3 * i:3 * i + 3]) for i in range(90)]
    level1[0] = _entry("C0", [_entry("D0", truncated=4)])
    tree = _entry("ROOT", level1)
    options, _ = tree_options(tree)
    drawn = {n["value"]: n for n in _walk(options["series"][0]["data"][0])}
    assert drawn["Target:C1"].get("collapsed") and drawn["Target:C1"]["name"].endswith("▸ +3")
    assert drawn["Target:D0"]["name"].endswith("✂ +4")
    assert not drawn["Target:ROOT"].get("collapsed") and "▸" not in drawn["Target:ROOT"]["name"]
    assert f"经由: {edge_label('decomposes_to')}" in drawn["Target:C1"]["tip"]


def _bowtie(depth: int, fan: int) -> dict:
    """A neighbourhood like ``explore.neighbourhood_graph`` returns: ``fan`` nodes upstream and
    downstream of each node, ``depth`` hops each way, every node with 3 neighbours not drawn."""
    nodes = [{"id": "Target:C", "kind": "Target", "code": "C", "name": "中心目标", "depth": 0,
              "parent": None, "via": None, "side": None, "hidden": 0}]
    edges = []
    frontier = {"in": ["Target:C"], "out": ["Target:C"]}
    for d in range(1, depth + 1):
        for side in ("in", "out"):
            nxt = []
            for parent in frontier[side]:
                for k in range(fan):
                    code = f"{side}{d}-{parent.split(':')[1]}-{k}"
                    nodes.append({"id": f"Target:{code}", "kind": "Task" if side == "out" else "Plan", "code": code,
                                  "name": "一个很长很长的节点名称用来检验标签宽度", "depth": d, "parent": parent,
                                  "via": "decomposes_to", "side": side, "hidden": 3})
                    source, target = (parent, f"Target:{code}") if side == "out" else (f"Target:{code}", parent)
                    edges.append({"source": source, "type": "decomposes_to", "target": target})
                    nxt.append(f"Target:{code}")
            frontier[side] = nxt
    return {"center": "Target:C", "nodes": nodes, "edges": edges}


def test_the_neighbourhood_graph_puts_upstream_left_downstream_right_children_beside_their_parent():
    graph = _bowtie(depth=3, fan=2)
    places, tallest = neighbourhood_layout(graph)
    by_id = {n["id"]: n for n in graph["nodes"]}
    assert places["Target:C"][0] == 0 and tallest == 8
    for n in graph["nodes"][1:]:
        x = places[n["id"]][0]
        assert (x < 0) == (n["side"] == "in") and abs(x) == 100 * n["depth"]
    # within a column the rows follow the parents' rows: no two edges from one column cross
    for side in ("in", "out"):
        for d in (2, 3):
            column = sorted((n for n in graph["nodes"] if n["side"] == side and n["depth"] == d),
                            key=lambda n: places[n["id"]][1])
            parent_rows = [places[by_id[n["parent"]]["id"]][1] for n in column]
            assert parent_rows == sorted(parent_rows)


def test_the_neighbourhood_graph_labels_never_overlap_at_depth_3():
    options, height = neighbourhood_options(_bowtie(depth=3, fan=2))
    series = options["series"][0]
    data = series["data"]
    columns = sorted({n["x"] for n in data})
    width = data[1]["label"]["width"]
    assert width == label_width(len(columns)) and series["label"]["fontSize"] <= 12
    # columns spread over the drawing between the margins that hold the outer labels
    gap = (DRAWING_PX - series["left"] - series["right"]) / (len(columns) - 1)
    assert width + 12 <= gap, "a label would reach the next column"
    for x in columns:  # rows at least ROW_PX apart, and the drawing tall enough to keep them so
        rows = sorted(n["y"] for n in data if n["x"] == x)
        assert all(b - a >= ROW_PX - 1 for a, b in zip(rows, rows[1:]))
    assert height >= series["top"] + series["bottom"] + (max(n["y"] for n in data) - min(n["y"] for n in data))
    # upstream labels on the left of their node, downstream on the right, the centre's above it
    assert all(n["label"]["position"] == ("left" if n["x"] < 0 else "right") for n in data[1:])
    assert data[0]["label"]["position"] == "top"


def test_the_neighbourhood_graph_says_the_relation_and_the_hidden_neighbours():
    options, _ = neighbourhood_options(_bowtie(depth=1, fan=1))
    series = options["series"][0]
    down = next(n for n in series["data"] if n["x"] > 0)
    up = next(n for n in series["data"] if n["x"] < 0)
    assert down["label"]["formatter"].startswith("{v|" + edge_label("decomposes_to", "out") + "} ")
    assert up["label"]["formatter"].startswith("{v|" + edge_label("decomposes_to", "in") + "} ")
    assert "▸+3" in down["label"]["formatter"] and down["itemStyle"]["borderWidth"] == 3
    assert all(link["value"] for link in series["links"]) and series["emphasis"]["edgeLabel"]["show"]
    assert [c["name"] for c in series["categories"]] == [d for d in options["legend"][0]["data"]]
