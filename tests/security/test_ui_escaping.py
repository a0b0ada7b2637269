"""Data never becomes markup in the UI (the fast checks; the browser test is
tests/e2e/test_ui_xss_browser.py): no ``unsafe_allow_html`` anywhere in ``ui/``, the ECharts
tooltip formatter escapes what it shows, Markdown sinks get escaped text, the HTML chips take only
checked colours."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui import charts  # noqa: E402
from ui.state import html_text, md  # noqa: E402

PAYLOAD = '<img src=x onerror=alert(1)><iframe srcdoc="<script>alert(2)</script>">'


def test_no_page_renders_html_from_markdown():
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "ui").rglob("*.py")
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"unsafe_allow_(html|javascript)\s*=\s*True", line)
                 or "components.html(" in line]
    assert not offenders, offenders


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_tooltip_formatter_escapes_every_line():
    script = (f"var f = {charts.TOOLTIP_JS};\n"
              f"console.log(JSON.stringify([f({{data: {{tip: {json.dumps(['目标 ' + PAYLOAD, 'b'])}}}}}),"
              f" f({{name: {json.dumps(PAYLOAD)}, data: {{}}}}), f({{data: {{tip: {json.dumps(PAYLOAD)}}}}})]));")
    out = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    for html in out:
        assert "<img" not in html and "<iframe" not in html and "<script" not in html
    assert out[0].startswith("目标 &#60;img src&#61;x onerror&#61;alert(1)&#62;") and out[0].endswith("<br/>b")


def test_tooltips_carry_plain_lines_not_html():
    tree = {"id": "Task:T1", "kind": "Task", "name": PAYLOAD, "owner": {"person": {"name": PAYLOAD}}, "children": []}
    options, _ = charts.tree_options(tree)
    node = options["series"][0]["data"][0]
    assert isinstance(node["tip"], list) and any(PAYLOAD in line for line in node["tip"])
    assert not any("<br" in line for line in node["tip"])
    assert options["tooltip"]["formatter"] == charts._JS_TIP  # replaced by TOOLTIP_JS when drawn


def test_markdown_escaping():
    assert md("![p](http://evil.example/p.png)") == "\\!\\[p\\](http\\://evil.example/p.png)"
    assert md("<img src=x>") == "\\<img src=x\\>"
    assert md("**b** _i_ `c` $x$ :red[y] a|b ~s~") == "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\$x\\$ :red\\[y\\] a\\|b \\~s\\~"
    assert md("- item") == "\\- item" and md("1. item") == "1\\. item" and md("# h") == "\\# h"
    assert md("a\nb") == "a b"
    assert md("MB-S01 组织人事处 · 谭立") == "MB-S01 组织人事处 · 谭立"


def test_html_chips_take_only_hex_colours_and_escaped_text():
    assert html_text(PAYLOAD).count("<") == 0
    assert charts.css_colour("#c62828") == "#c62828"
    assert charts.css_colour("red;background:url(http://evil)") == charts.NEUTRAL
    assert "url(" not in charts.colour_dot("x' onmouseover='alert(1)")
