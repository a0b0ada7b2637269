"""The parser's per-row fast path against the plain one, on random rows: ``_Row.check_cells``
searches a row's texts joined for a control character before searching each (``bad_char`` on
the joined text); the problems, notes and parsed rows are those of searching every cell."""

from __future__ import annotations

import random

import pytest

import ingest.mapping as mapping
import ingest.readers as readers
from graph.values import code_problem, name_problem, value_problem
from ingest.mapping import parse_sheet
from ingest.readers import read_mapping

_TEXTS = ["目标", "a b", "x\ty", "l\nm", "\r", "c\x00d", "\x1f", "\x7f", "\x85", "\ud800", "\u200b", "MB-01",
          "Ｔ１", "2026-12-31", "80%", "  ", "名"]


def _cell(rng: random.Random):
    pick = rng.random()
    if pick < 0.6:
        return "".join(rng.choice(_TEXTS) for _ in range(rng.randrange(1, 3)))
    if pick < 0.75:
        return rng.choice([1, 2.5, 12000.0, float("nan"), float("inf"), 0])
    if pick < 0.85:
        return [rng.choice(_TEXTS) for _ in range(rng.randrange(1, 3))]
    return None


def _sheets(rng: random.Random) -> dict:
    rows = []
    for i in range(rng.randrange(1, 25)):
        row = {"编码": rng.choice([f"T{i}", f"T{i}\x01", f"T\t{i}", f"T{i}"]), "名称": _cell(rng) or f"目标{i}",
               "层面": rng.choice(["school", "专业", _cell(rng)]), "目标值": _cell(rng), "单位": _cell(rng),
               "类别": _cell(rng)}
        rows.append(row)
    return {"目标": rows, "部门": [{"编码": "U1", "名称": rng.choice(["部门", "部\x02门"]), "类型": "职能部门"}]}


def _parsed(sheets: dict) -> list:
    out = []
    for sheet in read_mapping(sheets).sheets:
        for row in parse_sheet(sheet):
            out.append((row.number, [str(p) for p in row.problems], [str(p) for p in row.dropped],
                        [(n.location, n.read, n.stored) for n in row.notes],
                        [(d.kind, d.code, repr(d.props)) for d in row.defs], repr(row.refs), repr(row.links)))
    return out


def _plain_check_cells(self) -> None:
    """``_Row.check_cells`` as it was: every cell searched alone."""
    spec = self.sheet.spec
    codes = {c.zh for c in spec.columns if c.prop == "code"}
    names = {c.zh for c in spec.columns if c.prop == "name"}
    for key, value in list(self.cells.items()):
        why = value_problem(value)
        if why is None and key in codes and isinstance(value, str):
            why = code_problem(value)
        elif why is None and key in names:
            why = name_problem(value)
        if why is not None:
            self.problem(key, why if why.startswith("the ") else f"the cell {why}")
            del self.cells[key]
            self.refused.add(key)


@pytest.mark.parametrize("seed", range(40))
def test_check_cells_finds_what_a_search_of_every_cell_finds(seed, monkeypatch):
    sheets = _sheets(random.Random(seed))
    fast = _parsed(sheets)
    monkeypatch.setattr(mapping._Row, "check_cells", _plain_check_cells)
    assert _parsed(sheets) == fast


_RAW = ["目标", " a b ", "x\ty", "\u200b", "a\u200bb", "\ufeffT1", "Ｔ１", " T2 ", "  ", "", "\u2060", "名 ", "\n"]


@pytest.mark.parametrize("seed", range(40))
def test_a_read_row_holds_each_cell_as_clean_text_makes_it(seed):
    """``build_sheet`` strips the text cells of a row without a zero-width character and cleans
    the others with ``_clean_text``: the cells and notes are those of ``_clean_text`` on each."""
    rng = random.Random(seed)
    rows = [{"编号": rng.choice(_RAW + [f"T{i}", 7, 2.0]), "名称": rng.choice(_RAW + [None, 3]),
             "层面": rng.choice(_RAW + [None]), "单位": rng.choice(_RAW + [None, 1.5])}
            for i in range(rng.randrange(1, 20))]
    result = read_mapping({"目标": rows})
    sheet = result.sheets[0]
    notes: list = []
    expected = []
    for i, row in enumerate(rows):
        cells = {}
        for key, value in row.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str):
                value = readers._clean_text(value, key == "编号", lambda: sheet.location(i + 2, key), notes)
                if not value:
                    continue
            cells[key] = value
        if cells:
            expected.append((i + 2, cells))
    assert [(r.number, r.cells) for r in sheet.rows] == expected
    assert [(n.location, n.read, n.stored) for n in result.notes] == [(n.location, n.read, n.stored) for n in notes]
