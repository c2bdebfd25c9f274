"""Input validation for the directory filters and the profile form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from portal.images import process_upload
from portal.people.models import Cohort, ManagementLevel, Profile
from portal.people.selectors.people import DirectoryFilters
from portal.people.services.people import valid_timezones

LEVEL_CHOICES = [("", "Any level"), *ManagementLevel.choices]


class PlainLabelForm(forms.Form):
    """Labels without Django's trailing colon: the fields sit under their labels."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DirectoryFilterForm(PlainLabelForm):
    """The directory's GET form. An invalid filter is reported and ignored, never a 500."""

    q = forms.CharField(
        label="Name or job title",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=Cohort.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any cohort",
    )
    department = forms.ChoiceField(label="Department", required=False)
    level = forms.TypedChoiceField(label="Level", choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False)

    def __init__(self, *args, departments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "Any department"), *((d, d) for d in departments)]

    def filters(self) -> DirectoryFilters:
        """The valid part of the input (an invalid field counts as "any")."""
        if not self.is_bound:
            return DirectoryFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            cohort=data.get("cohort"),
            department=data.get("department") or "",
            level=data.get("level"),
        )


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(valid_timezones())]


class ProfileForm(PlainLabelForm):
    """What a person says about themselves. The avatar is verified and re-encoded while cleaning."""

    display_name = forms.CharField(
        label="Display name",
        max_length=Profile._meta.get_field("display_name").max_length,
        help_text="How colleagues see you, e.g. “Sam Okafor”.",
        error_messages={"required": "Enter the name colleagues know you by."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    job_title = forms.CharField(
        label="Job title",
        max_length=Profile._meta.get_field("job_title").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    department = forms.CharField(
        label="Department",
        max_length=Profile._meta.get_field("department").max_length,
        required=False,
        help_text="Pick one from the list if it is there, so colleagues can find you by department.",
        widget=forms.TextInput(attrs={"list": "department-options", "autocomplete": "off"}),
    )
    management_level = forms.TypedChoiceField(
        label="Management level",
        choices=[("", "Choose your level"), *ManagementLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Used only in aggregate reports on how each level takes part; never to rank people.",
    )
    bio = forms.CharField(
        label="Bio",
        max_length=Profile._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines: what you look after, what you would like to learn from colleagues.",
    )
    timezone = forms.ChoiceField(label="Time zone", choices=timezone_choices)
    avatar = forms.FileField(
        label="Upload a new photo",
        required=False,
        help_text="A JPEG, PNG or WebP image. We re-save it, which drops hidden data such as the camera's location.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove_avatar = forms.BooleanField(label="Remove my photo", required=False)

    def __init__(self, *args, profile: Profile, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "display_name": profile.display_name,
                "job_title": profile.job_title,
                "department": profile.department,
                "management_level": profile.management_level,
                "bio": profile.bio,
                "timezone": profile.timezone,
            },
        )
        super().__init__(*args, **kwargs)
        self.profile = profile
        limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        self.fields["avatar"].help_text = f"{self.fields['avatar'].help_text} At most {limit_mb:g} MB."
        if not profile.avatar:
            del self.fields["remove_avatar"]

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError("Enter the name colleagues know you by.")
        return name

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return process_upload(upload)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("avatar") and cleaned.get("remove_avatar"):
            self.add_error("remove_avatar", "Either upload a new photo or remove the current one, not both.")
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "display_name": data["display_name"],
            "job_title": data["job_title"].strip(),
            "department": data["department"].strip(),
            "management_level": data["management_level"],
            "bio": data["bio"].strip(),
            "timezone": data["timezone"],
            "avatar": data.get("avatar"),
            "remove_avatar": bool(data.get("remove_avatar")),
        }
