"""The weekly adoption summary e-mailed to each cohort's sponsor: aggregates only, behind the privacy floor."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from portal.people.models import Cohort

from . import disclosure
from .models import SentSummary
from .selectors import adoption, headline
from .selectors.scope import Scope


def summary_week(now: datetime | None = None) -> date:
    """Monday of the week whose summary is due by ``now``: last week once this week's send time has come."""
    local = timezone.localtime(now or timezone.now())
    monday = local.date() - timedelta(days=local.weekday())
    send_day = monday + timedelta(days=settings.METRICS_SUMMARY_WEEKDAY)
    send_at = datetime.combine(send_day, time(settings.METRICS_SUMMARY_HOUR), tzinfo=local.tzinfo)
    return monday - timedelta(days=7 if local >= send_at else 14)


def due_summaries(now: datetime | None = None) -> list[tuple[int, date]]:
    """Sponsored cohorts whose summary for the due week has not gone out yet."""
    week = summary_week(now)
    sent = set(SentSummary.objects.filter(week_start=week, sent_at__isnull=False).values_list("cohort_id", flat=True))
    cohorts = Cohort.objects.filter(sponsor__isnull=False, sponsor__is_active=True, starts_on__lte=week + timedelta(6))
    return [(pk, week) for pk in cohorts.order_by("pk").values_list("pk", flat=True) if pk not in sent]


def summary_context(cohort: Cohort, week_start: date) -> dict:
    """Everything the e-mail shows: the week against the week before, the funnel and levels at the week's end."""
    k = settings.METRICS_MIN_GROUP_SIZE
    week_end = week_start + timedelta(days=6)
    # The organisation-wide plan: the same levels and cohorts withheld as on the dashboards of L&D.
    plan = disclosure.plan_for(None, k=k)
    this_week = Scope(cohort_ids=frozenset({cohort.pk}), start=week_start, end=week_end, k=k, plan=plan)
    refusal = plan.refusal(this_week.cohort_ids)
    last_week = this_week.with_dates(week_start - timedelta(days=7), week_start - timedelta(days=1))
    query = urlencode({"cohort": cohort.pk, "start": (week_end - timedelta(days=83)).isoformat(), "end": week_end})
    return {
        "cohort": cohort,
        "week_start": week_start,
        "week_end": week_end,
        "k": k,
        "refusal": refusal,
        "comparison": None if refusal else headline.comparison(last_week, this_week),
        "funnel": None if refusal else adoption.funnel(this_week),
        "levels": None if refusal else adoption.level_share(this_week),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "dashboard_url": f"{settings.SITE_URL}{reverse('metrics:index')}?{query}",
        "definitions_url": settings.SITE_URL + reverse("metrics:definitions"),
    }


def summary_message(cohort: Cohort, week_start: date) -> EmailMultiAlternatives:
    context = summary_context(cohort, week_start)
    subject = " ".join(render_to_string("metrics/email/sponsor_summary_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("metrics/email/sponsor_summary.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[cohort.sponsor.email],
    )
    message.attach_alternative(render_to_string("metrics/email/sponsor_summary.html", context), "text/html")
    return message


def summary_send(*, cohort_id: int, week_start: date) -> bool:
    """Send one cohort's summary for one week, at most once.

    Guarantees: the SentSummary row (unique per cohort and week) is locked while the e-mail goes out,
    so two workers cannot both send it; a send that fails rolls the row back and the task is
    retried. Returns whether an e-mail went out.
    """
    with transaction.atomic():
        cohort = Cohort.objects.select_related("sponsor").filter(pk=cohort_id).first()
        if cohort is None or cohort.sponsor is None or not cohort.sponsor.is_active or not cohort.sponsor.email:
            return False
        row, _ = SentSummary.objects.get_or_create(
            cohort=cohort, week_start=week_start, defaults={"recipient": cohort.sponsor.email}
        )
        row = SentSummary.objects.select_for_update().get(pk=row.pk)
        if row.sent_at is not None:
            return False
        summary_message(cohort, week_start).send()
        row.recipient = cohort.sponsor.email
        row.sent_at = timezone.now()
        row.save(update_fields=["recipient", "sent_at"])
    return True
