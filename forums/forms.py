"""Input validation for the boards. Rules about what may be posted live in forums.services."""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django_prose_editor.fields import ProseEditorFormField

from .models import TITLE_MAX_LENGTH, Board, Flag, Topic
from .services._common import RAW_HTML_FACTOR
from .services.flags import Resolution

# What the composer offers: the same set the sanitiser keeps (portal.richtext), no more.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Code": True,
    "CodeBlock": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Image": True,
    "HardBreak": True,
    "History": True,
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        limit = settings.FORUM_MAX_IMAGES_PER_POST
        if len(files) > limit:
            raise forms.ValidationError(f"Attach at most {limit} images to one post.")
        return files


def body_field(label: str = "Your post") -> ProseEditorFormField:
    limit = settings.FORUM_POST_MAX_CHARS
    field = ProseEditorFormField(
        label=label,
        extensions=EDITOR_EXTENSIONS,
        max_length=limit * RAW_HTML_FACTOR,
        error_messages={
            "required": "Write something before posting: the text is empty.",
            "max_length": f"This is far longer than the {limit:,} characters a post may have.",
        },
    )
    field.widget.attrs.update({"data-max-chars": str(limit), "rows": 10, "data-composer-body": ""})
    return field


class ComposerForm(forms.Form):
    """Fields every composer has: the text, images, and the idempotency key that stops double submits."""

    body = body_field()
    images = MultipleImageField(
        label="Add images",
        help_text="JPEG, PNG or WebP photos. They are checked and resized before anyone sees them.",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # Ticked in the coach's panel after a warning (the content pipeline): the writer checked and posts anyway.
    post_anyway = forms.BooleanField(required=False, label="Post anyway")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("client_key"):
            self.initial["client_key"] = uuid.uuid4().hex


class TopicForm(ComposerForm):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX_LENGTH,
        min_length=5,
        help_text="One sentence that tells colleagues what you would like to talk about.",
        error_messages={
            "required": "Give the topic a title.",
            "max_length": f"Keep the title under {TITLE_MAX_LENGTH} characters.",
            "min_length": "Give the topic a title of at least 5 characters.",
        },
    )
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[
            (Topic.Kind.DISCUSSION, "A discussion: share something and hear what others think"),
            (Topic.Kind.QUESTION, "A question: you can mark the reply that answers it"),
        ],
        initial=Topic.Kind.DISCUSSION,
        widget=forms.RadioSelect,
    )

    field_order = ["title", "kind", "body", "images", "client_key"]


class ReplyForm(ComposerForm):
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your reply"


class PostEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX_LENGTH, min_length=5, required=False)
    body = body_field()
    images = MultipleImageField(
        label="Add images", widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    )
    reason = forms.CharField(
        label="Why are you editing? (optional)",
        max_length=300,
        required=False,
        help_text="Shown in the edit history.",
    )

    def __init__(self, *args, opening: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not opening:
            del self.fields["title"]
        else:
            self.fields["title"].required = True


class DraftForm(forms.Form):
    board = forms.CharField(max_length=140)
    topic = forms.IntegerField(required=False)
    title = forms.CharField(max_length=500, required=False)
    kind = forms.CharField(max_length=16, required=False)
    body = forms.CharField(required=False, strip=False)
    # forums.js: which composer on which page load, and its count of edits (see Draft.writer)
    draft_writer = forms.CharField(max_length=32, required=False)
    draft_seq = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    client_key = forms.CharField(max_length=64, required=False)  # the composer's one-time key for its post


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong?",
        choices=[
            (Flag.Reason.OFF_TOPIC, "Off-topic: it does not belong in this conversation"),
            (Flag.Reason.INAPPROPRIATE, "Inappropriate: a facilitator should look at the tone or content"),
            (Flag.Reason.CONFIDENTIAL, "Confidential information: it should not be shared here"),
            (Flag.Reason.OTHER, "Something else"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are flagging this."},
    )
    text = forms.CharField(
        label="Anything the facilitators should know? (needed for “something else”)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == Flag.Reason.OTHER and len((data.get("text") or "").strip()) < 5:
            self.add_error("text", "Tell the facilitators in a few words what is wrong.")
        return data


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=Resolution.choices)
    message = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason (shown in the audit log)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SlowModeForm(forms.Form):
    CHOICES = [(0, "Off"), (5, "5 minutes"), (15, "15 minutes"), (30, "30 minutes"), (60, "1 hour"), (240, "4 hours")]
    minutes = forms.TypedChoiceField(label="Slow mode", choices=CHOICES, coerce=int)
    reason = forms.CharField(label="Reason", max_length=500, required=False)


class TopicMoveForm(forms.Form):
    board = forms.ModelChoiceField(label="Move to", queryset=Board.objects.none(), empty_label=None)
    reason = forms.CharField(label="Reason (shown in the audit log)", max_length=500, required=False)

    def __init__(self, *args, boards=None, **kwargs):
        super().__init__(*args, **kwargs)
        if boards is not None:
            self.fields["board"].queryset = boards
            self.fields["board"].label_from_instance = lambda b: (
                f"{b.cohort.name if b.cohort else 'Everyone'} · {b.title}"
            )


class BoardForm(forms.Form):
    cohort = forms.ChoiceField(label="For")
    title = forms.CharField(label="Name", max_length=120, min_length=3)
    description = forms.CharField(
        label="Description",
        max_length=500,
        required=False,
        help_text="One or two sentences shown in the boards list.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    guidelines = forms.CharField(
        label="Guidelines",
        max_length=4000,
        required=False,
        help_text="Shown beside the composer: what this board is for and how to write here.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, cohorts=(), allow_org_wide=False, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Everyone in the organisation")] if allow_org_wide else []
        choices += [(str(c.pk), c.name) for c in cohorts]
        self.fields["cohort"].choices = choices
        self.fields["cohort"].required = not allow_org_wide
        if editing:
            del self.fields["cohort"]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search the boards", max_length=200, required=False)
