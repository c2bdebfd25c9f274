"""Input validation for facilitation pages. Rules (who may, what is allowed) live in ``services``."""

from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from forums.forms import EDITOR_EXTENSIONS
from forums.services import RAW_HTML_FACTOR

from . import timing
from .models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, TITLE_MAX_LENGTH, PromptCategory, ReviewRequest, TopicKind
from .services.nudges import NUDGE_TEMPLATES
from .services.prompts import MAX_OFFSET_DAYS, When

# The prompt and draft editors offer what the forums' composer offers, minus images (a draft under review
# or a prompt in a schedule has no attachment to point at yet).
PROMPT_EXTENSIONS = {name: value for name, value in EDITOR_EXTENSIONS.items() if name != "Image"}


def body_field(label: str) -> ProseEditorFormField:
    limit = settings.FORUM_POST_MAX_CHARS
    field = ProseEditorFormField(
        label=label,
        extensions=PROMPT_EXTENSIONS,
        max_length=limit * RAW_HTML_FACTOR,
        error_messages={"required": "Write something: the text is empty."},
    )
    field.widget.attrs.update({"rows": 10, "data-facilitation-editor": ""})
    return field


class FacilitationForm(forms.Form):
    """Labels read as questions and names, without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"Session {obj.number} · {timezone.localtime(obj.starts_at):%a %d %b, %H:%M}"


def kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="What kind of topic",
        choices=TopicKind.choices,
        initial=TopicKind.DISCUSSION,
        widget=forms.RadioSelect,
        help_text="A question can have an accepted answer; a discussion invites many views.",
    )


class OffsetMixin(FacilitationForm):
    """Days before or after a session, at a time of day: "2 days before", "1 day after at 08:00"."""

    offset_days = forms.IntegerField(label="Days", min_value=0, max_value=MAX_OFFSET_DAYS, initial=2)
    direction = forms.ChoiceField(
        label="Before or after", choices=[("before", "before"), ("after", "after")], initial="before"
    )
    at_time = forms.TimeField(
        label="At (local time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Leave empty for the session's own start time.",
    )

    def signed_offset(self) -> int:
        days = self.cleaned_data.get("offset_days") or 0
        return -days if self.cleaned_data.get("direction") == "before" else days

    @staticmethod
    def offset_initial(offset_days: int) -> dict:
        return {"offset_days": abs(offset_days), "direction": "before" if offset_days < 0 else "after"}


class PromptForm(OffsetMixin):
    MODES = [
        ("session", "Around a session"),
        ("absolute", "At a date and time"),
        ("queue", "No time: keep it in the queue"),
    ]

    board = forms.ModelChoiceField(label="Board", queryset=None, empty_label=None)
    title = forms.CharField(label="Title", max_length=TITLE_MAX_LENGTH)
    body = body_field("Prompt")
    kind = kind_field()
    mode = forms.ChoiceField(label="When it goes out", choices=MODES, widget=forms.RadioSelect, initial="session")
    session = SessionChoiceField(label="Session", queryset=None, required=False, empty_label="Choose a session")
    release_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    # Shown only after the chosen time turned out to be past (issue 17): nothing goes out by surprise.
    send_now = forms.BooleanField(label="Its time has passed: send it out now", required=False)

    def __init__(self, *args, boards, sessions, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["board"].queryset = boards
        self.fields["session"].queryset = sessions
        self.fields["release_at"].help_text = f"In the cohort's time zone ({zone.key})."
        self.fields[
            "mode"
        ].help_text = "A queued prompt goes out when you release it, or early when its board has been quiet."

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == "session" and not data.get("session") and "session" not in self.errors:
            self.add_error("session", "Choose the session this prompt is timed around.")
        if mode == "absolute" and not data.get("release_at") and "release_at" not in self.errors:
            self.add_error("release_at", "Choose the date and time it goes out.")
        return data

    def when(self) -> When:
        data = self.cleaned_data
        if data["mode"] == "session":
            return When.relative(data["session"], self.signed_offset(), data.get("at_time"))
        if data["mode"] == "absolute":
            # The browser sends a wall-clock time: it means that time in the cohort's zone.
            naive = timezone.make_naive(data["release_at"])
            return When.absolute(timing.local_moment(naive.date(), naive.time(), self.zone))
        return When()

    @classmethod
    def initial_for(cls, prompt, zone) -> dict:
        initial = {"board": prompt.board_id, "title": prompt.title, "body": prompt.body, "kind": prompt.kind}
        if prompt.session_id:
            initial |= {"mode": "session", "session": prompt.session_id, "at_time": prompt.at_time}
            initial |= cls.offset_initial(prompt.offset_days)
        elif prompt.release_at:
            local = prompt.release_at.astimezone(zone).replace(tzinfo=None)
            initial |= {"mode": "absolute", "release_at": timezone.make_aware(local)}
        else:
            initial |= {"mode": "queue"}
        return initial


class CloneForm(FacilitationForm):
    """The library's one-click "add to schedule": where, and around which session."""

    cohort = forms.ModelChoiceField(label="Cohort", queryset=None, empty_label=None)
    board = forms.ModelChoiceField(label="Board", queryset=None, required=False, empty_label="The cohort's first board")
    session = SessionChoiceField(
        label="Around session", queryset=None, required=False, empty_label="No session: keep it in the queue"
    )

    def __init__(self, *args, cohorts, boards, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["board"].queryset = boards
        self.fields["session"].queryset = sessions

    def clean(self):
        data = super().clean()
        cohort, board, session = data.get("cohort"), data.get("board"), data.get("session")
        if cohort and board and board.cohort_id != cohort.pk:
            self.add_error("board", "Choose one of this cohort's boards.")
        if cohort and session and session.cohort_id != cohort.pk:
            self.add_error("session", "Choose one of this cohort's sessions.")
        return data


class TemplateForm(OffsetMixin):
    title = forms.CharField(label="Title", max_length=TITLE_MAX_LENGTH)
    body = body_field("Prompt")
    kind = kind_field()
    category = forms.ChoiceField(label="Category", choices=PromptCategory.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offset_days"].label = "Suggested timing: days"
        self.fields["body"].help_text = "{cohort} and {board} are replaced by the cohort's and board's names."


class SettingsForm(FacilitationForm):
    quiet_days = forms.IntegerField(
        label="Release the next prompt early after this many quiet days",
        min_value=0,
        max_value=60,
        help_text="A board with no new topic for this long gets its next queued prompt early. 0 switches it off.",
    )
    time_zone = forms.ChoiceField(label="Time zone of the schedule", required=False)
    welcome_prompt = forms.BooleanField(label="Open each new board with a welcome prompt", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
        self.fields["time_zone"].choices = [("", f"The site's ({settings.TIME_ZONE})")] + [(z, z) for z in zones]


class FilterForm(FacilitationForm):
    quiet = forms.IntegerField(label="Quiet for at least (days)", min_value=1, max_value=365, required=False)
    behind = forms.BooleanField(label="Behind on goals", required=False)
    never_posted = forms.BooleanField(label="Never posted", required=False)
    not_onboarded = forms.BooleanField(label="Onboarding not finished", required=False)


class NudgeForm(FacilitationForm):
    members = forms.MultipleChoiceField(label="Members", widget=forms.CheckboxSelectMultiple)
    template = forms.ChoiceField(
        label="Start from", choices=[(t.key, t.label) for t in NUDGE_TEMPLATES], initial="quiet", required=False
    )
    message = forms.CharField(
        label="Message",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="{first_name} becomes each person's first name. Keep it short and personal.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(u.pk), u.display_name) for u in members]


class BuddyForm(FacilitationForm):
    member = forms.ChoiceField(label="Member")
    buddy = forms.ChoiceField(label="Buddy")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a member")] + [(str(u.pk), u.display_name) for u in members]
        self.fields["member"].choices = choices
        self.fields["buddy"].choices = choices


class QuickReplyForm(FacilitationForm):
    body = forms.CharField(
        label="Your reply", max_length=settings.FORUM_POST_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    post_anyway = forms.BooleanField(
        label="Post anyway: I have checked the coach's points, and this is fine to share.", required=False
    )


class ReviewForm(FacilitationForm):
    board = forms.ModelChoiceField(label="Board", queryset=None, required=False, empty_label=None)
    cohort = forms.ModelChoiceField(label="Your cohort's facilitators", queryset=None, required=False, empty_label=None)
    title = forms.CharField(label="Title", max_length=200, required=False)
    topic_kind = kind_field()
    visibility = forms.ChoiceField(
        label="Who can read the entry",
        choices=ReviewRequest.Visibility.choices,
        initial=ReviewRequest.Visibility.COHORT,
        widget=forms.RadioSelect,
    )
    body = body_field("Your draft")
    note = forms.CharField(
        label="What would you like the facilitators to look at? (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the tone, whether it says too much, or whether it is clear.",
    )

    def __init__(self, *args, kind: str, boards=None, cohorts=None, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == ReviewRequest.Kind.TOPIC and not revising:
            self.fields["board"].queryset = boards
            self.fields["board"].required = True
        else:
            del self.fields["board"]
        if kind == ReviewRequest.Kind.ENTRY and not revising:
            self.fields["cohort"].queryset = cohorts
            self.fields["cohort"].required = True
            self.fields["cohort"].help_text = "The facilitators of this cohort will see your draft."
        else:
            del self.fields["cohort"]
        if kind == ReviewRequest.Kind.REPLY:
            del self.fields["title"]
        else:
            self.fields["title"].required = True
        if kind != ReviewRequest.Kind.TOPIC:
            del self.fields["topic_kind"]
        if kind != ReviewRequest.Kind.ENTRY:
            del self.fields["visibility"]
        if revising:
            del self.fields["note"]


class CommentForm(FacilitationForm):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only the author and this cohort's facilitators can read it.",
    )
