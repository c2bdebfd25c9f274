"""Reading a draft as the coach needs it: paragraphs of visible text, mentions, and text with links removed."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "div", "tr", "br", "hr"}
# Web addresses are not prose: a "100%" or a number inside one is no figure, a digit run no phone number.
# "@Lee Leader" typed as plain text is a mention too (portal.mentions links it when the post is saved).
AT_NAME_RE = re.compile(r"@[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){0,3}")
PROFILE_HREF_RE = re.compile(r"/people/(\d+)/?$")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)


@dataclass
class Draft:
    paragraphs: list[str] = field(default_factory=list)
    mentioned_ids: set[int] = field(default_factory=set)
    mention_texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All visible text, one paragraph per line."""
        return "\n".join(self.paragraphs)

    @property
    def prose(self) -> str:
        """The writer's own visible text: no web addresses, no names inside @mentions, no quoted posts."""
        return AT_NAME_RE.sub(" ", URL_RE.sub(" ", self.text_without_mentions))

    text_without_mentions: str = ""

    @property
    def words(self) -> list[str]:
        return re.findall(r"[^\W_][\w'\u2019-]*", self.text)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[str]] = [[]]
        self.plain_blocks: list[list[str]] = [[]]
        self.mention_depth = 0
        self.skip_depth = 0
        self.quote_depth = 0
        self.mentioned_ids: set[int] = set()
        self.mention_texts: list[str] = []
        self._mention_buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip_depth += 1
            return
        if tag in BLOCK_TAGS:
            self._break()
        if tag == "blockquote":
            self.quote_depth += 1
        attributes = dict(attrs)
        if tag == "a" and (match := PROFILE_HREF_RE.search(attributes.get("href") or "")):
            self.mentioned_ids.add(int(match.group(1)))  # a link the mention autocomplete inserted
        if tag == "span" and "data-mention" in attributes:
            self.mention_depth += 1
            self._mention_buffer = []
            with contextlib.suppress(TypeError, ValueError):
                self.mentioned_ids.add(int(attributes["data-mention"]))
        elif self.mention_depth and tag == "span":
            self.mention_depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "span" and self.mention_depth:
            self.mention_depth -= 1
            if not self.mention_depth:
                self.mention_texts.append("".join(self._mention_buffer).strip())
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        if tag in BLOCK_TAGS:
            self._break()

    def handle_data(self, data):
        if self.skip_depth:
            return
        self.blocks[-1].append(data)
        if self.mention_depth:
            self._mention_buffer.append(data)
            self.plain_blocks[-1].append(" ")
        elif self.quote_depth:
            self.plain_blocks[-1].append(" ")  # quoted words are someone else's, already posted
        else:
            self.plain_blocks[-1].append(data)

    def _break(self):
        if self.blocks[-1]:
            self.blocks.append([])
            self.plain_blocks.append([])


def read_draft(html: str) -> Draft:
    reader = _Reader()
    reader.feed(html or "")
    reader.close()

    def squash(parts):
        return " ".join("".join(parts).replace("\xa0", " ").split())

    paragraphs = [squash(b) for b in reader.blocks]
    plain = [squash(b) for b in reader.plain_blocks]
    # Plain-text drafts (no tags) use blank lines as paragraph breaks.
    if len(paragraphs) == 1 and "<" not in (html or ""):
        raw = [p for p in re.split(r"\n\s*\n", html or "")]
        paragraphs = [" ".join(p.split()) for p in raw]
        plain = paragraphs
    draft = Draft(
        paragraphs=[p for p in paragraphs if p],
        mentioned_ids=reader.mentioned_ids,
        mention_texts=reader.mention_texts,
    )
    draft.text_without_mentions = "\n".join(p for p in plain if p)
    return draft
