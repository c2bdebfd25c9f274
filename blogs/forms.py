"""Input validation for the editor, comments and follows. Rules about what may be saved live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_prose_editor.fields import ProseEditorFormField

from portal.images import process_upload

from . import permissions
from .models import Entry
from .tagging import MAX_TAGS, parse_tags

# What the editor offers; the server-side sanitiser (portal.richtext) allows at least this.
ENTRY_EDITOR = {
    "types": [
        "Bold", "Italic", "Underline", "Strike", "Link", "Heading", "BulletList", "OrderedList",
        "Blockquote", "HorizontalRule", "Subscript", "Superscript",
    ],
    "history": True,
    "html": False,
    "typographic": True,
    "headingLevels": [2, 3],
}  # fmt: skip
# Comments use the boards' composer (static/js/forums.js: editor and @mention suggestions), so the
# field speaks its configuration format; no headings or images in a comment.
COMMENT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
    "History": True,
}

PERSONAL = "personal"


class EntryForm(forms.Form):
    """The editor. ``action`` is the button pressed: save (draft), schedule or publish."""

    blog = forms.ChoiceField(label="Post to", required=False)
    title = forms.CharField(max_length=200, help_text="A plain, specific title invites readers in.")
    summary = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences shown on cards and in feeds.",
    )
    body = ProseEditorFormField(label="Your entry", required=False, config=ENTRY_EDITOR)
    slug = forms.CharField(
        label="Web address",
        max_length=120,
        required=False,
        help_text="Leave empty to make one from the title. Lowercase letters, numbers and hyphens.",
    )
    tags = forms.CharField(
        max_length=400,
        required=False,
        help_text=f"Separate tags with commas, up to {MAX_TAGS}: e.g. “first steps, listening”.",
    )
    cover = forms.FileField(
        label="Cover image",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="A JPEG, PNG or WebP photo. We resize it and remove its hidden metadata.",
    )
    cover_alt = forms.CharField(
        label="Describe the image",
        max_length=200,
        required=False,
        help_text="For colleagues using screen readers.",
    )
    remove_cover = forms.BooleanField(label="Remove the cover image", required=False)
    visibility = forms.ChoiceField(
        label="Who can read it", choices=Entry.Visibility.choices, widget=forms.RadioSelect, initial="org"
    )
    cohort = forms.ModelChoiceField(label="Which cohort", queryset=None, required=False, empty_label="Choose a cohort")
    comments_enabled = forms.BooleanField(label="Allow comments", required=False, initial=True)
    # Ticked in the coach's panel after a warning (the content pipeline): the writer checked and publishes anyway.
    post_anyway = forms.BooleanField(required=False, label="Publish anyway")
    publish_at = forms.DateTimeField(
        label="Publish at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Only for scheduling: the date and time (your time zone) it should go out.",
    )

    def __init__(self, *args, user, entry: Entry | None = None, action: str = "save", **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.entry, self.action = user, entry, action
        self.fields["cohort"].queryset = permissions.audience_cohorts(user)
        cohorts = list(permissions.writable_cohorts(user)) if entry is None else []
        if cohorts:
            self.fields["blog"].choices = [(PERSONAL, "My blog")] + [
                (f"cohort:{c.pk}", f"{c.name} cohort blog") for c in cohorts
            ]
            self._cohorts = {f"cohort:{c.pk}": c for c in cohorts}
        else:
            del self.fields["blog"]
            self._cohorts = {}
        if entry is None or not entry.cover:
            del self.fields["remove_cover"]

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("tags") or "")

    def clean_cover(self):
        upload = self.cleaned_data.get("cover")
        if not upload:
            return None
        return process_upload(upload, max_side=1600, thumb_side=640, square_thumb=False)

    def clean(self):
        data = super().clean()
        if self.action == "schedule" and "publish_at" not in self.errors:
            # The service decides; checking here too shows this error together with any others.
            if not data.get("publish_at"):
                self.add_error("publish_at", "Choose the date and time to publish.")
            elif data["publish_at"] <= timezone.now():
                self.add_error("publish_at", "That time has already passed. Choose a time in the future.")
        if data.get("visibility") == Entry.Visibility.COHORT and not data.get("cohort"):
            blog_choice = data.get("blog") or PERSONAL
            if blog_choice == PERSONAL and (self.entry is None or not self.entry.blog.is_cohort):
                self.add_error("cohort", "Choose which of your cohorts can read this entry.")
        return data

    def chosen_cohort_blog(self):
        """The cohort whose blog was chosen, or None for the writer's own blog."""
        return self._cohorts.get(self.cleaned_data.get("blog") or PERSONAL)

    def content(self) -> dict:
        """Keyword arguments for the entry services."""
        d = self.cleaned_data
        return {
            "title": d["title"],
            "summary": d.get("summary", ""),
            "body": d.get("body", ""),
            "slug": d.get("slug", ""),
            "tags": d.get("tags", []),
            "visibility": d["visibility"],
            "cohort": d.get("cohort"),
            "comments_enabled": d.get("comments_enabled", False),
            "cover": d.get("cover"),
            "cover_alt": d.get("cover_alt", ""),
            "remove_cover": d.get("remove_cover", False),
        }


def entry_initial(entry: Entry) -> dict:
    return {
        "title": entry.title,
        "summary": entry.summary,
        "body": entry.body,
        "slug": entry.slug,
        "tags": ", ".join(t.name for t in entry.tags.all()),
        "cover_alt": entry.cover_alt,
        "visibility": entry.visibility,
        "cohort": entry.cohort_id,
        "comments_enabled": entry.comments_enabled,
        "publish_at": entry.publish_at,
    }


class EditorStampForm(forms.Form):
    """blogs.js: which editor on which page load, and its count of edits (see EntryAutosave.writer)."""

    draft_writer = forms.CharField(max_length=32, required=False)
    draft_seq = forms.IntegerField(min_value=0, max_value=2**31 - 1, required=False)

    def stamp(self) -> dict:
        if not self.is_valid() or self.cleaned_data["draft_seq"] is None:
            return {"writer": "", "seq": None}
        return {"writer": self.cleaned_data["draft_writer"] or "", "seq": self.cleaned_data["draft_seq"]}


class AutosaveForm(EditorStampForm):
    """The subset of the editor kept by autosave; lenient, because half-written drafts are the point."""

    title = forms.CharField(max_length=200, required=False)
    slug = forms.CharField(max_length=120, required=False)
    summary = forms.CharField(max_length=300, required=False)
    body = forms.CharField(required=False)
    tags = forms.CharField(max_length=400, required=False)

    def working_copy(self) -> dict:
        """What the working copy keeps (the editor's name and count of edits go alongside)."""
        return {name: self.cleaned_data[name] for name in ("title", "slug", "summary", "body", "tags")}


class CommentForm(forms.Form):
    body = ProseEditorFormField(label="Your comment", required=False, extensions=COMMENT_EXTENSIONS)
    # Ticked in the coach's panel after a warning (the content pipeline).
    post_anyway = forms.BooleanField(required=False, label="Post anyway")
    # The comment replied to; the name matches the boards' composer script, which fills it in.
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        return self.cleaned_data.get("body") or ""


class FollowForm(forms.Form):
    action = forms.ChoiceField(choices=[("follow", "Follow"), ("unfollow", "Unfollow")])


def apply_service_errors(form: EntryForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors by field, the rest at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
