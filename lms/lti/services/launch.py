"""Writes on an LTI launch: the nonce used once, the Keystone account for the LMS user, cohort places.

The launch itself (OIDC state, id_token signature via the platform's JWKS, audience, expiry,
deployment) is validated by pylti1p3 through django-lti before anything here runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from lti_tool.models import LtiContext, LtiRegistration, LtiUser

import metrics
from metrics.verbs import Verb
from portal.people.models import Cohort, Membership, User
from portal.people.services.people import membership_add, user_create

from .. import roles as lti_roles
from ..models import CourseCohort, PlatformPolicy, UsedNonce

LINK_SALT = "lti.account-link"
LINK_MAX_AGE = 60 * 60  # an account-link offer is good for an hour


class LaunchRefused(Exception):
    """A launch that passed the signature checks but that Keystone will not act on; ``code`` says why."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def nonce_consume(*, issuer: str, nonce: str) -> None:
    """Mark a launch nonce used. Guarantees: the second presentation of a nonce raises LaunchRefused.

    pylti1p3 checks that the nonce was issued by our login step but does not retire it, so without
    this a captured id_token (with its state) could be posted again within the launch lifetime.
    """
    try:
        with transaction.atomic():
            UsedNonce.objects.create(issuer=issuer, nonce=nonce)
    except IntegrityError as exc:
        raise LaunchRefused("This launch was already used. Start again from your course.", code="replayed") from exc


def policy_for(registration: LtiRegistration) -> PlatformPolicy:
    policy, _ = PlatformPolicy.objects.get_or_create(registration=registration)
    return policy


def frame_origins(registration: LtiRegistration) -> list[str]:
    """Origins allowed to frame an LTI session from this platform: configured, else issuer and auth URL."""
    policy = PlatformPolicy.objects.filter(registration=registration).first()
    configured = (policy.frame_origins if policy else "").split()
    if configured:
        return configured
    origins = []
    for url in (registration.issuer, registration.auth_url):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def registered_frame_origins() -> list[str]:
    """Origins of every active platform: where a refusal page (no session yet) may be shown in a frame."""
    origins: list[str] = []
    for registration in LtiRegistration.objects.active().select_related("keystone_policy"):
        for origin in frame_origins(registration):
            if origin not in origins:
                origins.append(origin)
    return origins


@dataclass
class SignIn:
    """The outcome of matching an LMS user: a Keystone user, or an offer to link (``link_token``)."""

    user: User | None
    created: bool = False
    link_token: str = ""


def _synthetic_email(lti_user: LtiUser) -> str:
    digest = hashlib.sha256(f"{lti_user.registration.issuer}|{lti_user.sub}".encode()).hexdigest()[:20]
    return f"lms-{digest}@lti.invalid"


def account_for_launch(*, lti_user: LtiUser) -> SignIn:
    """The Keystone account of an LMS user, matched on the platform's stable subject (``sub``).

    Guarantees: an LMS user already linked signs in as that account, whatever their e-mail now says;
    an unlinked one is linked to an existing account with the same e-mail only if the platform is
    marked as verifying e-mails; if it is not, nothing is created and a signed link offer is returned
    instead; otherwise a new account (leader) is created, linked, and SIGNED_UP recorded, at once.
    """
    if lti_user.auth_user_id is not None:
        user = User.objects.filter(pk=lti_user.auth_user_id, is_active=True).first()
        if user is None:
            raise LaunchRefused("Your Keystone account is switched off. Ask an admin.", code="inactive")
        return SignIn(user=user)
    email = (lti_user.email or "").strip().lower()
    policy = policy_for(lti_user.registration)
    with transaction.atomic():
        locked = LtiUser.objects.select_for_update().get(pk=lti_user.pk)
        if locked.auth_user_id is not None:  # a concurrent launch linked it first
            return SignIn(user=locked.auth_user)
        existing = User.objects.filter(email=email).first() if email else None
        if existing is not None:
            if not policy.verifies_email:
                token = signing.dumps({"lti_user": lti_user.pk}, salt=LINK_SALT)
                return SignIn(user=None, link_token=token)
            if not existing.is_active:
                raise LaunchRefused("Your Keystone account is switched off. Ask an admin.", code="inactive")
            locked.auth_user = existing
            locked.save(update_fields=["auth_user"])
            return SignIn(user=existing)
        name = lti_user.name or " ".join(p for p in (lti_user.given_name, lti_user.family_name) if p)
        user = user_create(email=email or _synthetic_email(lti_user), display_name=name[:120])
        user.set_unusable_password()
        user.save(update_fields=["password"])
        locked.auth_user = user
        locked.save(update_fields=["auth_user"])
        metrics.record(actor=user, verb=Verb.SIGNED_UP, target=user, data={"via": "lti"})
    return SignIn(user=user, created=True)


