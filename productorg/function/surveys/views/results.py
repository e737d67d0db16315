"""A round's results (leaders and PMs): per dimension, per team and over the rounds, and the
anonymised CSV export."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from productorg.accounts.permissions import can_run_surveys
from productorg.function.surveys import selectors
from productorg.function.surveys.models import MIN_ANSWERS
from productorg.function.surveys.views.common import results_readers_only, survey_or_404
from productorg.pages import as_download, file_stem
from productorg.reports import charts
from productorg.text import neutralised


@results_readers_only
def survey_results(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    results = selectors.survey_results(survey=survey)
    trend = selectors.survey_trend()
    context = {
        "survey": survey,
        "results": results,
        "distributions": [
            (dimension, _distribution_chart(dimension)) for dimension in results.dimensions
        ],
        "trend_chart": charts.survey_trend_chart(
            rounds=trend.rounds,
            series=[(series.label, series.values) for series in trend.series],
        )
        if len(trend.rounds) > 1
        else None,
        "min_answers": MIN_ANSWERS,
        "can_run": can_run_surveys(request.user),
    }
    return render(request, "surveys/survey_results.html", context)


def _distribution_chart(dimension: selectors.DimensionResult):
    if dimension.distribution is None:
        return None
    return charts.rating_distribution_bar(dimension.distribution, label=dimension.label)


@results_readers_only
def survey_results_csv(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = survey_or_404(survey_id)
    rows = selectors.survey_csv_rows(survey=survey)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    as_download(
        response, filename=f"{file_stem(survey.title) or f'survey-{survey.pk}'}-results.csv"
    )
    writer = csv.writer(response)
    writer.writerow(selectors.CSV_HEADER)
    writer.writerows(tuple(neutralised(value) for value in row) for row in rows)
    return response


urlpatterns = [
    path("function/surveys/<int:survey_id>/results/", survey_results, name="survey-results"),
    path(
        "function/surveys/<int:survey_id>/results.csv",
        survey_results_csv,
        name="survey-results-csv",
    ),
]
