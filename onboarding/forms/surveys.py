from __future__ import annotations

from django import forms

from portal.people.models import Cohort

from ..models import Survey


class SurveyAnswerForm(forms.Form):
    """A radio group 1-5 per item. Validation of completeness and range is the service's job too."""

    def __init__(self, *args, survey: Survey, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Please choose a rating from 1 to 5.",
                    "invalid_choice": "Ratings go from 1 to 5.",
                },
            )
            self.fields[f"item_{item.pk}"].item = item
        if survey.allow_free_text:
            self.fields["free_text"] = forms.CharField(
                label=survey.free_text_label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
            )

    def item_fields(self):
        return [self[f"item_{item.pk}"] for item in self.items]

    def scores(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class SurveyForm(forms.Form):
    title = forms.CharField(max_length=160)
    intro = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    audience = forms.ChoiceField(choices=Survey.Audience.choices)
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.all(), required=False, empty_label="Every cohort without its own survey"
    )
    is_diagnostic = forms.BooleanField(required=False, label="Diagnostic: the result page groups items by theme")
    allow_free_text = forms.BooleanField(required=False, initial=True, label="Ask for an optional comment")
    is_active = forms.BooleanField(required=False, initial=True, label="Active")


class SurveyItemForm(forms.Form):
    text = forms.CharField(max_length=300, required=False, label="Statement")
    theme = forms.CharField(max_length=80, required=False)
    low_label = forms.CharField(max_length=60, required=False, label="Label for 1")
    high_label = forms.CharField(max_length=60, required=False, label="Label for 5")


SurveyItemFormSet = forms.formset_factory(SurveyItemForm, extra=3, max_num=40, validate_max=True)


class RoundForm(forms.Form):
    opens_at = forms.DateTimeField(
        label="The after round opens at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
