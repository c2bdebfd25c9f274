"""The prompts shipped with Keystone: short, warm openers for senior leaders, written for this product.

Each entry: key (stable, used by the installing migration and the demo), category, kind, title, body
(HTML the sanitiser keeps) and suggested timing around a formal session (days, negative = before; time
of day or None for the session's own time). ``{cohort}`` and ``{board}`` are filled in when a prompt is
cloned into a cohort's schedule.
"""

from __future__ import annotations

from datetime import time

MORNING = time(8, 0)
NINE = time(9, 0)

SHIPPED_PROMPTS: list[dict] = [
    # ---------------------------------------------------------------- welcome and introductions
    {
        "key": "welcome-three-lines",
        "category": "welcome",
        "kind": "discussion",
        "title": "Welcome to {board}: introduce yourself in three lines",
        "body": (
            "<p>This board belongs to {cohort}. Nothing here leaves the group, and nobody expects polished writing.</p>"
            "<p>To get us started, tell us three things:</p>"
            "<ol><li>what your team does on an ordinary Tuesday,</li>"
            "<li>one thing you are proud of this year,</li>"
            "<li>one thing you would like to get better at.</li></ol>"
            "<p>Three lines is plenty. Reply to at least one other person while you are here.</p>"
        ),
        "offset_days": -3,
        "time": NINE,
    },
    {
        "key": "welcome-worth-your-time",
        "category": "welcome",
        "kind": "question",
        "title": "What would make this group worth your time?",
        "body": (
            "<p>Your diary is full and this programme is one more thing in it. So let us be practical.</p>"
            "<p>If, three months from now, you said “that was worth it”, what would have happened? "
            "A problem solved, a habit formed, a colleague you now call? Tell us, and we will shape the "
            "sessions around the answers.</p>"
        ),
        "offset_days": -2,
        "time": NINE,
    },
    {
        "key": "welcome-first-job",
        "category": "welcome",
        "kind": "discussion",
        "title": "Your first job, and what it taught you about leading",
        "body": (
            "<p>Most of us learned something about leadership long before anyone called us a leader: "
            "on a shop floor, in a kitchen, behind a wheel.</p>"
            "<p>What was your first job, and what did the person in charge do that you still copy (or still "
            "avoid)?</p>"
        ),
        "offset_days": -1,
        "time": NINE,
    },
    # ---------------------------------------------------------------- sharing a decision
    {
        "key": "decision-this-week",
        "category": "decisions",
        "kind": "discussion",
        "title": "A decision you made this week, and the reasoning behind it",
        "body": (
            "<p>People in your organisation mostly see the outcome of your decisions, rarely the thinking. "
            "Practise showing the thinking here, where it is safe.</p>"
            "<p>Pick one decision from this week, big or small. What did you choose, what did you weigh, "
            "and what would have changed your mind? Leave out anything confidential: the reasoning is the "
            "interesting part.</p>"
        ),
        "offset_days": 1,
        "time": MORNING,
    },
    {
        "key": "decision-still-weighing",
        "category": "decisions",
        "kind": "question",
        "title": "A decision you are still weighing: what would help?",
        "body": (
            "<p>Posting a decision before it is made feels risky. It is also the moment colleagues can "
            "help most.</p>"
            "<p>Describe a choice in front of you in a few sentences: the options, what worries you about "
            "each, and the date you need to decide by. Others: ask one question before you give advice.</p>"
        ),
        "offset_days": -2,
        "time": NINE,
    },
    {
        "key": "decision-explain-change",
        "category": "decisions",
        "kind": "discussion",
        "title": "Explaining a change before the rumours do",
        "body": (
            "<p>When a change lands without a reason attached, people invent one, and it is rarely kind.</p>"
            "<p>Think of a change coming to your area. Write the two or three sentences you would use to "
            "explain why, as if to your team. The group will tell you what is clear and what still "
            "raises questions.</p>"
        ),
        "offset_days": 2,
        "time": NINE,
    },
    # ---------------------------------------------------------------- lessons learned
    {
        "key": "lesson-went-wrong",
        "category": "lessons",
        "kind": "discussion",
        "title": "Something that went wrong, and what you do differently now",
        "body": (
            "<p>Leaders who talk about their mistakes make it safer for everyone else to talk about theirs.</p>"
            "<p>Share one thing that did not go to plan: what happened, what you noticed too late, and the "
            "habit you changed afterwards. Keep names out of it; keep the lesson in.</p>"
        ),
        "offset_days": 3,
        "time": NINE,
    },
    {
        "key": "lesson-advice-to-new-manager",
        "category": "lessons",
        "kind": "discussion",
        "title": "Advice you would give yourself in your first month as a manager",
        "body": (
            "<p>Imagine a note to yourself on the first day you had people reporting to you.</p>"
            "<p>What is the one piece of advice you wish someone had given you, and what did it cost you "
            "to learn it the hard way?</p>"
        ),
        "offset_days": -3,
        "time": NINE,
    },
    {
        "key": "lesson-small-experiment",
        "category": "lessons",
        "kind": "discussion",
        "title": "A small experiment worth repeating",
        "body": (
            "<p>Not every improvement needs a project plan. Some of the best ones start as “let us try it "
            "for a fortnight”.</p>"
            "<p>Tell us about something small you or your team tried recently: a new meeting format, a "
            "different rota, a change to how you hand over. Did it stick? Would you recommend it?</p>"
        ),
        "offset_days": 4,
        "time": NINE,
    },
    # ---------------------------------------------------------------- asking for input
    {
        "key": "input-fresh-eyes",
        "category": "input",
        "kind": "question",
        "title": "One problem you would love fresh eyes on",
        "body": (
            "<p>Colleagues from other parts of the organisation see your problems without your assumptions. "
            "That is what this board is for.</p>"
            "<p>Describe a problem in a short paragraph: what is happening, what you have tried, and what a "
            "good outcome looks like. Readers: one idea each is plenty.</p>"
        ),
        "offset_days": -2,
        "time": NINE,
    },
    {
        "key": "input-hearing-front-line",
        "category": "input",
        "kind": "question",
        "title": "How do you hear what the front line really thinks?",
        "body": (
            "<p>The further up we sit, the more filtered the news that reaches us.</p>"
            "<p>What do you do to hear things unfiltered: walk the floor at odd hours, skip-level chats, an "
            "anonymous box, something else? What has surprised you when you did?</p>"
        ),
        "offset_days": 1,
        "time": MORNING,
    },
    {
        "key": "input-stop-doing",
        "category": "input",
        "kind": "question",
        "title": "What should we stop doing?",
        "body": (
            "<p>Organisations are good at adding work and bad at removing it.</p>"
            "<p>Name one report, meeting, approval or habit that you suspect nobody would miss. What would "
            "it take to stop it, and who would you need to ask?</p>"
        ),
        "offset_days": 5,
        "time": NINE,
    },
    {
        "key": "input-meeting-cancel",
        "category": "input",
        "kind": "discussion",
        "title": "If you could cancel one recurring meeting, which would it be?",
        "body": (
            "<p>A light one, but it tends to start useful conversations.</p>"
            "<p>Which recurring meeting would you cancel tomorrow, and what would you put in its place so "
            "that nothing important gets lost?</p>"
        ),
        "offset_days": -4,
        "time": NINE,
    },
    # ---------------------------------------------------------------- recognising a colleague
    {
        "key": "recognise-made-week-easier",
        "category": "recognition",
        "kind": "discussion",
        "title": "Who made your week easier?",
        "body": (
            "<p>Thanks said in public travel further than thanks said in a corridor.</p>"
            "<p>Name someone (in your team or outside it) who made your week easier and say what they did. "
            "If they are on Keystone, mention them with <strong>@</strong> and their name so they see it.</p>"
        ),
        "offset_days": 4,
        "time": NINE,
    },
    {
        "key": "recognise-other-team",
        "category": "recognition",
        "kind": "discussion",
        "title": "A team outside your own that saved the day",
        "body": (
            "<p>Most good outcomes depend on people who never appear in the update that follows.</p>"
            "<p>Tell us about a team outside your own whose work made a difference to yours recently. What "
            "did they do, and does their manager know?</p>"
        ),
        "offset_days": 6,
        "time": NINE,
    },
    {
        "key": "recognise-feedback",
        "category": "recognition",
        "kind": "discussion",
        "title": "Feedback that changed how you work",
        "body": (
            "<p>Giving a senior leader honest feedback takes courage.</p>"
            "<p>Think of a time someone told you something you needed to hear. What did they say, how did "
            "they say it, and what changed? You may want to thank them here too.</p>"
        ),
        "offset_days": 2,
        "time": NINE,
    },
    # ---------------------------------------------------------------- reflecting on a session
    {
        "key": "reflect-one-idea",
        "category": "reflection",
        "kind": "discussion",
        "title": "One idea from the session you will try this week",
        "body": (
            "<p>Good morning. Yesterday's session is still fresh, so this is the best moment to pin it down.</p>"
            "<p>Which one idea will you try before we meet again? Say what, with whom and by when. Come back "
            "next week and tell us how it went.</p>"
        ),
        "offset_days": 1,
        "time": MORNING,
    },
    {
        "key": "reflect-surprise",
        "category": "reflection",
        "kind": "discussion",
        "title": "What surprised you in the session?",
        "body": (
            "<p>Surprises are where the learning is.</p>"
            "<p>What did you hear in the session (from the facilitator or a colleague) that you did not "
            "expect? Did it change your mind about anything?</p>"
        ),
        "offset_days": 1,
        "time": MORNING,
    },
    {
        "key": "reflect-before-we-meet",
        "category": "reflection",
        "kind": "question",
        "title": "Before we meet: what do you want from the next session?",
        "body": (
            "<p>The next session is close. Help us make it useful.</p>"
            "<p>What is one question you would like the group to work on, or one situation you would like "
            "advice on? We will pick up the most common themes.</p>"
        ),
        "offset_days": -2,
        "time": NINE,
    },
    {
        "key": "reflect-two-weeks-on",
        "category": "reflection",
        "kind": "discussion",
        "title": "Two weeks on: did the idea survive real work?",
        "body": (
            "<p>Ideas from a session often look different after a fortnight of ordinary weeks.</p>"
            "<p>What did you try after the last session? What worked, what got in the way, and what will you "
            "adjust? A half-success is as useful to the group as a full one.</p>"
        ),
        "offset_days": 14,
        "time": NINE,
    },
    # ---------------------------------------------------------------- working in the open
    {
        "key": "open-worth-reading",
        "category": "open",
        "kind": "discussion",
        "title": "Something worth reading, with one line on why",
        "body": (
            "<p>Sharing what you read is one of the easiest ways to start writing in public.</p>"
            "<p>Post a link to an article, report or book chapter that made you think recently, with one "
            "sentence on why it matters to people in our organisation.</p>"
        ),
        "offset_days": 3,
        "time": NINE,
    },
    {
        "key": "open-half-finished",
        "category": "open",
        "kind": "discussion",
        "title": "Share a half-finished idea",
        "body": (
            "<p>Leaders often wait until an idea is finished before they share it, by which time it is hard "
            "to change.</p>"
            "<p>Post something you are still working out: a plan, a principle, a way of organising your team. "
            "Say which part you are least sure about.</p>"
        ),
        "offset_days": 5,
        "time": NINE,
    },
    {
        "key": "open-week-in-three",
        "category": "open",
        "kind": "discussion",
        "title": "Your week in three sentences",
        "body": (
            "<p>A quick one for a busy Friday.</p>"
            "<p>Describe your week in three sentences: one thing that went well, one that was hard, one you "
            "are looking forward to. Photos welcome if you have one you can share.</p>"
        ),
        "offset_days": 3,
        "time": NINE,
    },
    {
        "key": "open-customer-story",
        "category": "open",
        "kind": "discussion",
        "title": "A customer story your colleagues should hear",
        "body": (
            "<p>Stories about customers remind everyone why the work matters.</p>"
            "<p>Share a recent moment with a customer (a complaint handled well, a thank-you, a hard "
            "conversation) and what it tells us. Leave out names and anything commercially sensitive.</p>"
        ),
        "offset_days": 6,
        "time": NINE,
    },
]

# The welcome prompt a new cohort board opens with.
WELCOME_KEY = "welcome-three-lines"


def fill_placeholders(text: str, *, cohort: str, board: str) -> str:
    """Replace {cohort} and {board}; never ``str.format`` (a title someone typed may contain braces)."""
    return text.replace("{cohort}", cohort).replace("{board}", board)
