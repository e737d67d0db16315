from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from productorg.factories import InitiativeFactory, ObjectiveFactory
from productorg.strategy.models import KeyResult, Vision


def key_result(objective, **values) -> KeyResult:
    defaults = {"metric": "Repeat purchase rate", "unit": "%", "baseline": 18, "target": 24}
    return KeyResult.objects.create(objective=objective, **{**defaults, **values})


@pytest.mark.parametrize(
    ("baseline", "target", "current", "progress"),
    [
        (18, 24, 21, 0.5),
        (18, 24, None, 0.0),
        (18, 24, 30, 1.0),
        (18, 24, 10, 0.0),
        (1900, 1200, 1550, 0.5),
    ],
)
def test_key_result_progress_runs_from_baseline_to_target_either_way(
    db, baseline, target, current, progress
):
    result = key_result(ObjectiveFactory(), baseline=baseline, target=target, current=current)
    assert result.progress == pytest.approx(progress)


def test_a_key_result_whose_target_is_its_baseline_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        KeyResult(objective=ObjectiveFactory(), metric="x", baseline=5, target=5).full_clean()
    assert "target" in refused.value.message_dict


@pytest.mark.parametrize("viewer", ["pia", "gabe", "cora", "sam", "ada"])
def test_the_strategy_tree_shows_objectives_with_key_results_and_serving_initiatives(
    client_for, org, viewer
):
    company = ObjectiveFactory(title="Grow repeat purchases", period="2027-H1", owner=org.cora)
    team_level = ObjectiveFactory(title="Reorder in one click", period="2027-H1", parent=company)
    ObjectiveFactory(title="Next half's goal", period="2027-H2")
    key_result(company, current=21)
    initiative = InitiativeFactory(title="Saved baskets", team=org.checkout, effort_estimate=12)
    initiative.objectives.add(team_level)
    client = client_for(getattr(org, viewer))
    page = client.get("/strategy/?period=2027-H1").content.decode()
    assert "Grow repeat purchases" in page and "Reorder in one click" in page
    assert "Next half&#x27;s goal" not in page and "Next half's goal" not in page
    assert "Repeat purchase rate" in page and "its key results 50% of the way" in page
    assert (
        "none serves it directly · 1 initiative serves objectives below it"
        " · 12 pw open work here and below" in page
    )
    assert page.index("Grow repeat purchases") < page.index("Reorder in one click")
    # A closed objective's initiatives load when it is opened (htmx), or on its own page.
    assert "Saved baskets" not in page
    assert f'hx-get="/strategy/objectives/{team_level.pk}/"' in page
    opened = client.get(f"/strategy/objectives/{team_level.pk}/", headers={"HX-Request": "true"})
    assert "Saved baskets" in opened.content.decode()
    assert "<html" not in opened.content.decode()
    own_page = client.get(f"/strategy/objectives/{team_level.pk}/").content.decode()
    assert "Saved baskets" in own_page and "Reorder in one click" in own_page


def test_each_count_in_the_tree_says_what_it_counts_and_counts_an_initiative_once(client_for, org):
    company = ObjectiveFactory(title="Grow repeat purchases", period="2027-H1", owner=org.cora)
    first = ObjectiveFactory(title="Reorder in one click", period="2027-H1", parent=company)
    second = ObjectiveFactory(title="Remember the basket", period="2027-H1", parent=company)
    shared = InitiativeFactory(title="Saved baskets", team=org.checkout, effort_estimate=12)
    shared.objectives.add(first, second)
    own = InitiativeFactory(title="Reorder button", team=org.checkout, effort_estimate=3)
    own.objectives.add(first)
    page = client_for(org.gabe).get(f"/strategy/objectives/{company.pk}/").content.decode()
    # Linked to both objectives below, Saved baskets is one initiative and 12 pw, not two.
    assert (
        "none serves it directly · 2 initiatives serve objectives below it"
        " · 15 pw open work here and below" in page
    )
    assert "No initiative serves this objective directly; 2 serve the objectives below it." in page
    assert "2 initiatives serve it directly · 15 pw open work here" in page
    assert "No initiative serves this objective yet" not in page


def test_an_objective_page_opens_for_a_known_id_and_is_a_404_otherwise(client_for, org):
    objective = ObjectiveFactory(title="Visible goal", period="2027-H1")
    assert client_for(org.pia).get("/strategy/objectives/999999/").status_code == 404
    assert client_for(org.pia).get(f"/strategy/objectives/{objective.pk}/").status_code == 200


def test_an_unknown_period_falls_back_to_one_that_exists(client_for, org):
    ObjectiveFactory(title="The only goal", period="2027-H1")
    response = client_for(org.pia).get("/strategy/?period=1999-Q9")
    assert response.status_code == 200
    assert "The only goal" in response.content.decode()


def test_a_leader_writes_a_new_vision_version_and_keeps_the_old_one(client_for, org):
    Vision.objects.create(text="Old vision", author=org.cora)
    client = client_for(org.cora)
    response = client.post("/strategy/vision/", {"text": "Sell anywhere, **simply**."})
    assert response.status_code == 302
    assert Vision.objects.first().text == "Sell anywhere, **simply**."
    assert Vision.objects.count() == 2
    page = client.get("/strategy/").content.decode()
    assert "<strong>simply</strong>" in page


def test_an_empty_vision_is_refused_naming_the_field(client_for, org):
    response = client_for(org.cora).post("/strategy/vision/", {"text": "   "})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Vision.objects.exists()


def test_a_vision_with_a_script_renders_inert(client_for, org):
    Vision.objects.create(text="<script>alert(1)</script>[x](javascript:alert(1))")
    page = client_for(org.pia).get("/strategy/").content.decode()
    assert "<script>alert" not in page
    # The rest of a line that opens with raw HTML is raw HTML in CommonMark: shown as text.
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page)


@pytest.mark.parametrize("viewer", ["pia", "sam", "ada"])
def test_only_leaders_edit_the_vision_and_key_results(client_for, org, viewer):
    result = key_result(ObjectiveFactory())
    client = client_for(getattr(org, viewer))
    assert client.get("/strategy/vision/").status_code == 404
    assert client.post("/strategy/vision/", {"text": "Mine now"}).status_code == 404
    assert client.post(f"/strategy/key-results/{result.pk}/", {"current": "20"}).status_code == 404
    result.refresh_from_db()
    assert result.current is None


def test_a_leader_records_a_key_result_over_htmx(client_for, org):
    result = key_result(ObjectiveFactory())
    response = client_for(org.gabe).post(
        f"/strategy/key-results/{result.pk}/", {"current": "21.5"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="key-result-{result.pk}">')
    result.refresh_from_db()
    assert result.current == Decimal("21.5")


def test_a_key_result_value_that_is_not_a_number_is_refused_and_loses_nothing(client_for, org):
    result = key_result(ObjectiveFactory(), current=19)
    response = client_for(org.gabe).post(
        f"/strategy/key-results/{result.pk}/", {"current": "lots"}, HTTP_HX_REQUEST="true"
    )
    assert "Enter the current value as a number" in response.content.decode()
    result.refresh_from_db()
    assert result.current == 19
