"""Demo boards for the fictional organisation: topics, replies, reactions and moderation over 90 days.

Everything is written through the forum services while ``time_machine`` travels to the moment it
happens, so Activity rows, notifications, read positions and counters are the real ones. Who writes
when follows the people seed: events are placed on a person's back-dated sign-ins, drawn with
``org.propensity`` (growth over the 90 days, a flat quiet cohort, senior executives writing less).

Idempotent: every planned topic and reply carries a deterministic client key ("demo-…"), so a second
run finds them and adds nothing; boards are looked up by their slug; reactions, flags and edits are
only made when missing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import time_machine
from django.db import transaction
from django.utils.text import slugify

from demo.org import DEMO_DOMAIN, DEMO_SEED, QUIET_COHORT

SEED_OFFSET = 4  # the forums' own random stream, derived from the demo seed
ORG_BOARDS = [
    {
        "title": "Leaders' café",
        "description": "Open to everyone at Harbourview: ideas, questions and small wins from across the business.",
        "guidelines": (
            "Everyone in the organisation reads this board, so write as you would at an all-hands.\n"
            "Share the why behind a decision, not only the what.\n"
            "Name a team you want to thank: recognition in the open travels far."
        ),
    },
    {
        "title": "Ask the programme team",
        "description": "Questions about the programme, the tools or what is okay to post. No question is too small.",
        "guidelines": "Mark your post as a question: the answer that helped you gets accepted and shown first.",
    },
]


def _cohort_boards(cohort) -> list[dict]:
    return [
        {
            "title": f"{cohort.name} lounge",
            "description": f"Everyday conversation for {cohort.name}: what you tried, noticed or are unsure about.",
            "guidelines": (
                "This board is for our cohort only. Short posts are welcome.\n"
                "Ask a colleague by name with @ when you would like their view.\n"
                "Keep customer names, contract figures and unannounced plans out."
            ),
        },
        {
            "title": f"{cohort.name}: first steps",
            "description": "A low-stakes place for your first posts and practice replies. Nobody minds rough edges.",
            "guidelines": "Try something small: two sentences about your week, or one question for the group.",
        },
    ]


# ---------------------------------------------------------------- what people write (all invented)
TOPICS = [
    (
        "How much of a decision should I explain before it is final?",
        "question",
        "<p>We are changing the night-shift rota at the cross-dock. I want to explain the reasons early, "
        "but I worry that posting before it is final invites a flood of objections.</p>"
        "<p>Where do you draw the line?</p>",
    ),
    (
        "Two sentences about my week",
        "discussion",
        "<p>Trying the two-sentence habit from the session. This week the Felixstowe team cleared the backlog "
        "<strong>two days early</strong>, and I finally understood why the yard app confuses drivers.</p>",
    ),
    (
        "What do you do when a post gets no replies?",
        "question",
        "<p>I shared an update on Tuesday and heard nothing back. Silence feels worse than criticism. "
        "Did I write it wrong, or is this normal?</p>",
    ),
    (
        "Recognising a team in public without embarrassing them",
        "discussion",
        "<p>Our returns desk handled the storm week brilliantly. I would like to thank them here, but some of them "
        "are private people. How do you recognise a team in the open and keep it comfortable?</p>",
    ),
    (
        "A checklist I use before posting",
        "discussion",
        "<p>Sharing the list I keep next to my keyboard:</p><ul><li>Would I say this in a town hall?</li>"
        "<li>Is there a customer or a figure in it that should not be?</li>"
        "<li>Did I ask a real question at the end?</li></ul>"
        "<p>What would you add?</p>",
    ),
    (
        "Replying to criticism on a board",
        "question",
        "<p>Someone from another site replied to my post saying the new handover form is pointless. "
        "I want to answer without sounding defensive. Any phrases that have worked for you?</p>",
    ),
    (
        "Listening first: what I learned from a month of reading",
        "discussion",
        "<p>I have read this board every morning for a month before writing anything. Three things stood out: people "
        "answer questions faster than statements, short posts get more replies, and thanks are contagious.</p>",
    ),
    (
        "Is it okay to admit I got something wrong?",
        "question",
        "<p>Last quarter I pushed the new picking layout too fast. I would like to say so openly and explain what "
        "we will do differently. Is that a strength here, or does it invite trouble?</p>",
    ),
    (
        "How often do you post?",
        "question",
        "<p>I am aiming for once a week. Some of you seem to manage a short note every day. What rhythm works for you "
        "alongside everything else?</p>",
    ),
    (
        "Sharing a site visit in three photos' worth of words",
        "discussion",
        "<p>Visited the Leeds hub yesterday. <em>What impressed me:</em> the shift leads run a five-minute stand-up "
        "at the loading bay. <em>What surprised me:</em> nobody had heard of our new safety dashboard.</p>",
    ),
    (
        "Writing for people who read on their phones",
        "discussion",
        "<p>Most of our drivers and floor teams read on a phone between jobs. I now put the one thing I need from them "
        "in the first line. Has anyone measured whether that helps?</p>",
    ),
    (
        "What should a leader never post?",
        "question",
        "<p>Beyond the obvious confidential material, what do you steer clear of? I am thinking of half-finished "
        "plans, jokes that do not travel, and anything about individual performance.</p>",
    ),
    (
        "Asking the floor for ideas: it worked",
        "discussion",
        "<p>I asked the night team here how to cut the queue at gate 3. Eleven replies in two days and one idea we "
        "are trying next week: <strong>pre-booked slots for regular hauliers</strong>.</p>",
    ),
    (
        "Turning a team meeting into a short post",
        "discussion",
        "<p>After each Monday meeting I now write a five-line summary here instead of sending minutes. "
        "Fewer emails, and people from other teams join in. Recommend trying it.</p>",
    ),
    (
        "How do you keep the tone warm when you are under pressure?",
        "question",
        "<p>When volumes spike I write shorter and sharper. I have noticed replies dry up in those weeks. "
        "How do you keep warmth in your writing on a bad day?</p>",
    ),
    (
        "The blank page problem",
        "discussion",
        "<p>I open the composer, stare at it and close it again. What finally got you over the first post?</p>",
    ),
    (
        "Is a board the right place for bad news?",
        "question",
        "<p>We are closing the Saturday shift at one site. I would rather people hear it from me than from the "
        "grapevine, but a board post feels cold. Board, meeting, or both?</p>",
    ),
    (
        "What I learned from my first month of replies",
        "discussion",
        "<p>I set myself a goal of one reply a day. Replies turned out to be easier than posts and people remember "
        "them. My favourite was a thank-you that started a whole thread of ideas.</p>",
    ),
    (
        "Inviting quieter colleagues into the conversation",
        "question",
        "<p>A few people on my team read everything and never write. How do you invite them in without putting "
        "them on the spot?</p>",
    ),
    (
        "Our customer-service team's weekly highlight",
        "discussion",
        "<p>New habit: every Friday I post one thing the service desk did well. This week: a driver rerouted "
        "around the bridge closure and still made every delivery window.</p>",
    ),
    (
        "How do you handle a post you regret?",
        "question",
        "<p>I wrote something sharp after a long day. Edit it, remove it, or reply with an apology? "
        "What have you done?</p>",
    ),
    (
        "Explaining the why behind the new handover form",
        "discussion",
        "<p>The new handover form exists because two late loads last month had no notes at all. It takes two "
        "minutes and saves the next shift an hour. <strong>Questions welcome</strong>.</p>",
    ),
    (
        "Do you write differently for senior readers?",
        "question",
        "<p>When I know the executive team reads a board, I catch myself writing like a report. "
        "Should I, or is plain and short better for everyone?</p>",
    ),
    (
        "A small experiment with questions",
        "discussion",
        "<p>For two weeks I ended every post with a question. Replies doubled. The questions that worked best "
        "were specific: <em>which shift</em>, <em>which form</em>, <em>which day</em>.</p>",
    ),
]

REPLIES = [
    "<p>I explain the reasons early and say clearly what is still open. People want to know they will be heard.</p>",
    "<p>Same experience here. A question at the end of a post makes a big difference.</p>",
    "<p>Thank you for sharing this. It made me rethink how I write my Monday note.</p>",
    "<p>Silence is normal in the first weeks. Try asking one named colleague for their view.</p>",
    "<p>I thank the team and name the behaviour, not the individuals. That keeps it comfortable.</p>",
    "<p>I would add: read it once on your phone before posting.</p>",
    "<p>Admitting a mistake openly earned me more trust than any success post. Do it.</p>",
    "<p>Once a week is plenty. Consistency matters more than volume.</p>",
    "<p>Great example. We are seeing the same with the dashboard, so let us compare notes.</p>",
    "<p>First line first: yes. Our readers decide in a few seconds whether to read on.</p>",
    "<p>I avoid anything about a named person's performance, and anything a customer could recognise.</p>",
    "<p>Pre-booked slots worked for us at the northern hub too. Happy to share the rota template.</p>",
    "<p>Five-line summaries are a brilliant idea. Borrowing this for my own team.</p>",
    "<p>On bad days I write a draft, make a coffee, then cut it by half and add a thank-you.</p>",
    "<p>What got me going was replying to someone else's post first. Much less daunting.</p>",
    "<p>I keep a note of questions people ask me in corridors. Each one is a ready-made post.</p>",
    "<p>Good point. I had not thought about how this reads for the night shift.</p>",
    "<p>We tried this last quarter. The trick was to keep it short and ask for one thing only.</p>",
    "<p>This is helpful, thank you. Could you share how the team reacted?</p>",
    "<p>Agreed. I would also link to the longer document for anyone who wants the detail.</p>",
    "<p>Useful. I tried something similar and the replies came from people I had never heard from before.</p>",
    "<p>Could we turn this into a short checklist for the whole cohort?</p>",
    "<p>Honest answer: I still find this hard. Reading how others do it helps.</p>",
    "<p>We did this at the southern depot last month. Happy to walk you through it at the next session.</p>",
    "<p>My team said the same thing when I asked them. Short and specific wins every time.</p>",
    "<p>I like the idea of ending with a question. Stealing it for Friday's update.</p>",
    "<p>One thing that helped me: write it as if you were explaining it to a new starter.</p>",
    "<p>Thank you, this is the nudge I needed to post my own update.</p>",
    "<p>Interesting. I would be careful with timing: Monday mornings are busiest for the yard teams.</p>",
    "<p>Great to see this here rather than in an email chain. Much easier to follow.</p>",
    "<p>I read this twice. The second paragraph is exactly the situation we are in.</p>",
    "<p>Does anyone have an example of a post like this that went badly? I would learn from that too.</p>",
    "<p>Agree with the above. A photo of the whiteboard would make it even clearer.</p>",
    "<p>For what it is worth, my first post felt awkward and nobody noticed the awkwardness but me.</p>",
    "<p>Let us compare notes after the next session: I am trying the same thing with the fleet team.</p>",
]

WELCOME = (
    "Welcome: introduce yourself in two sentences",
    "<p>Welcome to the board. To get us started, reply with <strong>two sentences</strong>: what your team does, "
    "and one thing you would like to get better at in writing for colleagues.</p>"
    "<p>There are no wrong answers, and nobody outside the cohort can read this board.</p>",
)


@dataclass
class Plan:
    """One demo event, placed at a moment in the history."""

    when: datetime
    kind: str  # "topic", "reply", "react", "read", "accept", "edit"
    actor: object
    key: str = ""
    board_key: str = ""
    topic_key: str = ""
    payload: dict = field(default_factory=dict)


def _travel(when: datetime):
    return time_machine.travel(when, tick=False)


def _acknowledge_policy(org, user, when: datetime) -> None:
    """Onboarding's gate refuses posts until the policy is acknowledged: demo people acknowledge it when
    onboarding's demo says they do (12 minutes after joining, or just before an earlier first post)."""
    from onboarding.selectors.policy import current_version, has_acknowledged_current
    from onboarding.services.policy import policy_acknowledge

    if current_version() is None or has_acknowledged_current(user):
        return
    joined = org.joined.get(user.pk) or user.date_joined
    at = joined + timedelta(minutes=12)
    if when <= at:
        at = max(joined, when - timedelta(minutes=5))
    with _travel(at):
        policy_acknowledge(actor=user)


