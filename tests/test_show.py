"""`vnplan show`: the plan's text with every extracted value highlighted by field.

Checks the page's HTML (displaCy span markup with one label per value, the
text's line breaks kept, the record beside it), the command line, and then
the page in a real headless Chromium, taking the README's screenshot (saved to docs/img with VNPLAN_UPDATE_SHOTS=1).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import vnplan
from vnplan.show import field_label, show_html

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "corpus" / "plans" / "000_50f9c68472bcef57.txt"

# Field label → the words its span starts with in plan 000.
FIRST_WORDS = {
    "TYPE": "KẾ", "NUMBER": "22", "SYMBOL": "KH", "PLACE": "Long", "DATE": "ngày", "TITLE": "Tổ",
    "ISSUER": "Ban", "THEME": "Xây", "BASIS": "Công", "PERIOD": "từ", "EVENT": "ngày", "DEADLINE": "ngày",
    "UNIT": "Phòng", "DUTY": "Là", "SIGNER": "KT", "RECIPIENT": "Sở",
}


@pytest.fixture(scope="module")
def page() -> str:
    return show_html(PLAN)


def test_every_field_with_a_span_is_highlighted(page):
    rec = vnplan.extract(PLAN)
    expected = {field_label(p) for p in rec.provenance} - {None}
    labels = re.findall(r'class="vp-label" data-label="(\w+)"', page)
    assert set(labels) == expected
    assert set(FIRST_WORDS) <= set(labels)
    assert labels.count("DUTY") == sum(len(a.duties) for a in rec.assignments)
    assert labels.count("UNIT") == len(rec.assignments)
    assert labels.count("BASIS") == len(rec.legal_bases)


def test_the_text_keeps_its_lines_and_spacing(page):
    assert page.count("<br>") > 50
    # Unhighlighted runs keep the text's own spacing: no space before a comma or after "(".
    assert "(sau đây gọi là Tuần lễ)" in page


def test_the_record_is_beside_the_text(page):
    assert 'id="record-table"' in page
    assert 'data-field="legal_bases[0].symbol"' in page and "BGDĐT-GDĐT" in page
    assert 'data-field="assignments[0].unit"' in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_cli_show(tmp_path):
    out = tmp_path / "plan.html"
    res = subprocess.run([sys.executable, "-m", "vnplan", "show", str(PLAN), "-o", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert 'data-label="ISSUER"' in out.read_text(encoding="utf-8")
    # Auditing a stored record: its values, against the file.
    rec = vnplan.extract(PLAN).model_dump(mode="json")
    rec["theme"] = "Một chủ đề khác"
    (tmp_path / "rec.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "vnplan", "show", str(PLAN), "--record", str(tmp_path / "rec.json")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "Một chủ đề khác" in res.stdout


def test_show_page_in_chromium(browser, page, tmp_path, screenshot):
    from selenium.webdriver.common.by import By

    path = tmp_path / "show.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    # Each field's label is drawn, on the token where its value starts.
    starts = browser.execute_script("""
        const out = {};
        for (const lab of document.querySelectorAll('#text .vp-label')) {
            const tok = lab.closest('.vp-tok');
            const word = tok.firstChild.textContent.replace(/\\u00a0/g, ' ').trim();
            const r = lab.getBoundingClientRect();
            (out[lab.dataset.label] = out[lab.dataset.label] || []).push([word, r.width > 0 && r.height > 0]);
        }
        return out;""")
    for label, word in FIRST_WORDS.items():
        assert label in starts, label
        assert all(visible for _, visible in starts[label]), label
        assert word in [w for w, _ in starts[label]], (label, starts[label])
    # The record table lists the values, and a label's ↗ leads to its row.
    rows = browser.find_elements(By.CSS_SELECTOR, "#record-table tbody tr")
    assert len(rows) > 40
    link = browser.find_element(By.CSS_SELECTOR, '#text .vp-label[data-label="THEME"] a')
    link.click()
    target = browser.execute_script("return document.querySelector(':target')")
    assert target is not None and target.get_attribute("data-field") == "theme"
    legend = browser.find_element(By.ID, "legend").text
    assert "DUTY 12" in legend and "ISSUER 1" in legend
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('#text').scrollTop = 0;"
                           "document.querySelector('#record').scrollTop = 0; history.replaceState(null, '', ' ');")
    screenshot("show.png")
