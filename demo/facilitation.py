"""Demo facilitation for the fictional organisation: starter prompts around each cohort's sessions (released on
time, with leaders' replies), a prompt that went out early on a quiet board, prompts still queued, buddies,
private reviews and a few nudges.

Runs after forums and blogs and before onboarding (``demo.org.SEED_APPS``): the boards exist, and
onboarding's goals and "reply to a starter prompt" practice step then see the released prompts and replies.
Everything is written through the facilitation, forums and notifications services while ``time_machine``
travels to the moment it happens. Idempotent: a prompt is identified by its cohort, library prompt and
session; replies by a deterministic client key; buddies, reviews and nudges are only added when missing.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import time_machine

# Per session: the prompt that prepares people (before) and the one that helps ideas stick (after).
AROUND_SESSIONS = [
    ("reflect-before-we-meet", "reflect-one-idea"),
    ("decision-still-weighing", "decision-this-week"),
    ("input-fresh-eyes", "recognise-made-week-easier"),
]
AFTER_LAST = "reflect-two-weeks-on"  # two weeks after the last session: still queued at the end of the history
QUEUED = "open-half-finished"  # no time: waits for a quiet board or a facilitator's click
EARLY = "lesson-small-experiment"  # the quiet cohort's "first steps" board gets it early
REPLIES = [
    "<p>Mine is small: I will open Monday's huddle with one question instead of the numbers.</p>",
    "<p>I tried this last week. The team noticed, and two of them replied to my post before I had finished my tea.</p>",
    "<p>Honest answer: I am still weighing it. Writing it down here helped me see what I am avoiding.</p>",
    "<p>The bit that stuck with me was asking before telling. Going to try it with the night shift.</p>",
    "<p>We did something similar at the depot: short, regular and in the open. It works better than email.</p>",
    "<p>I would add one thing: say what you will not change, so people stop worrying about it.</p>",
    "<p>Thanks for asking this. It made me realise I never explain the why to the weekend team.</p>",
    "<p>A shout-out to the returns desk, who sorted the storm-week backlog without being asked.</p>",
    "<p>I will try a two-line update on Friday and see whether anyone outside my team reads it.</p>",
    "<p>Good prompt. My answer is the gate 3 queue: fresh eyes welcome, we are stuck.</p>",
    "<p>Reading everyone's answers first, then I will add mine. Lots to borrow here.</p>",
    "<p>What surprised me was how many of us have the same problem at different sites.</p>",
]
REVIEW_DRAFT = (
    "<p>Our depot missed its on-time target in the storm week. I want to explain why, plainly, and say what "
    "we will change: earlier rota decisions and a shared board for delays.</p>"
)


@dataclass
class Release:
    cohort_index: int
    key: str
    session: object  # CohortSession or None
    early: bool = False


def _travel(when: datetime):
    return time_machine.travel(when, tick=False)


def seed(org) -> None:
    if not org.cohorts or not org.facilitators:
        return
    for index, cohort in enumerate(org.cohorts):
        facilitator = org.facilitators[index] if index < len(org.facilitators) else org.admin
        boards = _boards(org, cohort, facilitator)
        if not boards:
            continue
        _prompts(org, index, cohort, facilitator, boards)
        _buddies(org, cohort, facilitator)
        _reviews(org, index, cohort, boards[0])
    _nudges(org)


def _boards(org, cohort, facilitator) -> list:
    """The cohort's boards (the forums' demo makes them); one of our own if it made none."""
    from forums.models import Board
    from forums.services import board_create

    boards = list(Board.objects.filter(cohort=cohort).order_by("position", "title"))
    if not boards:
        with _travel(org.day(0, 8, 45)):
            boards = [board_create(actor=facilitator, cohort=cohort, title=f"{cohort.name} lounge")]
    return boards


def _existing(cohort, template, session):
    from onboarding.facilitation.models import ScheduledPrompt

    return ScheduledPrompt.objects.filter(cohort=cohort, source=template, session=session).first()


def _schedule(org, *, cohort, facilitator, board, key, session):
    """Clone a library prompt around ``session`` a week before it is due (or on the first day)."""
    from onboarding.facilitation.models import PromptTemplate
    from onboarding.facilitation.services import prompt_clone

    template = PromptTemplate.objects.filter(key=key).first()
    if template is None:
        return None
    prompt = _existing(cohort, template, session)
    if prompt is not None:
        return prompt
    planned = (session.starts_at if session else org.now) - timedelta(days=9)
    with _travel(max(planned, org.day(1, 10))):
        return prompt_clone(actor=facilitator, template=template, cohort=cohort, board=board, session=session)


def _welcomes(org, facilitator, boards) -> None:
    """The forums' demo made the boards before the facilitators had acknowledged the policy, so their welcome
    prompts waited in the queue. Where the facilitator then opened the board with a welcome of their own,
    they take the queued one out; otherwise it goes out as the board opens."""
    from demo.forums import _acknowledge_policy
    from onboarding.facilitation.models import ScheduledPrompt
    from onboarding.facilitation.services import prompt_cancel, prompt_release

    for prompt in ScheduledPrompt.objects.filter(board__in=boards, is_welcome=True, status="queued"):
        first = prompt.board.topics.order_by("created_at").first()
        if first is not None:
            with _travel(first.created_at + timedelta(minutes=1)):
                prompt_cancel(actor=facilitator, prompt=prompt)
            continue
        when = prompt.board.created_at + timedelta(minutes=3)
        _acknowledge_policy(org, facilitator, when)
        with _travel(when):
            prompt_release(prompt_id=prompt.pk, now=when)


def _prompts(org, index, cohort, facilitator, boards) -> None:
    from onboarding.facilitation.services import prompt_release

    _welcomes(org, facilitator, boards)
    lounge = boards[0]
    sessions = org.sessions.get(cohort.pk, [])
    planned = []
    for session, (before, after) in zip(sessions, AROUND_SESSIONS, strict=False):
        planned += [(before, session, lounge), (after, session, lounge)]
    if sessions:
        planned.append((AFTER_LAST, sessions[-1], lounge))
    planned.append((QUEUED, None, boards[-1]))
    for key, session, board in planned:
        prompt = _schedule(org, cohort=cohort, facilitator=facilitator, board=board, key=key, session=session)
        if prompt is None or prompt.release_at is None or prompt.release_at >= org.now:
            continue
        if prompt.status == "queued":
            with _travel(prompt.release_at):
                prompt_release(prompt_id=prompt.pk, now=prompt.release_at)
            prompt.refresh_from_db()
        _replies(org, cohort, prompt)
    if len(boards) > 1:
        _early(org, cohort, facilitator, boards[1])


def _early(org, cohort, facilitator, board) -> None:
    """On a quiet board, the next queued prompt goes out early, as the quiet-board job does: find a moment in
    the history when the board had had no new topic for the cohort's quiet days, and release it then."""
    from forums.models import Topic
    from onboarding.facilitation import selectors
    from onboarding.facilitation.models import PromptTemplate
    from onboarding.facilitation.services import prompt_clone, prompt_release

    template = PromptTemplate.objects.filter(key=EARLY).first()
    if template is None:
        return
    prompt = _existing(cohort, template, None)
    if prompt is None:
        with _travel(org.day(20, 9)):
            prompt = prompt_clone(actor=facilitator, template=template, cohort=cohort, board=board)
    if prompt.status == "queued":
        days = selectors.cohort_settings(cohort).quiet_days
        created = sorted(Topic.objects.filter(board=board).values_list("created_at", flat=True))
        when = _first_quiet_moment(org, created, since=org.day(25, 8), days=days)
        if when is None:
            return
        with _travel(when):
            prompt_release(prompt_id=prompt.pk, early=True, now=when)
        prompt.refresh_from_db()
    _replies(org, cohort, prompt)


