"""The ontology is complete for the glossary, and RDF export → import gives the same graph."""

from __future__ import annotations

from rdflib import Graph

from graph.model import Edge, Node
from graph.rdf import export_rdf, from_rdf_graph
from ontology import get_ontology

GLOSSARY_KINDS = {"Plan", "Target", "Task", "Standard", "Regulation", "Process", "ProcedureDocument",
                  "InstitutionItem", "OrgUnit", "Post", "Person", "Duty", "DiagnosisItem",
                  "DiagnosisElement", "DiagnosisPoint", "Indicator", "Measurement"}
GLOSSARY_EDGES = {"decomposes_to", "implemented_by", "based_on", "follows", "governed_by", "measures",
                  "led_by", "assigned_to", "cooperated_by", "holds", "part_of"}


def test_every_kind_and_edge_has_both_labels_and_a_domain_and_range():
    onto = get_ontology()
    assert GLOSSARY_KINDS <= set(onto.kinds)
    assert GLOSSARY_EDGES <= set(onto.edge_types)
    for kind in onto.kinds.values():
        assert kind.labels.zh and kind.labels.en, kind.name
    for et in onto.edge_types.values():
        assert et.labels.zh and et.labels.en and et.domain and et.range, et.name
        assert et.domain <= set(onto.kinds) and et.range <= set(onto.kinds), et.name


def test_layers_and_systems_are_concept_schemes_in_order():
    onto = get_ontology()
    assert [c.labels.zh for c in onto.schemes["Layers"]] == ["学校", "部门", "专业", "课程", "教师", "学生"]
    assert [c.labels.zh for c in onto.schemes["Systems"]] == ["决策指挥", "质量生成", "资源建设", "支持服务", "监督控制"]
    assert onto.concept("Layers", "专业").notation == "major"
    assert onto.rank("Layers", "teacher") == 5
    assert onto.label("Target", "en") == "Target" and onto.label("Target") == "目标"


def _graph(store):
    store.upsert_nodes([
        Node("OrgUnit", "D 01/x", {"name": "教务处", "type": "functional_office", "system": "quality_generation"}),
        Node("Target", "S1", {"name": "目标", "layer": "school", "target_value": 0.9, "n": 3, "flag": True,
                              "tags": ["甲", "乙"], "empty": None, "自定义列": "保留"}),
        Node("Task", "K1", {"name": "任务", "status": "warning", "deadline": "2025-12-31"}),
        Node("Plan", "P1", {"name": "规划", "level": "1"}),
    ])
    store.upsert_edges([
        Edge("Target:S1", "implemented_by", "Task:K1", {"weight": 0.4}),
        Edge("Target:S1", "led_by", "OrgUnit:D 01/x"),
        Edge("Plan:P1", "decomposes_to", "Target:S1"),
    ])


def _snapshot(nodes, edges):
    return (sorted((n.id, sorted(n.props.items(), key=str)) for n in nodes),
            sorted((e.key, sorted(e.props.items())) for e in edges))


def test_rdf_round_trip_turtle_and_jsonld(mem_store):
    _graph(mem_store)
    expected = _snapshot(mem_store.iter_nodes(), mem_store.iter_edges())
    for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld")):
        g = Graph()
        g.parse(data=export_rdf(mem_store, fmt), format=parser)
        nodes, edges = from_rdf_graph(g)
        assert _snapshot(nodes, edges) == expected, fmt


def test_export_uses_the_ontology_namespace_and_concepts(mem_store):
    _graph(mem_store)
    ttl = export_rdf(mem_store, "ttl")
    assert "@prefix iqa: <https://w3id.org/iqa-graph/ontology#>" in ttl
    assert "iqa:school" in ttl and "iqa:warning_status" in ttl


def test_the_compiled_ontology_is_the_turtle_file_read_and_stale_copies_are_ignored(tmp_path, monkeypatch):
    """ontology/iqa.compiled.json (what start-up reads instead of parsing iqa.ttl) holds what the
    Turtle file gives; regenerate it with `python -m ontology.compile` when this fails."""
    import json

    from ontology import loader

    assert loader.COMPILED_PATH.read_text(encoding="utf-8") == loader.compiled_text(), (
        "ontology/iqa.compiled.json is stale; regenerate it with: python -m ontology.compile")
    parsed = loader.load_ontology()
    data = json.loads(loader.COMPILED_PATH.read_text(encoding="utf-8"))
    assert loader.from_compiled(data) == parsed
    assert len(loader.from_compiled(data).graph) == len(parsed.graph)  # the graph is parsed on demand
    # a copy stamped for another Turtle file is not used: the Turtle file is read
    stale = tmp_path / "iqa.compiled.json"
    stale.write_text(json.dumps({**data, "ttl_sha256": "0" * 64, "kinds": {}}), encoding="utf-8")
    monkeypatch.setattr(loader, "COMPILED_PATH", stale)
    loader.get_ontology.cache_clear()
    try:
        assert loader.get_ontology().kinds == parsed.kinds
        stale.write_text("{not json", encoding="utf-8")
        loader.get_ontology.cache_clear()
        assert loader.get_ontology().kinds == parsed.kinds
    finally:
        loader.get_ontology.cache_clear()
