"""Survey panels: readiness before vs after per item, answer distributions, the programme diagnostic by theme.

Individual answers live in SurveyScore but only ever leave it aggregated, behind the privacy floor.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, F, Q

from .. import disclosure
from ..models import MemberStatus, SurveyInfo, SurveyItemInfo, SurveyScore
from . import figures as f
from .figures import Panel, Series
from .scope import Scope

SCORES = [1, 2, 3, 4, 5]


def surveys() -> list[SurveyInfo]:
    """Every survey the rollups know (a handful), leaders' surveys first."""
    return sorted(SurveyInfo.objects.all(), key=lambda s: (s.audience != "leaders", -s.survey_id))


def default_survey(all_surveys: list[SurveyInfo], audience: str) -> int | None:
    return next((s.survey_id for s in all_surveys if s.audience == audience), None)


def _key_order(key: str):
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _items(survey_id: int | None) -> dict[str, SurveyItemInfo]:
    if survey_id is None:
        return {}
    return {i.item_key: i for i in SurveyItemInfo.objects.filter(survey_id=survey_id)}


def _scores(scope: Scope, survey_id: int | None, *, role: str | None):
    return scope.dims(SurveyScore.objects.filter(survey_id=survey_id or 0), role=role)


def _survey_siblings(scope: Scope) -> dict | None:
    """Per item: people per row group who answered before, after, both, and per (round, score), in every
    selection at once (read once per request for the means, the distribution and the response rate)."""
    if scope.plan is None or not scope.k:
        return None

    def read() -> dict:
        out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
        rows = scope.everyone(SurveyScore.objects.filter(survey_id=scope.survey_id or 0), role="leader")
        for item, actor, before, after, *dims in rows.values_list("item_key", "actor_id", "before", "after", *f.GROUP):
            group = (dims[0], dims[1], dims[2] or "")
            for round_, score in (("before", before), ("after", after)):
                if score is not None:
                    out[item][round_][group].add(actor)
                    out[item][(round_, score)][group].add(actor)
                    out[None][round_][group].add(actor)  # answered the round at all (response rate)
            if before is not None and after is not None:
                out[item]["both"][group].add(actor)
        return out

    return scope.plan.memo(("survey", scope.survey_id), read)


def survey_means(scope: Scope) -> Panel:
    survey_id = scope.survey_id
    items = _items(survey_id)
    both = Q(before__isnull=False, after__isnull=False)
    qs = (
        _scores(scope, survey_id, role="leader")
        .values("item_key")
        .annotate(
            before_mean=Avg("before"),
            before_n=Count("before"),
            after_mean=Avg("after"),
            after_n=Count("after"),
            paired_n=Count("id", filter=both),
            paired_change=Avg(F("after") - F("before"), filter=both),
        )
        .order_by()
    )
    k = scope.k
    siblings = _survey_siblings(scope) or {}
    rows = []
    for r in sorted(qs, key=lambda r: _key_order(r["item_key"])):
        label = items[r["item_key"]].label if r["item_key"] in items else f"Item {r['item_key']}"
        people = siblings.get(r["item_key"], {})
        rows.append(
            [
                f.text(label),
                *f.shield(
                    scope,
                    [f.number(r["before_mean"], people=r["before_n"], k=k, digits=2), f.count(r["before_n"], k=k)],
                    people.get("before", {}),
                ),
                *f.shield(
                    scope,
                    [f.number(r["after_mean"], people=r["after_n"], k=k, digits=2), f.count(r["after_n"], k=k)],
                    people.get("after", {}),
                ),
                *f.shield(
                    scope,
                    [
                        f.count(r["paired_n"], k=k),
                        f.number(r["paired_change"], people=r["paired_n"], k=k, digits=2),
                    ],
                    people.get("both", {}),
                ),
            ]
        )
    return Panel(
        slug="survey-means",
        title="Readiness survey: before and after",
        question="Average rating per statement (1 = strongly disagree, 5 = strongly agree) before and after.",
        columns=[
            "Statement",
            "Before: mean",
            "Before: people",
            "After: mean",
            "After: people",
            "Answered both: people",
            "Answered both: mean change",
        ],
        rows=rows,
        series=[Series(1), Series(3)],
        horizontal=True,
        y_title="mean rating (1-5)",
        value_max=5,
        note="Every answer ever given, whatever the date range. The change is per person, for those who answered both.",
        definition="survey",
    )


def survey_distribution(scope: Scope) -> Panel:
    survey_id = scope.survey_id
    items = _items(survey_id)
    counts: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    base = _scores(scope, survey_id, role="leader")
    for round_ in ("before", "after"):
        for row in (
            base.filter(**{f"{round_}__isnull": False}).values("item_key", round_).annotate(n=Count("id")).order_by()
        ):
            counts[(row["item_key"], round_)][row[round_]] = row["n"]
    siblings = _survey_siblings(scope) or {}
    rows = []
    for key, round_ in sorted(counts, key=lambda kr: (_key_order(kr[0]), kr[1] != "before")):
        label = items[key].label if key in items else f"Item {key}"
        cells = f.protect([f.count(counts[(key, round_)].get(s, 0), k=scope.k) for s in SCORES], scope.k)
        # The ratings add up to the round's respondents: one decision for the row, over every rating.
        people = siblings.get(key, {})
        rows.append(
            [f.text(f"{label} ({round_})"), *f.shield(scope, cells, *(people.get((round_, s), {}) for s in SCORES))]
        )
    return Panel(
        slug="survey-distribution",
        title="Readiness survey: how people answered",
        question="How many people gave each rating, per statement and round.",
        columns=[
            "Statement (round)",
            "1 strongly disagree",
            "2 disagree",
            "3 neither",
            "4 agree",
            "5 strongly agree",
        ],
        rows=rows,
        series=[Series(i, stack="scores") for i in range(1, 6)],
        stacked=True,
        horizontal=True,
        y_title="people",
        palette="likert",
        definition="survey",
    )


