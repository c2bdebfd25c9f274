"""The coach, rule by rule: what each flags and what it must leave alone (table-driven)."""

import pytest

from onboarding.coach import check_draft
from onboarding.models import CoachRule, CoachTerm
from onboarding.services.coach import coach_rule_update, coach_term_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def rules_hit(html, kind="reply", actor=None, **kwargs):
    return {f.rule for f in check_draft(actor=actor, html=html, kind=kind, **kwargs)}


def findings_for(rule, html, kind="reply", actor=None, **kwargs):
    return [f for f in check_draft(actor=actor, html=html, kind=kind, **kwargs) if f.rule == rule]


# Long enough and with a question, so the tips stay quiet unless a case is about them.
PAD = " What do you think, and how do you handle this in your own team?"

FIGURES = [
    # (draft, flagged?)
    ("<p>Revenue reached £2.4m this quarter." + PAD + "</p>", True),
    ("<p>We saved $300k on fuel." + PAD + "</p>", True),
    ("<p>Margins are up 12% on last year." + PAD + "</p>", True),
    ("<p>Churn fell by 3.5 per cent." + PAD + "</p>", True),
    ("<p>The contract is worth 1,250,000 EUR." + PAD + "</p>", True),
    ("<p>We shipped 48,200 parcels last week." + PAD + "</p>", True),
    ("<p>Forecast: 3 million units." + PAD + "</p>", True),
    ("<p>Headcount budget is GBP 450000." + PAD + "</p>", True),
    # tricky: "100%" inside a web address is not a percentage
    ("<p>See https://intranet.example/reports/100%-done for the slides." + PAD + "</p>", False),
    ('<p>See <a href="https://example.com/q?rate=100%">this page</a> for the slides.' + PAD + "</p>", False),
    ("<p>Slides at www.example.com/growth-50%/deck today." + PAD + "</p>", False),
    # tricky: order and reference numbers are not figures
    ("<p>My order #4471-2290 arrived late again." + PAD + "</p>", False),
    ("<p>Ticket 88312 is still open with IT." + PAD + "</p>", False),
    # ordinary small numbers, years and times are not figures
    ("<p>I have 3 questions from the 2024 offsite at 10:30." + PAD + "</p>", False),
    ("<p>Our team of 12 met twice this week." + PAD + "</p>", False),
]


@pytest.mark.parametrize(("html", "flagged"), FIGURES)
def test_figures(html, flagged):
    assert ("figures" in rules_hit(html)) is flagged


def test_figures_finding_names_the_amounts_and_links_a_lesson():
    [finding] = findings_for("figures", "<p>Revenue was £2.4m, up 12%." + PAD + "</p>")
    assert finding.severity == "warn"
    assert finding.excerpts == ["£2.4m", "12%"]
    assert finding.title == "Are these figures public?" and "money amounts and percentages" in finding.message
    assert finding.lesson_url == "/learn/lessons/what-to-ask-and-share/"


CONTACT = [
    ("<p>Mail me at jo.bloggs@harbourview.example." + PAD + "</p>", True),
    ("<p>Call me on 020 7946 0958." + PAD + "</p>", True),
    ("<p>My mobile is +44 7700 900123." + PAD + "</p>", True),
    ("<p>Ring (555) 123-4567 after lunch." + PAD + "</p>", True),
    ("<p>Call 07700900123 any time." + PAD + "</p>", True),
    # tricky: a phone-like order number is not a phone number
    ("<p>My order #4471-2290 arrived late again." + PAD + "</p>", False),
    ("<p>Quote order number 4471-2290-3381 when you call." + PAD + "</p>", False),
    ("<p>Invoice no. 0207 946 0958 is unpaid." + PAD + "</p>", False),
    # dates, years and ranges are not phone numbers
    ("<p>The review is on 2025-03-14 and covered 2019-2023." + PAD + "</p>", False),
    ("<p>Mention @someone to bring them in." + PAD + "</p>", False),
]


@pytest.mark.parametrize(("html", "flagged"), CONTACT)
def test_contact_details(html, flagged):
    assert ("contact_details" in rules_hit(html)) is flagged


