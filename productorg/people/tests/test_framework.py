"""The career framework: the shipped file, validation with line numbers, import, export and
the fall-back of expectations to the nearest lower level."""

from __future__ import annotations

import textwrap

import pytest

from productorg.factories import PersonFactory, UserFactory, level
from productorg.people.levels import LADDER
from productorg.people.models import (
    Assessment,
    Competency,
    CompetencyCategory,
    Expectation,
    GrowthGoal,
    GrowthPlan,
    Level,
    Rating,
)
from productorg.people.selectors import expectations_for_level, framework_for
from productorg.people.services import (
    FrameworkError,
    framework_ensure_default,
    framework_export,
    framework_import,
    framework_parse,
)
from productorg.people.services.framework import SHIPPED_FRAMEWORK

SHIPPED = SHIPPED_FRAMEWORK.read_text(encoding="utf-8")


def yaml_text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# A small valid file the broken snippets below start from; line numbers matter.
SMALL = yaml_text(
    """
    levels:
      pm:
        scope_of_impact: a feature
    categories:
      - code: craft
        name: Craft and execution
        competencies:
          - code: delivery
            name: Delivery
            expectations:
              apm: Ships a small feature with help.
              senior-pm: Plans the delivery of a product area.
          - code: discovery
            name: Product discovery
            leadership: true
            expectations:
              apm: Takes part in interviews.
      - code: people-leadership
        name: People leadership
        manager_track_only: true
        competencies:
          - code: coaching
            name: Coaching PMs
            leadership: true
            expectations:
              pm: Mentors an APM.
              group-pm: Coaches their reports every week.
    """
)


def errors_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(FrameworkError) as caught:
        framework_parse(text=text)
    return [(problem.line, problem.message) for problem in caught.value.errors]


def snapshot() -> list[tuple]:
    """Everything the framework holds, to prove that a refused import changed nothing."""
    return [
        *CompetencyCategory.objects.values_list(
            "code", "name", "description", "position", "manager_track_only"
        ).order_by("code"),
        *Competency.objects.values_list(
            "code", "name", "description", "position", "leadership", "category__code"
        ).order_by("code"),
        *Expectation.objects.values_list("competency__code", "level__code", "text").order_by(
            "competency__code", "level__rank"
        ),
        *Level.objects.values_list("code", "scope_of_impact").order_by("rank"),
    ]


def rate(competency: Competency) -> Rating:
    person = PersonFactory()
    assessment = Assessment.objects.create(
        person=person, author=person, kind=Assessment.Kind.SELF, level=person.level
    )
    return Rating.objects.create(assessment=assessment, competency=competency, score=2)


# The shipped framework.


def test_the_shipped_framework_parses_without_errors():
    document = framework_parse(text=SHIPPED)
    assert 14 <= len(document.competencies) <= 18


def test_the_shipped_framework_gives_all_nine_levels_a_scope_of_impact():
    document = framework_parse(text=SHIPPED)
    assert list(document.levels) == [code for code, *_ in LADDER]
    assert document.levels["senior-pm"] == "a product area"
    assert document.levels["vp"] == "the whole product org"
    assert document.levels["cpo"] == "the company"
    assert all(document.levels.values())


def test_the_shipped_framework_has_the_five_categories_with_people_leadership_for_managers():
    document = framework_parse(text=SHIPPED)
    assert [category.name for category in document.categories] == [
        "Craft and execution",
        "Customer and market insight",
        "Strategy and outcomes",
        "Influence and collaboration",
        "People leadership",
    ]
    assert [category.manager_track_only for category in document.categories] == [
        False,
        False,
        False,
        False,
        True,
    ]


@pytest.mark.parametrize(
    "code",
    [
        "coaching",  # coaching and mentoring PMs
        "hiring",  # hiring and onboarding
        "cross-team-discovery",  # driving discovery across teams
        "product-strategy",  # providing strategy others align to
        "analytics-alignment",  # aligning product analytics across teams
        "pm-function",  # raising the bar of the PM function
        "cross-org-initiatives",  # leading initiatives across the organisation
        "business-prioritisation",  # prioritising for the whole business
        "leadership-reporting",  # reporting to the leadership team
        "business-cases",  # business cases and new markets
    ],
)
def test_the_shipped_framework_encodes_the_step_from_pm_to_product_leader(code):
    competencies = {c.code: c for c in framework_parse(text=SHIPPED).competencies}
    assert competencies[code].leadership


