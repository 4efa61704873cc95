"""The review app and the report in headless Chromium, the way a reviewer and a department head use them.

Needs Debian's chromium (``apt-get install chromium``; `.ci/run` installs it) and
Playwright's Python package, which drives it without downloading a browser. The
screenshots go to a temporary folder, or to ``SCREENSHOTS_DIR`` when it is set:
``SCREENSHOTS_DIR=docs/screenshots python -m pytest tests/test_browser.py``
refreshes the ones the README shows.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from review_drop import LIGHT_TRAINING, output_copy, scored_drop
from review_server import ReviewServer

from analyzer.cli import cli

WRITTEN = Path(__file__).resolve().parent.parent / "data" / "labels" / "written.csv"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM and os.environ.get("CI"):
    pytest.fail("chromium is missing: .ci/run installs Debian's chromium package", pytrace=False)
playwright = pytest.importorskip("playwright.sync_api", reason="the test extra installs playwright")
pytestmark = [pytest.mark.skipif(not CHROMIUM, reason="needs chromium (apt-get install chromium)"),
              pytest.mark.timeout(300)]

@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_a_reviewer_works_through_the_queue_and_the_verdicts_retrain_the_model(tmp_path_factory, tmp_path, browser,
                                                                                screenshots):
    scored_drop(tmp_path_factory)
    out = output_copy(tmp_path)
    server = ReviewServer(out).start()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(server.url)
        assert page.locator("#queue tbody tr[data-interaction]").count() >= 3
        page.screenshot(path=screenshots / "review-queue.png", full_page=True)

        page.select_option("select[name=department]", "collections")
        page.click("form.filters button[type=submit]")
        rows = page.locator("#queue tbody tr[data-interaction]")
        assert rows.count() >= 1
        assert all("collections" in rows.nth(i).inner_text() for i in range(rows.count()))

        page.click("#queue tbody tr[data-interaction] a >> nth=0")
        assert page.locator("mark").count() >= 1
        page.screenshot(path=screenshots / "review-message.png", full_page=True)
        message_url = page.url

        first_flag = page.locator("div.flag").first
        flag_id = first_flag.get_attribute("id").removeprefix("flag-")
        first_flag.locator("input[name=reviewer]").fill("A. Jones")
        first_flag.locator("input[name=note]").fill("blames the customer for our glitch")
        first_flag.locator("button[value=confirmed]").click()
        assert "confirmed by A. Jones" in page.locator(f"#flag-{flag_id}").text_content()

        sentence = page.locator("#sentences tbody tr").first
        sentence_id = sentence.get_attribute("id")
        assert sentence.locator("input[name=reviewer]").input_value() == "A. Jones"  # remembered
        sentence.locator("select[name=tone]").select_option("hostile")
        sentence.locator("select[name=blame]").select_option("customer")
        sentence.locator("button[type=submit]").click()
        assert "labelled hostile / customer by A. Jones" in page.locator(f"#{sentence_id}").text_content()

        server.stop()
        server = ReviewServer(out).start()
        page.goto(server.url + message_url.split("/", 3)[3])
        assert "confirmed by A. Jones" in page.locator(f"#flag-{flag_id}").text_content()
        assert "labelled hostile / customer" in page.locator(f"#{sentence_id}").text_content()
    finally:
        server.stop()

    labels, config, model = tmp_path / "review-labels.jsonl", tmp_path / "light.toml", tmp_path / "model"
    config.write_text(LIGHT_TRAINING)
    runner = CliRunner()
    exported = runner.invoke(cli, ["review", "export", "--out", str(out), str(labels)])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in labels.read_text().splitlines()]
    assert any(r["tone"] == "hostile" and r["blame"] == "customer" and r["reviewer"] == "A. Jones" for r in rows)
    # the reviewers' rows join the written labels as they are: no conversion step
    written = tmp_path / "written-sample.csv"
    pd.read_csv(WRITTEN).groupby(["tone", "blame"]).head(3).to_csv(written, index=False)
    trained = runner.invoke(cli, ["train", "--labels", str(written), "--labels", str(labels), "--split", "",
                                  "--config", str(config), "--out", str(model), "--json"])
    assert trained.exit_code == 0, trained.output
    used = {Path(d["path"]).name: d["rows"] for d in json.loads((model / "meta.json").read_text())["training_data"]}
    assert used[labels.name] == len(rows)
    assert (model / "model.skops").exists()


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    """The README's quick start: the real CLI on data/samples with its config."""
    out = tmp_path_factory.mktemp("samples") / "out"
    result = CliRunner().invoke(cli, ["run", str(SAMPLES), "--out", str(out), "--config", str(SAMPLES / "analyzer.toml"),
                                      "--quiet"])
    assert result.exit_code in (0, 1), result.output  # 1: some sample inputs are deliberately unreadable
    return out


def test_the_sample_report_opens_offline_with_every_department_its_interval_and_the_trend(sample_output, tmp_path,
                                                                                         browser, screenshots):
    report = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--out", str(sample_output), "--html", str(report),
                                      "--config", str(SAMPLES / "analyzer.toml")])
    assert result.exit_code == 0, result.output
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 1500})
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())
    assert [url for url in requests if not url.startswith("file:")] == []
    departments = set(pd.read_parquet(sample_output / "interactions", columns=["department", "direction"])
                      .query("direction != 'internal'")["department"])
    text = page.inner_text("body")
    for department in departments:
        assert department in text
    assert "95%" in text and "Trend" in text and "below its target" in text
    assert page.locator("svg").count() >= 3
    page.screenshot(path=screenshots / "report.png")
    context.close()
