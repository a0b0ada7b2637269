"""The docs stay honest: the README's rule catalogue and `iqa rules` list every rule of the
registry with its severity, and the README names every CLI command; docs/rules.md is the text the
registry generates; docs/workbook.md lists every sheet and column of the contract, docs/glossary.md
every kind, edge type and controlled value of the ontology, docs/sources.md every source document;
and the docs cite only what a user of the repository has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import graph.sources
from cli.main import app
from graph.checks import RULES
from graph.checks.catalogue import FAMILIES, REGENERATE, rule_summary, rules_markdown
from ingest.sheets import SHEETS
from ontology import get_ontology

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = ("rules.md", "workbook.md", "glossary.md", "architecture.md", "sources.md", "security.md")


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_readme_rule_table_matches_the_registry():
    rows = dict(re.findall(r"^\| ([A-Z]{2}\d{3}) \| (error|warning) \|", README, flags=re.M))
    assert rows == {rule_id: rule.severity for rule_id, rule in RULES.items()}


def test_cli_rules_lists_every_rule():
    result = CliRunner().invoke(app, ["rules"], terminal_width=200)
    assert result.exit_code == 0
    for rule_id in RULES:
        assert rule_id in result.output


def test_readme_names_every_command():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    missing = [n for n in names if f"iqa {n}" not in README]
    assert not missing, f"README does not mention: {missing}"


# -- docs/rules.md ---------------------------------------------------------------------------------
def test_rules_md_is_the_generated_catalogue():
    assert page("rules.md") == rules_markdown(), (
        f"docs/rules.md is out of date with the rule registry; regenerate it with: {REGENERATE}")


def test_catalogue_lists_every_rule_in_a_family_section_with_what_it_finds():
    text = rules_markdown()
    known = {code for code, _, _ in FAMILIES}
    for rule_id, rule in RULES.items():
        assert rule.family in known, f"{rule_id}: add its family to FAMILIES in graph/checks/catalogue.py"
        assert re.search(rf"^\| {rule_id} \| {rule.severity} ", text, flags=re.M)
        summary = rule_summary(rule)
        assert summary and not summary.startswith(rule_id), f"{rule_id}: its function needs a docstring"
        assert rule.source in text
    headings = re.findall(r"^## ([A-Z]{2}): ", text, flags=re.M)
    assert headings == [code for code, _, _ in FAMILIES if any(r.family == code for r in RULES.values())]


def test_catalogue_summary_is_the_docstring_in_markdown():
    summary = rule_summary(RULES["TC002"])
    assert summary.startswith("A target with no child")
    assert "``" not in summary and "`-implemented_by->`" in summary


# -- docs/workbook.md ------------------------------------------------------------------------------
def _sheet_sections(text: str) -> dict[str, str]:
    parts = re.split(r"^### ", text, flags=re.M)[1:]
    return {p.split(None, 1)[0]: p for p in parts}


def test_workbook_md_lists_every_sheet_and_column_of_the_contract():
    sections = _sheet_sections(page("workbook.md"))
    assert set(sections) >= {s.zh for s in SHEETS}
    for spec in SHEETS:
        section = sections[spec.zh]
        assert f"`{spec.en}`" in section.splitlines()[0], f"{spec.zh}: heading lacks the alias {spec.en}"
        assert spec.kind in section.splitlines()[0]
        rows = {m[0]: m for m in re.findall(r"^\| (\S+) \| `([^`]+)` \| (yes|—) \|", section, flags=re.M)}
        assert set(rows) == {c.zh for c in spec.columns}, f"sheet {spec.zh}: columns differ from ingest/sheets.py"
        for col in spec.columns:
            _, alias, required = rows[col.zh]
            assert alias == col.en, f"{spec.zh}.{col.zh}: alias {alias} should be {col.en}"
            assert (required == "yes") == col.required, f"{spec.zh}.{col.zh}: required should be {col.required}"


def test_workbook_md_lists_every_controlled_value():
    text = page("workbook.md")
    onto = get_ontology()
    for scheme in ("Layers", "TaskStatuses", "OrgUnitTypes", "Systems", "PlanLevels", "DutyScopes"):
        for c in onto.schemes[scheme]:
            assert f"{c.labels.zh} (`{c.notation}`" in text, f"{scheme}: {c.labels.zh} {c.notation}"


# -- docs/glossary.md ------------------------------------------------------------------------------
def test_glossary_covers_the_ontology():
    text = page("glossary.md")
    onto = get_ontology()
    for kind, k in onto.kinds.items():
        assert f"`{kind}`" in text and k.labels.zh in text, kind
    for edge_type, e in onto.edge_types.items():
        assert f"`{edge_type}`" in text and e.labels.zh in text, edge_type
    for scheme in ("Layers", "TaskStatuses"):
        for c in onto.schemes[scheme]:
            assert f"`{c.notation}`" in text, c.notation


def test_glossary_names_the_four_warnings_apart():
    text = page("glossary.md")
    section = text.split("## Four things called \"warning\"", 1)[1].split("\n## ", 1)[0]
    for name in ("warning status", "severity `warning`", "diagnosis warning", "warning threshold"):
        assert f"**{name}**" in section
    for zh in ("预警", "警告", "诊断预警", "预警值"):
        assert zh in section


# -- docs/sources.md -------------------------------------------------------------------------------
def test_sources_md_lists_every_document_by_title():
    text = page("sources.md")
    titles = {k: v for k, v in vars(graph.sources).items() if k.isupper() and "《" in str(v)}
    assert len(titles) == 5
    for key, title in titles.items():
        assert f"## {title}" in text and f"`{key}`" in text, key


def test_every_rule_source_names_a_listed_document():
    titles = [v for k, v in vars(graph.sources).items() if k.isupper() and "《" in str(v)]
    for rule_id, rule in RULES.items():
        assert any(rule.source.startswith(t) for t in titles), f"{rule_id}: source {rule.source!r}"


# -- all pages -------------------------------------------------------------------------------------
def test_readme_links_every_page():
    for name in PAGES:
        assert f"](docs/{name})" in README, f"README does not link docs/{name}"


@pytest.mark.parametrize("name", PAGES)
def test_pages_link_only_to_pages_that_exist(name):
    for target in re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", page(name)):
        assert (DOCS / target).is_file(), f"docs/{name} links to a missing page {target}"


@pytest.mark.parametrize("name", PAGES)
def test_pages_cite_only_what_a_user_has(name):
    text = page(name)
    for outside in ("CHECKS.md", "GLOSSARY.md", "WORKBOOK.md"):
        assert outside not in text, f"docs/{name} cites {outside}, which a user of the repository does not have"
    assert not re.search(r"\d{3}_[0-9a-f]{16}", text), f"docs/{name} names a source text file"
