"""Demo blogs for the fictional organisation: 90 days of entries, comments, reads and tag follows.

Written through the blog services at back-dated moments (``time_machine``), so the activity log, the
notifications and the read counts are what the real code paths produce. The influential leaders
(``org.influencers``, already followed by many) write more and are read and answered more; each cohort's
facilitator keeps a cohort blog; a few entries were scheduled and published by the job; a few drafts and
one scheduled entry wait for ``leader1``. Idempotent: every entry has a fixed slug and is written (with
its comments and reads) only if it is missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

SEED_OFFSET = 5  # blogs' own random stream, derived from the demo seed

TAGS = [
    "first steps", "listening", "customers", "safety", "teams", "feedback", "change",
    "learning in public", "depots", "strategy",
]  # fmt: skip

# Fictional entries in our own words: (title, summary, paragraphs, tags).
ENTRIES = [
    (
        "What my first week of posting taught me",
        "I expected silence or criticism. I got questions, and two useful ones.",
        [
            "I had put off writing anything here for a month. The blank page felt like a stage.",
            "<strong>What changed my mind</strong> was a colleague from the Leeds depot answering a question I "
            "had been asking in meetings for weeks, in three lines, in public, where everyone could learn from it.",
            "So here is my first note: short, unpolished and honest. Tell me what you would add.",
        ],
        ["first steps", "learning in public"],
    ),
    (
        "Three questions I ask before I post",
        "A small checklist that took the fear out of pressing Publish.",
        [
            "Before anything goes out I ask myself three things:",
            "<ul><li>Would I say this in the canteen, with the team listening?</li>"
            "<li>Does it name a customer, a figure or a person who has not agreed to be named?</li>"
            "<li>Does it end with something a colleague can answer?</li></ul>",
            "If the answers are yes, no and yes, I publish. The coach in the editor checks the second one too.",
        ],
        ["first steps", "safety"],
    ),
    (
        "Night shift listening tour: notes from the cross-dock",
        "Four nights, forty conversations, one theme: people want to know why.",
        [
            "I spent four nights on the cross-dock floor this month. No slides, no agenda.",
            "<h2>What I heard</h2>",
            "The night team rarely hears the reasons behind changes. They hear the change, a week late, "
            "from a printed notice. Several asked whether leaders read anything they write.",
            "I am trying something: every change I sponsor gets a short entry here explaining why, and I "
            "will answer comments within a day.",
        ],
        ["listening", "depots"],
    ),
    (
        "Why I stopped lurking",
        "Reading without replying felt safe. It also meant nobody knew what I thought.",
        [
            "For six weeks I read every board and never wrote a word.",
            "Then a front-line manager asked a question I could answer and nobody else had. Leaving it "
            "unanswered felt worse than answering it badly.",
            "<em>Lurking is a fine start.</em> It is not a good place to stay.",
        ],
        ["first steps", "learning in public"],
    ),
    (
        "Customer complaints as a learning feed",
        "What happens when we read complaints together instead of routing them.",
        [
            "Our regional team now reads the week's five hardest complaints together, on a board, every Friday.",
            "The surprise: the best fixes came from drivers, who see the moment things go wrong.",
            "I would like to try this with a second region. Who is in?",
        ],
        ["customers", "teams"],
    ),
    (
        "Feedback in public, praise in public",
        "A small habit: thank people where others can see it.",
        [
            "Private thanks are kind. Public thanks teach everyone what good looks like.",
            "This month I have written one short note of thanks a week here. Three people told me it was the "
            "first time a senior leader had named their work in front of the organisation.",
        ],
        ["feedback", "teams"],
    ),
    (
        "Explaining the new routing system before it arrives",
        "The why, the when and what will not change.",
        [
            "<h2>Why</h2>",
            "Our routes are planned on a system that cannot see live traffic. The new one can.",
            "<h2>What will not change</h2>",
            "Drivers keep the final say on safety. Nobody will be asked to break a rest rule to meet a slot.",
            "Ask me anything below; I will collect the questions for the rollout sessions.",
        ],
        ["change", "strategy"],
    ),
    (
        "Safety walks: what the photos told us",
        "A colleague's idea: post one photo a week of something we fixed.",
        [
            "Each site now posts one before-and-after photo a week on its board.",
            "The photos spread faster than any bulletin. Two sites copied a fix within days.",
        ],
        ["safety", "depots"],
    ),
    (
        "What I got wrong about reply-all culture",
        "Moving a decision from e-mail to a board halved the time it took.",
        [
            "A forty-person e-mail thread about the holiday rota became one topic on our cohort board.",
            "People read the history instead of asking for it, and the decision took two days, not five.",
        ],
        ["teams", "change"],
    ),
    (
        "A leader's reading list for this quarter",
        "The blogs and boards I read every morning, and why.",
        [
            "I have started my day with fifteen minutes of reading here, before e-mail.",
            "<ol><li>Two colleagues who write about depot operations.</li>"
            "<li>The tag <em>customers</em>.</li><li>One board outside my own area.</li></ol>",
            "I collect them in one feed reader using the Feeds page. It is the first habit from this programme "
            "I expect to keep.",
        ],
        ["learning in public", "strategy"],
    ),
    (
        "Learning from a post that went badly",
        "My announcement was read as a done deal. Here is what I changed.",
        [
            "Last month I posted about the warehouse layout as if it were decided. It was not, and the replies "
            "said so, politely but clearly.",
            "I edited the entry to say what was still open and thanked people for pushing back. The next "
            "version of the plan is better for it.",
        ],
        ["feedback", "learning in public"],
    ),
    (
        "Small experiments with our weekly huddle",
        "Posting the agenda the day before changed who spoke.",
        [
            "We now post the huddle agenda on our board the afternoon before.",
            "Quieter team members arrive with written points. The loudest voices no longer set the agenda.",
        ],
        ["teams", "listening"],
    ),
]
COHORT_ENTRIES = [
    (
        "Welcome to the cohort blog",
        "What this space is for and how we will use it.",
        [
            "This blog is where your facilitators share notes between sessions: a summary, a question to "
            "think about, and links to the best conversations on the boards.",
            "You are very welcome to comment. There are no wrong questions here.",
        ],
        ["first steps"],
    ),
    (
        "Between sessions: try one small post",
        "This fortnight's challenge is deliberately small.",
        [
            "Before our next session, reply to one colleague's post with a question or a thank-you.",
            "That is all. Two sentences count.",
        ],
        ["first steps", "learning in public"],
    ),
    (
        "Session notes: writing for your team, not for the board",
        "Our notes from the session on writing with a reader in mind.",
        [
            "We practised writing the same message three times, each for a different reader.",
            "<strong>The lesson:</strong> the version written for one named colleague was the one everyone preferred.",
        ],
        ["feedback", "teams"],
    ),
]
COMMENTS = [
    "Thank you for writing this down. It matches what we see at our site.",
    "This helped me. I have been putting off my first entry for the same reasons.",
    "Could you say more about how you chose which questions to answer first?",
    "We tried something similar in the north region; happy to compare notes.",
    "The point about explaining the why is the one I will take into my team meeting.",
    "Honest and useful. More of this, please.",
    "I disagree a little: some changes need a decision before a discussion. But the tone matters.",
    "Saving this for our next huddle.",
]
REPLIES = [
    "Thanks, that is a fair challenge. I will write a follow-up.",
    "Yes please, let's compare notes next week.",
    "Good question. Mostly the ones I heard more than twice.",
]


@dataclass
class Planned:
    author: object
    content: tuple
    when: datetime
    cohort_blog: object = None
    limited: bool = False
    scheduled: bool = False
    updated: bool = False


def _travel(when: datetime):
    import time_machine

    return time_machine.travel(when, tick=False)


def _body(paragraphs: list[str]) -> str:
    return "".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)


def _slug(title: str) -> str:
    from django.utils.text import slugify

    return slugify(title)[:100]


def _plan(org, rng: random.Random) -> list[Planned]:
    """Who writes what, when: influencers most, some other leaders a little, facilitators on cohort blogs."""
    last_day = max(5, org.day_of(org.now) - 1)
    plan: list[Planned] = []

    def moment(person, first_day: int) -> datetime | None:
        joined = org.joined.get(person.pk, org.start)
        start = max(first_day, org.day_of(joined) + 2)
        if start > last_day:
            return None
        day = rng.randint(start, last_day)
        return org.day(day, rng.randint(7, 18), rng.choice([0, 10, 20, 35, 45]))

    influencers = list(org.influencers)
    others = [p for p in org.leaders if p not in influencers]
    quiet = org.cohorts[2].pk if len(org.cohorts) > 2 else None
    active_others = [p for p in others if not any(p in v for k, v in org.leaders_by_cohort.items() if k == quiet)]
    writers = rng.sample(active_others, min(12, len(active_others)))
    for person in influencers:
        for content in rng.sample(ENTRIES, rng.randint(4, 6)):
            if when := moment(person, 4):
                plan.append(Planned(person, content, when, limited=rng.random() < 0.2, updated=rng.random() < 0.2))
    for person in writers:
        for content in rng.sample(ENTRIES, rng.randint(1, 2)):
            if when := moment(person, 20):
                plan.append(Planned(person, content, when, limited=rng.random() < 0.3, scheduled=rng.random() < 0.3))
    for cohort, facilitator in zip(org.cohorts, org.facilitators, strict=False):
        for index, content in enumerate(COHORT_ENTRIES):
            when = org.day(3 + index * 25 + rng.randint(0, 5), 8, 30)
            if when < org.now - timedelta(hours=2):
                plan.append(Planned(facilitator, content, when, cohort_blog=cohort, limited=True))
    plan.sort(key=lambda p: p.when)
    return plan


def seed(org) -> None:
    from demo.org import DEMO_SEED

    # Each step draws from its own stream, and each entry from its own, so that what already exists
    # (skipped on a second run) never shifts the choices made for what is still missing.
    def stream(n: int) -> random.Random:
        return random.Random(DEMO_SEED * 100 + SEED_OFFSET * 10_000 + n)  # noqa: S311  (a reproducible demo)

    _tag_follows(org, stream(0))
    for index, planned in enumerate(_plan(org, stream(1))):
        _write(org, stream(100 + index), planned)
    _waiting_work(org)


def _readers_of(org, entry) -> list:
    from blogs import permissions

    people = [p for p in org.leaders + org.facilitators if p.pk != entry.author_id]
    return [p for p in people if permissions.can_view_entry(p, entry)]


def _write(org, rng: random.Random, planned: Planned) -> None:
    # The boards' demo already knows how a demo person passes onboarding's gate (acknowledge the policy
    # when onboarding's history says they did; read a coach warning and post anyway): reuse it.
    from blogs.models import Entry
    from blogs.services import comments, entries, publishing, reads
    from demo.forums import _acknowledge_policy, _publish

    title, summary, paragraphs, tags = planned.content
    author = planned.author
    if Entry.objects.filter(author=author, slug=_slug(title)).exists():
        return
    cohort = None
    if planned.limited and planned.cohort_blog is None:
        cohort = author.cohorts.order_by("pk").first()
    visibility = Entry.Visibility.COHORT if (planned.limited and (cohort or planned.cohort_blog)) else "org"
    with _travel(planned.when - timedelta(hours=rng.randint(3, 30))):
        entry = entries.entry_create(
            actor=author,
            title=title,
            slug=_slug(title),
            summary=summary,
            body=_body(paragraphs),
            tags=tags,
            cohort_blog=planned.cohort_blog,
            visibility=visibility,
            cohort=cohort,
        )
        if planned.scheduled:
            publishing.entry_schedule(actor=author, entry=entry, publish_at=planned.when)
    _acknowledge_policy(org, author, planned.when - timedelta(hours=1))
    if planned.scheduled:
        with _travel(planned.when + timedelta(seconds=rng.randint(5, 55))):
            publishing.entry_publish_due()  # the beat job's minute
    else:
        with _travel(planned.when):
            publishing.entry_publish(actor=author, entry=entry)
    entry.refresh_from_db()
    if planned.updated:
        later = planned.when + timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 5))
        if later < org.now:
            with _travel(later):
                extra = "<p><em>Update:</em> thank you for the comments; I have added what several of you asked.</p>"
                entries.entry_update(
                    actor=author,
                    entry=entry,
                    title=title,
                    slug=entry.slug,
                    summary=summary,
                    body=_body(paragraphs) + extra,
                    tags=tags,
                    visibility=entry.visibility,
                    cohort=entry.cohort,
                )
    influential = author in org.influencers
    readers = _readers_of(org, entry)
    rng.shuffle(readers)
    n_reads = min(len(readers), rng.randint(15, 35) if influential else rng.randint(2, 10))
    for person in readers[:n_reads]:
        at = planned.when + timedelta(hours=rng.uniform(0.2, 24 * 9))
        if at < org.now and at > org.joined.get(person.pk, org.start):
            with _travel(at):
                reads.entry_read_record(reader=person, entry=entry)
    commenters = readers[: min(n_reads, rng.randint(3, 8) if influential else rng.randint(0, 3))]
    made = []
    for index, person in enumerate(commenters):
        at = planned.when + timedelta(hours=2 + index * rng.uniform(2, 20))
        if at >= org.now:
            break
        if at <= org.joined.get(person.pk, org.start):
            continue
        body = f"<p>{rng.choice(COMMENTS)}</p>"
        with _travel(at):
            comment = _publish(org, comments.comment_create, actor=person, when=at, entry=entry, body=body)
        if comment is not None:
            made.append(comment)
    if made and rng.random() < 0.6:
        at = made[0].created_at + timedelta(hours=rng.randint(1, 12))
        if at < org.now:
            body = f"<p>{rng.choice(REPLIES)}</p>"
            with _travel(at):
                _publish(org, comments.comment_create, actor=author, when=at, entry=entry, body=body, parent=made[0])


def _tag_follows(org, rng: random.Random) -> None:
    from blogs.models import Tag, TagFollow
    from blogs.services.follows import tag_follow_create
    from blogs.tagging import tag_slug

    tags = {}
    for name in TAGS:
        tags[name] = Tag.objects.get_or_create(slug=tag_slug(name), defaults={"name": name})[0]
    followers = rng.sample(org.leaders, min(20, len(org.leaders)))
    for person in followers:
        for name in rng.sample(TAGS, rng.randint(1, 2)):
            joined = org.joined.get(person.pk, org.start)
            at = max(joined, org.start) + timedelta(days=rng.randint(2, 30), hours=rng.randint(1, 8))
            if TagFollow.objects.filter(user=person, tag=tags[name]).exists():
                continue
            if at < org.now:
                with _travel(at):
                    tag_follow_create(actor=person, tag=tags[name])


def _waiting_work(org) -> None:
    """leader1's unfinished work: two drafts and one entry scheduled for tomorrow morning."""
    from blogs.models import Entry
    from blogs.services import entries, publishing
    from demo.org import DEMO_DOMAIN
    from portal.people.models import User

    person = User.objects.filter(email=f"leader1@{DEMO_DOMAIN}").first()
    if person is None or Entry.objects.filter(Q(author=person), ~Q(status=Entry.Status.PUBLISHED)).exists():
        return
    with _travel(org.now - timedelta(days=2)):
        entries.entry_create(
            actor=person,
            title="Half an idea about our depot huddles",
            body="<p>Still working on this one. What I want to say is…</p>",
            tags=["teams"],
        )
        entries.entry_create(actor=person, title="Notes for my first entry", body="<p>Points to cover:</p>")
    scheduled = entries.entry_create(
        actor=person,
        title="Why I am blogging from now on",
        summary="A short note on what I hope to get out of writing here.",
        body=_body(
            [
                "After a quarter of reading, I am going to write one short entry a fortnight.",
                "Not because I have answers: because writing in public is how I will learn the questions.",
            ]
        ),
        tags=["learning in public"],
    )
    tomorrow = timezone.localtime(org.now).replace(hour=8, minute=30, second=0, microsecond=0) + timedelta(days=1)
    publishing.entry_schedule(actor=person, entry=scheduled, publish_at=tomorrow)
