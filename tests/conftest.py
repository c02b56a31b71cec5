"""What the test modules share: the scripts/ generators on the path, and a real browser."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The generators in scripts/ (make_scans, make_variants, make_test_files, build_schema)
# are imported by the tests that build their inputs with them.
sys.path.insert(0, str(ROOT / "scripts"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = ROOT / "docs" / "img"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium driven by selenium; skips where either is missing.

    Offline by construction (no background networking, no component updates),
    so a page that fetched anything would show it in the tests, not silently work.
    """
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Chromium or ChromeDriver is not installed (Debian: apt-get install chromium chromium-driver)")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1800",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(arg)
    try:
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except Exception as exc:  # a broken browser install is an environment problem, not a page bug
        pytest.skip(f"Chromium did not start: {exc}")
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser, tmp_path: Path):
    """Save the browser's screenshot as ``name``; into docs/img only when VNPLAN_UPDATE_SHOTS=1.

    The README's images are refreshed on request, so a test run leaves the
    working tree as it found it.
    """
    def save(name: str) -> Path:
        out = tmp_path / name
        assert browser.save_screenshot(str(out))
        assert out.stat().st_size > 10_000  # a real picture, not an empty frame
        if os.environ.get("VNPLAN_UPDATE_SHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(out, SHOTS / name)
        return out

    return save