def test_every_shipped_competency_starts_at_its_lowest_relevant_level():
    for category in framework_parse(text=SHIPPED).categories:
        for competency in category.competencies:
            first = next(iter(competency.expectations))
            if category.manager_track_only:
                assert first in {"pm", "senior-pm"}, competency.code
            else:
                assert first == "apm", competency.code


def test_the_shipped_framework_skips_levels_where_nothing_changes():
    # So that the fall-back is exercised by the real data, not just by tests.
    competencies = framework_parse(text=SHIPPED).competencies
    assert any(len(competency.expectations) < len(LADDER) for competency in competencies)


def test_shipped_expectations_are_short():
    for competency in framework_parse(text=SHIPPED).competencies:
        for text in competency.expectations.values():
            assert len(text) <= 300, (competency.code, text)
            assert text.endswith("."), (competency.code, text)


# Validation: every problem with its line number.


def test_a_small_valid_file_parses():
    document = framework_parse(text=SMALL)
    assert [c.code for c in document.competencies] == ["delivery", "discovery", "coaching"]
    assert document.competencies[0].expectations == {
        "apm": "Ships a small feature with help.",
        "senior-pm": "Plans the delivery of a product area.",
    }
    assert document.levels == {"pm": "a feature"}


def test_a_yaml_syntax_error_is_reported_with_its_line():
    broken = SMALL.replace("name: Delivery", "name: [Delivery")
    [(line, message)] = errors_of(broken)
    assert line is not None and line >= 9
    assert "not valid YAML" in message


def test_an_unknown_level_in_an_expectation_is_reported_with_its_line():
    broken = SMALL.replace("senior-pm: Plans", "sr-pm: Plans")
    [(line, message)] = errors_of(broken)
    assert line == 12
    assert "competency 'delivery': unknown level 'sr-pm'" in message


def test_an_unknown_level_in_levels_is_reported_with_its_line():
    broken = SMALL.replace("  pm:\n    scope_of_impact", "  guru:\n    scope_of_impact")
    [(line, message)] = errors_of(broken)
    assert line == 2
    assert "unknown level 'guru'" in message


def test_a_duplicate_competency_code_names_both_lines():
    broken = SMALL.replace("code: discovery", "code: delivery")
    [(line, message)] = errors_of(broken)
    assert line == 13
    assert "competency code 'delivery'" in message and "line 8 and line 13" in message


def test_a_duplicate_competency_name_names_both_lines():
    broken = SMALL.replace("name: Product discovery", "name: delivery")
    [(line, message)] = errors_of(broken)
    assert line == 14
    assert "competency name 'delivery'" in message and "line 9 and line 14" in message


def test_a_duplicate_competency_code_in_another_category_is_reported():
    broken = SMALL.replace("code: coaching", "code: delivery")
    [(line, message)] = errors_of(broken)
    assert line == 22
    assert "line 8 and line 22" in message


def test_a_duplicate_category_code_names_both_lines():
    broken = SMALL.replace("code: people-leadership", "code: craft")
    [(line, message)] = errors_of(broken)
    assert line == 18
    assert "category code 'craft'" in message and "line 5 and line 18" in message


def test_a_competency_without_expectations_is_reported_at_its_line():
    broken = SMALL.replace("        expectations:\n          apm: Takes part in interviews.\n", "")
    [(line, message)] = errors_of(broken)
    assert line == 13
    assert "'discovery' has no expectations" in message


def test_a_competency_with_an_empty_expectations_mapping_is_reported():
    broken = SMALL.replace(
        "        expectations:\n          apm: Takes part in interviews.\n",
        "        expectations: {}\n",
    )
    [(line, message)] = errors_of(broken)
    assert line == 16
    assert "has no expectations" in message


