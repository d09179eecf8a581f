"""The workspace in a real browser (Chromium through chromedriver and Selenium), as a supervisor uses it.

Starts ``compliance serve`` on a fresh database, uploads a folder of reports (built from our samples),
filters the dashboard, opens the faulty report, confirms one finding and dismisses another with a
reason, uploads a corrected version and sees the confirmed finding marked rectified. Screenshots of
each step go to artifacts/workspace/ (CI keeps them); docs/workspace.md shows them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from workspace_samples import FAULTS, SAMPLES, corrected_version, sample_folder

REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "artifacts" / "workspace"


def _need(binary: str) -> str:
    found = shutil.which(binary)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is not installed; .ci/run must install chromium and chromium-driver")
        pytest.skip(f"{binary} is not installed")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    launch = "from compliance.cli import main; main()"
    command = [sys.executable, "-c", launch, "serve", "--db", str(tmp_path / "audit.db"), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"compliance serve stopped: {output}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def browser():  # type: ignore[no-untyped-def]
    chromium, driver_path = _need("chromium"), _need("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1500,1100",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def _click_and_wait(driver, element) -> None:  # type: ignore[no-untyped-def]
    """Click something that loads a new page, and wait until the new page has replaced the old one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # A marker on the old page's window: gone once the new document has replaced it. Waiting for an old
    # element to go stale instead races with Chromium, which can answer "node does not belong to the
    # document" (not a stale-element error) while the new page is being swapped in.
    driver.execute_script("window.__oldPage = true")
    element.click()

    def replaced(current) -> bool:  # type: ignore[no-untyped-def]
        try:
            return bool(
                current.execute_script("return window.__oldPage === undefined && document.readyState === 'complete'")
            )
        except WebDriverException:  # the page is between documents: ask again
            return False

    WebDriverWait(driver, 60).until(replaced)


def _finding(driver, rule: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'.finding[data-rule="{rule}"]')


