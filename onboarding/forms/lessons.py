from __future__ import annotations

from django import forms
from django_prose_editor.fields import ProseEditorFormField

from ..models import Lesson
from ..selectors import criteria


class LessonForm(forms.Form):
    title = forms.CharField(max_length=160)
    summary = forms.CharField(max_length=300, help_text="One line shown on the Learn page.")
    example_kind = forms.ChoiceField(
        choices=[("", "No example post"), *Lesson.ExampleKind.choices],
        required=False,
        label="Example post appears as",
    )
    example_title = forms.CharField(max_length=160, required=False, label="Example title (topics and entries)")
    example_html = ProseEditorFormField(required=False, label="Example post")
    practice_criterion = forms.ChoiceField(
        choices=[("", "No practice task"), *criteria.choices()],
        required=False,
        label="Practice task (completes itself from real activity)",
    )
    practice_n = forms.IntegerField(min_value=1, max_value=500, required=False, label="N (how many)")
    practice_text = forms.CharField(max_length=300, required=False, label="Practice task wording (optional)")
    is_published = forms.BooleanField(required=False, initial=True, label="Published (learners can open it)")


class StepForm(forms.Form):
    title = forms.CharField(max_length=160, required=False)
    body = ProseEditorFormField(required=False)


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=20, validate_max=True)


class CurriculumForm(forms.Form):
    """One number per lesson: its position in the curriculum (blank = not included)."""

    def __init__(self, *args, lessons, positions: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.lessons = lessons
        for lesson in lessons:
            self.fields[f"lesson_{lesson.pk}"] = forms.IntegerField(
                min_value=1, max_value=999, required=False, label=lesson.title, initial=positions.get(lesson.pk)
            )

    def ordered_lesson_ids(self) -> list[int]:
        chosen = [
            (self.cleaned_data[f"lesson_{lesson.pk}"], lesson.title, lesson.pk)
            for lesson in self.lessons
            if self.cleaned_data.get(f"lesson_{lesson.pk}")
        ]
        return [pk for _, _, pk in sorted(chosen)]
