"""The review web app: a queue of flagged messages, a page per message, verdicts and label corrections.

Server-rendered pages (Flask and Jinja2 with autoescaping: message text is
untrusted and always shows as text), no JavaScript at all, a Content Security
Policy that forbids scripts anyway, CSRF tokens on every POST (Flask-WTF), and
Host checking so a page on another site cannot reach a server on localhost
through DNS rebinding. Every decision goes to the verdict store
(``analyzer.io.verdict_store``) as one transaction before the page answers.
"""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import Flask, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from analyzer import __version__
from analyzer.engine.review import record_labels, record_verdicts
from analyzer.engine.review_messages import (
    VERDICT_STATES,
    QueueFilter,
    message_detail,
    message_queue,
    queue_choices,
)
from analyzer.errors import UsageError
from analyzer.io.schemas import BLAMES, TONES, VERDICTS
from analyzer.report.highlight import Mark, pieces
from analyzer.scoring.flag_rules import SEVERITIES

SECRET_FILE = "reviews.secret"
REVIEWER_COOKIE = "reviewer"
ONE_YEAR = 365 * 24 * 3600
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(out: str | Path, trusted_hosts: list[str] | None = None) -> Flask:
    out = Path(out)
    if not (out / "flags").exists():
        raise UsageError(f"no flags dataset under {out}: run 'analyzer run ... --out {out}' first")
    app = Flask(__name__)
    app.config.update(SECRET_KEY=_secret_key(out), TRUSTED_HOSTS=trusted_hosts, WTF_CSRF_TIME_LIMIT=None,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True)
    CSRFProtect(app)
    app.jinja_env.globals.update(version=__version__, tones=TONES, blames=BLAMES, verdicts=VERDICTS,
                                 severities=SEVERITIES, states=VERDICT_STATES, out=str(out))
    app.jinja_env.filters["when"] = lambda stamp: stamp.strftime("%Y-%m-%d %H:%M") if stamp is not None else ""

    @app.after_request
    def secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(UsageError)
    def usage_error(error):
        return render_template("error.html", message=str(error)), 400

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("error.html", message=f"The form expired or came from elsewhere ({error.description}); "
                                                     "reload the page and try again."), 400

    @app.get("/")
    def queue():
        where = _queue_filter(request.args)
        return render_template("queue.html", messages=message_queue(out, where), where=where,
                               choices=queue_choices(out))

    @app.get("/message/<interaction_id>")
    def message(interaction_id):
        detail = message_detail(out, interaction_id)
        return render_template("message.html", m=detail, turns=_highlighted_turns(detail),
                               reviewer=request.cookies.get(REVIEWER_COOKIE, ""))

    @app.post("/flag/<flag_id>")
    def flag_verdict(flag_id):
        reviewer = request.form.get("reviewer", "")
        record_verdicts(out, [flag_id], request.form.get("verdict", ""), reviewer, request.form.get("note"))
        return _back(request.form.get("interaction_id", ""), reviewer, f"flag-{flag_id}")

    @app.post("/message/<interaction_id>/sentence/<int:sentence_index>")
    def sentence_label(interaction_id, sentence_index):
        reviewer = request.form.get("reviewer", "")
        record_labels(out, [{"interaction_id": interaction_id, "sentence_index": sentence_index,
                             "tone": request.form.get("tone", ""), "blame": request.form.get("blame", "")}],
                      reviewer, request.form.get("note"))
        return _back(interaction_id, reviewer, f"sentence-{sentence_index}")

    @app.get("/healthz")
    def health():
        return {"status": "ok", "out": str(out), "version": __version__}

    return app


def _secret_key(out: Path) -> str:
    """One key per output folder, kept beside the verdicts, so a restarted server accepts open pages' forms."""
    path = out / SECRET_FILE
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _queue_filter(args) -> QueueFilter:
    return QueueFilter(department=args.get("department", ""), channel=args.get("channel", ""),
                       rule=args.get("rule", ""), min_severity=args.get("severity") or "low",
                       state=args.get("state") or "pending", since=_date(args.get("since"), "since"),
                       until=_date(args.get("until"), "until"))


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} must be a date YYYY-MM-DD; got {value[:40]!r}") from None


def _highlighted_turns(detail: dict) -> list[dict]:
    """Each turn with its text cut into pieces under the flags' evidence marks."""
    marks: dict[int, list[Mark]] = {}
    for flag in detail["flags"]:
        for evidence in flag["evidence"]:
            marks.setdefault(evidence["turn_index"], []).append(Mark(evidence["start"], evidence["end"], flag["rule"]))
    return [{**turn, "index": index, "pieces": pieces(turn["text"], marks.get(index, []))}
            for index, turn in enumerate(detail["turns"])]


def _back(interaction_id: str, reviewer: str, anchor: str):
    response = redirect(url_for("message", interaction_id=interaction_id, _anchor=anchor), code=303)
    response.set_cookie(REVIEWER_COOKIE, reviewer.strip()[:200], max_age=ONE_YEAR, samesite="Strict", httponly=True)
    return response
