"""The cohort console's summary and filter counts for a cohort with a known mix of members (issue 13: the
summary is counted by the database, not row by row; every figure must stay what it was), and their cost,
which does not grow with the cohort whichever filters are on."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from forums.services import post_reply, topic_create
from onboarding.facilitation import console
from onboarding.models import GoalProgress, Survey
from onboarding.services.lessons import lesson_complete
from onboarding.services.path import cohort_onboarding_update, path_mark_seen, path_skip
from onboarding.services.surveys import survey_submit
from portal.people.models import Membership, User
from tests.facilitation.test_console import count, grow
from tests.factories import (
    EntryFactory,
    GoalFactory,
    GoalLadderFactory,
    GoalStageFactory,
    LessonFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # 08:00 in London, 21:00 on 9 March in Pago Pago, 22:00 in Kiritimati
EARLY = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)  # the day the cohort starts


def answer_survey(user):
    survey = Survey.objects.filter(audience="leaders", is_active=True, cohort__isnull=True).first()
    survey_submit(actor=user, survey=survey, round="before", scores={str(i.pk): 4 for i in survey.items.all()})


def done(person, *goals):
    GoalProgress.objects.bulk_create(
        GoalProgress(goal=g, user=person, current=50, target=50, completed_at=NOW - timedelta(days=1)) for g in goals
    )


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mix(frozen, cohort, other_cohort, board, facilitator):
    """Seven members, one of each kind the summary tells apart, plus people it must not count.

    The cohort's own ladder: crawl due on a fixed date (9 March, in each person's time zone), walk 10 days
    after the start (or after joining, for late joiners), run in 60 days. Nobody follows anyone, so no goal
    completes by itself: progress is exactly what ``done`` stores.
    """
    cohort.starts_on = EARLY.date()
    cohort.save()
    ladder = GoalLadderFactory(cohort=cohort)
    crawl = GoalStageFactory(ladder=ladder, kind="crawl", deadline_days=None, deadline_date=datetime(2026, 3, 9).date())
    walk = GoalStageFactory(ladder=ladder, kind="walk", title="Walk", deadline_days=10)
    run = GoalStageFactory(ladder=ladder, kind="run", title="Run", deadline_days=60)
    g1, g2 = GoalFactory(stage=crawl, params={"n": 50}), GoalFactory(stage=crawl, params={"n": 50})
    g3, g4 = GoalFactory(stage=walk, params={"n": 50}), GoalFactory(stage=run, params={"n": 50})
    cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["survey", "lesson"])
    lesson = LessonFactory()

    def person(name, tz="Europe/London", joined=EARLY, **kwargs):
        user = member_of(cohort, profile__display_name=name, profile__timezone=tz, **kwargs)
        Membership.objects.filter(user=user, cohort=cohort).update(joined_at=joined)
        return user

    people = {
        "ada": person("Ada Done"),  # onboarded, posted, all goals done, active today
        "ben": person("Ben Behind"),  # walk goal overdue, never posted, signed in 3 days ago
        "cleo": person("Cleo Pago", tz="Pacific/Pago_Pago"),  # crawl not done, but still 9 March there: on time
        "dev": person("Dev Kiritimati", tz="Pacific/Kiritimati"),  # crawl not done and 10 March there: behind
        "eve": person("Eve Late", joined=datetime(2026, 3, 5, 10, 0, tzinfo=UTC)),  # walk counts from joining
        "finn": person("Finn Skipper"),  # skipped the optional survey and lesson: onboarded
        "hal": person("Hal Nothing", profile__completed_at=None),  # no progress at all, signed in 8 days ago
    }
    gone = person("Gus Gone")  # deactivated: not counted
    User.objects.filter(pk=gone.pk).update(is_active=False)
    member_of(other_cohort, profile__display_name="Oscar Elsewhere")  # another cohort's member

    prompt = topic_create(actor=facilitator, board=board, title="Starter: what brought you here?", body="<p>x</p>")
    ada, finn = people["ada"], people["finn"]
    for step in ("welcome", "goals"):
        path_mark_seen(user=ada, step=step)
        path_mark_seen(user=finn, step=step)
    answer_survey(ada)
    lesson_complete(actor=ada, lesson=lesson)
    path_skip(user=finn, step="survey")
    path_skip(user=finn, step="lesson")
    post_reply(actor=ada, topic=prompt, body="<p>Curiosity.</p>")
    post_reply(actor=finn, topic=prompt, body="<p>My manager.</p>")
    EntryFactory(blog__owner=people["dev"], author=people["dev"])

    done(ada, g1, g2, g3, g4)
    done(people["ben"], g1, g2)
    done(people["cleo"], g2, g3)
    done(people["dev"], g2, g3)
    done(people["eve"], g1, g2)
    done(finn, g1, g2, g3)
    done(gone, g2)
    User.objects.filter(pk=people["ben"].pk).update(last_login=NOW - timedelta(days=3))
    User.objects.filter(pk=people["eve"].pk).update(last_login=NOW - timedelta(days=10))
    User.objects.filter(pk=people["hal"].pk).update(last_login=NOW - timedelta(days=8))
    return people


def summary(html):
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))


def shown(client, url, **filters):
    html = client.get(url, filters).content.decode()
    tally = re.search(r"(\d+) of (\d+) members? shown", html)
    names = sorted(re.findall(r'aria-label="Choose ([^"]+)"', html))
    return int(tally[1]), int(tally[2]), names


def test_the_summary_and_filters_count_a_known_mix_of_members(client, mix, facilitator, cohort):
    client.force_login(facilitator)
    url = reverse("facilitation:console", args=[cohort.slug])

    figures = summary(client.get(url).content.decode())

    assert figures == {
        "Members": "7",
        "Finished onboarding": "2",  # Ada, and Finn who skipped what his cohort made optional
        "Have posted": "3",  # Ada and Finn replied, Dev published an entry
        "Behind on goals": "3",  # Ben (walk), Dev (crawl, already 10 March in Kiritimati), Hal
        "Quiet for a week or more": "4",  # Cleo and Dev (never seen), Eve (10 days), Hal (8 days)
    }
    everyone = ["Ada Done", "Ben Behind", "Cleo Pago", "Dev Kiritimati", "Eve Late", "Finn Skipper", "Hal Nothing"]
    assert shown(client, url) == (7, 7, everyone)
    assert shown(client, url, behind="on") == (3, 7, ["Ben Behind", "Dev Kiritimati", "Hal Nothing"])
    assert shown(client, url, never_posted="on") == (4, 7, ["Ben Behind", "Cleo Pago", "Eve Late", "Hal Nothing"])
    assert shown(client, url, not_onboarded="on")[:2] == (5, 7)
    assert shown(client, url, quiet=7)[2] == ["Cleo Pago", "Dev Kiritimati", "Eve Late", "Hal Nothing"]
    assert shown(client, url, quiet=9) == (3, 7, ["Cleo Pago", "Dev Kiritimati", "Eve Late"])
    assert shown(client, url, behind="on", never_posted="on") == (2, 7, ["Ben Behind", "Hal Nothing"])
    assert shown(client, url, quiet=7, not_onboarded="on", behind="on")[2] == ["Dev Kiritimati", "Hal Nothing"]


def test_the_summary_agrees_with_the_rows_the_table_shows(client, mix, facilitator, cohort):
    """Counted in SQL or row by row, the same people: each row's own badges add up to the summary."""
    rows = console.member_rows(cohort)
    now = timezone.now()
    client.force_login(facilitator)
    figures = summary(client.get(reverse("facilitation:console", args=[cohort.slug])).content.decode())
    assert figures == {
        "Members": str(len(rows)),
        "Finished onboarding": str(sum(r.onboarded for r in rows)),
        "Have posted": str(sum(not r.never_posted for r in rows)),
        "Behind on goals": str(sum(r.behind for r in rows)),
        "Quiet for a week or more": str(sum(r.quiet_for(7, now) for r in rows)),
    }


def test_the_console_costs_the_same_with_filters_on_whatever_the_cohort_size(client, cohort, board, facilitator):
    client.force_login(facilitator)
    url = reverse("facilitation:console", args=[cohort.slug]) + "?quiet=7&behind=on&not_onboarded=on"
    grow(cohort, board, 5, facilitator)
    small = count(client, url)
    nudge = count(client, reverse("facilitation:nudge", args=[cohort.slug]) + "?never_posted=on")
    grow(cohort, board, 120, facilitator)
    assert count(client, url) == small
    assert count(client, reverse("facilitation:nudge", args=[cohort.slug]) + "?never_posted=on") == nudge