PRIVILEGED = [
    ("<p>This is confidential, so keep it here." + PAD + "</p>", True),
    ("<p>Internal only: the new rota." + PAD + "</p>", True),
    ("<p>Please DO NOT FORWARD this note." + PAD + "</p>", True),
    ("<p>Internal\u00a0  only, the rota." + PAD + "</p>", True),  # odd spacing still matches the phrase
    ("<p>I feel confident about the rota." + PAD + "</p>", False),  # whole words only
    ("<p>Our internal comms team did well." + PAD + "</p>", False),  # "internal" alone is fine
]


@pytest.mark.parametrize(("html", "flagged"), PRIVILEGED)
def test_privileged_words(html, flagged):
    assert ("privileged_words" in rules_hit(html)) is flagged


def test_banned_terms_block_and_are_configurable():
    admin = UserFactory(roles=("admin",))
    html = "<p>Any news on Project Kestrel for the depots?" + PAD + "</p>"
    assert "banned_terms" not in rules_hit(html)
    coach_term_add(actor=admin, list=CoachTerm.List.BANNED, term="Project Kestrel", note="Unannounced")
    [finding] = findings_for("banned_terms", html)
    assert finding.severity == "block"
    assert finding.excerpts == ["Project Kestrel"]
    assert "Unannounced" in finding.message
    # case-insensitive, whole phrase, and not inside another word
    assert "banned_terms" in rules_hit("<p>what about PROJECT kestrel?</p>")
    assert "banned_terms" not in rules_hit("<p>Project Kestrels nest on the roof?</p>")


def test_privileged_terms_list_can_grow():
    admin = UserFactory(roles=("admin",))
    html = "<p>These are the draft numbers for the board pack." + PAD + "</p>"
    assert "privileged_words" not in rules_hit(html)
    coach_term_add(actor=admin, list=CoachTerm.List.PRIVILEGED, term="board pack")
    assert "privileged_words" in rules_hit(html)


def test_term_lists_refuse_duplicates_in_any_case():
    admin = UserFactory(roles=("admin",))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already on this list"):
        coach_term_add(actor=admin, list=CoachTerm.List.PRIVILEGED, term="CONFIDENTIAL")


def test_unmentioned_person():
    writer = UserFactory(profile__display_name="Wendy Writer")
    named = UserFactory(profile__display_name="Priya Sharma")
    UserFactory(profile__display_name="Tom Baker", is_active=False)
    text = "<p>I spoke with Priya Sharma about the rota." + PAD + "</p>"
    [finding] = findings_for("unmentioned_person", text, actor=writer)
    assert finding.excerpts == ["Priya Sharma"]
    # an @mention of the same person is fine
    mentioned = f'<p>I spoke with <span data-mention="{named.pk}">@Priya Sharma</span> about the rota.' + PAD + "</p>"
    assert "unmentioned_person" not in rules_hit(mentioned, actor=writer)
    typed = "<p>I spoke with @Priya Sharma about the rota." + PAD + "</p>"  # linked when saved
    assert "unmentioned_person" not in rules_hit(typed, actor=writer)
    linked = f'<p>I spoke with <a href="/people/{named.pk}/">Priya Sharma</a> about it.' + PAD + "</p>"
    assert "unmentioned_person" not in rules_hit(linked, actor=writer)
    # a quoted post names its author: that is quoting, not talking about someone
    quote = '<blockquote><p><a href="/boards/p/1/">Priya Sharma wrote:</a></p><p>Costs rose 12%.</p></blockquote>'
    assert not {"unmentioned_person", "figures"} & rules_hit(quote + "<p>Agreed, and thank you." + PAD + "</p>")
    # naming yourself, nobody in the directory, or someone inactive is not flagged
    assert "unmentioned_person" not in rules_hit("<p>Wendy Writer here, hello all." + PAD + "</p>", actor=writer)
    assert "unmentioned_person" not in rules_hit("<p>I read Jane Austen on holiday." + PAD + "</p>", actor=writer)
    assert "unmentioned_person" not in rules_hit("<p>Tom Baker said hello." + PAD + "</p>", actor=writer)
    # a sentence start followed by a capitalised word is not a name
    assert "unmentioned_person" not in rules_hit("<p>Last Tuesday we met." + PAD + "</p>", actor=writer)


