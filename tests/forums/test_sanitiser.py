"""A corpus of hostile inputs posted through the reply service: the stored HTML has no executable content.

Each input is stored by ``forums.services.post_reply`` (which sanitises with ``portal.richtext`` and links
mentions), then the stored HTML is parsed and checked against the allow-list: only allowed tags and
attributes, no event handlers, no style, links only to http(s)/mailto/relative addresses, images only
from the portal's own /media/ folder. Harmless formatting must survive.
"""

import html
import re
from html.parser import HTMLParser

import pytest

from forums.services import post_reply
from portal.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

pytestmark = pytest.mark.django_db

HOSTILE = [
    # script elements, every way round
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    '<img """><script>alert(1)</script>">',
    "<p><b><i>unclosed <script>alert(1)",
    "</p></div><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<xmp><script>alert(1)</script></xmp>",
    "<table><tr><td><script>alert(1)</script></td></tr></table>",
    '<p title="&quot;><script>alert(1)</script>">x</p>',
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="/media/x.png" onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<p onclick="alert(1)">click</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>x</details>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<h1 onmouseover=alert(1)>Title</h1>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<span data-mention="1" onclick="alert(1)">x</span>',
    # javascript:, data:, vbscript: URLs and entity tricks
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    "<img src=`javascript:alert(1)`>",
    '<img src="/media/../etc/passwd">',
    '<img src="//evil.example/x.png">',
    '<img src="/media/x.png" srcset="javascript:alert(1)">',
    '<blockquote cite="javascript:alert(1)">x</blockquote>',
    '<blockquote cite="//evil.example">x</blockquote>',
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
    # SVG and MathML tricks
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">click</math>',
    "<select><option><style></select><img src=x onerror=alert(1)></style>",
    # CSS expressions and style
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<span style="behavior:url(x.htc)">x</span>',
    # embedding, navigation and forms
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<form action="https://evil.example"><input name=x></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<isindex action="javascript:alert(1)" type=image>',
]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        # nh3 (ammonia) also keeps its generic attributes, lang and title, on any tag: plain escaped text
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"lang", "title"} | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            value = value or ""
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            squeezed = re.sub(r"[\s\x00-\x1f]", "", html.unescape(value)).lower()
            if any(bad in squeezed for bad in ("javascript:", "vbscript:", "data:")):
                self.problems.append(f"{name}={value!r}")
            relative = squeezed.startswith(("/", "#")) or ":" not in squeezed.split("/")[0]
            if name == "href" and not (squeezed.startswith(SAFE_SCHEMES) or relative):
                self.problems.append(f"href scheme {value!r}")
            if name == "src" and (not re.fullmatch(r"/media/[\w\-/.]+", value) or ".." in value):
                self.problems.append(f"img src {value!r}")
            if name == "cite" and not (value.startswith("/") and not value.startswith("//")):
                self.problems.append(f"cite {value!r}")
            if name == "rel" and value != "nofollow ugc noopener":
                self.problems.append(f"rel {value!r}")


def problems_in(stored: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(stored)
    inspector.close()
    if re.search(r"<\s*/?\s*(script|style|iframe|svg|math|object|embed)", stored, re.IGNORECASE):
        inspector.problems.append("raw dangerous tag text")
    return inspector.problems


def test_the_corpus_is_big_enough():
    assert len(HOSTILE) >= 50
    assert len(set(HOSTILE)) == len(HOSTILE)


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_stored_without_executable_content(topic, other_leader, payload):
    reply = post_reply(actor=other_leader, topic=topic, body=f"<p>Before</p>{payload}<p>After</p>")
    reply.refresh_from_db()
    assert problems_in(reply.body) == [], reply.body
    assert reply.body.startswith("<p>Before</p>")  # text before the attack survives (after it, it may be eaten)


def test_harmless_formatting_survives(topic, other_leader):
    body = (
        "<h2>Plan</h2><h3>Detail</h3><p><strong>Bold</strong>, <em>italic</em>, <s>old</s> and <code>code</code></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quoted</p></blockquote>"
        '<pre><code>print("hi")</code></pre><p><a href="https://example.com/x?y=1&amp;z=2">a link</a> '
        '<a href="/boards/">inside</a> <a href="mailto:team@example.com">mail</a></p><hr>'
    )
    stored = post_reply(actor=other_leader, topic=topic, body=body).body
    for fragment in (
        "<h2>Plan</h2>",
        "<h3>Detail</h3>",
        "<strong>Bold</strong>",
        "<em>italic</em>",
        "<s>old</s>",
        "<code>code</code>",
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>quoted</p></blockquote>",
        '<pre><code>print("hi")</code></pre>',
        '<a href="https://example.com/x?y=1&amp;z=2" rel="nofollow ugc noopener">a link</a>',
        '<a href="/boards/" rel="nofollow ugc noopener">inside</a>',
        "<hr>",
    ):
        assert fragment in stored, fragment
    assert problems_in(stored) == []


def test_disallowed_headings_keep_their_text(topic, other_leader):
    stored = post_reply(actor=other_leader, topic=topic, body="<h1>Shouting</h1><p>calm</p>").body
    assert "<h1>" not in stored and "Shouting" in stored
