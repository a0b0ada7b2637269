"""Every Cypher statement the Neo4j store can send passes Neo4j's own parser and semantic analyser
(npm package @neo4j-cypher/language-support, ``lintCypherQuery``, run by .ci/cypher-lint/lint.mjs
with Node.js), with each statement's parameters declared and the ontology's labels, relationship
types and property keys as the database schema: zero errors, zero warnings.

Needs ``node`` and ``npm`` (CI has them): without them this test FAILS, it does not skip.
``npm ci`` runs once when .ci/cypher-lint/node_modules is missing (it needs the npm registry).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from graph.stores.neo4j_queries import all_statements, lint_schema

ROOT = Path(__file__).resolve().parents[2]
LINT_DIR = ROOT / ".ci" / "cypher-lint"
PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.fail("the Cypher lint needs Node.js and npm on PATH (node: %s, npm: %s); install Node.js 20 or "
                    "newer — this test does not skip, CI must run it" % (node or "missing", npm or "missing"))
    if not PACKAGE.exists():
        done = subprocess.run([npm, "ci", "--prefix", str(LINT_DIR), "--no-audit", "--no-fund"],
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not PACKAGE.exists():
            pytest.fail(f"npm ci --prefix {LINT_DIR.relative_to(ROOT)} failed:\n{done.stdout}\n{done.stderr}")
    return node


def run_lint(node: str, payload) -> subprocess.CompletedProcess:
    return subprocess.run([node, str(LINT_DIR / "lint.mjs")], input=json.dumps(payload, ensure_ascii=False),
                          capture_output=True, text=True, timeout=600, cwd=LINT_DIR)


def statements_payload(statements) -> list[dict]:
    return [{"name": name, "cypher": cypher, "params": list(params)} for name, cypher, params in statements]


def test_the_lint_package_is_pinned_and_locked():
    package = json.loads((LINT_DIR / "package.json").read_text(encoding="utf-8"))
    version = package["dependencies"]["@neo4j-cypher/language-support"]
    assert version[0].isdigit(), "pin an exact version"
    lock = json.loads((LINT_DIR / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/@neo4j-cypher/language-support"]["version"] == version


def test_every_statement_of_the_store_lints_clean(node):
    statements = all_statements()
    done = run_lint(node, {"schema": lint_schema(), "statements": statements_payload(statements)})
    assert done.returncode == 0, f"Cypher lint found errors:\n{done.stdout}\n{done.stderr}"
    summary = done.stdout.strip().splitlines()[-1]
    assert summary == f"cypher-lint: {len(statements)} statements, 0 errors, 0 warnings", done.stdout


BROKEN = [
    ("syntax", "MATCH (n:IqaNode {id: $id}) RETURN n ORDER BY", ["id"]),
    ("undefined_variable", "MATCH (n:IqaNode {id: $id}) RETURN m", ["id"]),
    ("undeclared_parameter", "MATCH (n:IqaNode {id: $idd}) RETURN n.id AS id", ["id"]),
    ("unknown_function", "MATCH (n:IqaNode {id: $id}) RETURN propertiez(n) AS props", ["id"]),
    ("type_mismatch", "MATCH (n:IqaNode) SET n += 1 RETURN n.id AS id", []),
    # what Cypher 5 cannot take as parameters, hence the allow-listed builders:
    ("label_as_parameter", "MATCH (n:$label) RETURN n.id AS id", ["label"]),
    ("depth_as_parameter", "MATCH (s:IqaNode {id: $id})-[*1..$depth]->(m) RETURN m.id AS id", ["id", "depth"]),
]


def test_the_lint_flags_broken_statements(node):
    good = ("GOOD", "MATCH (n:IqaNode {id: $id}) RETURN properties(n) AS props", ["id"])
    done = run_lint(node, {"schema": lint_schema(), "statements": statements_payload([good, *BROKEN])})
    assert done.returncode == 1, done.stdout + done.stderr
    flagged = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("ERROR ")}
    assert flagged == {name for name, _, _ in BROKEN}, done.stdout


def test_the_lint_warns_about_labels_outside_the_ontology_and_accepts_a_plain_list(node):
    done = run_lint(node, [{"name": "typo", "cypher": "MATCH (n:Targt) RETURN count(n) AS c", "params": []}])
    assert done.returncode == 0 and "0 errors" in done.stdout  # no schema given: nothing to compare with
    done = run_lint(node, {"schema": lint_schema(), "statements": [
        {"name": "typo", "cypher": "MATCH (n:Targt) RETURN count(n) AS c", "params": []}]})
    assert "WARNING typo" in done.stdout and "Targt" in done.stdout


def test_bad_input_is_reported(node):
    done = subprocess.run([node, str(LINT_DIR / "lint.mjs")], input="not json", capture_output=True, text=True,
                          timeout=120, cwd=LINT_DIR)
    assert done.returncode == 2 and "not JSON" in done.stderr
