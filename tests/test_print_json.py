"""``cli.app.print_json`` writes exactly what ``json.dumps(data, ensure_ascii=False, indent=2)``
writes, whether orjson or the standard library does the work."""

from __future__ import annotations

import enum
import json
import random
from collections import OrderedDict, defaultdict

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
    OrderedDict([("b", [1e-05]), ("a", 1)]), defaultdict(list, {"k": [{"deep": (0.5, 1e16)}]}),  # subclasses
]


class _Text(str):
    pass


class _Level(enum.IntEnum):
    LOW = 1


def _random_value(rnd: random.Random, depth: int = 0):
    """Plain JSON-able data of every sort print_json meets, floats of both kinds included."""
    pick = rnd.randrange(12 if depth < 4 else 7)
    if pick == 0:
        return rnd.choice(["", "甲乙", "a\"b", "\n", _Text("子类")])
    if pick == 1:
        return rnd.choice([0, -3, 2 ** 63 - 1, True, False, _Level.LOW])
    if pick == 2:
        return None
    if pick == 3:
        return rnd.choice([0.5, 0.6667, 1e-05, 1e16, 1e22, 123456789012345680.0, -0.0, 5e-324])
    if pick in (4, 5, 6):
        return round(rnd.random(), rnd.randrange(1, 6))
    if pick in (7, 8):
        return [_random_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    if pick == 9:
        return tuple(_random_value(rnd, depth + 1) for _ in range(rnd.randrange(3)))
    return {f"k{i}": _random_value(rnd, depth + 1) for i in range(rnd.randrange(4))}


@pytest.mark.parametrize("data", CASES)
def test_same_text_as_the_standard_library(data, capsys):
    print_json(data)
    assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_the_fast_path_is_taken_only_for_plain_data():
    assert _orjson_safe(CASES[0]) and _orjson_safe(CASES[1]) and _orjson_safe(CASES[2])
    assert not _orjson_safe(CASES[3]) and not _orjson_safe(CASES[4])
    assert _orjson_safe(CASES[10]) and _orjson_safe(CASES[15])  # a dict subclass of floats written alike
    assert not any(_orjson_safe(c) for c in CASES[11:15])


def test_random_data_prints_as_the_standard_library_writes_it(capsys):
    rnd = random.Random(19)
    for _ in range(400):
        data = {"v": _random_value(rnd)}
        print_json(data)
        assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