def test_an_ic_competency_without_an_expectation_at_the_lowest_level_is_reported():
    broken = SMALL.replace("apm: Ships a small feature with help.", "pm: Ships a feature.")
    [(line, message)] = errors_of(broken)
    assert line == 10
    assert "'delivery' has no expectation at or below Associate PM" in message


def test_a_people_leadership_competency_may_start_at_pm_but_not_at_group_pm():
    assert framework_parse(text=SMALL)
    broken = SMALL.replace("pm: Mentors an APM.\n", "")
    [(line, message)] = errors_of(broken)
    assert line == 25
    assert "'coaching' has no expectation at or below Senior PM" in message


@pytest.mark.parametrize(
    ("value", "shown"), [("42", "42"), ("yes", "yes"), ("[a, b]", None), ("{a: b}", None)]
)
def test_an_expectation_that_is_not_text_is_reported_with_its_line(value, shown):
    broken = SMALL.replace("Takes part in interviews.", value)
    [(line, message)] = errors_of(broken)
    assert line == 17
    assert "the expectation at 'apm' must be text" in message
    if shown:
        assert shown in message


def test_an_empty_expectation_is_reported_with_its_line():
    broken = SMALL.replace(" Takes part in interviews.", "")
    [(line, message)] = errors_of(broken)
    assert line == 17
    assert "the expectation at 'apm' is empty" in message


def test_an_expectation_over_1000_characters_is_reported_with_its_line():
    broken = SMALL.replace("Takes part in interviews.", "x" * 1001)
    [(line, message)] = errors_of(broken)
    assert line == 17
    assert "1,001 characters" in message and "1,000" in message


def test_an_expectation_of_exactly_1000_characters_is_accepted():
    document = framework_parse(text=SMALL.replace("Takes part in interviews.", "x" * 1000))
    assert len(document.competencies[1].expectations["apm"]) == 1000


@pytest.mark.parametrize(
    ("old", "new", "line", "key"),
    [
        ("levels:", "version: 2\nlevels:", 1, "version"),
        ("    scope_of_impact: a feature", "    scope: a feature", 3, "scope"),
        (
            "    name: Craft and execution",
            "    name: Craft and execution\n    colour: red",
            7,
            "colour",
        ),
        ("        name: Delivery\n", "        name: Delivery\n        owner: Pia\n", 10, "owner"),
    ],
)
def test_an_unknown_key_is_reported_with_its_line(old, new, line, key):
    broken = SMALL.replace(old, new, 1)
    [(found_line, message)] = errors_of(broken)
    assert found_line == line
    assert f"unknown key {key!r}" in message


def test_a_key_given_twice_is_reported_with_both_lines():
    broken = SMALL.replace(
        "apm: Takes part in interviews.",
        "apm: Takes part in interviews.\n          apm: Runs interviews.",
    )
    [(line, message)] = errors_of(broken)
    assert line == 18
    assert "key 'apm' appears twice (lines 17 and 18)" in message


def test_a_missing_name_and_a_bad_code_are_reported():
    broken = SMALL.replace("        name: Delivery\n", "").replace(
        "code: delivery", "code: de livery"
    )
    found = errors_of(broken)
    assert (
        8,
        "competency 'de livery': code 'de livery' may hold only letters, digits, '-' and '_'",
    ) in found
    assert any(line == 8 and "'name' is missing" in message for line, message in found)


def test_leadership_must_be_true_or_false():
    broken = SMALL.replace("leadership: true", "leadership: sometimes", 1)
    [(line, message)] = errors_of(broken)
    assert line == 15
    assert "'leadership' must be true or false" in message


def test_a_nul_escaped_into_a_text_is_refused_naming_its_line():
    broken = SMALL.replace(
        "apm: Takes part in interviews.", 'apm: "Takes part\\0 in interviews."', 1
    )
    assert broken != SMALL
    [(line, message)] = errors_of(broken)
    assert "holds a NUL character" in message
    assert broken.splitlines()[line - 1].strip().startswith("apm:")


def test_an_empty_file_is_refused():
    assert errors_of("# only a comment\n") == [
        (1, "the file is empty: it needs 'levels' and 'categories'")
    ]


