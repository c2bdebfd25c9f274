"""Authoring surveys, answering them (one response per person per round) and opening after rounds."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

import metrics
from metrics.payloads import SurveyAnsweredPayload
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.services import notify
from portal.people.models import Cohort, Membership, Role, User

from .. import permissions
from ..models import Survey, SurveyAnswer, SurveyItem, SurveyResponse, SurveyRound
from ..models.surveys import Round
from ..selectors.goals import goal_cohort
from ..selectors.surveys import round_is_open


def survey_save(
    *,
    actor: User,
    title: str,
    intro: str,
    audience: str,
    items: list[dict],
    cohort: Cohort | None = None,
    is_diagnostic: bool = False,
    allow_free_text: bool = True,
    free_text_label: str = "",
    is_active: bool = True,
    survey: Survey | None = None,
) -> Survey:
    """Create or edit a survey with its items (text, theme, anchor labels for 1 and 5).

    Guarantees: only L&D/admins; at least one item; once anyone has answered, the items cannot be
    added, removed or reworded (before and after must measure the same thing) — the rest can change.
    """
    if not permissions.can_manage_surveys(actor):
        raise PermissionDenied("Only L&D and admins author surveys.")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Give the survey a title."
    if audience not in Survey.Audience.values:
        errors["audience"] = "Choose who the survey is for."
    if audience == Survey.Audience.PROGRAMME and cohort is not None:
        errors["cohort"] = "A programme-team survey is not tied to one cohort."
    clean_items = [
        {
            "text": (i.get("text") or "").strip()[:300],
            "theme": (i.get("theme") or "").strip()[:80],
            "low_label": (i.get("low_label") or "").strip()[:60] or "Strongly disagree",
            "high_label": (i.get("high_label") or "").strip()[:60] or "Strongly agree",
        }
        for i in items
        if (i.get("text") or "").strip()
    ]
    if not clean_items:
        errors["items"] = "Add at least one statement to rate."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if survey is None:
            base = slugify(title)[:70] or "survey"
            slug, n = base, 2
            while Survey.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            survey = Survey(slug=slug, created_by=actor)
        answered = survey.pk is not None and survey.responses.exists()
        if answered:
            existing = [
                {"text": i.text, "theme": i.theme, "low_label": i.low_label, "high_label": i.high_label}
                for i in survey.items.order_by("position")
            ]
            if [i["text"] for i in existing] != [i["text"] for i in clean_items]:
                raise ValidationError(
                    {
                        "items": "People have already answered this survey, so its statements cannot change. "
                        "Create a new survey instead."
                    }
                )
        survey.title = title.strip()[:160]
        survey.intro = (intro or "").strip()
        survey.audience = audience
        survey.cohort = cohort if audience == Survey.Audience.LEADERS else None
        survey.is_diagnostic = is_diagnostic
        survey.allow_free_text = allow_free_text
        if free_text_label:
            survey.free_text_label = free_text_label.strip()[:200]
        survey.is_active = is_active
        survey.save()
        if answered:
            for item, data in zip(survey.items.order_by("position"), clean_items, strict=True):
                item.theme, item.low_label, item.high_label = data["theme"], data["low_label"], data["high_label"]
                item.save(update_fields=["theme", "low_label", "high_label"])
        else:
            survey.items.all().delete()
            SurveyItem.objects.bulk_create(
                SurveyItem(survey=survey, position=n, **data) for n, data in enumerate(clean_items, 1)
            )
    return survey


def survey_submit(
    *, actor: User, survey: Survey, round: str, scores: dict, free_text: str = "", now: datetime | None = None
) -> SurveyResponse:
    """Answer a survey round: every item rated 1-5, once per person per round.

    Guarantees: missing, non-numeric or out-of-range answers and unknown items raise a
    ValidationError naming each problem (keyed ``item_<id>``), nothing is written; a second response
    to the same round is refused (the unique constraint stops a double submit racing in); the
    activity carries the scores per item, never the free text.
    """
    if not permissions.can_take_survey(actor, survey):
        raise PermissionDenied("This survey is not for you.")
    if round not in Round.values:
        raise ValidationError("Unknown survey round.")
    if not round_is_open(survey, actor, round, now=now):
        raise ValidationError("The after round of this survey has not opened yet.")
    items = list(survey.items.order_by("position"))
    errors: dict[str, str] = {}
    clean: dict[int, int] = {}
    known = {str(i.pk) for i in items}
    for key in scores:
        if str(key) not in known:
            errors["__all__"] = "The survey changed while you were answering; please reload it."
    for item in items:
        raw = scores.get(item.pk, scores.get(str(item.pk)))
        if raw in (None, ""):
            errors[f"item_{item.pk}"] = "Please choose a rating from 1 to 5."
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            errors[f"item_{item.pk}"] = "Ratings are whole numbers from 1 to 5."
            continue
        if not 1 <= value <= 5:
            errors[f"item_{item.pk}"] = "Ratings go from 1 to 5."
            continue
        clean[item.pk] = value
    free_text = (free_text or "").strip()
    if len(free_text) > 4000:
        errors["free_text"] = "Please keep your comment under 4,000 characters."
    if errors:
        raise ValidationError(errors)
    existing = SurveyResponse.objects.filter(survey=survey, respondent=actor, round=round).first()
    if existing is not None:
        raise ValidationError(f"You already answered the {round} round on {existing.submitted_at:%-d %B %Y}.")
    cohort = goal_cohort(actor) if survey.audience == Survey.Audience.LEADERS else None
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                survey=survey,
                respondent=actor,
                round=round,
                cohort=cohort,
                free_text=free_text if survey.allow_free_text else "",
                submitted_at=now or timezone.now(),
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, item_id=k, score=v) for k, v in clean.items()
            )
            payload: SurveyAnsweredPayload = {
                "survey": survey.pk,
                "round": round,
                "scores": {str(k): v for k, v in clean.items()},
                "title": survey.title,
                "audience": survey.audience,
                "items": {str(i.pk): {"label": i.text, "theme": i.theme} for i in items},
            }
            metrics.record(actor=actor, verb=Verb.SURVEY_ANSWERED, target=survey, cohort=cohort, data=payload)
    except IntegrityError:
        raise ValidationError(f"You already answered the {round} round.") from None
    return response


def survey_round_schedule(*, actor: User, survey: Survey, cohort: Cohort | None, opens_at: datetime) -> SurveyRound:
    """Set when the after round opens for a cohort (or, without one, for the programme team).

    Guarantees: only people who may edit that cohort's programme; a round whose invitations went out
    cannot be moved (people were already told).
    """
    if not permissions.can_schedule_rounds(actor, cohort):
        raise PermissionDenied("You cannot schedule this survey round.")
    if (survey.audience == Survey.Audience.PROGRAMME) != (cohort is None):
        raise ValidationError("Leaders' surveys are scheduled per cohort; the programme survey for the whole team.")
    with transaction.atomic():
        existing = (
            SurveyRound.objects.select_for_update().filter(survey=survey, cohort=cohort, round=Round.AFTER).first()
        )
        if existing and existing.invited_at:
            raise ValidationError("Invitations for this round have already gone out; it cannot be moved.")
        if existing:
            existing.opens_at = opens_at
            existing.save(update_fields=["opens_at"])
            return existing
        return SurveyRound.objects.create(survey=survey, cohort=cohort, round=Round.AFTER, opens_at=opens_at)


def survey_rounds_open(*, now: datetime | None = None) -> int:
    """Invite everyone whose after round has opened, once. Returns how many invitations were created.

    Guarantees: each round is claimed by a conditional update before anyone is notified, so two
    runs (or two workers) never invite twice; people who already answered that round are not invited.
    """
    now = now or timezone.now()
    invited = 0
    for round_id in SurveyRound.objects.filter(invited_at__isnull=True, opens_at__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            if not SurveyRound.objects.filter(pk=round_id, invited_at__isnull=True).update(invited_at=now):
                continue
            scheduled = SurveyRound.objects.select_related("survey", "cohort").get(pk=round_id)
            survey = scheduled.survey
            if scheduled.cohort_id:
                people = User.objects.filter(
                    memberships__cohort=scheduled.cohort, memberships__kind=Membership.Kind.MEMBER, is_active=True
                )
            else:
                people = User.objects.filter(
                    groups__name__in=[Role.FACILITATOR, Role.ANALYST], is_active=True
                ).distinct()
            answered = SurveyResponse.objects.filter(survey=survey, round=scheduled.round).values("respondent_id")
            url = reverse("onboarding:survey-take", args=[survey.slug, scheduled.round])
            for person in people.exclude(pk__in=answered):
                if survey.audience == Survey.Audience.LEADERS and goal_cohort(person) != scheduled.cohort:
                    continue
                notify(
                    recipient=person,
                    event=Event.SURVEY,
                    text=f"Time for the after round of “{survey.title}”: see how far you have come.",
                    url=url,
                    target=survey,
                    group_key=f"survey:{survey.pk}:{scheduled.round}",
                )
                invited += 1
    return invited
