"""The coach's rules. Each looks at a draft and returns findings; admins/L&D switch rules on and off,
set thresholds and manage the term lists in the portal (``CoachRule`` / ``CoachTerm`` rows)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .text import Draft


class Severity:
    BLOCK = "block"
    WARN = "warn"
    TIP = "tip"
    ORDER = {"block": 0, "warn": 1, "tip": 2}


KINDS = ("topic", "reply", "entry", "comment")


@dataclass
class Finding:
    rule: str
    severity: str
    title: str
    message: str
    excerpts: list[str] = field(default_factory=list)
    lesson_url: str = ""
    lesson_title: str = ""

    @property
    def is_block(self) -> bool:
        return self.severity == Severity.BLOCK

    @property
    def is_warn(self) -> bool:
        return self.severity == Severity.WARN


@dataclass
class Context:
    """Everything a rule may look at besides the draft."""

    actor: object
    kind: str
    board: object = None
    is_first_post: bool = False
    threshold: int | None = None
    terms: list[tuple[str, str]] = field(default_factory=list)  # (term, note) of the rule's list
    people_lookup: Callable[[list[str], set[int]], list[str]] | None = None


@dataclass(frozen=True)
class Rule:
    key: str
    severity: str
    title: str
    description: str  # shown to admins on the rules page
    check: Callable[[Draft, Context], list[tuple[str, list[str]]]]  # -> [(message, excerpts)]
    default_threshold: int | None = None
    threshold_label: str = ""
    term_list: str = ""  # the CoachTerm list this rule reads
    lesson_slug: str = ""  # the default curriculum lesson that explains it


def _unique(items):
    seen, out = set(), []
    for item in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _term_pattern(term: str) -> re.Pattern:
    # Whole words only, spaces in a phrase match any run of whitespace: "internal only" ~ "internal   only".
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words) + r"(?![\w])", re.IGNORECASE)


def _terms_found(draft: Draft, ctx: Context) -> list[tuple[str, str]]:
    text = draft.text
    return [(term, note) for term, note in ctx.terms if term.strip() and _term_pattern(term).search(text)]


# ----------------------------------------------------------------------------- block
def check_banned(draft: Draft, ctx: Context):
    found = _terms_found(draft, ctx)
    return [
        (
            f"“{term}” may not appear in posts here" + (f" ({note.rstrip('.')})" if note else "") + ". "
            "Remove it or describe the work without the name, then post.",
            [term],
        )
        for term, note in found
    ]


# ----------------------------------------------------------------------------- warn
def check_privileged(draft: Draft, ctx: Context):
    found = _terms_found(draft, ctx)
    if not found:
        return []
    words = ", ".join(f"“{t}”" for t, _ in found)
    return [
        (
            f"You wrote {words}. Words like these usually mean the information was meant for a smaller "
            "audience than everyone who can read this. If it is not yours to share here, leave it out; "
            "if it is, consider removing the label so readers are not left wondering.",
            [t for t, _ in found],
        )
    ]


_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|m|k)"
_CURRENCY_WORD = r"(?:GBP|USD|EUR|CHF|JPY|pounds?|dollars?|euros?|quid)"
_NUM = r"\d+(?:[,.]\d+)*"
MONEY_RE = re.compile(
    rf"[£$€¥]\s?{_NUM}(?:\s?{_SCALE}\b)?|\b{_NUM}\s?(?:{_SCALE}\s?)?{_CURRENCY_WORD}\b|\b(?:GBP|USD|EUR)\s?{_NUM}"
    rf"(?:\s?{_SCALE}\b)?",
    re.IGNORECASE,
)
PERCENT_RE = re.compile(rf"(?<![\w.]){_NUM}\s?(?:%|per\s?cent\b|percent\b)", re.IGNORECASE)
SCALED_RE = re.compile(
    rf"(?<![\w.#]){_NUM}(?:\s(?:thousand|million|billion|trillion)\b|(?:bn|mn|m|k)\b)", re.IGNORECASE
)
BIG_NUMBER_RE = re.compile(r"(?<![\w.#/-])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{5,}(?:\.\d+)?)(?![\w-])")
# "order #4471-2290", "ref 123456", "invoice no. 99812": reference numbers are neither figures nor phones.
REFERENCE_BEFORE = re.compile(
    r"(?:#|\b(?:order|orders|ref|reference|invoice|ticket|case|po|no\.?|number|id|account|acct|item|sku|"
    r"booking|tracking|shipment|parcel|job)\s*(?:no\.?|number|#)?\s*[:#]?)\s*$",
    re.IGNORECASE,
)


def _is_reference(text: str, start: int) -> bool:
    return bool(REFERENCE_BEFORE.search(text[max(0, start - 24) : start]))


def check_figures(draft: Draft, ctx: Context):
    text = draft.prose
    money, percents, others = [], [], []
    taken: list[tuple[int, int]] = []

    def free(m):
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for pattern, bucket in ((MONEY_RE, money), (PERCENT_RE, percents), (SCALED_RE, others), (BIG_NUMBER_RE, others)):
        for m in pattern.finditer(text):
            if free(m) and not _is_reference(text, m.start()):
                bucket.append(m.group(0).strip())
                taken.append(m.span())
    if not (money or percents or others):
        return []
    kinds = []
    if money:
        kinds.append("money amounts")
    if percents:
        kinds.append("percentages")
    if others:
        kinds.append("figures")
    what = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    return [
        (
            f"This draft contains {what}. Revenue, costs, margins and forecasts are often not yet shared "
            "outside the people who need them. If in doubt, describe the trend in words "
            "(“up on last quarter”) instead of the number.",
            _unique(money + percents + others)[:6],
        )
    ]


EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE_RE = re.compile(r"(?<![\w#/-])\+?\(?\d[\d\s().-]{6,}\d(?![\w-])")
DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


def _phones(text: str) -> list[str]:
    out = []
    for m in PHONE_RE.finditer(text):
        candidate = m.group(0).strip()
        digits = re.sub(r"\D", "", candidate)
        if _is_reference(text, m.start()) or DATE_RE.match(candidate):
            continue
        if "  " in candidate or "\n" in candidate:
            continue
        if candidate.startswith("+"):
            if 8 <= len(digits) <= 15:
                out.append(candidate)
        elif 10 <= len(digits) <= 13 and (digits.startswith("0") or re.search(r"[\s().-]", candidate)):
            out.append(candidate)
    return out


def check_contact(draft: Draft, ctx: Context):
    text = draft.prose
    emails = EMAIL_RE.findall(draft.text_without_mentions)
    phones = _phones(EMAIL_RE.sub(" ", text))
    if not emails and not phones:
        return []
    what = " and ".join(x for x in ("e-mail addresses" if emails else "", "phone numbers" if phones else "") if x)
    return [
        (
            f"This draft contains {what}. Contact details in a post are visible to everyone who can read "
            "it and stay there. Share them privately unless they are already public (a team mailbox, "
            "a switchboard number).",
            _unique(emails + phones)[:6],
        )
    ]


NAME_RE = re.compile(r"(?=\b([A-Z][a-z]+(?:['\u2019-][A-Za-z][a-z]+)?)\s+([A-Z][a-z]+(?:['\u2019-][A-Za-z][a-z]+)?)\b)")


def name_candidates(text: str) -> list[str]:
    return _unique(f"{a} {b}" for a, b in NAME_RE.findall(text))


def check_unmentioned(draft: Draft, ctx: Context):
    if ctx.people_lookup is None:
        return []
    candidates = name_candidates(draft.prose)
    if not candidates:
        return []
    named = ctx.people_lookup(candidates, draft.mentioned_ids)
    if not named:
        return []
    names = ", ".join(named)
    return [
        (
            f"You name {names} without @mentioning them. If you write about a colleague, mention them "
            "with @ so they can see it and take part, or ask yourself whether they would be comfortable "
            "being discussed here.",
            named,
        )
    ]


# ----------------------------------------------------------------------------- tips
def check_short(draft: Draft, ctx: Context):
    limit = ctx.threshold or 8
    count = len(draft.words)
    if 0 < count < limit:
        return [
            (
                f"Only {count} word{'s' if count != 1 else ''}. A sentence or two of context "
                "(why you are asking, what you have tried, what you think) gives colleagues something "
                "to answer.",
                [],
            )
        ]
    return []


def check_question(draft: Draft, ctx: Context):
    if ctx.kind not in ("topic", "entry") or not draft.words or "?" in draft.text:
        return []
    return [
        (
            "There is no question in this draft. Ending with one (“How do you handle this in your team?”) "
            "invites replies and turns a post into a conversation.",
            [],
        )
    ]


def check_caps(draft: Draft, ctx: Context):
    letters = [c for c in draft.text_without_mentions if c.isalpha()]
    if len(letters) < (ctx.threshold or 12):
        return []
    upper = sum(1 for c in letters if c.isupper())
    if upper / len(letters) >= 0.7:
        return [("Most of this is in capital letters, which reads as shouting. Sentence case is calmer.", [])]
    return []


def check_wall(draft: Draft, ctx: Context):
    limit = ctx.threshold or 120
    longest = max((len(p.split()) for p in draft.paragraphs), default=0)
    if longest > limit:
        return [
            (
                f"One paragraph runs to {longest} words. Break it into short paragraphs of one idea each; "
                "busy readers skim, and white space helps them.",
                [],
            )
        ]
    return []


GREETING_RE = re.compile(
    r"^\W*(hi|hello|hey|hiya|dear|greetings|good\s+(morning|afternoon|evening|day)|morning|afternoon|evening|"
    r"welcome|thanks|thank\s+you)\b",
    re.IGNORECASE,
)


def is_welcome_board(board) -> bool:
    if board is None:
        return False
    if getattr(board, "is_welcome", False):
        return True
    return any("welcome" in str(getattr(board, attr, "") or "").lower() for attr in ("kind", "slug", "name", "title"))


def check_greeting(draft: Draft, ctx: Context):
    if not (ctx.is_first_post and is_welcome_board(ctx.board) and draft.paragraphs):
        return []
    if GREETING_RE.match(draft.paragraphs[0]):
        return []
    return [
        (
            "This is your first post in a welcome board. Open with a greeting and a line about yourself "
            "(your role, what you hope to get from the programme): it makes replying to you easy.",
            [],
        )
    ]


RULES: dict[str, Rule] = {
    r.key: r
    for r in [
        Rule("banned_terms", Severity.BLOCK, "A term that must not be posted",
             "Blocks posts that contain a configured banned term (project codenames, client names under NDA).",
             check_banned, term_list="banned", lesson_slug="policy-and-privileged-information"),
        Rule("privileged_words", Severity.WARN, "This may be privileged information",
             "Warns about words that signal restricted information (“confidential”, “internal only”).",
             check_privileged, term_list="privileged", lesson_slug="policy-and-privileged-information"),
        Rule("figures", Severity.WARN, "Are these figures public?",
             "Warns about money amounts, percentages and other large figures (not inside web addresses, "
             "not reference numbers such as order #4471-2290).",
             check_figures, lesson_slug="what-to-ask-and-share"),
        Rule("contact_details", Severity.WARN, "Contact details",
             "Warns about e-mail addresses and phone numbers (not order or reference numbers).",
             check_contact, lesson_slug="policy-and-privileged-information"),
        Rule("unmentioned_person", Severity.WARN, "Naming a colleague without mentioning them",
             "Warns when the draft names someone in the directory (first and last name) who is not @mentioned.",
             check_unmentioned, lesson_slug="what-to-ask-and-share"),
        Rule("short_post", Severity.TIP, "A very short post",
             "Suggests adding context when a draft has fewer words than the threshold.",
             check_short, default_threshold=8, threshold_label="Fewest words", lesson_slug="how-to-reply"),
        Rule("no_question", Severity.TIP, "Invite replies with a question",
             "Suggests ending a new topic or blog entry with a question.",
             check_question, lesson_slug="how-a-discussion-board-works"),
        Rule("all_caps", Severity.TIP, "Capital letters read as shouting",
             "Suggests sentence case when most letters are capitals.",
             check_caps, default_threshold=12, threshold_label="Fewest letters before it applies",
             lesson_slug="how-a-discussion-board-works"),
        Rule("wall_of_text", Severity.TIP, "A wall of text",
             "Suggests paragraphs when one paragraph is longer than the threshold.",
             check_wall, default_threshold=120, threshold_label="Most words in one paragraph",
             lesson_slug="writing-your-first-blog-entry"),
        Rule("welcome_greeting", Severity.TIP, "Say hello first",
             "Suggests a greeting in a first post on a welcome board.",
             check_greeting, lesson_slug="how-a-discussion-board-works"),
    ]
}  # fmt: skip