def diagnostic(scope: Scope) -> Panel:
    survey_id = scope.diagnostic_id
    items = _items(survey_id)
    plan = scope.plan if scope.k else None
    # With a plan, every answer the viewer may see (all selections at once, for the decision across cohort
    # options below); this selection's are those of its cohorts, or of no cohort.
    cohorts = scope.cohort_ids if plan is None else plan.all_cohorts
    qs = SurveyScore.objects.filter(survey_id=survey_id or 0)
    if cohorts is not None:
        qs = qs.filter(Q(cohort_id__in=cohorts) | Q(cohort_id__isnull=True))
    every_option = plan.cohort_options() if plan is not None else []
    themes: dict[str, dict] = defaultdict(lambda: {"before": [], "after": [], "b_people": set(), "a_people": set()})
    # Per theme and round: the cohort options counting each person (answers of no cohort count in every one).
    reach: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(set))
    answers = qs.values_list("actor_id", "cohort_id", "item_key", "before", "after")
    for actor_id, cohort_id, key, before, after in answers:
        theme = (items[key].theme if key in items else "") or "Other"
        options = set(every_option) if cohort_id is None else {disclosure.ALL, cohort_id}
        for round_, score in (("before", before), ("after", after)):
            if score is not None:
                reach[(theme, round_)][actor_id] |= options
        if not (cohort_id is None or scope.cohort_ids is None or cohort_id in scope.cohort_ids):
            continue
        entry = themes[theme]
        if before is not None:
            entry["before"].append(before)
            entry["b_people"].add(actor_id)
        if after is not None:
            entry["after"].append(after)
            entry["a_people"].add(actor_id)
    k = scope.k
    rows = []
    for theme in sorted(themes):
        e = themes[theme]
        rows.append(
            [
                f.text(theme),
                *f.shield_option(
                    scope,
                    [
                        f.number(
                            sum(e["before"]) / len(e["before"]) if e["before"] else None, people=len(e["b_people"]), k=k
                        ),
                        f.count(len(e["b_people"]), k=k),
                    ],
                    reach[(theme, "before")].values(),
                ),
                *f.shield_option(
                    scope,
                    [
                        f.number(
                            sum(e["after"]) / len(e["after"]) if e["after"] else None, people=len(e["a_people"]), k=k
                        ),
                        f.count(len(e["a_people"]), k=k),
                    ],
                    reach[(theme, "after")].values(),
                ),
            ]
        )
    return Panel(
        slug="diagnostic",
        title="Programme readiness diagnostic by theme",
        question="How ready does the programme team rate the organisation, theme by theme (1-5)?",
        columns=["Theme", "Before: mean", "Before: people", "After: mean", "After: people"],
        rows=rows,
        series=[Series(1), Series(3)],
        horizontal=True,
        y_title="mean rating (1-5)",
        value_max=5,
        note="Answered by facilitators and L&D staff; low themes are the gaps, high ones the early wins.",
        definition="diagnostic",
    )


def survey_response(scope: Scope) -> Panel:
    """The readiness survey's response rate: members who answered each round, divided by members."""
    members = scope.people_dims(MemberStatus.objects.filter(actor__isnull=False)).values("actor_id").distinct().count()
    answered = _scores(scope, scope.survey_id, role="leader").aggregate(
        before=Count("actor_id", distinct=True, filter=Q(before__isnull=False)),
        after=Count("actor_id", distinct=True, filter=Q(after__isnull=False)),
    )
    k = scope.k
    siblings = _survey_siblings(scope)
    member_groups: dict = defaultdict(set)
    if siblings is not None:
        for row in scope.members():
            if row["actor_id"] is not None:
                member_groups[row["group"]].add(row["actor_id"])
    rows = []
    for key, label in (("before", "Before the programme"), ("after", "After the programme")):
        # Members minus those who answered = those who did not: hidden with them when they are few.
        cell = f.part_of(f.count(answered[key], k=k), members, k)
        rate = f.hide_like(f.percent(answered[key], members, people=answered[key], k=k), cell)
        did = (siblings or {}).get(None, {}).get(key, {})
        did_not = {g: people - did.get(g, set()) for g, people in member_groups.items()}
        cell, rate = f.shield(scope, [cell, rate], did, did_not)
        rows.append([f.text(label), cell, f.count(members, k=k), rate])
    return Panel(
        slug="survey-response",
        title="Readiness survey: response rate",
        question="How many members answered the readiness survey, before and after?",
        columns=["Round", "Members who answered", "Members", "Response rate (%)"],
        rows=rows,
        series=[Series(3)],
        y_title="% of members",
        value_max=100,
        note="Members of the chosen cohorts today; answers whatever the dates.",
        definition="survey",
    )
