"""The charter and vision: versions with author and date, the rendered diff, sanitised
Markdown, unchanged saves and saves based on a replaced version."""

from __future__ import annotations

import pytest

from productorg.function import selectors, services
from productorg.function.models import DocumentKind, FunctionDocumentVersion
from productorg.function.tests.conftest import document_version

SCRIPT = '<script>alert("x")</script>'


def versions(kind: str = DocumentKind.CHARTER) -> list[tuple[int, str, str | None]]:
    return list(
        FunctionDocumentVersion.objects.filter(kind=kind)
        .order_by("number")
        .values_list("number", "body", "author__name")
    )


def test_each_save_of_a_leader_adds_a_version_with_its_author(client_for, org):
    client = client_for(org.gabe)
    first = client.post("/function/charter/edit/", {"body": "We exist.", "based_on": "0"})
    assert first.status_code == 302 and first["Location"] == "/function/charter/"
    client.post("/function/charter/edit/", {"body": "We exist.\nWe serve.", "based_on": "1"})
    client_for(org.dana).post(
        "/function/charter/edit/", {"body": "We exist.\nWe lead.", "based_on": "2"}
    )

    assert versions() == [
        (1, "We exist.", "Gabe"),
        (2, "We exist.\nWe serve.", "Gabe"),
        (3, "We exist.\nWe lead.", "Dana"),
    ]
    assert versions(DocumentKind.VISION) == []


def test_an_unchanged_save_makes_no_version(client_for, org):
    document_version(body="We exist.", author=org.cora)
    response = client_for(org.gabe).post(
        "/function/charter/edit/", {"body": "  We exist.\n", "based_on": "1"}, follow=True
    )

    assert "Nothing changed" in response.content.decode()
    assert versions() == [(1, "We exist.", "Cora")]


