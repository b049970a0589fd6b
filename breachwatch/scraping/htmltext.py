"""Plain text out of forum HTML, keeping the line structure leaks depend on.

A combo list is one credential per line; ``node.text()`` glues lines together. So ``<br>`` and
block elements become line breaks, newlines in the source survive, ``<pre>`` keeps its spacing,
and scripts, styles and comments are dropped. The walk is iterative: hostile pages nest deeply.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "head", "-comment"})
_INLINE_SPACE = re.compile(r"[ \t\r\f\v\xa0]+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def parse_html(content: bytes, charset: str | None) -> LexborHTMLParser:
    """Parse a page decoded with its declared charset (UTF-8 if absent or unknown)."""
    try:
        text = content.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = content.decode("utf-8", errors="replace")
    return LexborHTMLParser(text)


def html_to_text(node: LexborNode) -> str:
    """Text of ``node`` with line breaks kept; at most one blank line in a row."""
    out: list[str] = []
    pre_depth = 0
    stack: list[tuple[LexborNode, bool]] = [(node, False)]
    while stack:
        current, closing = stack.pop()
        tag = current.tag or ""
        if closing:
            if tag == "pre":
                pre_depth -= 1
            if tag in BLOCK_TAGS:
                _break_line(out)
            continue
        if tag == "-text":
            text = current.text_content or ""
            out.append(
                text if pre_depth else _SPACE_AROUND_NEWLINE.sub("\n", _INLINE_SPACE.sub(" ", text))
            )
            continue
        if tag in SKIPPED_TAGS:
            continue
        if tag == "br":
            out.append("\n")
            continue
        if tag in BLOCK_TAGS:
            _break_line(out)
        if tag == "pre":
            pre_depth += 1
        stack.append((current, True))
        children = list(current.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    return _tidy("".join(out))


def _break_line(out: list[str]) -> None:
    """A block boundary starts a new line, without stacking blank lines between blocks."""
    if out and not out[-1].endswith("\n"):
        out.append("\n")


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip("\n")


HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(content_type: str | None) -> bool:
    """Whether a ``Content-Type`` header names an HTML page."""
    return (content_type or "").split(";")[0].strip().lower() in HTML_TYPES


def page_text(content: bytes, charset: str | None) -> bytes:
    """The text of a whole HTML page as UTF-8, its line structure kept (``html_to_text``)."""
    tree = parse_html(content, charset)
    root = tree.body or tree.root
    return html_to_text(root).encode("utf-8") if root is not None else b""
