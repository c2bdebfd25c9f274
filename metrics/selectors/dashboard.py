"""The dashboard: its sections and panels, each built from rollup tables only."""

from __future__ import annotations

from collections.abc import Callable

from . import adoption, engagement, surveys
from .figures import Panel
from .scope import Scope

SECTIONS: list[tuple[str, str, list[tuple[str, Callable[[Scope], Panel]]]]] = [
    (
        "adoption",
        "Adoption",
        [
            ("funnel", adoption.funnel),
            ("active", adoption.active_people),
            ("contributors", adoption.contributors_and_readers),
            ("new-contributors", adoption.new_contributors),
        ],
    ),
    ("levels", "Management levels", [("level-share", adoption.level_share), ("level-posts", adoption.level_posts)]),
    (
        "conversation",
        "Conversation",
        [
            ("responsiveness", engagement.responsiveness),
            ("prompts", engagement.prompts),
            ("prompt-timing", engagement.prompt_timing),
        ],
    ),
    (
        "learning",
        "Learning",
        [
            ("goals", engagement.goals),
            ("goals-by-level", engagement.goals_by_level),
            ("lessons", engagement.lessons),
            ("survey-response", surveys.survey_response),
            ("survey-means", surveys.survey_means),
            ("survey-distribution", surveys.survey_distribution),
        ],
    ),
    ("team", "Programme team", [("team", engagement.team), ("diagnostic", surveys.diagnostic)]),
]
PANELS: dict[str, Callable[[Scope], Panel]] = {slug: build for _, _, panels in SECTIONS for slug, build in panels}


def dashboard(scope: Scope) -> list[dict]:
    """Every section with its built panels."""
    return [
        {"slug": slug, "title": title, "panels": [build(scope) for _, build in panels]}
        for slug, title, panels in SECTIONS
    ]


def panel(slug: str, scope: Scope) -> Panel | None:
    build = PANELS.get(slug)
    return build(scope) if build else None
