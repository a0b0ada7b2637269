"""Each benchmark of the scale issue runs once at a small size, as CI does: it must run to the end
and print its figures (the figures themselves are not judged here — speed goals are the benches'
business, not the tests')."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_bench_vs_doorstop_runs_both_tools_on_the_same_small_chain(capsys, clean_env):
    figures = bench("bench_vs_doorstop").main(["--items", "300"])
    out = capsys.readouterr().out
    assert set(figures) == {"iqa", "iqa_cpu", "doorstop", "doorstop_cpu"} and all(s > 0 for s in figures.values())
    assert "chain: 300 items" in out and "ratio doorstop / iqa" in out


def test_bench_vs_doorstop_reuses_a_given_doorstop_timing(capsys, clean_env):
    figures = bench("bench_vs_doorstop").main(["--items", "300", "--doorstop-wall", "50", "--doorstop-cpu", "20"])
    out = capsys.readouterr().out
    assert figures["doorstop"] == 50 and figures["doorstop_cpu"] == 20 and figures["iqa"] > 0
    assert "an earlier run, given" in out and f"{20 / figures['iqa_cpu']:.0f}× CPU" in out
    assert "load average" in out
    with pytest.raises(SystemExit):
        bench("bench_vs_doorstop").main(["--items", "300", "--doorstop-wall", "50"])


def test_the_chain_has_the_same_links_in_both_forms(tmp_path):
    module = bench("bench_vs_doorstop")
    docs = module.chain(500, 3)
    module.write_sheets(docs, tmp_path / "sheets")
    tasks = (tmp_path / "sheets" / "任务.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [line.split(",")[2] for line in tasks] == [p or "" for _, _, p in docs["TSK"]]
    assert sum(len(v) for v in docs.values()) == 500
    assert any(p is None for _, _, p in docs["MAJ"] + docs["TSK"])  # a few unlinked items


@pytest.mark.slow
def test_bench_point_runs_on_a_small_grown_demo(capsys, clean_env):
    bench("bench_point").main(["--students", "200", "--runs", "1", "--searches", "20"])
    out = capsys.readouterr().out
    assert "iqa owner ZK-58" in out and "iqa trace MB-S01 --depth 2" in out and "2-char name fragment" in out


def test_bench_core_times_the_check_of_an_existing_store(tmp_path, capsys):
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import load_demo

    path = tmp_path / "demo.sqlite"
    with EmbeddedStore(path) as store:
        load_demo(store)
        nodes = store.count_nodes()
    figures = bench("bench_core").check_only(path)
    out = capsys.readouterr().out
    assert figures["nodes"] == nodes and figures["check_cpu"] > 0 and figures["peak_mb"] > 0
    assert "full check:" in out and "s CPU" in out and "load average" in out


def test_bench_core_times_each_phase_of_the_check(tmp_path, capsys):
    import datetime as _dt

    from graph.checks import RULES, run_checks
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import load_demo

    path = tmp_path / "demo.sqlite"
    with EmbeddedStore(path) as store:
        load_demo(store)
        want = len(run_checks(store, as_of=_dt.date.today()).findings)
    figures = bench("bench_core").phases(path)
    out = capsys.readouterr().out
    assert figures["findings"] == want and want > 0
    assert set(figures) == {"read", "free", "findings", *RULES}
    assert figures["read"] > 0 and all(v >= 0 for v in figures.values())
    assert "read:" in out and "slowest first" in out and "load average" in out


@pytest.mark.slow
def test_bench_recheck_runs_every_edit_on_a_small_grown_demo(capsys, clean_env):
    rows = bench("bench_recheck").main(["--students", "100"])
    out = capsys.readouterr().out
    assert [r["after"] for r in rows] == ["(first: full run)", *bench("bench_recheck").EDITS]
    assert all(r["same_as_full_run"] for r in rows) and "after=load" in out
    assert rows[-1]["total"] > 0


def test_bench_api_runs_on_a_small_college(capsys, clean_env):
    bench("bench_api").main(["--students", "200", "--teachers", "10", "--requests", "60", "--clients", "5",
                             "--endpoints", "owner,trace down", "--rate", "30"])
    out = capsys.readouterr().out
    for line in ("owner                  saturated", "owner                  paced 30.0 req/s",
                 "trace down depth=3     saturated", "trace down depth=3     paced 30.0 req/s"):
        assert line in out
    assert "server peak memory" in out and "CPU ms/req" in out
    assert "warm-up before each endpoint: its first 5 paths" in out
    bench("bench_api").main(["--students", "200", "--teachers", "10", "--requests", "20", "--clients", "5",
                             "--endpoints", "trace down", "--rate", "30", "--warm-all", "--floor"])
    out = capsys.readouterr().out
    warmed = re.search(r"warm-up before each endpoint: every distinct path \(trace down (\d+)\)", out)
    assert warmed and 1 < int(warmed.group(1)) <= 20  # of the 20 paths, each target once
    saturated = next(line for line in out.splitlines() if line.startswith("trace down depth=3     saturated"))
    assert saturated.split()[7] == "0"  # trace down depth=3 saturated p50 p99 req/s errors
    # the floors: the same app plus a route that does no work, and a bare ASGI callable; every answer a 200
    for label in ("floor (no-op route)    saturated", "floor (bare ASGI)      saturated"):
        floor = next(line for line in out.splitlines() if line.startswith(label))
        assert floor.split()[7] == "0" and float(floor.split()[6]) > 0, floor  # … p50 p99 req/s errors


def test_bench_load_times_a_small_demo_build_the_generator_and_a_file_load(tmp_path, capsys, clean_env):
    module = bench("bench_load")
    figures = module.main(["--students", "60", "--teachers", "4", "--store", str(tmp_path / "demo.sqlite")])
    out = capsys.readouterr().out
    assert figures["wall"] > 0 and figures["cpu"] > 0 and figures["peak_mb"] > 0
    assert 0 <= figures["first_progress"] < figures["wall"]
    assert "demo build, students 60" in out and "stage load" in out and "load average" in out
    module.main(["--students", "60", "--teachers", "4", "--generate-only"])
    assert "generate only: 140 rows" in capsys.readouterr().out  # 4 × 5 + 60 × 2, none of the plain demo
    sheet = tmp_path / "部门.csv"
    sheet.write_text("编号,名称,类型\nU1,质量管理办公室,职能部门\n", encoding="utf-8")
    module.main(["--files", str(sheet), "--store", str(tmp_path / "file.sqlite")])
    assert "store: 1 nodes" in capsys.readouterr().out


def test_bench_sql_floor_copies_a_small_store_into_one_that_answers_the_same(tmp_path, capsys, clean_env):
    from graph.stores.embedded import EmbeddedStore

    source, copy = tmp_path / "demo.sqlite", tmp_path / "floor.sqlite"
    bench("bench_load").main(["--students", "60", "--teachers", "4", "--store", str(source)])
    figures = bench("bench_sql_floor").main(["--store", str(source), "--out", str(copy)])
    out = capsys.readouterr().out
    assert figures["wall"] > 0 and "node_tri (trigram index)" in out and "journal indexes" in out
    # what the floor writes is the store itself: the same rows, and its two search indexes answer
    with EmbeddedStore(source) as a, EmbeddedStore(copy) as b:
        assert (b.count_nodes(), b.count_edges()) == (a.count_nodes(), a.count_edges())
        assert f"SQLite's floor for {a.count_nodes():,} nodes" in out
        for q in ("质量", "教", "zk-5", "mb-s0"):  # normalised: short (1–2 characters) and trigram (3+) queries
            found = a.search_text(q, limit=50)
            assert found[0] > 0 and b.search_text(q, limit=50) == found
