"""Reading an invitation CSV: every bad row is reported by line number; a bad file imports nobody."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.people.forms.invitations import InvitationUploadForm, parse_invitation_csv
from portal.people.models import Invitation
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,title,department,management_level,cohort"


def _messages(data: bytes, actor):
    rows, problems = parse_invitation_csv(data, actor=actor)
    return rows, [str(p) for p in problems]


def _form(data: bytes, actor, name="people.csv"):
    form = InvitationUploadForm(data={}, files={"file": SimpleUploadedFile(name, data, "text/csv")}, actor=actor)
    form.is_valid()
    return form


def test_a_good_file_from_excel(facilitator, cohort):
    data = (
        "\ufeff" + HEADER + "\r\n"
        "ann.ash@harbourview.example,Ann Ash,Head of Yard,Operations,1,northern-lights\r\n"
        "\r\n"
        "BEN.BAY@harbourview.example,Ben Bay,,,,Northern Lights\r\n"
    ).encode()
    rows, problems = _messages(data, facilitator)
    assert problems == []
    assert [(r.line, r.email, r.cohort, r.management_level) for r in rows] == [
        (2, "ann.ash@harbourview.example", cohort, 1),
        (4, "ben.bay@harbourview.example", cohort, None),
    ]
    assert rows[0].job_title == "Head of Yard" and rows[0].display_name == "Ann Ash"


def test_bad_rows_are_reported_by_line(facilitator, cohort, other_cohort, leader):
    data = "\n".join(
        [
            HEADER,
            "good@harbourview.example,Good,,,2,northern-lights",  # 2
            "not-an-address,Bad Mail,,,2,northern-lights",  # 3
            "level@harbourview.example,Bad Level,,,4,northern-lights",  # 4
            "cohort@harbourview.example,Bad Cohort,,,1,atlantis",  # 5
            "theirs@harbourview.example,Not Mine,,,1,southern-cross",  # 6
            "good@harbourview.example,Twice,,,2,northern-lights",  # 7
            "short@harbourview.example,Too,Few",  # 8
            f"{leader.email},Already In,,,2,northern-lights",  # 9
            ",No Mail,,,2,northern-lights",  # 10
            "nocohort@harbourview.example,No Cohort,,,2,",  # 11
        ]
    ).encode()
    _rows, problems = _messages(data, facilitator)
    assert problems == [
        "Line 3: “not-an-address” is not a valid e-mail address.",
        "Line 4: Management level “4” is not 1 (senior executive), 2 (middle manager) or 3 (front-line manager).",
        "Line 5: There is no cohort “atlantis” that you can invite people to.",
        "Line 6: There is no cohort “southern-cross” that you can invite people to.",
        "Line 8: Expected 6 columns, found 3.",
        "Line 10: The e-mail address is missing.",
        "Line 11: The cohort is missing (use its name or its short name).",
    ]
    # The form adds the rule problems of the well-formed rows, so one round of fixes is enough.
    form = _form(data, facilitator)
    assert not form.is_valid()
    errors = form.errors["file"]
    assert "Line 7: good@harbourview.example appears more than once (also on line 2)." in errors
    assert f"Line 9: {leader.email} is already a member of Northern Lights." in errors
    assert len(errors) == 9
    assert [p.line for p in form.problems] == sorted(p.line for p in form.problems)


def test_a_quoted_field_across_lines_keeps_later_line_numbers_right(facilitator, cohort):
    data = (HEADER + '\na@harbourview.example,"Ann\nAsh",,,1,northern-lights\nbad,Bee,,,1,northern-lights\n').encode()
    rows, problems = _messages(data, facilitator)
    assert problems == ["Line 4: “bad” is not a valid e-mail address."]
    assert rows[0].display_name == "Ann\nAsh"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (HEADER.encode() + b"\n", "The file has a header but nobody to invite."),
        (b"mail,name\nx@harbourview.example,X\n", "Line 1: The header must be exactly"),
        (b"email;name;title;department;management_level;cohort\n", "Line 1: The header must be exactly"),
        ((HEADER + "\nzoë@harbourview.example,Zoë,,,1,northern-lights\n").encode("latin-1"), "is not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "is not UTF-8"),
        (HEADER.encode() + b"\na@b.example,\x00,,,1,x\n", "does not look like a CSV"),
    ],
)
def test_files_that_are_not_usable(facilitator, cohort, data, message):
    form = _form(data, facilitator)
    assert not form.is_valid()
    assert any(message in e for e in form.errors["file"]), form.errors


def test_header_is_forgiving_about_case_and_spaces(facilitator, cohort):
    data = b" Email , Name,TITLE,department,management_level,cohort\nx@harbourview.example,X,,,,northern-lights\n"
    assert _form(data, facilitator).is_valid()


def test_too_many_rows(facilitator, cohort, settings):
    settings.INVITATION_CSV_MAX_ROWS = 3
    lines = [HEADER] + [f"p{i}@harbourview.example,P,,,1,northern-lights" for i in range(4)]
    form = _form("\n".join(lines).encode(), facilitator)
    assert form.errors["file"] == ["A file may hold at most 3 people; this one has 4."]


def test_too_large_a_file(facilitator, cohort, settings):
    settings.INVITATION_CSV_MAX_BYTES = 100
    lines = [HEADER] + [f"p{i}@harbourview.example,P,,,1,northern-lights" for i in range(4)]
    form = _form("\n".join(lines).encode(), facilitator)
    assert "larger than" in form.errors["file"][0]


def test_pending_invitations_are_reported(facilitator, cohort):
    InvitationFactory(cohort=cohort, email="waiting@harbourview.example")
    form = _form(f"{HEADER}\nwaiting@harbourview.example,W,,,1,northern-lights\n".encode(), facilitator)
    assert form.errors["file"] == [
        "Line 2: waiting@harbourview.example already has an invitation to Northern Lights waiting; "
        "resend it from the invitation list instead."
    ]
    assert Invitation.objects.count() == 1


def test_an_admin_may_use_any_cohort(admin_user, cohort, other_cohort):
    data = (
        f"{HEADER}\na@harbourview.example,A,,,1,northern-lights\nb@harbourview.example,B,,,1,Southern Cross\n"
    ).encode()
    form = _form(data, admin_user)
    assert form.is_valid(), form.errors
    assert {r.cohort for r in form.rows} == {cohort, other_cohort}


def test_overlong_values(facilitator, cohort):
    data = f"{HEADER}\na@harbourview.example,{'N' * 121},,,1,northern-lights\n".encode()
    assert _messages(data, facilitator)[1] == ["Line 2: The name is longer than 120 characters."]


def test_a_line_with_a_format_problem_is_checked_against_the_rules_too(facilitator, cohort, leader):
    form = _form(f"{HEADER}\n{leader.email},Lee,,,9,northern-lights\n".encode(), facilitator)
    assert form.errors["file"] == [
        "Line 2: Management level “9” is not 1 (senior executive), 2 (middle manager) or 3 (front-line manager).",
        f"Line 2: {leader.email} is already a member of Northern Lights.",
    ]
