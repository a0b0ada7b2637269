"""``chains.strong_components`` agrees with networkx, and ``chains.find_cycles`` (networkx only on
the cyclic components) returns what the plain networkx reading of every edge returns, on random
graphs with and without cycles, self-loops and deep chains."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.services.chains import find_cycles, strong_components


def _reference_cycles(pairs):
    g = nx.DiGraph()
    g.add_edges_from(pairs)
    cycles = []
    for component in nx.strongly_connected_components(g):
        start = min(component)
        if g.has_edge(start, start):
            cycles.append(([start, start], len(component)))
        elif len(component) > 1:
            sub = g.subgraph(component)
            back = min(sub.predecessors(start))
            cycles.append((nx.shortest_path(sub, start, back) + [start], len(component)))
    cycles.sort(key=lambda c: c[0][0])
    return cycles


def _random_pairs(rng, n, m, acyclic):
    names = [f"N{i:03d}" for i in range(n)]
    pairs = []
    for _ in range(m):
        a, b = rng.randrange(n), rng.randrange(n)
        if acyclic and a >= b:
            a, b = min(a, b), max(a, b) + 1
            if b >= n:
                continue
        pairs.append((names[a], names[b]))
    return pairs


@pytest.mark.parametrize("seed", range(40))
def test_components_and_cycles_match_networkx(seed):
    rng = random.Random(seed)
    pairs = _random_pairs(rng, rng.randrange(2, 60), rng.randrange(1, 120), acyclic=seed % 3 == 0)
    got = sorted(sorted(c) for c in strong_components(pairs))
    g = nx.DiGraph(pairs)
    assert got == sorted(sorted(c) for c in nx.strongly_connected_components(g))
    assert find_cycles(pairs) == _reference_cycles(pairs)


def test_deep_chain_without_recursion():
    pairs = [(f"T{i:06d}", f"T{i + 1:06d}") for i in range(20000)]
    assert len(strong_components(pairs)) == 20001
    assert find_cycles(pairs) == []
    pairs.append(("T020000", "T000000"))
    (cycle, size), = find_cycles(pairs)
    assert size == 20001 and cycle[0] == cycle[-1] == "T000000" and len(cycle) == 20002
