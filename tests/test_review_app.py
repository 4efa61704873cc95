"""The review web app through Flask's test client: the queue, a message page, verdicts, labels, safety."""

from __future__ import annotations

import re

import pytest
from review_drop import output_copy, scored_drop

from analyzer.io.verdict_store import VerdictStore
from analyzer.web.app import create_app


@pytest.fixture
def out(tmp_path_factory, tmp_path):
    scored_drop(tmp_path_factory)
    return output_copy(tmp_path)


@pytest.fixture
def client(out):
    app = create_app(out, trusted_hosts=["localhost"])
    return app.test_client()


def message_ids(page: str) -> list[str]:
    return re.findall(r'data-interaction="([0-9a-f]+)"', page)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def script_message(client) -> str:
    page = client.get("/?state=all", base_url="http://localhost").text
    return next(i for i in message_ids(page)
                if "email-hostile" in client.get(f"/message/{i}", base_url="http://localhost").text)


def get(client, path: str):
    return client.get(path, base_url="http://localhost")


def test_the_queue_shows_one_row_per_flagged_message_most_severe_first(client, out):
    page = get(client, "/").text
    ids = message_ids(page)
    assert len(ids) == len(set(ids)) >= 3
    severities = re.findall(r'class="sev sev-(\w+)"', page)
    order = ["low", "medium", "high", "critical"]
    assert [order.index(s) for s in severities] == sorted((order.index(s) for s in severities), reverse=True)


def test_the_queue_filters_by_department(client):
    page = get(client, "/?department=agency").text
    rows = re.findall(r"<tr data-interaction=.*?</tr>", page, flags=re.DOTALL)
    assert rows and all("agency" in row for row in rows)


def test_a_bad_filter_value_is_a_plain_error_page(client):
    response = get(client, "/?since=yesterday")
    assert response.status_code == 400 and "since must be a date" in response.text


def test_message_text_with_html_and_script_shows_as_text(client):
    page = get(client, f"/message/{script_message(client)}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_message_page_highlights_each_flags_evidence_with_its_rule(client):
    page = get(client, f"/message/{script_message(client)}").text
    assert re.search(r"<mark[^>]*>[^<]*legal action[^<]*</mark>", page)
    assert '<span class="tag">threat</span>' in page


def test_pages_forbid_scripts_and_framing(client):
    policy = get(client, "/").headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "script-src" not in policy


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(client, out):
    flag_id = re.search(r'action="/flag/([0-9a-f]+)"', get(client, f"/message/{script_message(client)}").text).group(1)
    response = client.post(f"/flag/{flag_id}", data={"verdict": "confirmed", "reviewer": "A. Jones"},
                           base_url="http://localhost")
    assert response.status_code == 400
    assert VerdictStore(out).flag_verdicts().empty


def test_confirming_a_flag_stores_the_verdict_and_remembers_the_reviewer(client, out):
    interaction = script_message(client)
    page = get(client, f"/message/{interaction}").text
    flag_id = re.search(r'action="/flag/([0-9a-f]+)"', page).group(1)
    response = client.post(f"/flag/{flag_id}", base_url="http://localhost", data={
        "csrf_token": csrf_token(page), "interaction_id": interaction, "verdict": "confirmed",
        "reviewer": "A. Jones", "note": "calls it theft"})
    assert response.status_code == 303
    stored = VerdictStore(out).flag_verdicts()
    assert stored[["flag_id", "verdict", "reviewer", "note"]].values.tolist() == [[flag_id, "confirmed", "A. Jones",
                                                                                    "calls it theft"]]
    assert 'value="A. Jones"' in get(client, f"/message/{interaction}").text


def test_correcting_a_sentence_stores_both_labels_with_its_text(client, out):
    interaction = script_message(client)
    page = get(client, f"/message/{interaction}").text
    index = re.search(rf'action="/message/{interaction}/sentence/(\d+)"', page).group(1)
    response = client.post(f"/message/{interaction}/sentence/{index}", base_url="http://localhost", data={
        "csrf_token": csrf_token(page), "tone": "hostile", "blame": "customer", "reviewer": "B. Singh"})
    assert response.status_code == 303
    label = VerdictStore(out).latest_labels().iloc[0]
    assert (label["tone"], label["blame"], label["reviewer"]) == ("hostile", "customer", "B. Singh")
    assert label["text"] and label["model_tone"] in ("empathetic", "neutral", "curt", "hostile")
    assert "labelled hostile / customer by B. Singh" in get(client, f"/message/{interaction}").text


def test_an_invalid_label_is_refused_with_its_reason(client, out):
    interaction = script_message(client)
    page = get(client, f"/message/{interaction}").text
    response = client.post(f"/message/{interaction}/sentence/0", base_url="http://localhost", data={
        "csrf_token": csrf_token(page), "tone": "furious", "blame": "customer", "reviewer": "B. Singh"})
    assert response.status_code == 400 and "tone must be one of" in response.text
    assert VerdictStore(out).label_corrections().empty


def test_a_request_for_another_host_name_is_refused(client):
    assert client.get("/", base_url="http://attacker.example").status_code == 400


def test_a_message_that_does_not_exist_is_a_plain_error_page(client):
    response = get(client, "/message/not-there")
    assert response.status_code == 400 and "no message" in response.text


def test_the_queue_filters_by_date(client):
    assert message_ids(get(client, "/?state=all&since=2000-01-01").text)
    assert not message_ids(get(client, "/?state=all&since=2099-01-01").text)
