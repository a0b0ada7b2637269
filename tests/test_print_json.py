"""``cli.app.print_json`` writes exactly what ``json.dumps(data, ensure_ascii=False, indent=2)``
writes, whether orjson or the standard library does the work."""

from __future__ import annotations

import json

import pytest

from cli.app import _orjson_safe, print_json

CASES = [
    {"findings": [{"rule": "TC001", "node": "Target:目标一", "owner": {"unit": None, "person": None}}], "n": 3},
    {"empty": {}, "list": [], "nested": [[], [{}], {"a": []}], "flags": [True, False, None]},
    ["引号\"与\\反斜杠", "换行\n制表\t", "\u2028", "emoji 😀", "控制\x01"],
    {"float": 1e-05, "big": 1e16, "half": 0.5},  # floats: the standard library writes them
    {1: "int key", "x": 2},  # a non-text key: the standard library converts it
    {"huge": 2 ** 70},  # beyond 64 bits: orjson refuses, the standard library writes it
    {"t": ("a", 1)},
    [],
    "text",
    0,
    {"rates": [0.5, 0.6667, 11830.0, -0.0, 0.1, 0.0001, 123456.789], "again": 0.5},  # both write these alike
    {"nan": float("nan")}, {"inf": [0.5, float("inf")]}, {"late": [0.5] * 3 + [1e-05]},  # ... not these
]


@pytest.mark.parametrize("data", CASES)
def test_same_text_as_the_standard_library(data, capsys):
    print_json(data)
    assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_the_fast_path_is_taken_only_for_plain_data():
    assert _orjson_safe(CASES[0]) and _orjson_safe(CASES[1]) and _orjson_safe(CASES[2])
    assert not _orjson_safe(CASES[3]) and not _orjson_safe(CASES[4])
    assert _orjson_safe(CASES[10])
    assert not any(_orjson_safe(c) for c in CASES[11:])
