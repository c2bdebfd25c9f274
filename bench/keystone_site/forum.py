"""The benchmark's forum content in Keystone, written through its services: the cohort's people, their board,
a topic of ``n_posts`` posts and the reactions on every other post. Shared by ``keystone_site/seed.py`` (the
pages benchmark) and ``bench/topic_profile.py`` (the topic page in-process), so both measure the same page.

Call after ``django.setup()``; ``bench/`` must be on ``sys.path`` (for ``seedtext``).
"""

import seedtext


def html(n: int) -> str:
    return "".join(f"<p>{p}</p>" for p in seedtext.paragraphs(n))


def people_and_board():
    """The cohort's fictional leaders and its board."""
    from tests.factories import BoardFactory, CohortFactory, member_of

    cohort = CohortFactory(name="Northern Lights", slug="northern-lights")
    people = [
        member_of(cohort, email=f"leader{i:02d}@bench.example", profile__display_name=seedtext.person_name(i))
        for i in range(seedtext.PEOPLE)
    ]
    return people, BoardFactory(cohort=cohort, title="Northern Lights lounge", slug="lounge")


def topic_with_posts(people, board, title: str, n_posts: int):
    """A topic started by the first person, with replies by the others in turn: (topic, its posts)."""
    from forums.services import post_reply, topic_create

    topic = topic_create(actor=people[0], board=board, title=title, body=html(1))
    posts = [topic.posts.get()]
    for n in range(2, n_posts + 1):
        posts.append(post_reply(actor=people[n % len(people)], topic=topic, body=html(n)))
    return topic, posts


def react(people, posts) -> None:
    """Reactions of five people on every other post (never their own), kinds in turn."""
    from forums.models import Reaction
    from forums.services import reaction_toggle

    kinds = list(Reaction.Kind.values)
    for i, post in enumerate(posts[::2]):
        for j, person in enumerate(p for p in people[2:7] if p.pk != post.author_id):
            reaction_toggle(actor=person, post=post, kind=kinds[(i + j) % len(kinds)])