def test_a_file_that_is_not_a_mapping_is_refused():
    [(line, message)] = errors_of("- one\n- two\n")
    assert line == 1 and "must be a mapping" in message


def test_aliases_are_refused_so_a_small_file_cannot_cost_exponential_time():
    broken = SMALL.replace(
        "        expectations:\n          apm: Takes part in interviews.\n",
        "        expectations: *shared\n",
    ).replace(
        "        expectations:\n          apm: Ships",
        "        expectations: &shared\n          apm: Ships",
    )
    found = errors_of(broken)
    assert any("aliases" in message for _line, message in found)


def test_every_problem_of_a_file_is_reported_at_once_in_line_order():
    broken = (
        SMALL.replace("senior-pm: Plans", "sr-pm: Plans")
        .replace("code: discovery", "code: delivery")
        .replace("Takes part in interviews.", "x" * 1001)
        .replace("    name: Craft and execution", "    name: Craft and execution\n    colour: red")
    )
    found = errors_of(broken)
    assert [line for line, _message in found] == [7, 13, 14, 18]
    assert [line for line, _ in found] == sorted(line for line, _ in found)


# Importing.


def test_importing_the_shipped_framework_creates_it(db):
    summary = framework_import(text=SHIPPED)
    assert CompetencyCategory.objects.count() == 5
    assert Competency.objects.count() == len(framework_parse(text=SHIPPED).competencies)
    assert summary.kinds["competencies"].created == Competency.objects.count()
    assert summary.kinds["expectations"].created == Expectation.objects.count()
    assert Level.objects.get(code="group-pm").scope_of_impact == "several teams"
    coaching = Competency.objects.get(code="coaching")
    assert coaching.leadership and coaching.category.manager_track_only


def test_reimporting_the_same_file_changes_nothing(db):
    framework_import(text=SHIPPED)
    before = snapshot()
    summary = framework_import(text=SHIPPED)
    assert (summary.created, summary.updated, summary.removed) == (0, 0, 0)
    assert not summary.changed
    assert snapshot() == before


def test_a_file_with_one_error_changes_nothing(db):
    framework_import(text=SHIPPED)
    before = snapshot()
    edited = SHIPPED.replace("scope_of_impact: the company", "scope_of_impact: the world")
    broken = edited.replace("      - code: hiring", "      - code: coaching")
    with pytest.raises(FrameworkError):
        framework_import(text=broken)
    assert snapshot() == before


def test_a_dry_run_reports_the_changes_and_saves_nothing(db):
    summary = framework_import(text=SHIPPED, dry_run=True)
    assert summary.dry_run
    assert summary.kinds["competencies"].created == 18
    assert summary.kinds["levels"].updated == 9
    assert not Competency.objects.exists()
    assert not Level.objects.exclude(scope_of_impact="").exists()


def test_import_updates_texts_and_scopes_and_removes_expectations_left_out(db):
    framework_import(text=SMALL)
    edited = (
        SMALL.replace("scope_of_impact: a feature", "scope_of_impact: one feature")
        .replace("          group-pm: Coaches their reports every week.\n", "")
        .replace("Ships a small feature with help.", "Ships a small feature with a mentor.")
    )
    summary = framework_import(text=edited)
    assert summary.kinds["levels"].updated == 1
    assert summary.kinds["expectations"].updated == 1
    assert summary.kinds["expectations"].removed == 1
    assert Level.objects.get(code="pm").scope_of_impact == "one feature"
    assert not Expectation.objects.filter(competency__code="coaching", level__code="group-pm")
    assert (
        Expectation.objects.get(competency__code="delivery", level__code="apm").text
        == "Ships a small feature with a mentor."
    )


def test_import_removes_a_competency_no_longer_in_the_file_when_nobody_used_it(db):
    framework_import(text=SMALL)
    without_discovery = SMALL.replace(
        "      - code: discovery\n        name: Product discovery\n        leadership: true\n"
        "        expectations:\n          apm: Takes part in interviews.\n",
        "",
    )
    summary = framework_import(text=without_discovery)
    assert summary.kinds["competencies"].removed == 1
    assert not Competency.objects.filter(code="discovery").exists()