TIPS = [
    # (rule, draft, kind, flagged)
    ("short_post", "<p>Agreed.</p>", "reply", True),
    ("short_post", "<p>Thanks, that helped me plan the rota for next week a lot.</p>", "reply", False),
    ("no_question", "<p>We moved the briefing to Tuesdays and it works better for everyone.</p>", "topic", True),
    ("no_question", "<p>We moved the briefing to Tuesdays. Has anyone else tried this?</p>", "topic", False),
    ("no_question", "<p>We moved the briefing to Tuesdays and it works better for everyone.</p>", "reply", False),
    ("all_caps", "<p>PLEASE EVERYONE READ THE NEW ROTA BEFORE MONDAY?</p>", "reply", True),
    ("all_caps", "<p>Please read the new ROTA and the HR FAQ before Monday?</p>", "reply", False),
    ("all_caps", "<p>OK?</p>", "reply", False),
    ("wall_of_text", "<p>" + "word " * 130 + "?</p>", "entry", True),
    ("wall_of_text", "<p>" + "word " * 70 + "</p><p>" + "word " * 70 + "?</p>", "entry", False),
]


@pytest.mark.parametrize(("rule", "html", "kind", "flagged"), TIPS)
def test_tips(rule, html, kind, flagged):
    found = findings_for(rule, html, kind=kind)
    assert bool(found) is flagged
    if found:
        assert found[0].severity == "tip"


def test_first_post_without_greeting_in_a_welcome_board():
    from tests.factories.forums import BoardFactory

    welcome = BoardFactory(title="Welcome and introductions", slug="welcome")
    other = BoardFactory(title="Operations", slug="operations")
    text = "<p>I run the northern depots and want to learn how others plan rotas. Any tips?</p>"
    assert findings_for("welcome_greeting", text, kind="topic", board=welcome, is_first_post=True)
    assert not findings_for("welcome_greeting", text, kind="topic", board=other, is_first_post=True)
    assert not findings_for("welcome_greeting", text, kind="topic", board=welcome, is_first_post=False)
    greeted = "<p>Hello everyone! I run the northern depots. Any tips?</p>"
    assert not findings_for("welcome_greeting", greeted, kind="topic", board=welcome, is_first_post=True)


def test_switched_off_rules_stay_silent_and_thresholds_apply():
    admin = UserFactory(roles=("admin",))
    html = "<p>Revenue was £2.4m.</p>"
    assert {"figures", "short_post"} <= rules_hit(html)
    coach_rule_update(actor=admin, key="figures", enabled=False)
    assert "figures" not in rules_hit(html)
    assert CoachRule.objects.get(key="figures").enabled is False
    coach_rule_update(actor=admin, key="short_post", enabled=True, threshold=3)
    assert "short_post" not in rules_hit(html)  # four words is no longer "very short"


def test_findings_are_ordered_block_warn_tip_and_empty_drafts_have_none():
    admin = UserFactory(roles=("admin",))
    coach_term_add(actor=admin, list=CoachTerm.List.BANNED, term="Kestrel")
    severities = [f.severity for f in check_draft(actor=None, html="<p>Kestrel is confidential</p>", kind="topic")]
    assert severities == sorted(severities, key=["block", "warn", "tip"].index)
    assert severities[0] == "block"
    assert check_draft(actor=None, html="<p> </p>", kind="topic") == []


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown draft kind"):
        check_draft(actor=None, html="<p>Hi</p>", kind="tweet")


def test_only_admins_and_analysts_manage_the_coach():
    from django.core.exceptions import PermissionDenied

    leader = UserFactory()
    facilitator = UserFactory(roles=("facilitator",))
    analyst = UserFactory(roles=("analyst",))
    for person in (leader, facilitator):
        with pytest.raises(PermissionDenied):
            coach_rule_update(actor=person, key="figures", enabled=False)
        with pytest.raises(PermissionDenied):
            coach_term_add(actor=person, list=CoachTerm.List.BANNED, term="Kestrel")
    coach_term_add(actor=analyst, list=CoachTerm.List.BANNED, term="Kestrel")
