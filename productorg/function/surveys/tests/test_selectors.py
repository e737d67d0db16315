from __future__ import annotations

from productorg.function.surveys import selectors, services
from productorg.function.surveys.selectors import visible_team_ids
from productorg.function.surveys.tests.conftest import answer, make_open_survey


def test_two_answers_show_no_aggregate(open_survey):
    answer(open_survey, 0, 2)
    answer(open_survey, 1, 4)
    results = selectors.survey_results(survey=open_survey.survey)
    assert results.responses == 2
    assert all(d.count == 2 and d.mean is None for d in results.dimensions)
    assert all(d.distribution is None for d in results.dimensions)


def test_three_answers_show_the_mean_and_the_distribution(open_survey):
    for index, rating in enumerate([2, 4, 4]):
        answer(open_survey, index, rating)
    results = selectors.survey_results(survey=open_survey.survey)
    clarity = results.dimensions[0]
    assert clarity.label == "Clarity of what PMs do"
    assert clarity.mean == 10 / 3
    assert clarity.distribution == (0, 1, 0, 2, 0)


def test_anonymous_comments_wait_for_three_answers_and_come_sorted_without_author(open_survey):
    answer(open_survey, 0, 3, comment="zebra crossing")
    answer(open_survey, 1, 3, comment="Apples")
    assert selectors.survey_results(survey=open_survey.survey).comments_hidden
    answer(open_survey, 2, 3, comment="mango")
    results = selectors.survey_results(survey=open_survey.survey)
    assert [c.text for c in results.comments] == ["Apples", "mango", "zebra crossing"]
    assert all(c.author is None for c in results.comments)


def test_named_comments_show_their_author(org):
    opened = make_open_survey(org, anonymous=False, invitees=1)
    answer(opened, 0, 5, comment="Great work")
    results = selectors.survey_results(survey=opened.survey)
    assert [(c.text, c.author) for c in results.comments] == [("Great work", "Stakeholder 0")]


def _team_survey(org, sizes: dict):
    opened = make_open_survey(org, invitees=0)
    links = []
    for team, size in sizes.items():
        invitees = [
            services.Invitee(name=f"{team} {n}", email=f"{n}@{team}.example") for n in range(size)
        ]
        links += services.invitations_issue(
            survey=opened.survey, invitees=invitees, team=getattr(org, team, None)
        )
    opened.links = links
    for index in range(len(links)):
        answer(opened, index, 3 + index % 2)
    return opened


def test_a_team_cell_shows_from_three_answers_and_the_rest_count_as_others(org):
    opened = _team_survey(org, {"checkout": 3, "search": 4, "billing": 1, "none": 2})
    results = selectors.survey_results(survey=opened.survey)
    assert [(row.name, row.responses) for row in results.teams] == [
        ("Checkout", 3),
        ("Search", 4),
    ]
    assert all(mean is not None for row in results.teams for mean in row.means)
    assert results.other_responses == 3


def test_a_hidden_team_cannot_be_worked_out_by_subtracting_the_shown_ones(org):
    # Checkout 3 and Search 4 shown, Billing's one answer hidden: the overall mean minus the
    # shown teams would give Billing's answer away, so the smaller shown team hides too.
    opened = _team_survey(org, {"checkout": 3, "search": 4, "billing": 1})
    results = selectors.survey_results(survey=opened.survey)
    assert [row.name for row in results.teams] == ["Search"]
    assert results.other_responses == 4


def test_visible_teams_hide_cells_until_the_hidden_ones_hold_enough():
    assert visible_team_ids({1: 3, 2: 5}) == {1, 2}
    assert visible_team_ids({1: 3, 2: 5, None: 1}) == {2}
    assert visible_team_ids({1: 3, 2: 1, None: 2}) == {1}
    assert visible_team_ids({1: 3, None: 2}) == set()
    assert visible_team_ids({1: 2}) == set()


def test_the_trend_follows_each_dimension_over_rounds_and_leaves_gaps_under_three(org):
    first = make_open_survey(org, title="Round one")
    for index in range(3):
        answer(first, index, 3)
    second = make_open_survey(org, title="Round two")
    for index in range(2):
        answer(second, index, 5)
    trend = selectors.survey_trend()
    assert trend.rounds == ["Round one", "Round two"]
    assert trend.series[0].label == "Clarity of what PMs do"
    assert trend.series[0].values == [3.0, None]


def test_the_csv_rows_carry_no_names_and_blank_small_teams(org):
    opened = _team_survey(org, {"checkout": 3, "billing": 1, "none": 2})
    rows = selectors.survey_csv_rows(survey=opened.survey)
    teams = {row[1] for row in rows}
    assert teams == {"Checkout", ""}
    flat = " ".join(" ".join(row) for row in rows)
    assert "example" not in flat
    assert "billing" not in flat.lower()


def test_the_csv_of_a_survey_under_three_answers_is_empty(open_survey):
    answer(open_survey, 0, 4)
    assert selectors.survey_csv_rows(survey=open_survey.survey) == []