def test_import_refuses_to_remove_a_competency_people_were_rated_on(db):
    framework_import(text=SMALL)
    rating = rate(Competency.objects.get(code="discovery"))
    before = snapshot()
    without_discovery = SMALL.replace("code: discovery", "code: research").replace(
        "name: Product discovery", "name: User research"
    )
    with pytest.raises(FrameworkError) as caught:
        framework_import(text=without_discovery)
    [(line, message)] = caught.value.errors
    assert line is None
    assert "'discovery'" in message and "assessments" in message
    assert snapshot() == before
    assert Rating.objects.filter(pk=rating.pk).exists()


def test_import_refuses_to_remove_a_competency_a_growth_goal_is_about(db):
    framework_import(text=SMALL)
    person = PersonFactory()
    plan = GrowthPlan.objects.create(person=person, target_level=level("senior-pm"))
    GrowthGoal.objects.create(
        plan=plan, competency=Competency.objects.get(code="coaching"), title="Mentor an APM"
    )
    without_people_leadership = SMALL[: SMALL.index("  - code: people-leadership")]
    with pytest.raises(FrameworkError, match="'coaching'"):
        framework_import(text=without_people_leadership)
    assert CompetencyCategory.objects.filter(code="people-leadership").exists()


def test_a_competency_people_were_rated_on_may_be_renamed_and_moved(db):
    framework_import(text=SMALL)
    rate(Competency.objects.get(code="discovery"))
    moved = SMALL.replace(
        "      - code: discovery\n        name: Product discovery\n        leadership: true\n"
        "        expectations:\n          apm: Takes part in interviews.\n",
        "",
    ) + (
        "  - code: insight\n"
        "    name: Customer insight\n"
        "    competencies:\n"
        "      - code: discovery\n"
        "        name: Discovery with customers\n"
        "        expectations:\n"
        "          apm: Takes part in interviews.\n"
    )
    framework_import(text=moved)
    discovery = Competency.objects.get(code="discovery")
    assert discovery.name == "Discovery with customers"
    assert discovery.category.code == "insight"
    assert discovery.ratings.count() == 1


def test_two_competencies_may_swap_their_names(db):
    framework_import(text=SMALL)
    swapped = (
        SMALL.replace("name: Delivery", "name: SWAP")
        .replace("name: Product discovery", "name: Delivery")
        .replace("name: SWAP", "name: Product discovery")
    )
    summary = framework_import(text=swapped)
    assert summary.kinds["competencies"].updated == 2
    assert Competency.objects.get(code="delivery").name == "Product discovery"
    assert Competency.objects.get(code="discovery").name == "Delivery"


def test_a_new_category_may_take_the_name_of_one_that_is_removed(db):
    framework_import(text=SMALL)
    renamed = SMALL.replace("code: craft", "code: craft-and-execution")
    summary = framework_import(text=renamed)
    assert summary.kinds["categories"].created == 1
    assert summary.kinds["categories"].removed == 1
    assert CompetencyCategory.objects.get(name="Craft and execution").code == (
        "craft-and-execution"
    )
    assert Competency.objects.get(code="delivery").category.code == "craft-and-execution"


# Exporting.


def test_export_imports_back_to_the_same_framework(db):
    framework_import(text=SHIPPED)
    before = snapshot()
    exported = framework_export()
    assert framework_parse(text=exported) == framework_parse(text=SHIPPED)
    summary = framework_import(text=exported)
    assert not summary.changed
    assert snapshot() == before


def test_export_keeps_texts_with_awkward_characters_intact(db):
    framework_import(text=SMALL)
    awkward = [
        'Says "no": politely # not a comment',
        "- starts like a list item, ends with a colon:",
        "Unicode – quotes ‘like’ these, and émigré café.",
        "yes",
        "  spaced  out  ",
        "Line one.\nLine two.",
        "x" * 1000,
    ]
    expectation = Expectation.objects.get(competency__code="delivery", level__code="apm")
    for text in awkward:
        expectation.text = text
        expectation.save()
        document = framework_parse(text=framework_export())
        assert document.competencies[0].expectations["apm"] == text.strip()


