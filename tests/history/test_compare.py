"""Year over year: ``iqa diagnose --compare`` puts each unit's scorecard now beside the one then."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from cli.main import app
from graph.app import Iqa
from graph.history.compare import card_figures
from graph.settings import Settings
from seed.demo import demo_as_of, load_demo

AS_OF = demo_as_of()


def test_compare_after_tasks_were_removed(tmp_path):
    path = str(tmp_path / "s.sqlite")
    with Iqa(Settings(store=path)) as iqa:
        load_demo(iqa.store)
        then = {c["unit"]["id"]: card_figures(c) for c in iqa.diagnose(as_of=AS_OF).to_dict()["scorecards"]}
        unit, figures = next((u, f) for u, f in then.items() if f["on_schedule"] >= 2)
        owned = [n.id for n in iqa.store.iter_nodes("Task")
                 if (o := iqa.owner(n.id)).unit is not None and o.unit.id == unit]
        with iqa.store.transaction():
            for tid in owned:
                iqa.store.delete_node(tid)
    result = CliRunner().invoke(app, ["--store", path, "diagnose", "--as-of", AS_OF.isoformat(), "--compare", "1",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    comparison = json.loads(result.stdout)["compare"]
    assert (comparison["rev"], comparison["as_of"], comparison["then_as_of"]) == (1, AS_OF.isoformat(), AS_OF.isoformat())
    rows = {u["unit"]["id"]: u for u in comparison["units"]}
    assert rows[unit]["then"] == figures
    now_figures = rows[unit]["now"] or {"on_schedule": 0}
    assert now_figures["on_schedule"] == 0 and rows[unit]["change"]["on_schedule"] in (-figures["on_schedule"], None)
    for u in comparison["units"]:
        if u["now"] and u["then"]:
            assert u["change"]["warnings"] == u["now"]["warnings"] - u["then"]["warnings"]
    assert dt.date.fromisoformat(comparison["then_as_of"]) <= dt.date.fromisoformat(comparison["as_of"])


def test_the_html_report_shows_the_comparison(tmp_path):
    """``iqa diagnose --compare REV --format html``: the report's assessment gains a 同比 table with
    each unit's figures then, now and the change, as the JSON gives them."""
    path = str(tmp_path / "s.sqlite")
    with Iqa(Settings(store=path)) as iqa:
        load_demo(iqa.store)
        task = next(iqa.store.iter_nodes("Task"))
        with iqa.store.transaction():
            iqa.store.delete_node(task.id)
    args = ["--store", path, "diagnose", "--as-of", AS_OF.isoformat(), "--compare", "1"]
    comparison = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)["compare"]
    html_path = tmp_path / "report.html"
    result = CliRunner().invoke(app, [*args, "--format", "html", "-o", str(html_path)])
    assert result.exit_code == 0, result.output
    html = html_path.read_text(encoding="utf-8")
    assert "（四）同比：与 1（第 1 版" in html
    changed = next(u for u in comparison["units"] if u["now"] and u["then"] and u["change"]["on_schedule"])
    assert f"<td>{changed['unit']['name']}</td>" in html
    assert f"{changed['change']['on_schedule']:+d}" in html
    without = tmp_path / "plain.html"
    CliRunner().invoke(app, [*args[:-2], "--format", "html", "-o", str(without)])
    assert "同比" not in without.read_text(encoding="utf-8")