def _publish(org, write, *, actor, when: datetime, **kwargs):
    """Write through the real entry point (topic_create or post_reply), the way a person would: acknowledge
    the policy first if needed; if the coach warns, they read it and post anyway; a banned term stops them."""
    from onboarding import gate

    _acknowledge_policy(org, actor, when)
    try:
        return write(actor=actor, **kwargs)
    except gate.PublishRefused as refusal:
        if refusal.reason != "coach_warn":
            return None
        return write(actor=actor, post_anyway=True, **kwargs)


def _rng() -> random.Random:
    return random.Random(DEMO_SEED + SEED_OFFSET)  # noqa: S311  (a reproducible demo, not a secret)


# ---------------------------------------------------------------- boards
def _ensure_board(org, *, actor, cohort, spec, when) -> object:
    from forums.models import Board
    from forums.services import board_create

    slug = slugify(spec["title"])
    board = Board.objects.filter(slug=slug).first()
    if board is None:
        with _travel(when):
            board = board_create(
                actor=actor, cohort=cohort, title=spec["title"], description=spec["description"],
                guidelines=spec["guidelines"],
            )  # fmt: skip
    return board


def _boards(org) -> dict[str, object]:
    boards = {}
    for index, cohort in enumerate(org.cohorts):
        facilitator = org.facilitators[index] if index < len(org.facilitators) else org.admin
        for n, spec in enumerate(_cohort_boards(cohort)):
            boards[f"{index}-{n}"] = _ensure_board(
                org, actor=facilitator, cohort=cohort, spec=spec, when=org.day(0, 8, 30 + n)
            )
    for n, spec in enumerate(ORG_BOARDS):
        boards[f"org-{n}"] = _ensure_board(org, actor=org.admin, cohort=None, spec=spec, when=org.day(0, 8, 10 + n))
    return boards


