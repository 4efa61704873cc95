from email.message import EmailMessage

from analyzer.ingest.email_reader import split_mbox
from conftest import read_all, read_error, read_one


def _email(body: str = "Hello Ann,\n\nYour refund is on its way.", *, sender="Jo <jo@northwind.example>",
           to="ann@mail.example", subject="Refund", html: str | None = None, charset="utf-8", cte=None,
           headers: dict | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = "Tue, 03 Mar 2026 10:42:11 +0100"
    msg["Message-ID"] = "<m1@northwind.example>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body, charset=charset, cte=cte)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html", charset=charset, cte=cte)
        else:
            msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


def test_plain_email_gives_one_company_turn_with_headers(write, config):
    item = read_one(write("support/a.eml", _email()), config)
    assert item.channel == "email" and item.direction == "outbound"
    assert item.turns[0].role == "company"
    assert item.turns[0].text == "Hello Ann,\n\nYour refund is on its way."
    assert item.subject == "Refund" and item.sender == "Jo <jo@northwind.example>"
    assert item.recipients == ["ann@mail.example"]
    assert item.external_id == "m1@northwind.example"
    assert item.sent_at.isoformat() == "2026-03-03T09:42:11+00:00"


def test_html_only_email_becomes_clean_text(write, config):
    html = "<html><body><p>Dear Ann,</p><p>We&#39;re <b>sorry</b>.</p><style>p{}</style></body></html>"
    item = read_one(write("support/a.eml", _email(body=None, html=html)), config)
    assert item.turns[0].text == "Dear Ann,\n\nWe're sorry."


def test_multipart_alternative_prefers_the_plain_part(write, config):
    item = read_one(write("support/a.eml", _email("Plain words.", html="<p>HTML words</p>")), config)
    assert item.turns[0].text == "Plain words."


def test_latin1_quoted_printable_email_is_decoded(write, config):
    raw = (b"From: =?iso-8859-1?q?In=E8s?= <ines@northwind.example>\nTo: a@mail.example\nSubject: =?iso-8859-1?q?"
           b"=C9change?=\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable"
           b"\n\nCh=E8re Fran=E7oise, d=E9sol=E9e.\n")
    item = read_one(write("support/a.eml", raw), config)
    assert item.turns[0].text == "Chère Françoise, désolée."
    assert item.subject == "Échange"
    assert item.turns[0].speaker == "Inès"


def test_base64_body_is_decoded(write, config):
    item = read_one(write("support/a.eml", _email("Grüße, your order shipped.", cte="base64")), config)
    assert item.turns[0].text == "Grüße, your order shipped."


def test_wrong_declared_charset_falls_back_to_a_fitting_one(write, config):
    raw = ("From: a@northwind.example\nTo: b@mail.example\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
           "Café au lait, déjà payé.\n").encode("latin-1")
    assert read_one(write("support/a.eml", raw), config).turns[0].text == "Café au lait, déjà payé."


def test_unknown_charset_name_does_not_fail(write, config):
    raw = b"From: a@northwind.example\nTo: b@mail.example\nSubject: x\nContent-Type: text/plain; charset=x-bogus\n\nHello there.\n"
    assert read_one(write("support/a.eml", raw), config).turns[0].text == "Hello there."


def test_attachments_are_skipped_but_listed(write, config):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@northwind.example", "b@mail.example", "Label"
    msg.set_content("Your label is attached.")
    msg.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="label.pdf")
    item = read_one(write("support/a.eml", msg.as_bytes()), config)
    assert item.attachments == ["label.pdf"]
    assert item.turns[0].text == "Your label is attached."


def test_forwarded_message_attachment_is_not_read_as_body(write, config):
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "x@mail.example", "old"
    inner.set_content("Old words that must not be scored.")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@northwind.example", "b@mail.example", "Fwd"
    msg.set_content("See the attached message.")
    msg.add_attachment(inner)
    item = read_one(write("support/a.eml", msg.as_bytes()), config)
    assert item.turns[0].text == "See the attached message."
    assert item.attachments == ["message/rfc822"]