def account_link(*, actor: User, token: str) -> LtiUser:
    """Link the LMS user named in a link offer to the signed-in account ``actor``.

    Guarantees: only with an unexpired offer signed by Keystone; an LMS user already linked to another
    account stays as it is (PermissionDenied); linking twice to the same account is a no-op.
    """
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature as exc:
        raise PermissionDenied(
            "This link has expired or is not valid. Launch Keystone from your course again."
        ) from exc
    with transaction.atomic():
        lti_user = LtiUser.objects.select_for_update().select_related("registration").get(pk=data["lti_user"])
        if lti_user.auth_user_id not in (None, actor.pk):
            raise PermissionDenied("This course account is already linked to another Keystone account.")
        if lti_user.auth_user_id is None:
            lti_user.auth_user = actor
            lti_user.save(update_fields=["auth_user"])
    return lti_user


def _unique_cohort(name: str) -> tuple[str, str]:
    base_name = (name or "LMS course").strip()[:100]
    base_slug = slugify(base_name)[:100] or "lms-course"
    candidate_name, candidate_slug, n = base_name, base_slug, 1
    while (
        Cohort.objects.filter(name__iexact=candidate_name).exists()
        or Cohort.objects.filter(slug=candidate_slug).exists()
    ):
        n += 1
        candidate_name, candidate_slug = f"{base_name} ({n})", f"{base_slug}-{n}"
    return candidate_name, candidate_slug


def course_cohort_for_launch(*, user: User, context: LtiContext, roles: list[str]) -> CourseCohort | None:
    """The cohort of the launch's course; created on the first launch by an instructor.

    Guarantees: a course is one cohort (unique row, created under a lock so two instructors launching
    at once make one cohort); learners never create one (None until an instructor or admin links it).
    """
    course = CourseCohort.objects.select_related("cohort").filter(context=context).first()
    if course is not None or not lti_roles.is_teaching(roles):
        return course
    with transaction.atomic():
        LtiContext.objects.select_for_update().get(pk=context.pk)
        course = CourseCohort.objects.select_related("cohort").filter(context=context).first()
        if course is not None:
            return course
        name, slug = _unique_cohort(context.title or context.label)
        cohort = Cohort.objects.create(
            name=name, slug=slug, description=f"Linked to the LMS course “{context.title or context.label}”."
        )
        metrics.record(actor=user, verb=Verb.COHORT_CREATED, target=cohort, cohort=cohort, data={"via": "lti"})
        course = CourseCohort.objects.create(context=context, cohort=cohort, linked_by=user, created_cohort=True)
    return course


def place_in_cohort(*, user: User, course: CourseCohort, roles: list[str]) -> Membership | None:
    """Give the person their place in the course's cohort from their LMS roles (see roles.cohort_kind).

    Guarantees: a facilitator is never demoted by a later learner launch (only promoted); Administrator
    alone adds nothing; MEMBER_ADDED is recorded when the place is new or changed.
    """
    kind = lti_roles.cohort_kind(roles)
    if kind is None:
        return None
    with transaction.atomic():
        existing = Membership.objects.select_for_update().filter(user=user, cohort=course.cohort).first()
        if existing is not None and (existing.kind == kind or existing.kind == Membership.Kind.FACILITATOR):
            return existing
        membership = membership_add(user=user, cohort=course.cohort, kind=kind)
        metrics.record(
            actor=user, verb=Verb.MEMBER_ADDED, target=user, cohort=course.cohort, data={"kind": kind, "via": "lti"}
        )
    return membership


def launch_recorded(*, user: User, course: CourseCohort | None) -> None:
    """Record the sign-in by launch (SIGNED_IN, via lti); Django's login() keeps last_login."""
    with transaction.atomic():
        metrics.record(
            actor=user, verb=Verb.SIGNED_IN, target=user, cohort=course.cohort if course else None, data={"via": "lti"}
        )