# ---------------------------------------------------------------- the plan (deterministic)
def _plan(org) -> list[Plan]:
    rng = _rng()
    events: list[Plan] = []
    topic_n = 0
    per_cohort = dict.fromkeys(range(len(org.cohorts)), 0)
    for index, cohort in enumerate(org.cohorts):
        quiet = index == QUIET_COHORT
        facilitator = org.facilitators[index] if index < len(org.facilitators) else org.admin
        events.append(
            Plan(org.day(1, 9, 5), "topic", facilitator, key=f"demo-welcome-{index}", board_key=f"{index}-0",
                 payload={"title": WELCOME[0], "body": WELCOME[1], "kind": "discussion", "pin": True})
        )  # fmt: skip
        members = org.leaders_by_cohort.get(cohort.pk, [])
        for person in members:
            level = person.profile.management_level or 2
            # senior executives start fewer conversations; everyone replies more than they start
            topic_rate = (0.012 if quiet else 0.03) * {1: 0.5, 2: 1.0, 3: 0.9}[level]
            reply_rate = 0.08 if quiet else 0.4
            for moment in org.sign_ins.get(person.pk, []):
                if moment < org.day(1) or moment > org.now:
                    continue
                draw = rng.random() * max(org.propensity(person, moment), 0.05) / 0.5
                when = moment + timedelta(minutes=rng.randint(3, 40))
                if when >= org.now:
                    continue
                if draw < topic_rate:
                    # each cohort works through the topics from its own starting point: few repeats
                    title, kind, body = TOPICS[(index * 8 + per_cohort[index]) % len(TOPICS)]
                    per_cohort[index] += 1
                    topic_n += 1
                    board_key = f"{index}-{0 if rng.random() < 0.7 else 1}"
                    events.append(
                        Plan(when, "topic", person, key=f"demo-t{topic_n}", board_key=board_key,
                             payload={"title": title, "body": body, "kind": kind})
                    )  # fmt: skip
                elif rng.random() < reply_rate:
                    events.append(Plan(when, "reply", person, payload={"cohort": index, "seed": rng.random()}))
                if rng.random() < (0.1 if quiet else 0.3):
                    events.append(
                        Plan(
                            when + timedelta(minutes=2),
                            "react",
                            person,
                            payload={"cohort": index, "seed": rng.random()},
                        )
                    )
                if rng.random() < 0.5:
                    events.append(Plan(when + timedelta(minutes=1), "read", person, payload={"cohort": index}))
    # the organisation-wide boards: the programme team and the keenest leaders
    staff = [p for p in [org.analyst, *org.facilitators] if p is not None]
    for n, (title, kind, body) in enumerate(TOPICS[:6]):
        author = org.leaders[(n * 7) % len(org.leaders)] if n % 2 else staff[n % len(staff)]
        day = 10 + n * 13
        events.append(
            Plan(org.day(day, 10, 20), "topic", author, key=f"demo-org{n}", board_key=f"org-{n % 2}",
                 payload={"title": title, "body": body, "kind": kind})
        )  # fmt: skip
        for r in range(1 + n % 3):
            replier = org.leaders[(n * 11 + r * 5 + 3) % len(org.leaders)]
            events.append(
                Plan(org.day(day, 13 + r, 15), "reply", replier, topic_key=f"demo-org{n}",
                     payload={"seed": (n + r) / 10})
            )  # fmt: skip
    # moderation the demo shows, in its place on the timeline (cohort 0's facilitator)
    if org.facilitators:
        for step, when in ((1, org.day(70, 11)), (2, org.day(86, 10)), (3, org.day(86, 16))):
            events.append(Plan(when, "moderate", org.facilitators[0], key=f"demo-m{step}", payload={"step": step}))
    events.sort(key=lambda e: (e.when, e.kind, e.key))
    reply_n = 0
    for event in events:
        if event.kind == "reply":
            reply_n += 1
            event.key = f"demo-r{reply_n}"
    return events


