from __future__ import annotations

from django import forms

from portal.people.models import Cohort

from ..models.path import SKIPPABLE_STEPS, Step
from ..selectors import criteria


class StageForm(forms.Form):
    title = forms.CharField(max_length=160)
    deadline_days = forms.IntegerField(
        min_value=0, max_value=730, required=False, label="Deadline: days after the cohort starts"
    )
    deadline_date = forms.DateField(
        required=False, label="…or a fixed date", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if (data.get("deadline_days") is None) == (data.get("deadline_date") is None):
            raise forms.ValidationError("Give the deadline either as days after the cohort starts or as a date.")
        return data


class GoalForm(forms.Form):
    title = forms.CharField(max_length=160, required=False, help_text="Leave blank to use the criterion's wording.")
    criterion = forms.ChoiceField(choices=criteria.choices())
    n = forms.IntegerField(min_value=1, max_value=500, required=False, label="N")


class CohortChoiceForm(forms.Form):
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), required=False, empty_label="Default (everyone)")

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts


class OptionalStepsForm(forms.Form):
    optional_steps = forms.MultipleChoiceField(
        choices=[(str(s), Step(s).label) for s in SKIPPABLE_STEPS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Steps members of this cohort may skip",
    )
