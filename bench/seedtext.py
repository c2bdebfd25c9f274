"""The words both forums are seeded with, so their pages carry the same content (plain Python: it is
imported by Keystone's seed and by machina's, which runs in its own virtualenv)."""

POSTS = 20  # one full page of a topic in both (FORUM_POSTS_PER_PAGE, MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE)
TOPICS = 30  # topics on the board's first page
PEOPLE = 12
TOPIC_TITLE = "How do you open the first ten minutes of a leadership meeting?"

_PARAGRAPHS = [
    "I have tried starting with a quick round of wins from the week, and it changes the mood of the "
    "whole hour. People arrive with their heads still in the last meeting; a minute each on something "
    "that went well brings them into this one.",
    "The risk is that it becomes a ritual nobody listens to. We keep it honest by asking for one thing "
    "someone else did that helped, which also spreads credit across the teams.",
    "Curious whether others time-box it, and what you do when the room is tense after a hard quarter.",
]


def person_name(i: int) -> str:
    """Clearly fictional people: Fictional Leader 01, 02, …"""
    return f"Fictional Leader {i:02d}"


def paragraphs(n: int) -> list[str]:
    """Three paragraphs (≈500 characters), varied a little per post so no two posts are identical."""
    return [f"{_PARAGRAPHS[0]} (Post {n}.)", _PARAGRAPHS[1], _PARAGRAPHS[2]]


def topic_title(n: int) -> str:
    return f"Leadership question {n:02d}: what changed your mind this quarter?"