# ---------------------------------------------------------------- writing the plan
def seed(org) -> None:
    """Create the demo boards and replay the planned history through the services (idempotent)."""
    from forums.models import Post, Topic

    if not org.cohorts or org.admin is None:
        return
    boards = _boards(org)
    if Post.objects.filter(client_key="demo-m2").exists() and org.facilitators:
        # the history is there; only the last (idempotent) moderation step may be missing
        last = Plan(org.day(86, 16), "moderate", org.facilitators[0], key="demo-m3", payload={"step": 3})
        with _travel(last.when):
            _moderate(org, boards, last)
        return
    plan = _plan(org)
    keys = [e.key for e in plan if e.kind in ("topic", "reply")]
    done = set(Topic.objects.filter(client_key__in=keys).values_list("client_key", flat=True))
    done |= set(Post.objects.filter(client_key__in=keys).values_list("client_key", flat=True))
    topics_by_key = {t.client_key: t for t in Topic.objects.filter(client_key__startswith="demo-")}
    recent: dict[int, list] = {}  # cohort index -> topics, oldest first
    for topic in sorted(topics_by_key.values(), key=lambda t: t.created_at):
        recent.setdefault(_cohort_index(org, topic), []).append(topic)
    for event in plan:
        if event.when >= org.now:
            continue
        with _travel(event.when):
            if event.kind == "topic":
                _topic(event, boards, topics_by_key, recent, org, done)
            elif event.kind == "reply":
                _reply(org, event, topics_by_key, recent, done)
            elif event.kind == "react":
                _react(event, recent)
            elif event.kind == "read":
                _read(event, recent)
            elif event.kind == "moderate":
                _moderate(org, boards, event)


