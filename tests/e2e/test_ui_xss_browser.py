"""Stored XSS, as an attacker would try it: names holding script load into a store (as any editor
or any loaded workbook could put them), and ``iqa ui`` shows them in headless Chromium — the trace
page (with the tooltip of the drawn tree hovered) and the diagnosis page (scorecards, and one
unit's task grid). Nothing may run: no alert, and no element the payloads would create exists in
the page; the payloads are shown as text.

Needs Debian's ``chromium`` and ``chromium-driver``, as ``test_ui_browser.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for path in (HERE, ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from graph.model import Node  # noqa: E402
from graph.stores.embedded import EmbeddedStore  # noqa: E402
from seed.demo import load_demo  # noqa: E402
from test_ui_browser import chromium, serve_ui  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

IMG = "<img src=x onerror=alert(1)>"
IFRAME = '<iframe srcdoc="<script>parent.alert(2)</script>"></iframe>'
MARKDOWN = "![p](http://127.0.0.1:9/p.png)"
#: The traced target, its owner unit and person, renamed to payloads.
TARGET, UNIT, PERSON = "Target:MB-D-ZZRSC2", "OrgUnit:ZZRSC", "Person:T0009"
#: What the injected markup would create if it were parsed as HTML (or Markdown).
INJECTED = ("img[src='x']", "iframe[srcdoc]", "img[src*='127.0.0.1:9']", "a[href*='127.0.0.1:9']")


def _rename(store: EmbeddedStore, node_id: str, name: str) -> None:
    node = store.get_node(node_id)
    assert node is not None, node_id
    store.upsert_nodes([Node(node.kind, node.code, {**node.props, "name": name})])


@pytest.fixture
def hostile_ui(tmp_path):
    """``iqa ui`` on the demo college with names replaced by script payloads; yields the base URL."""
    store_path = tmp_path / "hostile.sqlite"
    store = EmbeddedStore(store_path)
    try:
        load_demo(store)
        _rename(store, TARGET, "目标" + IMG)
        _rename(store, UNIT, "组织" + IFRAME)
        _rename(store, PERSON, "谭立" + MARKDOWN + IMG)
        tasks = [n for n in store.iter_nodes("Task")]
        store.upsert_nodes([Node(n.kind, n.code, {**n.props, "name": f"{n.name}{IMG}{IFRAME}"}) for n in tasks])
    finally:
        store.close()
    with serve_ui(store_path, tmp_path) as base:
        yield base


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path, unhandledPromptBehavior="ignore") as driver:  # an alert stays open for us to see
        yield driver


def _assert_inert(driver) -> None:
    """No alert is open and no element the payloads would make exists, in the page or any frame."""
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    with pytest.raises(NoAlertPresentException):
        text = driver.switch_to.alert.text
        pytest.fail(f"a payload ran: alert({text!r})")

    def check(where: str) -> None:
        for selector in INJECTED:
            found = driver.find_elements(By.CSS_SELECTOR, selector)
            assert not found, f"{where}: injected element {selector} in the page"

    driver.switch_to.default_content()
    check("page")
    frames = driver.find_elements(By.TAG_NAME, "iframe")
    for i, frame in enumerate(frames):
        driver.switch_to.frame(frame)
        try:
            check(f"frame {i}")
        finally:
            driver.switch_to.default_content()


def _body_has(*texts: str):
    from selenium.webdriver.common.by import By

    return lambda d: all(t in d.find_element(By.TAG_NAME, "body").text for t in texts)


def _hover_until_tooltip(driver, canvas, wanted: str, timeout: float = 120) -> str:
    """Move the mouse over ``canvas`` (the drawing's svg or canvas element) on a grid (the tree's root sits in its left part) until an
    ECharts tooltip shows ``wanted``; returns the tooltip's inner HTML. Fails after ``timeout``."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    width, height = canvas.size["width"], canvas.size["height"]
    deadline = time.monotonic() + timeout
    for x in range(int(width * 0.1), int(width * 0.9), 8):
        for y in range(10, height - 10, 6):
            if time.monotonic() > deadline:
                pytest.fail(f"no tooltip showing {wanted!r} appeared while hovering the tree")
            ActionChains(driver).move_to_element_with_offset(canvas, x - width // 2, y - height // 2).perform()
            for tip in driver.find_elements(By.CSS_SELECTOR, ".echarts-container > div"):
                if tip.is_displayed() and wanted in tip.text:
                    return tip.get_attribute("innerHTML")
    pytest.fail(f"no tooltip showing {wanted!r} appeared while hovering the tree")


def test_names_with_script_stay_text_on_the_trace_page_and_its_tooltip(hostile_ui, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 60)
    browser.get(f"{hostile_ui}/trace?node={TARGET}")
    # the header, the owner line and the drawing have arrived, payloads shown as text
    wait.until(_body_has("目标" + IMG, "组织" + IFRAME, "谭立" + MARKDOWN + IMG, "任务状态"))
    # the drawing (ECharts renders SVG: ui.charts.draw; a canvas would do as well for the hover)
    canvas = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".echarts-container svg, .echarts-container canvas"))[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    _assert_inert(browser)

    tip = _hover_until_tooltip(browser, canvas, "目标" + IMG)
    assert "&lt;img src=x onerror=alert(1)&gt;" in tip and "<img" not in tip and "<iframe" not in tip
    _assert_inert(browser)


def test_names_with_script_stay_text_on_the_diagnosis_page(hostile_ui, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 120)
    browser.get(f"{hostile_ui}/diagnosis")
    wait.until(_body_has("单位记分卡", "组织" + IFRAME))  # the scorecard of the renamed unit
    _assert_inert(browser)

    # one unit: its task grid (an HTML table of task and person names)
    unit_box = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "input[aria-label^='单位']")))
    unit_box.click()
    unit_box.send_keys("组织", Keys.ENTER)
    wait.until(_body_has("任务月度完成情况", IMG + IFRAME))
    _assert_inert(browser)
