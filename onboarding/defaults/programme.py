# ruff: noqa: E501  (prose content: long lines read better than split strings)
"""The first policy version, the two default surveys and the default goal ladder."""

POLICY = {
    "major": 1,
    "minor": 0,
    "title": "Social media policy",
    "change_summary": "First version.",
    "body_html": """
<h2>What this policy is for</h2>
<p>Keystone is where leaders of this organisation learn from each other in the open. This policy keeps that
safe for you, for your colleagues and for the people we serve. It applies to everything you post here:
topics, replies, blog entries and comments.</p>
<h2>Share freely</h2>
<ul>
<li>Questions, experiences, lessons learnt and ideas about how we lead and work.</li>
<li>Recognition of colleagues and teams.</li>
<li>Links to published material, with your view of it.</li>
</ul>
<h2>Keep out of posts</h2>
<ul>
<li>Privileged information: anything shared with you for a purpose and a group, including material marked
confidential, internal only or do not forward.</li>
<li>Figures that have not been published: revenue, costs, margins, forecasts, prices and terms.</li>
<li>The codenames of unannounced projects, and the names of customers or partners under a confidentiality
agreement.</li>
<li>Personal information about anyone: contact details, health, pay, performance, home life.</li>
</ul>
<h2>Treat people with respect</h2>
<p>Disagree with ideas, not people. Do not discuss a named colleague who is not part of the conversation;
if you write about someone, mention them with @ so they can join in.</p>
<h2>Speak for yourself</h2>
<p>Your posts are your own views unless you say you speak for a team. Be open about what you do not know.</p>
<h2>Putting things right</h2>
<p>If you post something you should not have, edit or remove it straight away and tell your facilitator.
Facilitators may hide a post while it is being corrected. A prompt, honest correction is always the right
move.</p>
<h2>Questions</h2>
<p>Ask your cohort's facilitator, or the programme team, before posting if you are unsure.</p>
""",
}

LEADER_SURVEY = {
    "slug": "leader-readiness",
    "title": "Leader readiness",
    "intro": (
        "Ten quick questions about how ready you feel to take part online. There are no right answers: "
        "you will see your own before-and-after, and the programme team only ever sees group totals."
    ),
    "audience": "leaders",
    "is_diagnostic": False,
    "items": [
        (
            "Comfort posting",
            "I feel comfortable writing a post that colleagues across the organisation can read.",
            "Not at all comfortable",
            "Completely comfortable",
        ),
        (
            "Knowing what is appropriate",
            "I know which questions and subjects are appropriate to raise on the boards.",
            "I have no idea",
            "I know exactly",
        ),
        ("Knowing the policy", "I know what our social media policy asks of me.", "Not at all", "In detail"),
        (
            "Privileged information",
            "I can tell information I may share from information that must stay with a smaller group.",
            "Rarely",
            "Always",
        ),
        (
            "Time set aside",
            "I have set aside regular time in my week to read and contribute.",
            "No time at all",
            "A fixed slot every week",
        ),
        (
            "Seeing other leaders",
            "I see other leaders at my level taking part in online conversations.",
            "Never",
            "Every week",
        ),
        (
            "Replying to a blog",
            "I would feel confident commenting on a colleague's blog entry.",
            "Not at all confident",
            "Completely confident",
        ),
        (
            "Value for my work",
            "I expect taking part online to help me lead my team better.",
            "Not at all",
            "A great deal",
        ),
        (
            "Finding what matters",
            "I know how to find the people and conversations most relevant to my work.",
            "Not at all",
            "Easily",
        ),
        (
            "Recovering from a mistake",
            "If I got something wrong in a post, I would know how to correct it calmly.",
            "I would not know",
            "I would know exactly",
        ),
    ],
}

# The programme readiness diagnostic, for facilitators and L&D: rated strongly disagree -> strongly agree.
DIAGNOSTIC_SURVEY = {
    "slug": "programme-readiness-diagnostic",
    "title": "Programme readiness diagnostic",
    "intro": (
        "For the programme team (facilitators and L&D). Rate each statement about our organisation from "
        "strongly disagree to strongly agree. The result page shows, per theme, where the gaps are and where "
        "an early win is within reach."
    ),
    "audience": "programme",
    "is_diagnostic": True,
    "items": [
        ("Strategy", "We have a written strategy for social learning within leadership development."),
        ("Strategy", "Our social learning strategy is linked to goals the business already cares about."),
        ("Accountability", "It is clear who holds leaders accountable for using the social tools."),
        ("Accountability", "Each cohort has a sponsor who follows its adoption."),
        ("Measurement", "We have a plan to measure whether social learning is effective."),
        ("Measurement", "We record before-and-after measures for each cohort."),
        ("Team fluency", "Our own team uses social tools fluently in its daily work."),
        ("Team fluency", "Facilitators have the skills to model and support good online conversation."),
        ("Platform and IT support", "The platform we use is settled and supported by IT."),
        ("Platform and IT support", "Leaders can reach the platform easily from where they already work."),
        (
            "Forum timing",
            "We have decided when discussions happen relative to formal sessions (before, after, or both).",
        ),
        ("Forum timing", "Starter prompts are planned around each formal session."),
    ],
}

# What to do about each theme, shown on the diagnostic's result page.
THEME_ADVICE = {
    "Strategy": {
        "gap": "Write one page: why social learning is part of leadership development here, and which business goals it serves.",
        "win": "Share the strategy you have with sponsors and link each cohort's goals to it.",
    },
    "Accountability": {
        "gap": "Name who holds leaders to their crawl, walk and run goals: usually the sponsor, with facilitators nudging.",
        "win": "Send each sponsor the weekly adoption summary and ask them to mention it in their own team meetings.",
    },
    "Measurement": {
        "gap": "Agree two or three measures (active leaders, first posts, survey change) before the next cohort starts.",
        "win": "Run the readiness survey's after round for every cohort and compare it with the before round.",
    },
    "Team fluency": {
        "gap": "Have the programme team post and reply weekly themselves: a team that does not learn socially cannot lead others to.",
        "win": "Pair each facilitator with a fluent colleague for a month of shared posting.",
    },
    "Platform and IT support": {
        "gap": "Settle where leaders go (one platform) and who supports it before adding more tools.",
        "win": "Put a link to the portal where leaders already start their day.",
    },
    "Forum timing": {
        "gap": "Decide, per session, whether the forum prepares people (before) or helps them apply (after), and schedule prompts to match.",
        "win": "Schedule a prompt two days before and one the morning after each session.",
    },
}

LADDER = {
    "name": "Default crawl, walk, run",
    "stages": [
        (
            "crawl",
            "Crawl: find your feet",
            14,
            [
                ("Complete your profile", "profile_complete", {}),
                ("Acknowledge the social media policy", "acknowledge_policy", {}),
                ("Connect with 10 colleagues", "follow_colleagues", {"n": 10}),
                ("Reply to a starter prompt", "reply_to_prompt", {"n": 1}),
            ],
        ),
        (
            "walk",
            "Walk: join the conversation",
            45,
            [
                ("Follow 5 influential bloggers", "follow_bloggers", {"n": 5}),
                ("Start a topic", "start_topics", {"n": 1}),
                ("Comment on 3 blog entries", "comment_entries", {"n": 3}),
            ],
        ),
        (
            "run",
            "Run: lead in the open",
            90,
            [
                ("Publish a blog entry", "publish_entries", {"n": 1}),
                ("Subscribe to your personal aggregated feed", "use_feed", {}),
                ("Get replies from 3 colleagues", "replies_from_colleagues", {"n": 3}),
            ],
        ),
    ],
}