def _first_quiet_moment(org, created: list[datetime], *, since: datetime, days: int) -> datetime | None:
    """The first 08:15 on or after ``since`` when no topic had been started in the ``days`` before."""
    for n in range(org.day_of(since), 88):
        moment = org.day(n, 8, 15)
        if moment < since:
            continue
        recent = [t for t in created if moment - timedelta(days=days) <= t < moment]
        if not recent:
            return moment
    return None


def _replies(org, cohort, prompt) -> None:
    """Leaders who were around in the days after the prompt went out reply to it (about 1 in 3 of those
    who were likely to take part; the quiet cohort much less)."""
    from demo.forums import _publish
    from demo.org import DEMO_SEED
    from forums.models import Post
    from forums.services import DuplicateSubmission, post_reply

    topic = prompt.released_topic
    if topic is None:
        return
    # Keys from what stays the same when the demo is made again (ids do not): cohort, prompt, session, person.
    about = f"{cohort.slug}/{prompt.source.key if prompt.source else prompt.title}/{prompt.released_session_number}"
    keys = {
        "demo-fp-" + hashlib.sha256(f"{about}/{leader.email}".encode()).hexdigest()[:24]: leader
        for leader in org.leaders_by_cohort.get(cohort.pk, [])
    }
    done = set(Post.objects.filter(client_key__in=keys).values_list("client_key", flat=True))
    for key, leader in keys.items():
        draw = random.Random(f"{DEMO_SEED}-{key}")  # noqa: S311  (each reply its own stream: reruns agree)
        when = prompt.released_at + timedelta(hours=2 + draw.random() * 50)
        chance = org.propensity(leader, when) * 0.7
        pick = draw.randrange(len(REPLIES))
        if key in done or when >= org.now or draw.random() >= chance:
            continue
        with _travel(when):
            try:
                _publish(org, post_reply, actor=leader, when=when, topic=topic, body=REPLIES[pick], client_key=key)
            except DuplicateSubmission:
                continue


