"""Nudges: a short, personal message from a facilitator to one member or a filtered selection.

Delivered as a notification (the bell, and e-mail straight away unless the member chose otherwise), at
most one per member per FACILITATION_NUDGE_INTERVAL_DAYS whoever sends it. Members inside that window
are not silently dropped: they come back as ``skipped`` with the date they can be nudged again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

import metrics
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.services import notify
from portal.people.models import Cohort, Membership, User

from .. import selectors
from ..models import NUDGE_MAX_LENGTH, Nudge
from ._common import clean_plain, require_facilitator


@dataclass(frozen=True)
class NudgeTemplate:
    key: str
    label: str
    text: str
    link: str  # a URL name the nudge points to


NUDGE_TEMPLATES = [
    NudgeTemplate(
        "quiet",
        "Quiet for a while",
        "Hello {first_name}, we have missed you on the {cohort} board. There is a new prompt waiting: "
        "one short reply is plenty.",
        "forums:index",
    ),
    NudgeTemplate(
        "first_post",
        "Not posted yet",
        "Hello {first_name}, your colleagues in {cohort} would like to hear from you. A reply to this "
        "week's starter prompt is an easy first step, and I am happy to look at a draft first.",
        "onboarding:practice",
    ),
    NudgeTemplate(
        "goals",
        "Behind on goals",
        "Hello {first_name}, a goal deadline is close. Have a look at your goals: most take five minutes, "
        "and I can help if one feels awkward.",
        "onboarding:goals",
    ),
    NudgeTemplate(
        "onboarding",
        "Onboarding not finished",
        "Hello {first_name}, you are a few steps from finishing your Keystone start. Pick up where you "
        "left off whenever you have ten minutes.",
        "onboarding:path",
    ),
    NudgeTemplate("custom", "Write your own", "", "home"),
]
TEMPLATES_BY_KEY = {t.key: t for t in NUDGE_TEMPLATES}


def template_link(key: str) -> str:
    template = TEMPLATES_BY_KEY.get(key) or TEMPLATES_BY_KEY["custom"]
    try:
        return reverse(template.link)
    except NoReverseMatch:
        return reverse("home")


def first_name(user: User) -> str:
    name = (user.display_name or "").split()
    return name[0] if name else "there"


def personalise(message: str, *, recipient: User, cohort: Cohort, sender: User) -> str:
    """Fill {first_name}, {cohort} and {facilitator}; plain replacement, never ``str.format``."""
    return (
        message.replace("{first_name}", first_name(recipient))
        .replace("{cohort}", cohort.name)
        .replace("{facilitator}", sender.display_name)
    )


@dataclass
class NudgeResult:
    sent: list[Nudge] = field(default_factory=list)
    skipped: list[tuple[User, datetime]] = field(default_factory=list)  # (member, may be nudged again at)


def nudge_send(
    *, actor: User, cohort: Cohort, recipients: list[User], message: str, template: str = "custom"
) -> NudgeResult:
    """Nudge each of ``recipients`` (members of ``cohort``) with ``message``, personalised per person.

    Guarantees: the cohort's facilitators and admins only; every recipient is a member of the cohort
    (else ValidationError, nothing sent); the message fits once personalised; members nudged within
    the interval are skipped and reported; each nudge is a row, a notification and a ``nudged``
    activity committed together. Concurrent nudges to the same member cannot both pass the limit on
    PostgreSQL (the members' rows are locked while deciding).
    """
    require_facilitator(actor, cohort)
    if template not in TEMPLATES_BY_KEY:
        template = "custom"
    message = clean_plain(message, field="message", max_length=1000, required=True)
    if not recipients:
        raise ValidationError({"members": "Choose at least one member to nudge."})
    ids = {r.pk for r in recipients}
    for recipient in recipients:
        text = personalise(message, recipient=recipient, cohort=cohort, sender=actor)
        if len(text) > NUDGE_MAX_LENGTH:
            raise ValidationError(
                {"message": f"Keep the message under {NUDGE_MAX_LENGTH} characters (for {recipient.display_name} "
                 f"it has {len(text)})."}
            )  # fmt: skip
    url = template_link(template)
    result = NudgeResult()
    with transaction.atomic():
        members = list(
            Membership.objects.select_for_update(of=("self",))
            .filter(cohort=cohort, user_id__in=ids, kind=Membership.Kind.MEMBER, user__is_active=True)
            .values_list("user_id", flat=True)
        )
        if set(members) != ids:
            raise ValidationError({"members": "Only active members of this cohort can be nudged."})
        last = selectors.last_nudges(ids)
        now = timezone.now()
        for recipient in sorted(recipients, key=lambda r: r.display_name):
            again = selectors.nudge_available_at(last.get(recipient.pk))
            if again is not None and again > now:
                result.skipped.append((recipient, again))
                continue
            text = personalise(message, recipient=recipient, cohort=cohort, sender=actor)
            nudge = Nudge.objects.create(
                cohort=cohort, recipient=recipient, sender=actor, template=template, message=text, url=url,
                created_at=now,
            )  # fmt: skip
            notify(
                recipient=recipient,
                event=Event.NUDGE,
                text=f"{actor.display_name}: {text}",
                url=url,
                actor=actor,
                target=nudge,
            )
            metrics.record(actor=actor, verb=Verb.NUDGED, target=recipient, cohort=cohort, data={"template": template})
            result.sent.append(nudge)
    return result