def test_a_save_based_on_a_replaced_version_is_refused_and_keeps_the_text(client_for, org):
    document_version(body="Line one\nLine two", author=org.cora)
    document_version(body="Line one\nLine two by Dana", author=org.dana)

    response = client_for(org.gabe).post(
        "/function/charter/edit/", {"body": "Line one\nLine two by Gabe", "based_on": "1"}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Version 2 of the charter was saved by Dana while you were editing" in html
    assert "Line two by Gabe</textarea>" in html
    # The form now carries the version saved, so saving again is a deliberate overwrite.
    assert 'name="based_on" value="2"' in html
    assert versions()[-1][0] == 2

    again = client_for(org.gabe).post(
        "/function/charter/edit/", {"body": "Line one\nLine two by Gabe", "based_on": "2"}
    )
    assert again.status_code == 302
    assert versions()[-1] == (3, "Line one\nLine two by Gabe", "Gabe")


def test_two_saves_racing_for_the_same_number_leave_one_version(org):
    document_version(body="Start", author=org.cora)
    services.document_save(user=org.gabe.user, kind="charter", body="Gabe's", based_on=1)

    with pytest.raises(services.StaleDocument) as refused:
        services.document_save(user=org.dana.user, kind="charter", body="Dana's", based_on=1)

    assert refused.value.current.number == 2
    assert refused.value.field == "body"
    assert versions()[-1][:2] == (2, "Gabe's")


def test_a_pm_cannot_save_a_version_through_the_service(org):
    with pytest.raises(services.FunctionNotAllowed):
        services.document_save(user=org.pia.user, kind="vision", body="Mine", based_on=0)
    assert not FunctionDocumentVersion.objects.exists()


def test_an_empty_text_is_refused_naming_the_field(client_for, org):
    response = client_for(org.gabe).post("/function/vision/edit/", {"body": "   ", "based_on": "0"})

    assert response.status_code == 400
    assert "Text: This field is required." in response.content.decode()
    assert not FunctionDocumentVersion.objects.exists()


def test_a_missing_or_forged_base_version_is_refused_without_a_500(client_for, org):
    client = client_for(org.gabe)
    missing = client.post("/function/vision/edit/", {"body": "Vision"})
    forged = client.post("/function/vision/edit/", {"body": "Vision", "based_on": "-3"})
    ahead = client.post("/function/vision/edit/", {"body": "Vision", "based_on": "7"})

    assert missing.status_code == 400 and "Version edited" in missing.content.decode()
    assert forged.status_code == 400
    assert ahead.status_code == 400 and "no longer exists" in ahead.content.decode()
    assert not FunctionDocumentVersion.objects.exists()


def test_the_document_page_shows_the_current_version_and_the_history(client_for, org):
    document_version(body="# Charter\n\nOld words", author=org.cora)
    document_version(body="# Charter\n\nNew words", author=org.dana)

    html = client_for(org.pia).get("/function/charter/").content.decode()

    assert "<h1>Charter</h1>" in html and "New words" in html and "Old words" not in html
    assert "/function/charter/versions/1/" in html and "Cora" in html and "Dana" in html
    assert "/function/charter/diff/?older=1&amp;newer=2" in html
    old = client_for(org.pia).get("/function/charter/versions/1/").content.decode()
    assert "Old words" in old and "an earlier version" in old


def test_a_version_that_does_not_exist_is_a_404(client_for, org):
    document_version(body="Only one")
    assert client_for(org.pia).get("/function/charter/versions/2/").status_code == 404
    assert client_for(org.pia).get("/function/mission/").status_code == 404


def test_markdown_in_a_document_is_rendered_without_scripts(client_for, org):
    document_version(
        body=f"**Bold** {SCRIPT} [link](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )

    html = client_for(org.pia).get("/function/charter/").content.decode()

    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html


def test_the_diff_shows_added_and_removed_lines_escaped(client_for, org):
    document_version(body="Keep\nOld line\nKeep too", author=org.cora)
    document_version(body=f"Keep\n{SCRIPT}\nKeep too", author=org.dana)

    response = client_for(org.pia).get("/function/charter/diff/?older=1&newer=2")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del><span" in html and "Old line</del>" in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in html
    assert SCRIPT not in html
    assert "1 line added, 1 removed" in html


def test_the_diff_compares_the_two_newest_versions_by_default_in_either_order(client_for, org):
    for body in ("One", "Two", "Three"):
        document_version(body=body)
    client = client_for(org.pia)

    default = client.get("/function/charter/diff/").content.decode()
    reversed_pick = client.get("/function/charter/diff/?older=3&newer=1").content.decode()

    assert "From version 2" in default and "to version 3" in default
    assert "From version 1" in reversed_pick and "to version 3" in reversed_pick


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?older=1&newer=9", "The charter has no such version."),
        ("?older=x&newer=2", "From version</a>: Enter a whole number."),
        ("?older=2&newer=2", "To version</a>: Choose two different versions to compare."),
        ("?older=1", "To version</a>: This field is required."),
    ],
)
def test_a_bad_diff_request_names_what_is_wrong(client_for, org, query, message):
    document_version(body="One")
    document_version(body="Two")

    response = client_for(org.pia).get(f"/function/charter/diff/{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_long_unchanged_stretch_folds_in_the_diff():
    older = "\n".join(f"line {number}" for number in range(1, 21))
    newer = older.replace("line 10", "line ten")

    lines = selectors.text_diff(older=older, newer=newer)

    changes = [line.change for line in lines]
    assert changes == ["folded", *["same"] * 3, "removed", "added", *["same"] * 3, "folded"]
    assert lines[0].folded == 6 and lines[-1].folded == 7
    assert (lines[4].old_number, lines[5].new_number) == (10, 10)


def test_two_equal_texts_diff_to_one_fold():
    assert selectors.text_diff(older="a\nb", newer="a\nb") == [
        selectors.DiffLine("folded", folded=2)
    ]


def test_a_save_refused_over_my_own_earlier_save_says_it_was_mine(client_for, org):
    document_version(body="Line one", author=org.cora)
    gabe = client_for(org.gabe)
    saved = gabe.post("/function/charter/edit/", {"body": "Line one, by Gabe", "based_on": "1"})
    assert saved.status_code == 302
    # The editor again as it was before that save (another tab, or Back).
    response = gabe.post("/function/charter/edit/", {"body": "Line one, again", "based_on": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "You saved version 2 of the charter in another tab or window at" in html
    assert "saved by Gabe" not in html
