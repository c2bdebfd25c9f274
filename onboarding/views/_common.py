"""Small helpers shared by onboarding views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from portal.people.models import Cohort


def errors_to_form(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: keyed errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def cohort_from_query(request) -> Cohort | None:
    """``?cohort=<slug>`` names a cohort; absent or empty means the defaults."""
    slug = request.GET.get("cohort") or request.POST.get("cohort_slug") or ""
    if not slug:
        return None
    cohort = Cohort.objects.filter(slug=slug).first()
    if cohort is None:
        raise Http404("No such cohort.")
    return cohort
