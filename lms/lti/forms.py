from __future__ import annotations

from django import forms

from portal.people.models import Cohort


class PlatformForm(forms.Form):
    name = forms.CharField(max_length=255, help_text="How admins recognise this LMS, e.g. “Moodle (staff academy)”.")
    issuer = forms.URLField(
        max_length=255, assume_scheme="https", help_text="The platform's issuer (iss), e.g. https://moodle.example.org"
    )
    client_id = forms.CharField(max_length=255, label="Client ID", help_text="The client ID the LMS gave Keystone.")
    deployment_ids = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Deployment IDs",
        help_text="One per line. Launches from any other deployment are refused.",
    )
    auth_url = forms.URLField(assume_scheme="https", label="Authentication (OIDC auth) URL")
    token_url = forms.URLField(assume_scheme="https", label="Access token URL")
    keyset_url = forms.URLField(assume_scheme="https", label="Platform JWKS (public keyset) URL")
    audience = forms.CharField(
        max_length=255, required=False, help_text="Only if the LMS names a token audience other than its token URL."
    )
    verifies_email = forms.BooleanField(
        required=False,
        label="This LMS verifies people's e-mail addresses",
        help_text="When ticked, a launch signs into an existing Keystone account with the same e-mail. "
        "Leave unticked unless you are sure: people can link their accounts themselves.",
    )
    frame_origins = forms.CharField(
        required=False,
        label="Origins allowed to show Keystone in a frame",
        help_text="Space-separated, e.g. https://lms.example.org. Empty: the issuer's and the auth URL's origins.",
    )

    def clean_deployment_ids(self) -> list[str]:
        ids = [line.strip() for line in self.cleaned_data["deployment_ids"].splitlines() if line.strip()]
        if not ids:
            raise forms.ValidationError("Give at least one deployment ID.")
        return ids

    def clean_frame_origins(self) -> str:
        origins = self.cleaned_data["frame_origins"].split()
        for origin in origins:
            if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
                raise forms.ValidationError(f"“{origin}” is not an origin like https://lms.example.org")
        return " ".join(origins)


class CourseLinkForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.all(), label="Cohort for this course")