def _before(topics: list, when: datetime, n: int) -> list:
    """The last ``n`` of ``topics`` started before ``when`` (the same on every run)."""
    return [t for t in topics if t.created_at < when][-n:]


def _cohort_index(org, topic) -> int | None:
    for index, cohort in enumerate(org.cohorts):
        if topic.board.cohort_id == cohort.pk:
            return index
    return None


def _topic(event, boards, topics_by_key, recent, org, done) -> None:
    from forums.services import DuplicateSubmission, topic_create, topic_pin_set

    if event.key in done:
        return
    board = boards[event.board_key]
    try:
        topic = _publish(
            org,
            topic_create,
            actor=event.actor,
            when=event.when,
            board=board,
            title=event.payload["title"],
            body=event.payload["body"],
            kind=event.payload["kind"],
            client_key=event.key,
        )
    except DuplicateSubmission:
        return
    if topic is None:
        return
    if event.payload.get("pin"):
        topic_pin_set(actor=event.actor, topic=topic, pinned=True, reason="Start here")
    topics_by_key[event.key] = topic
    recent.setdefault(_cohort_index(org, topic), []).append(topic)


def _reply(org, event, topics_by_key, recent, done) -> None:
    from django.core.exceptions import ValidationError

    from forums import permissions
    from forums.models import Topic
    from forums.selectors.quotes import quote_html
    from forums.services import DuplicateSubmission, post_reply, topic_accept_answer

    if event.key in done:
        return
    rng = random.Random(event.key)  # noqa: S311  (each event draws from its own stream: reruns agree)
    if event.topic_key:
        topic = topics_by_key.get(event.topic_key)
    else:
        candidates = _before(recent.get(event.payload["cohort"], []), event.when, 8)
        topic = candidates[int(event.payload["seed"] * len(candidates))] if candidates else None
    if topic is None:
        return
    topic = Topic.objects.select_related("board__cohort", "author__profile", "last_post__author__profile").get(
        pk=topic.pk
    )
    if not permissions.can_reply(event.actor, topic):
        return
    body = REPLIES[rng.randrange(len(REPLIES))]
    last = topic.last_post
    roll = rng.random()
    if roll < 0.15 and last is not None and last.author_id != event.actor.pk:
        body = quote_html(last) + body
    elif roll < 0.3 and topic.author_id and topic.author_id != event.actor.pk:
        body = body.replace("<p>", f"<p>@{topic.author.display_name} ", 1)
    try:
        post = _publish(
            org, post_reply, actor=event.actor, when=event.when, topic=topic, body=body, client_key=event.key
        )
    except (ValidationError, DuplicateSubmission):  # slow mode, or the same words twice in a minute
        return
    if post is None:
        return
    if topic.is_question and topic.accepted_post_id is None and topic.author_id != event.actor.pk and roll > 0.5:
        with _travel(event.when + timedelta(hours=3)):
            topic_accept_answer(actor=topic.author, topic=topic, post=post)


