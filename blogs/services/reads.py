"""Read tracking: one read per reader per entry."""

from __future__ import annotations

from django.db import IntegrityError, transaction

import metrics
from metrics.verbs import Verb
from portal.people.models import User

from .. import permissions
from ..models import Entry, EntryRead
from ._common import entry_cohort


def entry_read_record(*, reader: User, entry: Entry) -> bool:
    """Count ``reader`` as a reader of a published entry; return whether this was their first read.

    Guarantees: one EntryRead row and one ENTRY_READ activity per reader per entry, however often the
    page loads (also when two loads race); authors reading their own entry are not counted.
    """
    if not entry.is_published or entry.author_id == reader.pk or not permissions.can_view_entry(reader, entry):
        return False
    if EntryRead.objects.filter(entry=entry, reader=reader).exists():
        return False
    try:
        with transaction.atomic():
            EntryRead.objects.create(entry=entry, reader=reader)
            metrics.record(actor=reader, verb=Verb.ENTRY_READ, target=entry, cohort=entry_cohort(entry))
    except IntegrityError:
        return False
    return True
