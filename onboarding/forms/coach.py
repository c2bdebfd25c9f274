from __future__ import annotations

from django import forms

from ..coach import KINDS
from ..models import CoachTerm, Lesson


class CoachCheckForm(forms.Form):
    """What the composer sends while someone types. Any of the usual body field names is accepted."""

    # Prefixed so they never collide with the composer's own fields (a topic form has a "kind" too).
    coach_kind = forms.ChoiceField(choices=[(k, k) for k in KINDS])
    coach_board = forms.IntegerField(required=False)


class CoachRuleForm(forms.Form):
    enabled = forms.BooleanField(required=False)
    threshold = forms.IntegerField(min_value=1, max_value=10_000, required=False)
    lesson = forms.ModelChoiceField(queryset=Lesson.objects.all(), required=False, empty_label="No lesson")


class CoachTermForm(forms.Form):
    list = forms.ChoiceField(choices=CoachTerm.List.choices)
    term = forms.CharField(max_length=80)
    note = forms.CharField(max_length=200, required=False, label="Why (shown to writers)")
