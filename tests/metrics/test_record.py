import pytest
from django.db import transaction

import metrics
from metrics.models import Activity
from metrics.verbs import Verb


@pytest.mark.django_db
def test_record_captures_management_level_at_the_time(leader, cohort):
    with transaction.atomic():
        metrics.record(actor=leader, verb=Verb.POST_CREATED, target=cohort, cohort=cohort)
    leader.profile.management_level = 1
    leader.profile.save()
    activity = Activity.objects.get()
    assert activity.management_level == 2
    assert activity.cohort == cohort
    assert activity.target_id == cohort.pk


@pytest.mark.django_db
def test_record_rolls_back_with_the_callers_write(leader):
    with pytest.raises(RuntimeError), transaction.atomic():
        metrics.record(actor=leader, verb=Verb.POST_CREATED)
        raise RuntimeError("the write failed")
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_unknown_verb_is_refused(leader):
    with pytest.raises(ValueError), transaction.atomic():
        metrics.record(actor=leader, verb="teleported")
    assert not Activity.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(leader):
    with pytest.raises(RuntimeError):
        metrics.record(actor=leader, verb=Verb.POST_CREATED)
