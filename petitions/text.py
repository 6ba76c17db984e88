"""Organisers' Markdown: rendered to HTML, then sanitised, so organisers cannot inject script; and
as plain text for emails."""

import re
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_to_text(text: str) -> str:
    """Markdown as plain text for the text part of an email: no markup, links as "text (url)".

    Made from the same sanitised HTML as the HTML part, so both say the same (a script an
    organiser typed is in neither).
    """
    parser = _TextRenderer()
    parser.feed(render_markdown(text))
    parser.close()
    return parser.text()


class _TextRenderer(HTMLParser):
    """Plain text from the tags render_markdown allows (ALLOWED_TAGS); other tags keep their text."""

    _BLOCKS = {"p", "ul", "ol", "blockquote", "h2", "h3", "h4", "pre", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._lists: list[list] = []  # per open list: [ordered, next number]
        self._quote = 0
        self._pre = 0
        self._link: list[tuple[str, int]] = []  # href, position of the link text in _out

    def _newlines(self, count: int):
        """End the current line, with count-1 blank lines after it (never at the very start)."""
        if not self._out:
            return
        current = "".join(self._out[-3:])
        have = len(current) - len(current.rstrip("\n"))
        if have < count:
            self._out.append("\n" * (count - have))

    def _write(self, data: str):
        if not data:
            return
        if not self._out or self._out[-1].endswith("\n"):
            data = "> " * self._quote + data
        self._out.append(data)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self._BLOCKS:
            self._newlines(1 if self._lists and tag in ("ul", "ol", "p") else 2)
        if tag in ("ul", "ol"):
            self._lists.append([tag == "ol", 1])
        elif tag == "li":
            self._newlines(1)
            ordered, number = self._lists[-1] if self._lists else (False, 1)
            indent = "   " * max(len(self._lists) - 1, 0)
            self._write(indent + (f"{number}. " if ordered else "- "))
            if self._lists:
                self._lists[-1][1] += 1
        elif tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1
        elif tag == "br":
            self._out.append("\n")
        elif tag == "hr":
            self._write("----")
            self._newlines(2)
        elif tag == "a":
            self._link.append((attrs.get("href") or "", len(self._out)))

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "blockquote":
            self._quote = max(self._quote - 1, 0)
        elif tag == "pre":
            self._pre = max(self._pre - 1, 0)
        elif tag == "a" and self._link:
            href, start = self._link.pop()
            label = "".join(self._out[start:]).strip()
            if href and href not in (label, f"mailto:{label}"):
                self._out.append(f" ({href})")
        if tag in self._BLOCKS:
            self._newlines(2)

    def handle_data(self, data):
        if not self._pre:
            # As a browser shows it: runs of white space are one space, none at the start of a line.
            data = re.sub(r"\s+", " ", data)
            if not self._out or self._out[-1].endswith("\n"):
                data = data.lstrip()
        if data:
            self._write(data)

    def text(self) -> str:
        lines = "".join(self._out).split("\n")
        return "\n".join(line.rstrip() for line in lines).strip("\n")