def test_reply_chain_and_signature_are_kept_apart(write, config):
    body = "Fixed now.\n\nBest regards,\nJo\nSupport\n\nOn Mon, 2 Mar 2026, Ann <ann@mail.example> wrote:\n> help"
    item = read_one(write("support/a.eml", _email(body)), config)
    assert item.turns[0].text == "Fixed now."
    assert item.signature == "Best regards,\nJo\nSupport"
    assert item.quoted_text.endswith("> help")


def test_x_department_header_sets_the_department(write, config):
    item = read_one(write("support/a.eml", _email(headers={"X-Department": "Collections"})), config)
    assert (item.department, item.department_source) == ("collections", "metadata")


def test_customer_email_is_inbound_with_a_customer_turn(write, config):
    item = read_one(write("support/a.eml", _email(sender="ann@mail.example", to="support@northwind.example")), config)
    assert item.direction == "inbound" and item.turns[0].role == "customer"


def test_email_between_company_addresses_is_internal(write, config):
    item = read_one(write("support/a.eml", _email(to="billing@northwind.example")), config)
    assert item.direction == "internal"


def test_without_company_domains_direction_is_unknown(write):
    from analyzer.config import Config

    item = read_one(write("support/a.eml", _email()), Config())
    assert item.direction == "unknown" and item.turns[0].role == "unknown"


def test_truncated_multipart_is_one_truncated_error(write, config):
    raw = _email("Words.", html="<p>Words</p>")
    error = read_error(write("support/a.eml", raw[: raw.rfind(b"--")]), config)
    assert error.kind == "truncated"


def test_email_with_only_an_attachment_is_a_no_text_error(write, config):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@northwind.example", "b@mail.example", "Scan"
    msg.add_attachment(b"\x89PNG....", maintype="image", subtype="png", filename="scan.png")
    error = read_error(write("support/a.eml", msg.as_bytes()), config)
    assert error.kind == "no_text" and "scan.png" in error.message


MBOX = (b"From ann@mail.example Mon Mar 16 10:01:22 2026\n"
        b"From: ann@mail.example\nTo: billing@northwind.example\nSubject: one\n\nFirst message.\n\n"
        b"From billing@northwind.example Mon Mar 16 14:45:10 2026\n"
        b"From: billing@northwind.example\nTo: ann@mail.example\nSubject: two\n\nSecond message.\n>From here on, fine.\n\n"
        b"From billing@northwind.example Mon Mar 16 15:00:00 2026\n"
        b"From: billing@northwind.example\nTo: ann@mail.example\nSubject: three\n\nThird message.\n")


def test_mbox_gives_one_interaction_per_message_with_its_index(write, config):
    interactions, errors = read_all(write("billing/box.mbox", MBOX), config)
    assert not errors
    assert [i.source_offset for i in interactions] == [0, 1, 2]
    assert [i.direction for i in interactions] == ["inbound", "outbound", "outbound"]


def test_mbox_unescapes_from_lines_in_bodies(write, config):
    interactions, _ = read_all(write("billing/box.mbox", MBOX), config)
    assert interactions[1].turns[0].text == "Second message.\nFrom here on, fine."


def test_broken_message_in_mbox_is_one_error_and_the_rest_are_read(write, config):
    broken = MBOX.replace(b"From: billing@northwind.example\nTo: ann@mail.example\nSubject: two\n", b"garbage line\n")
    interactions, errors = read_all(write("billing/box.mbox", broken), config)
    assert [i.source_offset for i in interactions] == [0, 2]
    assert [(e.kind, e.offset) for e in errors] == [("malformed", 1)]


def test_split_mbox_ignores_from_inside_a_paragraph():
    data = b"From a@b Mon Mar 16 10:01:22 2026\nSubject: x\n\nline\nFrom the start, we knew.\n"
    assert len(list(split_mbox(data))) == 1


def test_utf16_declared_over_an_ascii_body_is_read_as_the_ascii_text(write, config):
    raw = (b'From: a@northwind.example\nTo: b@mail.example\nSubject: x\nContent-Type: text/plain; charset="utf-16"\n\n'
           b"Hello there, your refund is on the way.\n")
    assert read_one(write("support/a.eml", raw), config).turns[0].text == "Hello there, your refund is on the way."
