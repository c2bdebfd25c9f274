"""Input for invitations: one person by form, many by CSV upload, and sign-up through an invitation."""

from __future__ import annotations

import csv
import io

from allauth.account.forms import SignupForm
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from portal.people import permissions
from portal.people.models import Cohort, Invitation, ManagementLevel, User
from portal.people.services.invitations import InvitationRow, RowProblem, invitation_rows_problems, normalise_email

CSV_COLUMNS = ("email", "name", "title", "department", "management_level", "cohort")

EMPTY_FILE = "The file is empty. It needs a header line and one line per person."

LEVEL_CHOICES = [
    ("", "Not sure yet (they can choose)"),
    *[(str(v), f"{v}: {label}") for v, label in ManagementLevel.choices],
]


def _limit(field_name: str) -> int:
    return Invitation._meta.get_field(field_name).max_length


class InvitationForm(forms.Form):
    """Invite one person to one of the cohorts the inviter may invite to."""

    email = forms.EmailField(label="E-mail address", max_length=_limit("email"))
    display_name = forms.CharField(
        label="Name", required=False, max_length=_limit("display_name"), help_text="As colleagues know them."
    )
    job_title = forms.CharField(label="Job title", required=False, max_length=_limit("job_title"))
    department = forms.CharField(label="Department", required=False, max_length=_limit("department"))
    management_level = forms.TypedChoiceField(
        label="Management level",
        choices=LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Dashboards report by level; the person can correct it on their profile.",
    )
    cohort = forms.ModelChoiceField(label="Cohort", queryset=Cohort.objects.none(), empty_label=None)

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["cohort"].queryset = permissions.invitable_cohorts(actor).order_by("name")

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class InvitationUploadForm(forms.Form):
    """A CSV of people to invite. Every row is checked; problems are reported by line number."""

    file = forms.FileField(
        label="CSV file",
        help_text="Columns, in this order: " + ",".join(CSV_COLUMNS) + ". Save as “CSV UTF-8”.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": EMPTY_FILE,
        },
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.rows: list[InvitationRow] = []
        self.problems: list[RowProblem] = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_bytes = settings.INVITATION_CSV_MAX_BYTES
        if upload.size > max_bytes:
            raise ValidationError(f"The file is larger than {max_bytes // 1024} KB; split it into smaller files.")
        data = upload.read()
        rows, problems = parse_invitation_csv(data, actor=self.actor)
        if rows:
            # The rules too (already a member, repeated address), so one round of fixes is enough.
            problems = problems + invitation_rows_problems(actor=self.actor, rows=rows)
        if problems:
            self.problems = sorted(problems, key=lambda p: p.line or 0)  # stable: a line's own order stays
            raise ValidationError([str(p) for p in self.problems])
        self.rows = rows
        return upload


