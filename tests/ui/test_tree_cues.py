"""The trace tree drawing says what it hides: a folded node's label ends in ``▸ +n`` (n entries
below it), a node cut by the depth or the drawing cap in ``✂ +n``; the tooltip names the edge
that leads to a node; the neighbourhood graph labels its edges."""

from __future__ import annotations

from ui.charts import neighbourhood_options, tree_options
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


def test_the_neighbourhood_graph_labels_its_edges_when_few():
    nodes = [{"id": f"Target:T{i}", "kind": "Target", "code": f"T{i}", "name": f"目标{i}", "depth": min(i, 1)}
             for i in range(3)]
    edges = [{"source": "Target:T0", "type": "decomposes_to", "target": f"Target:T{i}"} for i in (1, 2)]
    options = neighbourhood_options({"center": "Target:T0", "nodes": nodes, "edges": edges})
    series = options["series"][0]
    assert series["edgeLabel"]["show"] and all(link["value"] for link in series["links"])
    many = [{"source": "Target:T0", "type": "decomposes_to", "target": "Target:T1"}] * 61
    assert not neighbourhood_options({"center": "Target:T0", "nodes": nodes, "edges": many})["series"][0]["edgeLabel"]["show"]
