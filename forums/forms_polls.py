"""Input for polls (issue 17): the optional poll section of the new-topic composer, and a vote."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .services.polls import MAX_OPTIONS


class PollForm(forms.Form):
    """Filled in only when the author ticks "Add a poll"; every field then validates like the rest."""

    poll_enabled = forms.BooleanField(label="Add a poll to this topic", required=False)
    poll_question = forms.CharField(label="Poll question", max_length=200, required=False)
    poll_options = forms.CharField(
        label="Options, one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_poll_options-help"}),
        help_text=f"Between 2 and {MAX_OPTIONS} options.",
    )
    poll_multiple = forms.BooleanField(label="People may choose more than one option", required=False)
    poll_closes_at = forms.DateTimeField(
        label="Closes (optional)",
        required=False,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "aria-describedby": "id_poll_closes_at-help"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="Results are shown to everyone once the poll closes, and to each person after they vote.",
    )

    def clean(self):
        data = super().clean()
        # Someone who wrote a question or options clearly wants the poll, ticked or not: never drop it silently.
        if (data.get("poll_question") or "").strip() or (data.get("poll_options") or "").strip():
            data["poll_enabled"] = True
        if not data.get("poll_enabled"):
            return data
        if not (data.get("poll_question") or "").strip():
            self.add_error("poll_question", "Write the poll's question.")
        closes = data.get("poll_closes_at")
        if closes is not None and closes <= timezone.now():
            self.add_error("poll_closes_at", "Choose a closing time in the future.")
        return data

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("poll_options") or "").splitlines() if line.strip()]