def parse_invitation_csv(data: bytes, *, actor: User) -> tuple[list[InvitationRow], list[RowProblem]]:
    """Turn CSV bytes into rows and format problems (encoding, header, syntax), by line.

    The rows are those naming a valid address and a cohort the actor may use, even when their line
    has another problem: the caller checks the rules on them too, and imports only if no problem.
    """
    if not data.strip():
        return [], [RowProblem(None, EMPTY_FILE)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [
            RowProblem(
                None,
                "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)” and upload it again.",
            )
        ]
    if "\x00" in text:
        return [], [RowProblem(None, "This does not look like a CSV text file.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = ",".join(CSV_COLUMNS)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return [], [RowProblem(1, f"The first line must be the header {expected}.")]
    if [cell.strip().lower() for cell in header] != list(CSV_COLUMNS):
        found = ",".join(cell.strip() for cell in header)
        return [], [RowProblem(1, f"The header must be exactly “{expected}”, found “{found}”.")]

    cohorts: dict[str, Cohort] = {}
    for cohort in permissions.invitable_cohorts(actor):
        cohorts[cohort.slug.lower()] = cohort
        cohorts[cohort.name.strip().lower()] = cohort
    max_rows = settings.INVITATION_CSV_MAX_ROWS
    rows: list[InvitationRow] = []
    problems: list[RowProblem] = []
    count = 0
    previous_end = reader.line_num
    while True:
        line = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(line, f"This line cannot be read as CSV ({exc})."))
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are harmless
        count += 1
        if count > max_rows:
            continue
        row, row_problems = _parse_row(cells, line=line, cohorts=cohorts)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if count > max_rows:
        return [], [RowProblem(None, f"A file may hold at most {max_rows} people; this one has {count}.")]
    if count == 0:
        problems.append(RowProblem(None, "The file has a header but nobody to invite."))
    return rows, problems


def _parse_row(
    cells: list[str], *, line: int, cohorts: dict[str, Cohort]
) -> tuple[InvitationRow | None, list[RowProblem]]:
    if len(cells) != len(CSV_COLUMNS):
        return None, [RowProblem(line, f"Expected {len(CSV_COLUMNS)} columns, found {len(cells)}.")]
    values = dict(zip(CSV_COLUMNS, (cell.strip() for cell in cells), strict=True))
    problems: list[RowProblem] = []
    email = normalise_email(values["email"])
    if not email:
        problems.append(RowProblem(line, "The e-mail address is missing."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(RowProblem(line, f"“{values['email']}” is not a valid e-mail address."))
        if len(email) > _limit("email"):
            problems.append(RowProblem(line, "The e-mail address is too long."))
    email_ok = not problems
    for column, field in (("name", "display_name"), ("title", "job_title"), ("department", "department")):
        if len(values[column]) > _limit(field):
            problems.append(RowProblem(line, f"The {column} is longer than {_limit(field)} characters."))
    level = None
    if values["management_level"]:
        if values["management_level"] in {"1", "2", "3"}:
            level = int(values["management_level"])
        else:
            problems.append(
                RowProblem(
                    line,
                    f"Management level “{values['management_level']}” is not 1 (senior executive), "
                    "2 (middle manager) or 3 (front-line manager).",
                )
            )
    cohort = cohorts.get(values["cohort"].lower()) if values["cohort"] else None
    if not values["cohort"]:
        problems.append(RowProblem(line, "The cohort is missing (use its name or its short name)."))
    elif cohort is None:
        problems.append(RowProblem(line, f"There is no cohort “{values['cohort']}” that you can invite people to."))
    if not (email_ok and cohort is not None):
        return None, problems
    # A row with a known person and cohort is returned even with other problems, so the rules
    # (already a member, repeated address) are reported for it too; any problem stops the import.
    row = InvitationRow(
        email=email,
        cohort=cohort,
        display_name=values["name"][: _limit("display_name")],
        job_title=values["title"][: _limit("job_title")],
        department=values["department"][: _limit("department")],
        management_level=level,
        line=line,
    )
    return row, problems


class InvitedSignupForm(SignupForm):
    """allauth's sign-up form, tied to the invitation the visitor arrived with.

    The address must be the one the invitation was sent to: the link proved the person reads that
    mailbox, and the cohort and profile details were meant for them. (With SIGNUP_OPEN and no
    invitation, any address may sign up.)
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.people.adapters import invitation_from_session

        request = allauth_context.request
        self.invitation = invitation_from_session(request) if request is not None else None
        if self.invitation is not None and "email" in self.fields:
            field = self.fields["email"]
            field.initial = self.invitation.email
            field.help_text = "The address your invitation was sent to."
            field.widget.attrs["readonly"] = True

    def clean_email(self) -> str:
        value = super().clean_email()
        if self.invitation is not None and value and normalise_email(value) != normalise_email(self.invitation.email):
            raise ValidationError(
                f"Your invitation was sent to {self.invitation.email}. Please sign up with that address, "
                "or ask the person who invited you to invite the address you would like to use."
            )
        return value
