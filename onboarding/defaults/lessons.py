# ruff: noqa: E501  (prose content: long lines read better than split strings)
"""The default curriculum, in order. Bodies are small, already-safe HTML."""

LESSONS = [
    {
        "slug": "how-a-discussion-board-works",
        "title": "How a discussion board works, and how to post",
        "summary": "Boards, topics and replies in five minutes, and how to start your first conversation.",
        "steps": [
            (
                "Boards, topics, replies",
                """
<p>A <strong>board</strong> is a room for one subject or one cohort. Inside it, each <strong>topic</strong> is a
conversation that someone started with a first post. Everyone else takes part by <strong>replying</strong>.</p>
<p>Your cohort has its own board that only its members and facilitators can read. Organisation-wide boards are
open to everyone who can sign in.</p>""",
            ),
            (
                "Before you write",
                """
<p>Read the board's guidelines beside the composer and skim the latest topics: someone may already be talking
about your subject, and joining their topic is often better than starting a new one.</p>
<p>Facilitators post <strong>starter prompts</strong> every week. Replying to one is the easiest first step
there is: the question is already asked, and everyone in your cohort is answering it too.</p>""",
            ),
            (
                "Starting a topic that gets answers",
                """
<ul>
<li>Give it a title that says what you want: “How do you run one-to-ones with a remote team?” beats “Question”.</li>
<li>Add two or three sentences of context: what happened, what you tried, what you are unsure about.</li>
<li>End with a question. People reply to questions.</li>
</ul>
<p>The coach reads your draft as you type and points out anything worth a second look. It never posts for you
and it never stops you typing.</p>""",
            ),
        ],
        "example_kind": "topic",
        "example_title": "Keeping a night shift in the loop: what works for you?",
        "example_html": """
<p>Hello all. Half of my team works nights in the warehouse, and our Monday briefing reaches only the day shift.
I have tried a recorded video, but I am not sure anyone watches it.</p>
<p>How do you make sure people on other shifts hear the same message, and can ask questions?</p>""",
        "practice_text": "Reply to this week's starter prompt in your cohort board.",
        "practice_criterion": "reply_to_prompt",
        "practice_params": {"n": 1},
    },
    {
        "slug": "what-to-ask-and-share",
        "title": "What is appropriate to ask and share",
        "summary": "A simple test for any post: would you be comfortable if every colleague read it, today and in a year?",
        "steps": [
            (
                "Good things to share",
                """
<ul>
<li>Questions about how others handle a situation you are facing.</li>
<li>What you learnt from a decision, including the ones that did not work.</li>
<li>Recognition of a colleague or a team, by name and with an @mention.</li>
<li>Links to articles, talks or internal pages you found useful, with a line on why.</li>
</ul>""",
            ),
            (
                "Things that stay out",
                """
<ul>
<li>Figures that have not been published: revenue, margins, forecasts, prices under negotiation.</li>
<li>Anything marked confidential or meant for a smaller group, even if you were on the e-mail.</li>
<li>Personal details: contact numbers, health, performance or pay of a named person.</li>
<li>Criticism of an individual. Talk about the situation, not the person.</li>
</ul>""",
            ),
            (
                "When you are not sure",
                """
<p>Describe the trend in words instead of the number (“costs fell noticeably this quarter”). Leave out names
that are not needed. If you still hesitate, ask your facilitator to look at the draft privately first.</p>
<p>The coach flags figures, contact details and names of colleagues you have not @mentioned: each flag is a
question for you, not a verdict.</p>""",
            ),
        ],
        "example_kind": "reply",
        "example_html": """
<p>We had the same problem last year. What helped most was asking each shift lead to pick one question from
their team every week and bring it to my briefing. Attendance did not change much, but the questions got
better, and the night shift started to feel heard.</p>""",
        "practice_text": "Reply to any topic in your cohort.",
        "practice_criterion": "reply",
        "practice_params": {"n": 1},
    },
    {
        "slug": "how-to-reply",
        "title": "Replying so the conversation continues",
        "summary": "A reply that adds one thing and asks one thing keeps a topic alive.",
        "steps": [
            (
                "Add, do not just agree",
                """
<p>“Great post!” is kind, but it ends the conversation. Say what the post made you think of: a similar
experience, a different angle, a question it raised.</p>""",
            ),
            (
                "Quote the part you answer",
                """
<p>In a long topic, quote the sentence you are responding to so readers can follow. Mention people with @ when
you want them to see your reply.</p>""",
            ),
            (
                "Ask something back",
                """
<p>End with a question to the person you answer or to everyone: “Has anyone tried this with a team spread over
three sites?” A reply that asks gets replies.</p>
<p>And when someone answers your topic, thank them and say what you will do with the advice. People remember
who closed the loop.</p>""",
            ),
        ],
        "example_kind": "reply",
        "example_html": """
<p>I like the idea of one question per shift. We tried something similar with a shared notebook in the
canteen, and the handwritten questions were often more honest than the ones asked in meetings.</p>
<p>Did you find the shift leads needed help choosing which question to bring?</p>""",
        "practice_text": "Reply three times, anywhere you can read.",
        "practice_criterion": "reply",
        "practice_params": {"n": 3},
    },
    {
        "slug": "reading-and-commenting-on-blogs",
        "title": "Reading a blog and leaving a comment",
        "summary": "Blogs are longer, slower thinking. A good comment adds a point of view and starts a dialogue.",
        "steps": [
            (
                "Why read colleagues' blogs",
                """
<p>A blog entry is someone thinking out loud at length: about a decision, a book, a lesson from a project.
Reading a few each week is the quickest way to learn how other parts of the organisation work.</p>""",
            ),
            (
                "Writing a useful comment",
                """
<ul>
<li>Refer to something specific in the entry.</li>
<li>Add your own experience or a question.</li>
<li>Keep it to a short paragraph or two; if you have more to say, write your own entry and link to theirs.</li>
</ul>""",
            ),
            (
                "Disagreeing well",
                """
<p>You can disagree in a comment. Start with what you agree with, then say where your experience differs and
why. Comment on the idea, never on the author.</p>""",
            ),
        ],
        "example_kind": "comment",
        "example_html": """
<p>Your point about deciding before the data is complete struck a chord. In our depot we waited for a perfect
forecast and lost the summer. What would you say is “enough” information for a decision like this?</p>""",
        "practice_text": "Comment on a colleague's blog entry.",
        "practice_criterion": "comment_entries",
        "practice_params": {"n": 1},
    },
    {
        "slug": "writing-your-first-blog-entry",
        "title": "Writing your first blog entry",
        "summary": "Pick one idea, write it like you would say it, and publish something short.",
        "steps": [
            (
                "Choose one idea",
                """
<p>Your first entry does not need to be profound. Good starting points: a lesson from this month, a decision
and why you made it, a book or talk that changed your mind, what your team is proud of.</p>""",
            ),
            (
                "Shape it",
                """
<ul>
<li>A title that promises something: “Three things I got wrong about hybrid rotas”.</li>
<li>Short paragraphs of one idea each. Busy readers skim.</li>
<li>Three to five hundred words is plenty.</li>
<li>End with a question to invite comments.</li>
</ul>""",
            ),
            (
                "Publish, then reply",
                """
<p>Save a draft, read it the next morning, then publish. When comments arrive, answer them: the conversation
under an entry is half its value.</p>""",
            ),
        ],
        "example_kind": "entry",
        "example_title": "What a week on the loading bay taught me",
        "example_html": """
<p>Last month I spent five mornings working alongside the loading bay team. I expected to learn about our
processes. I learnt more about how my own e-mails land.</p>
<p>The biggest surprise: most of the team read updates on their phones in the ten minutes before a shift.
Anything longer than a screen was skipped.</p>
<p>I am now writing shorter updates. What have you learnt from time spent in another team?</p>""",
        "practice_text": "Publish your first blog entry.",
        "practice_criterion": "publish_entries",
        "practice_params": {"n": 1},
    },
    {
        "slug": "policy-and-privileged-information",
        "title": "The social media policy and protecting privileged information",
        "summary": "What the policy asks of you, how to recognise privileged information, and what to do after a slip.",
        "steps": [
            (
                "Why there is a policy",
                """
<p>The policy exists to protect you as much as the organisation. It says what may be shared, where, and how to
put things right. Reading it once and acknowledging it is the first thing you do here.</p>""",
            ),
            (
                "Recognising privileged information",
                """
<p>Information is privileged when it was given to you for a purpose and a group: board papers, deal terms,
unpublished results, personnel matters, customer details. Labels such as “confidential”, “internal only” or
“do not forward” are a strong signal, and so are unpublished figures.</p>
<p>Some names must never appear at all, such as the codenames of projects not yet announced. The coach stops a
post that contains one.</p>""",
            ),
            (
                "If you slip",
                """
<p>Edit or remove the post straight away and tell your facilitator; they can hide it while you fix it. A quick,
calm correction is what the policy asks for. Nobody expects perfection from someone learning.</p>""",
            ),
        ],
        "practice_text": "Acknowledge the current social media policy.",
        "practice_criterion": "acknowledge_policy",
        "practice_params": {},
    },
    {
        "slug": "why-leaders-take-part",
        "title": "Why leaders at every level should take part visibly",
        "summary": "People copy what their managers do. When three levels of leaders post, everyone else follows.",
        "steps": [
            (
                "People follow what they see",
                """
<p>Adoption of any new way of working follows visible example. When members of a team see their own manager,
that manager's manager and a senior executive asking and answering questions, they take part too. When
leaders only watch, the boards go quiet.</p>""",
            ),
            (
                "Genuine beats polished",
                """
<p>Colleagues can tell a ghost-written announcement from a real question. A short, honest post in your own
words (“I am not sure about this, what do you think?”) does more than a perfect statement.</p>""",
            ),
            (
                "A little, often",
                """
<p>Ten minutes twice a week is enough: read what is new, reply to one post, thank someone. Put it in your
calendar like any other meeting.</p>""",
            ),
        ],
        "practice_text": "Start a topic of your own.",
        "practice_criterion": "start_topics",
        "practice_params": {"n": 1},
    },
    {
        "slug": "following-and-your-feed",
        "title": "Following colleagues and building your feed",
        "summary": "Follow the people whose thinking you value and bring everything into one personal feed.",
        "steps": [
            (
                "Follow people",
                """
<p>Following someone brings their blog entries and topics to you first. Start with ten colleagues you already
work with, then add a few people from other parts of the organisation.</p>""",
            ),
            (
                "Find the influential bloggers",
                """
<p>Your goals page suggests the authors most followed by your colleagues. Follow five, and make reading them
part of your week.</p>""",
            ),
            (
                "One feed for everything",
                """
<p>Your personal aggregated feed collects everything you follow in one place. Open it in any feed reader, or
export what you follow as an OPML file and import it there.</p>""",
            ),
        ],
        "practice_text": "Follow three colleagues.",
        "practice_criterion": "follow_colleagues",
        "practice_params": {"n": 3},
    },
]

# The lesson each coach rule links to by default.
COACH_RULE_LESSONS = {
    "banned_terms": "policy-and-privileged-information",
    "privileged_words": "policy-and-privileged-information",
    "figures": "what-to-ask-and-share",
    "contact_details": "policy-and-privileged-information",
    "unmentioned_person": "what-to-ask-and-share",
    "short_post": "how-to-reply",
    "no_question": "how-a-discussion-board-works",
    "all_caps": "how-a-discussion-board-works",
    "wall_of_text": "writing-your-first-blog-entry",
    "welcome_greeting": "how-a-discussion-board-works",
}

PRIVILEGED_TERMS = [
    ("confidential", "Marks information meant for a limited group."),
    ("strictly confidential", ""),
    ("internal only", ""),
    ("do not forward", ""),
    ("not for distribution", ""),
    ("not for circulation", ""),
    ("under NDA", "Covered by a non-disclosure agreement."),
    ("embargoed", "Not to be shared before a set date."),
    ("commercially sensitive", ""),
    ("board only", ""),
    ("eyes only", ""),
    ("privileged", ""),
]
