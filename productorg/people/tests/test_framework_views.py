"""The career framework pages: who may read the matrix, and the admins' YAML import/export."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from productorg.factories import PersonFactory
from productorg.people.models import Assessment, Competency, Level, Rating
from productorg.people.services import framework_ensure_default, framework_parse
from productorg.people.services.framework import SHIPPED_FRAMEWORK

SHIPPED = SHIPPED_FRAMEWORK.read_text(encoding="utf-8")


def who(org, name: str):
    return getattr(org, name)


def upload(text: str, name: str = "framework.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")


@pytest.fixture
def shipped(db) -> None:
    framework_ensure_default()


# Reading the framework.


@pytest.mark.parametrize("viewer", ["pia", "paul", "gabe", "dana", "cora", "ada"])
def test_the_product_org_and_admins_can_open_the_framework(client_for, org, shipped, viewer):
    response = client_for(who(org, viewer)).get("/framework/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Coaching and mentoring PMs" in page
    assert "Principal PM" in page and "CPO" in page


def test_a_stakeholder_gets_404_on_the_framework(client_for, org, shipped):
    assert client_for(org.sam).get("/framework/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, shipped):
    response = client.get("/framework/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_matrix_shows_tracks_scopes_and_inherited_expectations_muted(client_for, org, shipped):
    page = client_for(org.pia).get("/framework/").content.decode()
    assert "Individual contributor track" in page and "Manager track" in page
    assert "Scope: the whole product org" in page
    # Product discovery has no text of its own at Director: it shows the Group PM's, muted.
    assert 'class="inherited"><small>As at Group PM</small>' in page
    assert "Not expected yet" in page  # people leadership at Associate PM
    assert "leadership step" in page


def test_the_level_filter_shows_what_is_expected_now_and_next(client_for, org, shipped):
    page = client_for(org.pia).get("/framework/?level=senior-pm").content.decode()
    assert "Expected now: Senior PM" in page
    assert "Next: Principal PM" in page
    assert "Scope: a product area" in page
    assert "Scope: the company" not in page


def test_the_page_links_a_person_to_their_own_level(client_for, org, shipped):
    page = client_for(org.paul).get("/framework/").content.decode()
    assert 'href="?level=senior-pm"' in page


def test_an_unknown_level_filter_shows_the_whole_framework(client_for, org, shipped):
    response = client_for(org.pia).get("/framework/?level=wizard")
    assert response.status_code == 200
    assert "Scope: the company" in response.content.decode()


def test_an_htmx_request_gets_only_the_matrix(client_for, org, shipped):
    response = client_for(org.pia).get("/framework/?level=pm", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="matrix">')
    assert "Expected now: PM" in page
    assert "<html" not in page


def test_an_empty_framework_says_so(client_for, org):
    page = client_for(org.ada).get("/framework/").content.decode()
    assert "No career framework has been loaded yet" in page


def test_admins_see_export_import_and_admin_links_and_others_do_not(client_for, org, shipped):
    org.ada.is_staff = True
    org.ada.save()
    admin_page = client_for(org.ada).get("/framework/").content.decode()
    for url in ["/framework/export.yaml", "/framework/import/", "/admin/people/competency/"]:
        assert f'href="{url}"' in admin_page
    pm_page = client_for(org.pia).get("/framework/").content.decode()
    for url in ["/framework/export.yaml", "/framework/import/", "/admin/"]:
        assert f'href="{url}' not in pm_page


def test_the_framework_page_keeps_a_bounded_number_of_queries(
    client_for, org, shipped, django_assert_max_num_queries
):
    for viewer in [org.pia, org.cora, org.ada]:
        client = client_for(viewer)
        with django_assert_max_num_queries(9):
            response = client.get("/framework/")
        assert response.status_code == 200
        with django_assert_max_num_queries(9):
            assert client.get("/framework/?level=group-pm").status_code == 200


# Export and import: admins only.


def test_an_admin_downloads_the_framework_as_yaml(client_for, org, shipped):
    response = client_for(org.ada).get("/framework/export.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="productorg-framework.yaml"'
    exported = framework_parse(text=response.content.decode())
    assert exported == framework_parse(text=SHIPPED)


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/framework/export.yaml"),
        ("get", "/framework/import/"),
        ("post", "/framework/import/"),
        ("post", "/framework/import/apply/"),
    ],
)
def test_only_admins_may_import_or_export(client_for, org, shipped, viewer, method, url):
    client = client_for(who(org, viewer))
    data = {"text": SHIPPED.replace("the company", "the world")}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == 404
    assert Level.objects.get(code="cpo").scope_of_impact == "the company"


def test_the_import_page_opens_for_an_admin(client_for, org):
    response = client_for(org.ada).get("/framework/import/")
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_uploading_a_file_previews_the_changes_and_saves_nothing(client_for, org, shipped):
    edited = SHIPPED.replace("scope_of_impact: the company", "scope_of_impact: the group")
    response = client_for(org.ada).post("/framework/import/", {"file": upload(edited)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview" in page and "Apply: import this file" in page
    assert '<th scope="row">Levels</th><td class="num">0</td><td class="num">1</td>' in page
    assert Level.objects.get(code="cpo").scope_of_impact == "the company"


def test_uploading_an_unchanged_file_says_it_changes_nothing(client_for, org, shipped):
    response = client_for(org.ada).post("/framework/import/", {"file": upload(SHIPPED)})
    page = response.content.decode()
    assert "importing it changes nothing" in page
    assert "Apply: import this file" not in page


def test_applying_a_previewed_file_imports_it(client_for, org, shipped):
    client = client_for(org.ada)
    edited = SHIPPED.replace("scope_of_impact: the company", "scope_of_impact: the group")
    preview = client.post("/framework/import/", {"file": upload(edited)})
    assert preview.context["apply_form"].initial["text"] == edited
    response = client.post("/framework/import/apply/", {"text": edited}, follow=True)
    assert response.redirect_chain == [("/framework/", 302)]
    assert "Framework imported: 0 created, 1 updated, 0 removed." in response.content.decode()
    assert Level.objects.get(code="cpo").scope_of_impact == "the group"


def test_uploading_a_broken_file_lists_every_error_with_its_line(client_for, org, shipped):
    broken = SHIPPED.replace("      - code: hiring", "      - code: coaching").replace(
        "  cpo:\n    scope_of_impact", "  ceo:\n    scope_of_impact"
    )
    response = client_for(org.ada).post("/framework/import/", {"file": upload(broken)})
    page = response.content.decode()
    assert "The file cannot be imported" in page and "Nothing was changed" in page
    errors = response.context["errors"]
    assert len(errors) == 2
    assert errors[0].line == SHIPPED.splitlines().index("  cpo:") + 1
    assert "unknown level &#x27;ceo&#x27;" in page
    assert "competency code &#x27;coaching&#x27; is used twice" in page
    assert f'<td class="num">{errors[1].line}</td>' in page
    assert "Apply" not in page.split("Upload another file")[0]
    assert Level.objects.get(code="cpo").scope_of_impact == "the company"


def test_applying_a_broken_text_changes_nothing(client_for, org, shipped):
    count = Competency.objects.count()
    broken = SHIPPED.replace("      - code: hiring", "      - code: coaching").replace(
        "the company", "the world"
    )
    response = client_for(org.ada).post("/framework/import/apply/", {"text": broken})
    assert response.status_code == 400
    assert "is used twice" in response.content.decode()
    assert Competency.objects.count() == count
    assert Level.objects.get(code="cpo").scope_of_impact == "the company"


def test_applying_needs_a_post(client_for, org, shipped):
    assert client_for(org.ada).get("/framework/import/apply/").status_code == 405


def test_a_file_that_is_not_utf8_is_refused_with_a_message(client_for, org, shipped):
    bad = SimpleUploadedFile("framework.yaml", "levels: é".encode("latin-1"))
    response = client_for(org.ada).post("/framework/import/", {"file": bad})
    assert "not UTF-8 text" in response.content.decode()
    assert "preview" not in response.context


def test_a_framework_file_far_over_its_limit_is_refused_before_it_is_read(client_for, org, shipped):
    big = SimpleUploadedFile("framework.yaml", b"levels: []\n" + b"#" * 3_000_000)
    response = client_for(org.ada).post("/framework/import/", {"file": big})
    assert response.status_code == 413
    assert "at most 1.91 MB" in response.content.decode()


# The Django admin: where admins edit single competencies and expectations.


@pytest.fixture
def superuser(org):
    org.ada.is_staff = org.ada.is_superuser = True
    org.ada.save()
    return org.ada


def test_an_admin_edits_a_competency_with_its_expectations_in_the_django_admin(
    client_for, superuser, shipped
):
    coaching = Competency.objects.get(code="coaching")
    page = client_for(superuser).get(f"/admin/people/competency/{coaching.pk}/change/")
    assert page.status_code == 200
    assert "Mentors an APM or a new PM" in page.content.decode()
    assert client_for(superuser).get("/admin/people/competencycategory/").status_code == 200


def test_the_django_admin_shows_no_assessments_growth_plans_feedback_or_one_on_ones(
    client_for, superuser
):
    page = client_for(superuser).get("/admin/people/").content.decode()
    assert "/admin/people/competency/" in page
    for model in ["assessment", "rating", "growthplan", "feedback", "oneonone", "privatenote"]:
        assert f"/admin/people/{model}/" not in page


def test_a_competency_people_were_rated_on_cannot_be_deleted_in_the_django_admin(
    client_for, superuser, shipped
):
    coaching = Competency.objects.get(code="coaching")
    person = PersonFactory()
    assessment = Assessment.objects.create(
        person=person, author=person, kind=Assessment.Kind.SELF, level=person.level
    )
    Rating.objects.create(assessment=assessment, competency=coaching, score=3)
    client = client_for(superuser)
    assert client.get(f"/admin/people/competency/{coaching.pk}/delete/").status_code == 403
    category = coaching.category
    assert client.get(f"/admin/people/competencycategory/{category.pk}/delete/").status_code == 403
    unused = Competency.objects.get(code="discovery")
    assert client.get(f"/admin/people/competency/{unused.pk}/delete/").status_code == 200