def _react(event, recent) -> None:
    from forums.models import Post, Reaction
    from forums.services import reaction_toggle

    topics = _before(recent.get(event.payload["cohort"], []), event.when, 6)
    if not topics:
        return
    rng = random.Random(f"{event.actor.email}-{event.when.isoformat()}")  # noqa: S311  (reruns agree)
    topic = topics[int(event.payload["seed"] * len(topics))]
    posts = list(
        Post.objects.filter(topic=topic, created_at__lt=event.when, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(author=event.actor)
        .order_by("-number")[:4]
    )
    if not posts:
        return
    post = posts[rng.randrange(len(posts))]
    kind = rng.choice(["like", "like", "thanks", "insightful"])
    if not Reaction.objects.filter(post=post, user=event.actor, kind=kind).exists():
        reaction_toggle(actor=event.actor, post=post, kind=kind)


def _read(event, recent) -> None:
    from forums.models import Topic
    from forums.services import read_state_mark

    for topic in _before(recent.get(event.payload["cohort"], []), event.when, 3):
        number = Topic.objects.filter(pk=topic.pk).values_list("last_post_number", flat=True).first() or 0
        read_state_mark(user=event.actor, topic=topic, number=number)


# ---------------------------------------------------------------- moderation that the demo shows
def _moderate(org, boards, event) -> None:
    """1: a post naming a contract, flagged twice and hidden with a kind message; 2: a post waiting in the
    review queue with one flag; 3: a lively topic slowed down and a wrapped-up topic locked (never welcome)."""
    from forums.models import Flag, Post
    from forums.services import flag_create, flag_resolve, post_reply, topic_lock_set, topic_slow_mode_set

    facilitator = event.actor
    members = org.leaders_by_cohort.get(org.cohorts[0].pk, [])
    lounge = boards["0-0"]
    topic = lounge.topics.filter(client_key__startswith="demo-t").order_by("created_at").first()
    if len(members) < 4 or topic is None:
        return
    author, flagger, second, third = members[:4]
    step = event.payload["step"]
    if step == 1 and not Post.objects.filter(client_key=event.key).exists():
        leak = _publish(
            org, post_reply, actor=author, when=event.when, topic=topic, client_key=event.key,
            body="<p>For context, the Northgate Retail renewal is worth about 4.2m to us, so the rota change "
                 "really matters.</p>",
        )  # fmt: skip
        if leak is None:
            return
        with _travel(event.when + timedelta(hours=1)):
            flag_create(actor=flagger, target=leak, reason=Flag.Reason.CONFIDENTIAL)
            flag_create(actor=second, target=leak, reason=Flag.Reason.CONFIDENTIAL)
        with _travel(event.when + timedelta(hours=4)):
            flag_resolve(
                actor=facilitator, target=leak, action="hide_message",
                message="Thanks for the context! Contract values stay off the boards; could you repost without "
                        "the figure and the customer's name?",
            )  # fmt: skip
    elif step == 2 and not Post.objects.filter(client_key=event.key).exists():
        waiting = _publish(
            org, post_reply, actor=second, when=event.when, topic=topic, client_key=event.key,
            body="<p>Honestly, the last three rota changes were a shambles and everyone on nights knows who "
                 "to blame.</p>",
        )  # fmt: skip
        if waiting is None:
            return
        with _travel(event.when + timedelta(hours=2)):
            flag_create(
                actor=third, target=waiting, reason=Flag.Reason.INAPPROPRIATE,
                text="Feels like it points at a colleague; could a facilitator have a look?",
            )  # fmt: skip
    elif step == 3:
        topic_slow_mode_set(actor=facilitator, topic=topic, minutes=15, reason="Cooling off after a lively day")
        # The pinned welcome topic stays open: newcomers are sent there to introduce themselves (issue 17).
        # A wrapped-up ordinary topic shows what a lock looks like instead.
        wrapped = (
            lounge.topics.filter(client_key__startswith="demo-t", is_pinned=False)
            .exclude(pk=topic.pk)
            .order_by("created_at")
            .first()
        )
        if wrapped is not None:
            topic_lock_set(actor=facilitator, topic=wrapped, locked=True, reason="Wrapped up; thanks all")


def reset() -> None:
    """Remove what the demo created that does not disappear with the demo cohorts: org-wide boards, flags."""
    from django.contrib.contenttypes.models import ContentType

    from forums.models import Board, Flag, ModerationAction, Post

    with transaction.atomic():
        slugs = [slugify(spec["title"]) for spec in ORG_BOARDS]
        post_ids = list(Post.objects.filter(client_key__startswith="demo-").values_list("pk", flat=True))
        Flag.objects.filter(content_type=ContentType.objects.get_for_model(Post), object_id__in=post_ids).delete()
        ModerationAction.objects.filter(summary__in=[f"Board “{spec['title']}”" for spec in ORG_BOARDS]).delete()
        # Audit rows outlive their cohort and actor (SET_NULL): remove the demo people's and the system's
        # actions on demo posts, so a reset demo is the same demo.
        ModerationAction.objects.filter(actor__email__endswith=f"@{DEMO_DOMAIN}").delete()
        ModerationAction.objects.filter(
            actor__isnull=True, content_type=ContentType.objects.get_for_model(Post), object_id__in=post_ids
        ).delete()
        Board.objects.filter(slug__in=slugs).delete()
