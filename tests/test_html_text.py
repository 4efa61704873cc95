from analyzer.ingest.html_text import html_to_text


def test_paragraphs_and_line_breaks_become_lines():
    assert html_to_text("<p>Dear Ann,</p><p>One<br>Two</p>") == "Dear Ann,\n\nOne\nTwo"


def test_entities_are_unescaped():
    assert html_to_text("<p>We&#39;re sorry &amp; it&rsquo;s fixed &pound;5</p>") == "We're sorry & it’s fixed £5"


def test_script_style_and_head_are_dropped():
    html = "<html><head><title>T</title><style>p{}</style></head><body><script>x=1</script><p>Hi</p></body></html>"
    assert html_to_text(html) == "Hi"


def test_list_items_get_dashes():
    assert html_to_text("<ul><li>one</li><li>two</li></ul>") == "- one\n- two"


def test_blockquote_is_marked_as_quoted():
    assert html_to_text("<p>New</p><blockquote><p>Old</p></blockquote>") == "New\n\n> Old"


def test_gmail_quote_div_is_marked_as_quoted():
    text = html_to_text('<div>New</div><div class="gmail_quote">On Mon, Bob wrote:<blockquote>old</blockquote></div>')
    assert text.splitlines() == ["New", "> On Mon, Bob wrote:", "> > old"]


def test_outlook_reply_divider_quotes_everything_after_it():
    text = html_to_text('<p>New</p><div id="divRplyFwdMsg"><b>From:</b> Bob</div><p>Old text</p>')
    assert text.splitlines()[0] == "New"
    assert all(line.startswith(">") for line in text.splitlines()[1:] if line)


def test_whitespace_inside_a_paragraph_collapses():
    assert html_to_text("<p>one\n   two\u00a0 three</p>") == "one two three"
