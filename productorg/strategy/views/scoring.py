"""The ranking of the portfolio by a scoring model, and leaders' own scoring models."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from productorg.accounts import permissions
from productorg.pages import form_status
from productorg.strategy import scoring
from productorg.strategy.models import ScoringModel
from productorg.strategy.scoring_forms import (
    RankingFilterForm,
    ScoringModelForm,
    ScoringModelNewForm,
)
from productorg.strategy.selectors import scoring as selectors
from productorg.strategy.services import scoring as services

FORM_TEMPLATE = "strategy/scoring_model_form.html"


def ranking(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_portfolio(request.user):
        raise Http404
    specs = selectors.scoring_specs(user=request.user)
    form = RankingFilterForm(request.GET, specs=specs)
    ranked = selectors.ranking(
        user=request.user, spec=form.spec(), page=request.GET.get("page"), **form.filters()
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "strategy/ranking.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "ranking": ranked,
            "builtin_specs": [spec for spec in specs if spec.is_builtin],
            "custom_specs": [spec for spec in specs if not spec.is_builtin],
            "notices": form.notices(),
            "query": query.urlencode(),
            "can_change": permissions.can_change_strategy(request.user),
        },
    )


def scoring_model_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    if request.htmx and "preview" in request.GET:
        return _preview(request)
    form = ScoringModelNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scoring_model = services.scoring_model_create(
                user=request.user, author=permissions.person_of(request.user), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the scoring model {scoring_model.name}.")
            return _to_ranking(scoring_model)
    return render(
        request, FORM_TEMPLATE, _form_context(request, form), status=form_status(request, form)
    )


def scoring_model_edit(request: HttpRequest, scoring_model_id: int) -> HttpResponse:
    scoring_model = selectors.scoring_model_editable(
        user=request.user, scoring_model_id=scoring_model_id
    )
    if scoring_model is None:
        raise Http404
    if request.htmx and "preview" in request.GET:
        return _preview(request)
    if request.method == "POST" and "delete" in request.POST:
        services.scoring_model_delete(scoring_model=scoring_model)
        messages.success(request, f"Deleted the scoring model {scoring_model.name}.")
        return redirect("strategy:ranking")
    initial = {field: getattr(scoring_model, field) for field in ScoringModelForm.base_fields}
    form = ScoringModelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.scoring_model_update(scoring_model=scoring_model, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the scoring model {scoring_model.name}.")
            return _to_ranking(scoring_model)
    context = _form_context(request, form, scoring_model=scoring_model)
    return render(request, FORM_TEMPLATE, context, status=form_status(request, form))


def _to_ranking(scoring_model: ScoringModel) -> HttpResponse:
    query = urlencode({"model": scoring.custom_slug(scoring_model.pk)})
    return redirect(f"{reverse('strategy:ranking')}?{query}")


def _form_context(request: HttpRequest, form: ScoringModelForm, **extra) -> dict:
    """The form, what a formula may use, and the top five under the formula on the form."""
    context = {
        "form": form,
        "variables": scoring.VARIABLES,
        "functions": list(scoring.FUNCTIONS),
        "preview": None,
        "preview_error": None,
        **extra,
    }
    formula = form["formula"].value() or ""
    if form.errors.get("formula"):
        context["preview_hint"] = "Once the formula is fixed, its top five show here."
    elif formula.strip():
        context.update(_preview_of(request, formula))
    return context


def _preview_of(request: HttpRequest, formula: str) -> dict:
    try:
        rows = selectors.ranking_preview(user=request.user, formula=formula)
    except ValidationError as error:
        return {"preview": None, "preview_error": " ".join(error.messages)}
    return {"preview": rows, "preview_error": None}


def _preview(request: HttpRequest) -> HttpResponse:
    formula = request.GET.get("formula", "")
    context = (
        _preview_of(request, formula)
        if formula.strip()
        else {"preview": None, "preview_error": None}
    )
    return render(request, f"{FORM_TEMPLATE}#preview", context)


urlpatterns = [
    path("strategy/ranking/", ranking, name="ranking"),
    path("strategy/scoring-models/new/", scoring_model_new, name="scoring-model-new"),
    path(
        "strategy/scoring-models/<int:scoring_model_id>/",
        scoring_model_edit,
        name="scoring-model-edit",
    ),
]
