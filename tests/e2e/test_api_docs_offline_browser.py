"""The API docs in a real browser with no way out: ``iqa serve`` on the demo store, headless
Chromium whose host resolver knows only this machine (every other host name fails, as on a machine
without internet). Swagger UI and ReDoc must still render the API — their scripts and styles come
from iqa itself. Screenshots are kept beside the test's temporary files as artefacts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_ui_browser import ROOT, _free_port, _wait_healthy, chromium

from graph.stores.embedded import EmbeddedStore

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

#: Chromium flag: no host name resolves but the loopback ones (the network is "off").
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


@contextmanager
def serve_api(store_path: Path, tmp_path: Path):
    """``iqa serve`` on a free loopback port in its own process group; yields the base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IQA_")}
    env["IQA_AUDIT_LOG"] = str(tmp_path / "audit.jsonl")
    log = open(tmp_path / "api.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "--store", str(store_path), "serve", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(f"{base}/api/v1/health", proc)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def _wait_for(driver, script: str, timeout: float = 30) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def test_swagger_ui_and_redoc_render_without_internet(tmp_path, monkeypatch):
    import test_ui_browser

    monkeypatch.setattr(test_ui_browser, "LAUNCH_FLAGS", (*test_ui_browser.LAUNCH_FLAGS, OFFLINE))
    store_path = tmp_path / "s.sqlite"
    EmbeddedStore(store_path).close()
    with serve_api(store_path, tmp_path) as base, chromium(tmp_path) as browser:
        from selenium.common.exceptions import WebDriverException

        with pytest.raises(WebDriverException, match="ERR_NAME_NOT_RESOLVED"):
            browser.get("https://cdn.jsdelivr.net/")  # the network is off for this browser
        browser.get(f"{base}/api/v1/docs")
        _wait_for(browser, "return document.querySelectorAll('.swagger-ui .opblock').length > 10")
        assert "iqa-graph API" in browser.find_element("css selector", ".swagger-ui .title").text
        assert browser.save_screenshot(str(tmp_path / "swagger-ui.png"))
        browser.get(f"{base}/api/v1/redoc")
        _wait_for(browser, "return document.querySelectorAll('[data-section-id]').length > 10")
        assert browser.save_screenshot(str(tmp_path / "redoc.png"))
        print(f"screenshots: {tmp_path / 'swagger-ui.png'} {tmp_path / 'redoc.png'}")

