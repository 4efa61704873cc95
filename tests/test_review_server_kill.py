"""Killing the review server while verdicts arrive loses none that it acknowledged."""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from review_drop import output_copy, scored_drop
from review_server import ReviewServer

from analyzer.io.verdict_store import STORE_FILE, VerdictStore

pytestmark = pytest.mark.timeout(180)


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def test_a_sigkill_during_verdict_posts_loses_no_acknowledged_verdict(tmp_path_factory, tmp_path):
    scored_drop(tmp_path_factory)
    out = output_copy(tmp_path)
    server = ReviewServer(out).start()
    try:
        opener = browser()
        queue = opener.open(server.url + "?state=all").read().decode()
        interaction = re.search(r'data-interaction="([0-9a-f]+)"', queue).group(1)
        page = opener.open(f"{server.url}message/{interaction}").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        flag_ids = re.findall(r'action="/flag/([0-9a-f]+)"', page)
        acknowledged, enough = [], threading.Event()

        def post_verdicts():
            for n in range(10_000):
                data = {"csrf_token": token, "interaction_id": interaction, "reviewer": f"reviewer {n}",
                        "verdict": ("confirmed", "dismissed")[n % 2]}
                try:
                    opener.open(f"{server.url}flag/{flag_ids[n % len(flag_ids)]}",
                                urllib.parse.urlencode(data).encode(), timeout=10)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    return  # the server is gone
                acknowledged.append(f"reviewer {n}")
                if len(acknowledged) >= 8:
                    enough.set()

        poster = threading.Thread(target=post_verdicts)
        poster.start()
        assert enough.wait(120), "the server acknowledged too few verdicts"
        server.kill()  # while the poster keeps sending
        poster.join(60)
    finally:
        server.stop()
    with sqlite3.connect(out / STORE_FILE) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = set(VerdictStore(out).flag_verdicts()["reviewer"])
    assert set(acknowledged) <= stored
    restarted = ReviewServer(out).start()
    try:
        page = browser().open(f"{restarted.url}message/{interaction}").read().decode()
        latest = VerdictStore(out).flag_verdicts().drop_duplicates("flag_id", keep="last")
        assert all(f"{v} by {r}" in page for v, r in zip(latest["verdict"], latest["reviewer"]))
    finally:
        restarted.stop()
