"""The practice step's compiled query (portal.prepared) holds the id of the forum topic's content type. A flush
(the test suite's transactional tests) or a migration can renumber content types while a process lives: the
step must still see a reply to a starter prompt afterwards. (A CI run failed here before plans were forgotten
on ``post_migrate``.)"""

import pytest
from django.core.management import call_command

from metrics.verbs import Verb
from onboarding.selectors.criteria import topic_content_type
from onboarding.selectors.path import path_state
from tests.factories import CohortFactory, facilitator_of, member_of
from tests.factories.forums import BoardFactory, TopicFactory
from tests.onboarding.helpers import ensure_defaults, record


def _practiced(leader) -> bool:
    return next(s for s in path_state(leader).steps if s.key == "practice").finished


def _reply_to_a_prompt() -> tuple:
    ensure_defaults()
    cohort = CohortFactory()
    leader, facilitator = member_of(cohort), facilitator_of(cohort)
    assert not _practiced(leader)  # compiles the step's query (or reuses the one compiled before)
    prompt = TopicFactory(board=BoardFactory(cohort=cohort), author=facilitator)
    record(facilitator, Verb.TOPIC_CREATED, target=prompt, cohort=cohort)
    record(leader, Verb.POST_CREATED, target=prompt.first_post, context=prompt, cohort=cohort)
    return leader


@pytest.mark.django_db(transaction=True)
def test_the_practice_step_sees_a_reply_after_content_types_are_renumbered():
    assert _practiced(_reply_to_a_prompt())
    before = topic_content_type().pk
    call_command("flush", verbosity=0, interactive=False)  # content types come back with new ids
    assert topic_content_type().pk != before
    assert _practiced(_reply_to_a_prompt())
