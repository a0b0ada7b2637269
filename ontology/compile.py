"""Regenerate ``ontology/iqa.compiled.json`` from ``ontology/iqa.ttl`` (see ``ontology.loader``):

    python -m ontology.compile

tests/test_ontology_rdf.py fails while the copy is stale.
"""

from __future__ import annotations

import sys

from ontology.loader import COMPILED_PATH, compiled_text

if __name__ == "__main__":
    COMPILED_PATH.write_text(compiled_text(), encoding="utf-8")
    sys.stdout.write(f"wrote ontology/{COMPILED_PATH.name}\n")
