"""RDF input opens no URL and no other file, and RDF/XML entity tricks are refused (an uploaded
file must not make the server reach out or read its files)."""

from __future__ import annotations

import json
import time

import pytest

from graph.errors import IngestError
from graph.rdf import read_rdf

SECRET = "iqa-secret-marker"


def _reason(path) -> str:
    with pytest.raises(IngestError) as err:
        read_rdf(path)
    return str(err.value.problems[0])


def test_a_remote_jsonld_context_is_not_fetched(tmp_path):
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:x", "urn:p": "v"}))
    assert "may not reach the network" in _reason(path)


def test_a_file_context_is_not_read(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"@context": {"leak": SECRET}}))
    path = tmp_path / "local.jsonld"
    path.write_text(json.dumps({"@context": secret.as_uri(), "@id": "urn:x", "leak": "v"}))
    reason = _reason(path)
    assert "may not read other files" in reason and SECRET not in reason


def test_rdf_xml_with_entities_is_refused_at_once(tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
              '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
              'rdf:about="urn:x"><rdf:value>&d;&d;&d;&d;</rdf:value></rdf:Description></rdf:RDF>')
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs)
    started = time.monotonic()
    assert "DOCTYPE is refused" in _reason(path)
    assert time.monotonic() - started < 2


def test_a_plain_file_still_parses(tmp_path):
    path = tmp_path / "ok.ttl"
    path.write_text('<https://w3id.org/iqa-graph/id/OrgUnit/D1> a <https://w3id.org/iqa-graph/ontology#OrgUnit> ;\n'
                    '  <https://w3id.org/iqa-graph/ontology#code> "D1" ;\n'
                    '  <https://w3id.org/iqa-graph/ontology#name> "教务处" .\n')
    nodes, edges = read_rdf(path)
    assert [n.id for n in nodes] == ["OrgUnit:D1"] and nodes[0].props["name"] == "教务处"
