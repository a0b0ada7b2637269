"""Mutation testing of the core: does the suite notice a wrong answer? (issue 20; not part of CI)

    python bench/mutation.py MODULE [MODULE ...] [--tests FILE ...] [--timeout S] [-v]
    python bench/mutation.py --list            # the modules known here, with their tests

``MODULE`` is a key of :data:`MODULES` (``ownership``, ``trace``, ``impact``, ``values``,
``task_status``, ``chains``, ``checks.target_chain`` … or ``checks`` for every rule family) or a
path such as ``graph/services/ownership.py`` (then ``--tests`` names the test files). Each mutant
changes one thing in the module's source:

- compare: ``==``↔``!=``, ``<``↔``>=``, ``<=``↔``>``, ``in``↔``not in``, ``is``↔``is not``, and
  the boundary shifts ``<``↔``<=``, ``>``↔``>=``;
- boolop: ``and``↔``or``;
- negate: the condition of an ``if``, ``while``, conditional expression or comprehension filter
  becomes ``not (...)``;
- constant: an int ``n`` becomes ``n + 1``, a float ``x`` becomes ``x + 1``, ``True``↔``False``
  (strings are left alone: messages are checked by their own tests);
- delete: a statement becomes ``pass``.

Docstrings, imports, annotations and decorators (the rule catalogue's texts) are not mutated. Each
mutant runs the module's own test files (pytest ``-x``) in a forked child that imports the mutated
module instead of the file on disk (nothing is written to the tree); a failing run or a timeout
kills it. The script prints, per module, mutants / killed / score and every survivor
(``line: operator: what changed``); survivors listed in docs/testing.md as equivalent are marked
so, and the score without them is printed beside the raw one.

Run one module at a time on a shared machine (``nice -n 10``); a rule family takes a few minutes.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: module key → (source file, its own test files).
CHECK_TESTS = ["tests/services/test_checks.py", "tests/services/test_checks_pinned.py"]
MODULES: dict[str, tuple[str, list[str]]] = {
    "ownership": ("graph/services/ownership.py",
                  ["tests/services/test_trace_owner_impact.py", "tests/services/test_pinned_answers.py"]),
    "trace": ("graph/services/trace.py",
              ["tests/services/test_trace_owner_impact.py", "tests/services/test_pinned_answers.py",
               "tests/services/test_trace_reads_less.py", "tests/services/test_trace_shown_only.py"]),
    "impact": ("graph/services/impact.py",
               ["tests/services/test_trace_owner_impact.py", "tests/services/test_pinned_answers.py"]),
    "chains": ("graph/services/chains.py",
               ["tests/services/test_trace_owner_impact.py", "tests/services/test_pinned_answers.py",
                *CHECK_TESTS]),
    "values": ("graph/values.py", ["tests/ingest/test_ingest_values.py", "tests/services/test_values_pinned.py"]),
    "task_status": ("graph/services/diagnosis/tasks.py",
                    ["tests/diagnosis/test_diag_tasks.py", "tests/diagnosis/test_task_status_pinned.py"]),
    **{f"checks.{family}": (f"graph/checks/rules/{family}.py", CHECK_TESTS)
       for family in ("target_chain", "tasks", "standards", "responsibilities", "institutions", "duties",
                      "plans", "diagnosis")},
}
GROUPS = {"checks": [k for k in MODULES if k.startswith("checks.")]}

# Imported once by the parent, so a child only imports the rest: third-party packages, then the
# project's base modules as long as they do not import the module under mutation.
PRELOAD = ("pytest", "networkx", "rdflib", "openpyxl", "pydantic", "pydantic_settings", "yaml", "rich",
           "typer", "fastapi", "httpx", "defusedxml")
PRELOAD_PROJECT = ("ontology", "graph.errors", "graph.model", "graph.subgraph", "graph.store", "graph.values",
                   "graph.stores.embedded", "graph.services.chains", "graph.services.ownership",
                   "graph.checks.context", "graph.checks.registry")


def preload(target: str) -> None:
    """Import :data:`PRELOAD`, then :data:`PRELOAD_PROJECT` until one would import ``target``
    (what that import added is dropped again: nothing kept refers to it)."""
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    for name in PRELOAD_PROJECT:
        before = set(sys.modules)
        __import__(name)
        if target in sys.modules:
            for added in set(sys.modules) - before:
                del sys.modules[added]
                parent, _, child = added.rpartition(".")
                if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
                    delattr(sys.modules[parent], child)
            return
        if name == "ontology":
            from ontology import get_ontology
            get_ontology()


# -- mutants -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mutant:
    index: int  # position of the mutated node in ast.walk order
    op: str  # operator family
    detail: str  # what changed
    line: int

    def key(self) -> str:
        return f"{self.line}: {self.op}: {self.detail}"


_NEGATE = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt,
           ast.Gt: ast.LtE, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
_SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


def _excluded(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings, imports, annotations, decorators."""
    skip: set[int] = set()

    def cover(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            cover(node)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                cover(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                cover(d)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            cover(node.returns)
            for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                      node.args.vararg, node.args.kwarg):
                if a is not None:
                    cover(a.annotation)
        if isinstance(node, ast.AnnAssign):
            cover(node.annotation)
    return skip


def _sites(tree: ast.Module):
    """(index, node, op, detail, apply) for every mutation of ``tree``; ``apply(node)`` mutates in place."""
    skip = _excluded(tree)
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for k, op in enumerate(node.ops):
                for table, name in ((_NEGATE, "compare"), (_BOUNDARY, "boundary")):
                    new = table.get(type(op))
                    if new is None:
                        continue

                    def apply(n, k=k, new=new):
                        n.ops[k] = new()
                    yield index, line, name, f"{_SYMBOL[type(op)]} -> {_SYMBOL[new]}", apply
        elif isinstance(node, ast.BoolOp):
            old, new = ("and", ast.Or) if isinstance(node.op, ast.And) else ("or", ast.And)

            def apply(n, new=new):
                n.op = new()
            yield index, line, "boolop", f"{old} -> {'or' if old == 'and' else 'and'}", apply
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            def apply(n):
                n.test = ast.UnaryOp(ast.Not(), n.test)
            yield index, line, "negate", f"not ({ast.unparse(node.test)[:60]})", apply
        elif isinstance(node, ast.comprehension) and node.ifs:
            for k, cond in enumerate(node.ifs):
                def apply(n, k=k):
                    n.ifs[k] = ast.UnaryOp(ast.Not(), n.ifs[k])
                yield index, getattr(cond, "lineno", line), "negate", f"not ({ast.unparse(cond)[:60]})", apply
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                def apply(n):
                    n.value = not n.value
                yield index, line, "constant", f"{v} -> {not v}", apply
            elif isinstance(v, (int, float)):
                def apply(n):
                    n.value = n.value + 1
                yield index, line, "constant", f"{v!r} -> {v + 1!r}", apply
        if isinstance(node, ast.stmt) and not isinstance(node, (ast.Pass, ast.FunctionDef, ast.ClassDef,
                                                                 ast.AsyncFunctionDef)):
            def apply(n):
                return ast.Pass()
            text = ast.unparse(node).splitlines()[0][:60]
            yield index, line, "delete", text, apply


def mutants_of(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    return [Mutant(i, op, detail, line) for i, line, op, detail, _ in _sites(tree)]


class _Deleter(ast.NodeTransformer):
    def __init__(self, target: ast.AST):
        self.target = target

    def visit(self, node):
        if node is self.target:
            return ast.copy_location(ast.Pass(), node)
        return self.generic_visit(node)


def mutated_code(source: str, path: str, mutant: Mutant):
    tree = ast.parse(source)
    for index, _line, op, detail, apply in _sites(tree):
        if index == mutant.index and op == mutant.op and detail == mutant.detail:
            node = list(ast.walk(tree))[index]
            if op == "delete":
                tree = _Deleter(node).visit(tree)
            else:
                apply(node)
            break
    else:
        raise LookupError(mutant)
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec")


# -- running -----------------------------------------------------------------------------------
class _Loader(importlib.abc.Loader):
    def __init__(self, code, path: str):
        self.code, self.path = code, path

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = self.path
        exec(self.code, module.__dict__)


class _Finder(importlib.abc.MetaPathFinder):
    """Serves the mutated code for one module name; every other import goes to the usual finders."""

    def __init__(self, name: str, code, path: str):
        self.name, self.code, self.path = name, code, path

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        is_pkg = self.path.endswith("__init__.py")
        return importlib.util.spec_from_file_location(
            fullname, self.path, loader=_Loader(self.code, self.path),
            submodule_search_locations=[str(Path(self.path).parent)] if is_pkg else None)


def run_tests(tests: list[str], timeout: float, module: str | None = None, code=None, path: str = "") -> str:
    """Run ``tests`` in a forked child (with ``module`` served from ``code``): ``passed``,
    ``failed`` or ``timeout``."""
    pid = os.fork()
    if pid == 0:  # child
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.dont_write_bytecode = True
            if module is not None:
                sys.meta_path.insert(0, _Finder(module, code, path))
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the entry-point plugins are not needed
            import pytest
            rc = pytest.main(["-q", "-x", "-p", "no:cacheprovider", "-p", "no:randomly", *tests])
            os._exit(0 if rc == 0 else 1)
        except BaseException:
            os._exit(2)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)


def equivalents(rel: str) -> set[str]:
    """Survivors of ``rel`` that docs/testing.md lists as equivalent: lines ``- `rel` line: op: detail — why``."""
    doc = ROOT / "docs" / "testing.md"
    if not doc.exists():
        return set()
    pat = re.compile(r"^- `" + re.escape(rel) + r"` (\d+: \w+: .+?) — ", re.M)
    return {m[1].strip() for m in pat.finditer(doc.read_text(encoding="utf-8"))}


def module_name(rel: str) -> str:
    name = rel[:-3].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def mutate_module(rel: str, tests: list[str], timeout: float | None, verbose: bool) -> tuple[int, int, int]:
    path = str(ROOT / rel)
    source = Path(path).read_text(encoding="utf-8")
    tests = [str(ROOT / t) for t in tests if (ROOT / t).exists()]
    t0 = time.monotonic()
    if run_tests(tests, 600) != "passed":
        print(f"{rel}: its tests fail without any mutation; fix them first", file=sys.stderr)
        return 0, 0, 0
    clean = time.monotonic() - t0
    limit = timeout or max(10.0, 3 * clean + 5)
    mutants = mutants_of(source)
    known = equivalents(rel)
    killed = timeouts = 0
    survivors: list[Mutant] = []
    for i, m in enumerate(mutants, 1):
        try:
            code = mutated_code(source, path, m)
        except (SyntaxError, ValueError, TypeError):
            killed += 1  # does not even compile
            continue
        result = run_tests(tests, limit, module_name(rel), code, path)
        if result == "passed":
            survivors.append(m)
        else:
            killed += 1
            timeouts += result == "timeout"
        if verbose:
            print(f"  [{i}/{len(mutants)}] {result:7} {m.key()}", flush=True)
    total = len(mutants)
    print(f"\n{rel}: {total} mutants, {killed} killed ({timeouts} by timeout), "
          f"{len(survivors)} survived; clean run {clean:.1f}s, limit {limit:.0f}s")
    for m in survivors:
        mark = "  (equivalent: docs/testing.md)" if m.key() in known else ""
        print(f"  survived {rel}:{m.key()}{mark}")
    return total, killed, sum(m.key() in known for m in survivors)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*")
    ap.add_argument("--tests", nargs="+", help="test files (for a module given as a path)")
    ap.add_argument("--timeout", type=float, help="seconds per mutant (default: 3 × the clean run + 5)")
    ap.add_argument("--list", action="store_true", help="list the known modules and their tests")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every mutant's result")
    args = ap.parse_args(argv)
    if args.list or not args.modules:
        for key, (rel, tests) in MODULES.items():
            print(f"{key:28} {rel:40} {' '.join(tests)}")
        return 0
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    wanted: list[tuple[str, str, list[str]]] = []
    for key in args.modules:
        for k in GROUPS.get(key, [key]):
            if k in MODULES:
                rel, tests = MODULES[k]
                wanted.append((k, rel, args.tests or tests))
            elif k.endswith(".py") and args.tests:
                wanted.append((k, k, args.tests))
            else:
                ap.error(f"unknown module {k!r} (see --list, or give a path with --tests)")
    rows = []
    if len(wanted) == 1:
        key, rel, tests = wanted[0]
        preload(module_name(rel))
        rows.append((key, *mutate_module(rel, tests, args.timeout, args.verbose)))
    else:  # one process per module: what is preloaded depends on the module
        for key, rel, tests in wanted:
            cmd = [sys.executable, __file__, rel if key == rel else key, "--tests", *tests]
            cmd += ["--timeout", str(args.timeout)] if args.timeout else []
            cmd += ["-v"] if args.verbose else []
            out = subprocess.run(cmd, capture_output=True, text=True).stdout
            print(out.split("\n| module |")[0])
            row = re.search(r"^\| \S+ \| (\d+) \| (\d+) \| \d+ % \| (\d+) \|", out, re.M)
            rows.append((key, *(int(g) for g in row.groups())) if row else (key, 0, 0, 0))
    print("\n| module | mutants | killed | score | equivalent | score without equivalents |")
    print("|---|---|---|---|---|---|")
    for key, total, killed, equiv in rows:
        score = 100 * killed / total if total else 0.0
        net = 100 * killed / (total - equiv) if total > equiv else 0.0
        print(f"| {key} | {total} | {killed} | {score:.0f} % | {equiv} | {net:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
