"""The 诊断 page of the Streamlit UI on the demo college (streamlit's AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    from graph.stores.embedded import EmbeddedStore
    from seed.demo import load_demo

    path = tmp_path_factory.mktemp("ui-diag") / "demo.sqlite"
    with EmbeddedStore(path) as store:
        load_demo(store)
    return path


def run_page(monkeypatch, tmp_path, demo_path, lang: str | None = None, unit: str | None = None) -> AppTest:
    monkeypatch.chdir(tmp_path)
    for name in ("IQA_CONFIG", "IQA_API_TOKENS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IQA_STORE", str(demo_path))
    monkeypatch.setenv("IQA_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    at = AppTest.from_file(str(APP), default_timeout=90)
    if lang:
        at.session_state["lang"] = lang
    at.session_state["as_of"] = dt.date(2025, 12, 31)
    if unit:
        at.session_state["diag_unit"] = unit
    at.switch_page("views/diagnosis.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [str(e.value) for kind in ("title", "subheader", "markdown", "caption", "success") for e in getattr(at, kind)]
    parts += [h.proto.body for h in at.get("html")]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    parts += [df.value.to_csv(index=False) for df in at.dataframe]
    return "\n".join(parts)


def test_page_shows_scorecards_in_figure_13_colours_and_the_warnings(monkeypatch, tmp_path, demo_path):
    at = run_page(monkeypatch, tmp_path, demo_path)
    text = _texts(at)
    assert "诊断" in text and "单位记分卡" in text and "机械工程系" in text
    # the colours of 泰山职业技术学院《内部质量保证体系建设与运行实施方案》图13 on the scorecards (预警 red, 未完成 yellow or 正常 green)
    assert "#c62828" in text and ("#f9a825" in text or "#2e7d32" in text)
    assert "RW-9903" in text and "MB-S07" in text  # the overdue task and a school goal it endangers
    assert any(m.label == "问题（按根源）" for m in at.metric)


def test_one_unit_shows_its_task_grid(monkeypatch, tmp_path, demo_path):
    at = run_page(monkeypatch, tmp_path, demo_path, lang="en", unit="OrgUnit:XB01")
    text = _texts(at)
    assert "Tasks month by month" in text and "●" in text and "RW-9903" in text


def test_a_unit_below_the_low_threshold_is_never_shown_normal(demo_path):
    """团委 reaches 55% of its targets with no warning of its own: below the 0.60 threshold its
    scorecard is 未完成 (yellow), not 正常; with the threshold at 0.5 it is 正常 again."""
    from graph.services.diagnosis import scorecard
    from graph.stores.embedded import EmbeddedStore

    with EmbeddedStore(demo_path) as store:
        unit = next(n for n in store.iter_nodes("OrgUnit") if n.name == "团委")
        card = scorecard(store, unit, as_of=dt.date(2025, 12, 31))
        assert card["achievement"] < 0.6 and card["warnings"]["total"] == 0
        assert (card["status"], card["status_label"]) == ("incomplete", "未完成")
        from graph.services.diagnosis import DiagnosisConfig

        relaxed = scorecard(store, unit, as_of=dt.date(2025, 12, 31), config=DiagnosisConfig(low_threshold=0.5))
        assert relaxed["status"] == "normal"


def test_the_page_compares_with_an_earlier_revision(monkeypatch, tmp_path):
    """With a second revision, the page offers the earlier one and shows each unit's figures then,
    now and the change, as ``Iqa.compare`` gives them."""
    from graph.app import Iqa
    from graph.history.recorder import os_user
    from graph.settings import Settings
    from seed.demo import load_demo

    path = tmp_path / "two.sqlite"
    with Iqa(Settings(store=str(path), audit_log=str(tmp_path / "a.jsonl"))) as iqa:
        with iqa.store.recording(who=os_user(), source="test"):
            load_demo(iqa.store)
        task = next(n for n in iqa.store.iter_nodes("Task"))
        with iqa.store.recording(who=os_user(), source="test"):
            iqa.store.delete_node(task.id)
        assert len(iqa.log()["revisions"]) == 2
    at = run_page(monkeypatch, tmp_path, path)
    assert "同比：与以前的版本相比" in _texts(at)
    assert not [df for df in at.dataframe if "达成度变化" in df.value.columns]  # nothing compared yet
    at.selectbox(key="diag_compare").set_value("1").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [df.value for df in at.dataframe if "达成度变化" in df.value.columns]
    assert frames and len(frames[0]) >= 1 and "按期任务变化" in frames[0].columns


def test_in_english_the_task_grid_is_english(monkeypatch, tmp_path, demo_path):
    at = run_page(monkeypatch, tmp_path, demo_path, lang="en", unit="OrgUnit:XB01")
    grids = [h.proto.body for h in at.get("html") if "<table>" in h.proto.body]
    assert grids and "<th>Task</th><th>Kind</th><th>Deadline</th>" in grids[0] and "完成时限" not in grids[0]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the report (HTML)", "Download the report (xlsx)", "Download the rectification list"]