def _review(driver, rule: str, state: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    card = _finding(driver, rule)
    reviewer = card.find_element(By.NAME, "reviewer")
    reviewer.clear()
    reviewer.send_keys("赵审核")
    if reason:
        card.find_element(By.NAME, "reason").send_keys(reason)
    _click_and_wait(driver, card.find_element(By.CSS_SELECTOR, f'button[value="{state}"]'))


def _download(driver, folder: Path, button_id: str) -> Path:  # type: ignore[no-untyped-def]
    """Click a download link or button and wait for the finished file in ``folder``."""
    from selenium.webdriver.common.by import By

    folder.mkdir(parents=True, exist_ok=True)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    before = set(folder.iterdir())
    driver.find_element(By.ID, button_id).click()
    for _ in range(300):
        done = [p for p in set(folder.iterdir()) - before if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded by #{button_id}")


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_upload_review_and_rectify_in_chromium(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    folder = sample_folder(tmp_path / "reports")
    samples = sorted(SAMPLES.glob("*.txt"))
    browser.get(server + "/")
    browser.find_element(By.ID, "upload-folder").send_keys(str(folder))  # the folder picker: every file in it
    _click_and_wait(browser, browser.find_element(By.ID, "upload-submit"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr[data-report]")
    assert len(rows) == len(samples)
    assert browser.find_element(By.ID, "count-failing").text == "1"
    assert browser.execute_script("return typeof Chart") == "function"  # the charts' library loaded
    assert browser.execute_script("return Chart.getChart('chart-rule') !== undefined")
    _shot(browser, "01-dashboard")

    # Sort by errors (a second click: most first), then filter by the faulty report's region.
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'a[data-sort="error"]'))
    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'a[data-sort="error"]'))
    first = browser.find_element(By.CSS_SELECTOR, "#reports tbody tr[data-report]")
    assert first.find_elements(By.CSS_SELECTOR, "td.bad")  # the report with errors comes first
    region = browser.find_element(By.XPATH, "//tr[td[contains(@class,'bad')]]/td[1]").text
    Select(browser.find_element(By.NAME, "region")).select_by_visible_text(region)
    _click_and_wait(browser, browser.find_element(By.ID, "filter-submit"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr[data-report]")) == 1
    _shot(browser, "02-filtered")
    _click_and_wait(browser, browser.find_element(By.LINK_TEXT, "历年"))
    assert browser.execute_script("return Chart.getChart('chart-agency') !== undefined")
    browser.back()

    _click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#reports a.report-link"))
    assert browser.find_element(By.ID, "cell-T4-RV-total").get_attribute("class").split().count("fail") == 1
    _finding(browser, "T4-RV-TOTAL").find_element(By.CSS_SELECTOR, "a.to-cell").click()
    focused = browser.find_elements(By.CSS_SELECTOR, "td.focus")
    assert {td.get_attribute("id") for td in focused} >= {"cell-T4-RV-total", "cell-T4-RV-upheld", "cell-T4-RV-pending"}
    _shot(browser, "03-report")

    _review(browser, "T4-RV-TOTAL", "confirmed")
    assert _finding(browser, "T4-RV-TOTAL").find_element(By.CSS_SELECTOR, ".state").get_attribute("data-state") == (
        "confirmed"
    )
    _review(browser, "T3-TEXT", "dismissed")  # no reason: refused with a notice
    assert browser.find_element(By.ID, "notice").text
    assert _finding(browser, "T3-TEXT").find_element(By.CSS_SELECTOR, ".state").get_attribute("data-state") == "open"
    _review(browser, "T3-TEXT", "dismissed", "正文数字含上年结转，口径不同")
    prose = _finding(browser, "T3-TEXT")
    assert prose.find_element(By.CSS_SELECTOR, ".state").get_attribute("data-state") == "dismissed"
    assert "口径不同" in prose.find_element(By.CSS_SELECTOR, ".decision").text
    _shot(browser, "04-reviewed")

    # The Word 检查意见 sent to the agency: the confirmed finding is in it, the dismissed one is not.
    total_message = _finding(browser, "T4-RV-TOTAL").find_element(By.CSS_SELECTOR, ".message").text
    prose_message = prose.find_element(By.CSS_SELECTOR, ".message").text
    letter = _docx_text(_download(browser, tmp_path / "downloads", "download-notice"))
    assert total_message in letter and prose_message not in letter

    corrected = corrected_version(tmp_path / "resubmitted" / FAULTS.name)
    browser.find_element(By.ID, "resubmit-file").send_keys(str(corrected))
    _click_and_wait(browser, browser.find_element(By.ID, "resubmit-submit"))
    assert "v2" in browser.find_element(By.TAG_NAME, "h1").text
    fixed = _finding(browser, "T4-RV-TOTAL")
    assert fixed.find_element(By.CSS_SELECTOR, ".state").get_attribute("data-state") == "rectified"
    assert "确认" in fixed.find_element(By.CSS_SELECTOR, ".decision").text  # what was decided before
    assert _finding(browser, "T3-TEXT").find_element(By.CSS_SELECTOR, ".state").get_attribute("data-state") == (
        "dismissed"
    )
    assert "fail" not in browser.find_element(By.ID, "cell-T4-RV-total").get_attribute("class")
    browser.execute_script(
        "document.getElementById('f-' + arguments[0]).scrollIntoView()", fixed.get_attribute("data-fingerprint")
    )
    _shot(browser, "05-rectified")

    # The Excel 问题清单 of every report, with the decisions.
    from openpyxl import load_workbook

    browser.get(server + "/")
    sheet = load_workbook(_download(browser, tmp_path / "downloads", "download-xlsx"))["问题清单"]
    header = [cell.value for cell in sheet[1]]
    states = {
        row[header.index("规则")]: row[header.index("审核人")] for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert states["T3-TEXT"] == "赵审核" and "T4-RV-TOTAL" not in states  # rectified: no longer a finding


def test_a_folder_of_real_reports_in_chromium(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """The real corpus (read from ../shared at run time) uploaded as a folder; screenshots stay in artifacts/."""
    from selenium.webdriver.common.by import By

    from compliance.engine import expand_paths
    from conftest import CORPUS, require_shared

    require_shared()
    reports = expand_paths([CORPUS])
    browser.get(server + "/")
    browser.find_element(By.ID, "upload-folder").send_keys(str(CORPUS))
    _click_and_wait(browser, browser.find_element(By.ID, "upload-submit"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#reports tbody tr[data-report]")
    identities = {(p.name.split("_", 1)[0], p.name.split("_", 1)[1].rsplit(".", 1)[0]) for p in reports}
    assert len(rows) == len(identities)  # one row per report; a second format of it is a second version
    failing = int(browser.find_element(By.ID, "count-failing").text)
    assert 0 < failing <= len(rows)
    _shot(browser, "real-dashboard")
    _click_and_wait(
        browser, browser.find_element(By.XPATH, "//tr[td[contains(@class,'bad')]]//a[@class='report-link']")
    )
    assert browser.find_elements(By.CSS_SELECTOR, "td.fail, mark.claim.fail, .finding")
    _shot(browser, "real-report")