def test_export_of_an_empty_framework_is_refused_on_import_with_a_clear_message(db):
    with pytest.raises(FrameworkError, match="'categories' is empty"):
        framework_import(text=framework_export())


def test_the_shipped_framework_is_loaded_once_when_no_competency_exists(db):
    assert framework_ensure_default()
    assert Competency.objects.count() == 18
    assert not framework_ensure_default()


def test_the_shipped_framework_is_not_loaded_over_an_existing_one(db, framework):
    assert not framework_ensure_default()
    assert Competency.objects.count() == 4


# Reading: the fall-back to the nearest lower level.


def test_a_level_without_an_expectation_falls_back_to_the_nearest_lower_level(framework):
    principal = expectations_for_level(level=level("principal-pm"))
    view = principal[framework.discovery.pk]
    assert view.inherited
    assert view.source_level.code == "senior-pm"
    assert view.text == "Product discovery as expected at Senior PM."
    director = expectations_for_level(level=level("director"))[framework.coaching.pk]
    assert director.source_level.code == "group-pm" and director.level.code == "director"


def test_a_level_with_its_own_expectation_does_not_inherit(framework):
    view = expectations_for_level(level=level("senior-pm"))[framework.hiring.pk]
    assert not view.inherited
    assert view.text == "Hiring and onboarding as expected at Senior PM."


def test_a_level_below_every_expectation_has_none(framework):
    assert expectations_for_level(level=level("apm")) == {}


def test_expectations_for_a_level_take_one_query(framework, django_assert_num_queries):
    cpo = level("cpo")
    with django_assert_num_queries(1):
        views = expectations_for_level(level=cpo)
    assert set(views) == {c.pk for c in framework.competencies}


def test_the_framework_matrix_marks_inherited_cells_and_leaves_unreached_levels_empty(
    org, framework
):
    matrix = framework_for(user=org.pia.user)
    assert [lvl.code for lvl in matrix.levels] == [code for code, *_ in LADDER]
    craft, leadership = matrix.categories
    assert craft.category == framework.craft
    discovery_row = next(row for row in craft.rows if row.competency == framework.discovery)
    apm, pm, senior, principal, group, manager, *_rest, cpo = discovery_row.cells
    assert apm is None
    assert not pm.inherited and not senior.inherited and not group.inherited
    assert principal.inherited and principal.source_level.code == "senior-pm"
    assert manager.inherited and cpo.inherited and cpo.source_level.code == "group-pm"
    assert [lvl.code for lvl in matrix.ic_levels] == ["apm", "pm", "senior-pm", "principal-pm"]
    assert len(leadership.rows) == 2


def test_the_framework_filtered_to_a_level_shows_it_and_the_next_one_up(org, framework):
    matrix = framework_for(user=org.pia.user, level_code="senior-pm")
    assert [lvl.code for lvl in matrix.levels] == ["senior-pm", "principal-pm"]
    assert matrix.focus.code == "senior-pm"
    row = matrix.categories[0].rows[0]
    assert [cell.inherited for cell in row.cells] == [False, True]


def test_the_top_level_filtered_shows_only_itself(org, framework):
    matrix = framework_for(user=org.pia.user, level_code="cpo")
    assert [lvl.code for lvl in matrix.levels] == ["cpo"]


def test_an_unknown_level_filter_shows_every_level(org, framework):
    matrix = framework_for(user=org.pia.user, level_code="guru")
    assert matrix.focus is None and len(matrix.levels) == 9


@pytest.mark.parametrize("who", ["pia", "gabe", "cora", "ada"])
def test_the_product_org_and_admins_may_read_the_framework(org, framework, who):
    person_or_user = getattr(org, who)
    user = getattr(person_or_user, "user", person_or_user)
    assert framework_for(user=user) is not None


def test_a_stakeholder_may_not_read_the_framework(org, framework):
    assert framework_for(user=org.sam) is None


def test_a_member_without_a_person_may_still_read_the_framework(db, framework):
    assert framework_for(user=UserFactory(username="newcomer")) is not None
