"""Input validation for cohorts, their sessions and their memberships."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from portal.people.forms.people import PlainLabelForm
from portal.people.models import Cohort, Membership, User


class PersonChoiceField(forms.ModelChoiceField):
    """A person picked from a list; the queryset must select_related("profile")."""

    def label_from_instance(self, obj: User) -> str:
        profile = obj.profile
        title = f", {profile.job_title}" if profile.job_title else ""
        return f"{profile.display_name or obj.email}{title} <{obj.email}>"


class CohortForm(PlainLabelForm):
    """Everything an admin sets about a cohort."""

    name = forms.CharField(label="Name", max_length=Cohort._meta.get_field("name").max_length)
    slug = forms.SlugField(
        label="Web address",
        max_length=Cohort._meta.get_field("slug").max_length,
        required=False,
        help_text="Letters, numbers and hyphens, used in the cohort's link. Leave empty to make one from the name.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What this cohort is for and how it will work. Plain text; links are made clickable.",
    )
    sponsor = PersonChoiceField(
        label="Sponsor",
        queryset=User.objects.none(),
        required=False,
        empty_label="No sponsor yet",
        help_text="The executive accountable for this cohort's adoption. They receive aggregate summaries only.",
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            slug = slugify(cleaned["name"])[: self.fields["slug"].max_length]
            if not slug:
                self.add_error("slug", "Enter a web address made of letters, numbers and hyphens.")
            cleaned["slug"] = slug
        return cleaned


class CohortDescriptionForm(PlainLabelForm):
    """What a facilitator may change about a cohort they run."""

    description = CohortForm.base_fields["description"]


class SessionForm(PlainLabelForm):
    number = forms.IntegerField(label="Session number", min_value=1, max_value=999)
    title = forms.CharField(label="Title", max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class MembershipForm(PlainLabelForm):
    user = PersonChoiceField(label="Person", queryset=User.objects.none(), empty_label="Choose a person")
    kind = forms.ChoiceField(label="As", choices=Membership.Kind.choices, initial=Membership.Kind.MEMBER)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates

    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        if not user.is_active:
            raise ValidationError("This person's account is not active.")
        return user
