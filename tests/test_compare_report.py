"""The comparison report, opened in a real headless Chromium.

The page must work offline: its figures are inside it, nothing is fetched. The
test checks the parts a reader looks for (the timeline, the heatmap, the
citation network, the reuse matrix and the matched passages, the tables) and
takes the screenshot the README shows (saved to docs/img with VNPLAN_UPDATE_SHOTS=1). Skipped where Chromium, ChromeDriver
or selenium is missing (Debian: apt-get install chromium chromium-driver).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import vnplan
from vnplan.compare import compare

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "corpus" / "plans").glob("*.txt")) + sorted((ROOT / "corpus" / "dev" / "plans").glob("*.txt"))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    c = compare([vnplan.extract(p) for p in PLANS])
    path = tmp_path_factory.mktemp("report") / "report.html"
    c.report(path, by=["province", "year"])
    return c, path


def test_report_is_self_contained(report):
    _, path = report
    html = path.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "https://" not in html and "http://" not in html  # no CDN, no web fonts
    assert html.count('src="data:image/png;base64,') == 4
    figs = path.with_name("report_figures")
    assert sorted(p.name for p in figs.iterdir()) == sorted(
        f"{n}.{e}" for n in ("timeline", "heatmap", "network", "reuse") for e in ("png", "svg"))


def test_report_in_chromium(browser, report, screenshot):
    from selenium.webdriver.common.by import By

    c, path = report
    browser.get(path.resolve().as_uri())
    assert browser.title == f"Comparison of {len(c)} plans"
    for name in ("timeline", "heatmap", "network", "reuse"):
        img = browser.find_element(By.ID, f"fig-{name}")
        ok = browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img)
        assert ok and ok > 300, name  # decoded, not a broken image
    rows = browser.find_elements(By.CSS_SELECTOR, "#table-plans tbody tr")
    assert len(rows) == len(c)
    cited = browser.find_element(By.ID, "table-cited").text
    assert "4864/BGDĐT-GDTrX" in cited and "4864/BGDĐT-GDĐT" in cited
    passages = browser.find_elements(By.CSS_SELECTOR, "#reuse-passages tr.reuse-row")
    assert len(passages) >= 7
    assert browser.find_elements(By.CSS_SELECTOR, "#reuse-passages mark")
    units = browser.find_elements(By.CSS_SELECTOR, "#table-units tbody tr")
    assert len(units) == len(c.units)
    # Nothing was fetched from anywhere: every resource is inside the page.
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))")
    assert fetched == []
    browser.set_window_size(1400, 2400)
    screenshot("report.png")
