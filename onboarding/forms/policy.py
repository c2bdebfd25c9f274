from __future__ import annotations

from django import forms
from django_prose_editor.fields import ProseEditorFormField


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label="I have read the social media policy and will follow it.",
        error_messages={"required": "Tick the box to confirm you have read the policy."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PublishPolicyForm(forms.Form):
    title = forms.CharField(max_length=160, initial="Social media policy")
    body_html = ProseEditorFormField(label="Policy text")
    change_summary = forms.CharField(max_length=300, required=False, label="What changed (shown to readers)")
    major = forms.BooleanField(
        required=False,
        label="Major version: everyone must acknowledge it again at their next sign-in",
        help_text="Leave unticked for corrections and clarifications (a minor version).",
    )
