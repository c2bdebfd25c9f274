"""The sanitiser keeps what leaders paste: tables, headings (h1 mapped to h2), kbd — and nothing live."""

import pytest

from portal.richtext import sanitize


def test_tables_survive_with_their_structure():
    pasted = (
        '<table><caption>Pilot results</caption><thead><tr><th scope="col">Team</th><th scope="col">Posts</th></tr>'
        '</thead><tbody><tr><td>North</td><td colspan="2">12</td></tr></tbody></table>'
    )
    assert sanitize(pasted) == pasted


def test_table_attributes_are_checked():
    cleaned = sanitize(
        '<table><tr><td colspan="999999" style="x" onclick="alert(1)">A</td><th scope="evil">B</th></tr></table>'
    )
    assert "onclick" not in cleaned and "style" not in cleaned and "999999" not in cleaned and "evil" not in cleaned
    assert "<td>A</td>" in cleaned and "<th>B</th>" in cleaned


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        ("<h1>Big idea</h1>", "<h2>Big idea</h2>"),
        ("<H1 class='x'>Big idea</H1>", "<h2>Big idea</h2>"),
        ("<h5>Small print</h5>", "<h5>Small print</h5>"),
        ("<h6>Smaller</h6>", "<h6>Smaller</h6>"),
        ("<p>Press <kbd>Ctrl</kbd>+<kbd>K</kbd></p>", "<p>Press <kbd>Ctrl</kbd>+<kbd>K</kbd></p>"),
    ],
)
def test_headings_and_keys(pasted, kept):
    assert sanitize(pasted) == kept


def test_a_page_keeps_one_h1():
    assert "<h1" not in sanitize("<h1>One</h1><h1 onmouseover=alert(1)>Two</h1>")