def _buddies(org, cohort, facilitator) -> None:
    from onboarding.facilitation.models import BuddyPair
    from onboarding.facilitation.services import buddies_pair

    if BuddyPair.objects.filter(cohort=cohort).exists():
        return
    leaders = org.leaders_by_cohort.get(cohort.pk, [])
    # Pair the quietest starters with someone more confident: the first two of each level mix.
    pairs = list(zip(leaders[0:4:2], leaders[1:4:2], strict=False))
    with _travel(org.day(3, 11)):
        for member, buddy in pairs:
            buddies_pair(actor=facilitator, cohort=cohort, member=member, buddy=buddy)


def _reviews(org, index, cohort, board) -> None:
    """Cohort by cohort: one leader's draft published after a comment, and one still open (in the first
    cohort it belongs to leader1, a demo sign-in)."""
    from onboarding.facilitation.models import ReviewRequest
    from onboarding.facilitation.services import review_comment, review_publish, review_request, review_revise

    leaders = org.leaders_by_cohort.get(cohort.pk, [])
    facilitator = org.facilitators[index] if index < len(org.facilitators) else None
    if len(leaders) < 2 or facilitator is None or ReviewRequest.objects.filter(cohort=cohort).exists():
        return
    from demo.forums import _acknowledge_policy

    published_by, open_by = leaders[1], leaders[0]
    start = org.day(30 + index, 10)
    _acknowledge_policy(org, published_by, start)
    with _travel(start):
        review = review_request(
            actor=published_by, cohort=cohort, kind="topic", board=board, title="Explaining a missed week",
            body=REVIEW_DRAFT, note="Does this sound like an excuse?",
        )  # fmt: skip
    with _travel(start + timedelta(hours=3)):
        review_comment(
            actor=facilitator, review=review,
            body="It reads as honest, not as an excuse. Put the two changes first; the storm can come second.",
        )  # fmt: skip
    with _travel(start + timedelta(hours=20)):
        review_revise(
            actor=published_by, review=review, title="Two changes after a missed week",
            body="<p>Two changes from next week: rota decisions by Thursday noon, and one shared board for delays. "
            "Why: the storm week showed we decide too late and tell people in too many places.</p>",
        )  # fmt: skip
    with _travel(start + timedelta(hours=21)):
        from onboarding import gate

        try:
            review_publish(actor=published_by, review=review)
        except gate.PublishRefused:
            review_publish(actor=published_by, review=review, post_anyway=True)
    later = org.now - timedelta(days=2, hours=3)
    with _travel(later):
        review = review_request(
            actor=open_by, cohort=cohort, kind="entry", title="What a month of reading the boards taught me",
            body="<p>I have read every post in our lounge for a month before writing anything. Three lessons "
            "stood out, and one of them is about me.</p>",
            note="First blog entry: is it too personal?", visibility="cohort",
        )  # fmt: skip
    with _travel(later + timedelta(hours=4)):
        review_comment(
            actor=facilitator, review=review,
            body="Not too personal at all: that is what makes it worth reading. Could you name the three lessons "
            "in the first paragraph?",
        )  # fmt: skip


def _nudges(org) -> None:
    """The quiet cohort's facilitator nudges members who have not posted, ten days before the end."""
    from demo.org import QUIET_COHORT
    from forums.models import Post
    from onboarding.facilitation.models import Nudge
    from onboarding.facilitation.services import nudge_send

    if min(len(org.cohorts), len(org.facilitators)) <= QUIET_COHORT:
        return
    cohort = org.cohorts[QUIET_COHORT]
    if Nudge.objects.filter(cohort=cohort).exists():
        return
    when = org.now - timedelta(days=10)
    posted = set(Post.objects.filter(created_at__lt=when).values_list("author_id", flat=True))
    quiet = [leader for leader in org.leaders_by_cohort.get(cohort.pk, []) if leader.pk not in posted][:6]
    if not quiet:
        return
    with _travel(when):
        nudge_send(
            actor=org.facilitators[QUIET_COHORT],
            cohort=cohort,
            recipients=quiet,
            message=(
                "Hello {first_name}, there is a new prompt in {cohort}: a two-line answer is plenty, and I am "
                "happy to look at a draft first."
            ),
            template="first_post",
        )
