"""HTML email bodies to clean text.

Block elements become line breaks, lists get dashes, script/style vanish, and
quoted material (``<blockquote>``, Gmail's ``gmail_quote``, Outlook's reply
divider) is prefixed with ``> `` so the reply-chain splitter treats it as quoted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol",
          "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "center", "hr", "dl", "dt", "dd"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote", "hr"}
_SKIP = {"script", "style", "head", "title", "noscript", "template"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self._current: list[str] = []
        self._skip_depth = 0
        self._quote_depth = 0
        self._quote_stack: list[bool] = []  # per open element: did it open a quote?
        self._quote_rest = False  # after an Outlook divider everything is quoted

    def _flush(self, paragraph_end: bool = False):
        text = re.sub(r"[ \t\r\n\f\u00a0]+", " ", "".join(self._current)).strip()
        depth = self._quote_depth + (1 if self._quote_rest else 0)
        if text:
            self.lines.append((depth, text))
        if paragraph_end and self.lines and self.lines[-1][1]:
            self.lines.append((depth, ""))
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip_depth += 1
            return
        attributes = {k: (v or "").lower() for k, v in attrs}
        if tag in _BLOCK or tag in ("li", "blockquote", "br"):
            self._flush()
        if tag == "li":
            self._current.append("- ")
        if tag == "td" or tag == "th":
            self._current.append(" ")
        if attributes.get("id", "") in _QUOTE_IDS:
            self._flush()
            self._quote_rest = True
        opens_quote = tag == "blockquote" or any(c in attributes.get("class", "") for c in _QUOTE_CLASSES)
        if tag not in _VOID:
            self._quote_stack.append(opens_quote)
            if opens_quote:
                self._flush()
                self._quote_depth += 1

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag in _VOID:
            return
        if tag in _BLOCK or tag in ("li", "blockquote"):
            self._flush(paragraph_end=tag in _PARAGRAPHS)
        if self._quote_stack and self._quote_stack.pop():
            self._flush()
            self._quote_depth = max(0, self._quote_depth - 1)

    def handle_data(self, data):
        if not self._skip_depth:
            self._current.append(data)

    def text(self) -> str:
        self._flush()
        out = []
        for depth, line in self.lines:
            out.append(("> " * depth + line).rstrip() if line else "")
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


# A "<" that another "<" follows before any ">" opens no tag. CPython's HTMLParser (before the fix of
# CVE-2025-6069) takes quadratic time on runs of them ("<a <a <a ..."): they are escaped first, in one
# linear pass ([^<>]* stops at the next "<").
_UNCLOSED_TAG = re.compile(r"<(?=[^<>]*(?:<|$))")


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(_UNCLOSED_TAG.sub("&lt;", html))
    parser.close()
    return parser.text()
