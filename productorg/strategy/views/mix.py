"""The mix board: target against actual share of planned effort, for the org and every team;
the initiatives behind a share; mix targets and leaders' own balance dimensions."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from productorg.accounts import permissions
from productorg.pages import form_status
from productorg.paging import page_of
from productorg.people.models import Team
from productorg.reports import charts
from productorg.strategy.mix_forms import (
    DimensionForm,
    MixBoardFilterForm,
    MixTargetsForm,
    running_sum,
)
from productorg.strategy.models import BalanceDimension, DimensionValue
from productorg.strategy.selectors import mix as selectors
from productorg.strategy.selectors.portfolio import initiatives_visible_to
from productorg.strategy.services import mix as services

TEAMS_PER_PAGE = 20
BOARD = "strategy/mix_board.html"
DRILLDOWN = "strategy/mix_initiatives.html"
TARGETS = "strategy/mix_targets.html"
DIMENSION = "strategy/mix_dimension.html"


def mix_board(request: HttpRequest) -> HttpResponse:
    form = MixBoardFilterForm(request.GET)
    board = selectors.mix_board(user=request.user, **form.filters())
    if board is None:
        raise Http404
    page = page_of(board.teams, TEAMS_PER_PAGE, request.GET.get("page"))
    can_change = permissions.can_change_strategy(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    template = BOARD
    if request.htmx and not request.htmx.boosted:
        template += "#board"
    context = {
        "board": board,
        "form": form,
        "page": page,
        "org": _scope_row(board, board.org, can_change),
        "teams": [_scope_row(board, scope, can_change) for scope in page.object_list],
        "can_change": can_change,
        "ignored": sorted({*board.ignored, *form.ignored()}),
        "query": query.urlencode(),
    }
    return render(request, template, context)


def _scope_row(board: selectors.MixBoard, scope: selectors.ScopeMix, can_change: bool) -> dict:
    """A row of the board: the scope, its faders drawn, and where its links go."""
    scope_query = {"period": board.period, "dimension": board.dimension.slug}
    if scope.team_id is not None:
        scope_query["team"] = scope.team_id
    drill = reverse("strategy:mix-initiatives")
    slot = f"drill-{scope.team_id or 'org'}"
    faders = ""
    # A team with neither effort nor targets has nothing to draw: its row says so in words.
    if scope.effort or scope.targets_from:
        faders = charts.mix_faders(
            scope.faders,
            hrefs=[f"{drill}?{urlencode({**scope_query, 'value': f.key})}" for f in scope.faders],
            hx_target=f"#{slot}",
            title=f"{scope.name}: {board.dimension}, {board.period}",
        )
    targets_url = f"{reverse('strategy:mix-targets')}?{urlencode(scope_query)}"
    return {
        "scope": scope,
        "faders": faders,
        "slot": slot,
        "targets_url": targets_url if can_change else "",
    }


def mix_initiatives(request: HttpRequest) -> HttpResponse:
    drilldown = selectors.mix_initiatives(
        user=request.user,
        period=request.GET.get("period", ""),
        dimension=request.GET.get("dimension", ""),
        value=request.GET.get("value", ""),
        team_id=_team_id(request.GET.get("team")),
    )
    if drilldown is None:
        raise Http404
    template = DRILLDOWN
    if request.htmx and not request.htmx.boosted:
        template += "#drilldown"
    return render(request, template, {"drilldown": drilldown})


@require_POST
def mix_classify(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Put an initiative on a value of a leader's own dimension, from a drill-down list."""
    initiative = get_object_or_404(initiatives_visible_to(user=request.user), pk=initiative_id)
    dimension = get_object_or_404(
        BalanceDimension, slug=request.POST.get("dimension", ""), initiative_field__isnull=True
    )
    if not permissions.can_change_initiative(request.user, initiative):
        raise Http404
    key = request.POST.get("value", "")
    value = get_object_or_404(DimensionValue, dimension=dimension, key=key) if key else None
    services.classification_set(initiative=initiative, dimension=dimension, value=value)
    done = f"{initiative} is now {value or 'unclassified'} on {dimension}."
    # Back to the list the form was on, as it is now: the initiative has moved to its value.
    shown = {
        "period": request.POST.get("period", ""),
        "dimension": dimension.slug,
        "value": request.POST.get("shown", ""),
    }
    if request.POST.get("team"):
        shown["team"] = request.POST["team"]
    if request.htmx:
        drilldown = selectors.mix_initiatives(
            user=request.user,
            period=shown["period"],
            dimension=shown["dimension"],
            value=shown["value"],
            team_id=_team_id(shown.get("team")),
        )
        if drilldown is not None:
            context = {"drilldown": drilldown, "classified": done}
            return render(request, f"{DRILLDOWN}#drilldown", context)
    messages.success(request, done)
    return redirect(f"{reverse('strategy:mix-initiatives')}?{urlencode(shown)}")


def mix_targets_edit(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    dimension, team = _scope_or_404(request)
    if request.htmx and request.htmx.target == "running-sum":
        return render(request, f"{TARGETS}#running_sum", {"total": running_sum(request.GET)})
    period = request.GET.get("period", "")
    if not selectors.is_period(period):
        period = selectors.period_default(selectors.mix_periods())
    saved = selectors.mix_targets_of(dimension=dimension, team=team, period=period)
    form = MixTargetsForm(
        request.POST or None, dimension=dimension, initial=_targets_initial(saved, period)
    )
    if request.method == "POST":
        done = _targets_save(request, form, dimension, team)
        if done is not None:
            return done
    scope = selectors.mix_scope(user=request.user, dimension=dimension, period=period, team=team)
    actual = {fader.key: fader.actual for fader in scope.faders} if scope else {}
    context = {
        "form": form,
        "dimension": dimension,
        "team": team,
        "period": period,
        "saved": saved,
        "rows": [
            {
                "field": form[f"share_{value.pk}"],
                "org": saved.org[value.pk].share if value.pk in saved.org else None,
                "actual": actual.get(value.key),
            }
            for value in form.values
        ],
        "total": running_sum(form.data if form.is_bound else form.initial),
        "board_url": _board_url(dimension, period, None),
    }
    return render(request, TARGETS, context, status=form_status(request, form))


def _targets_save(request, form, dimension, team) -> HttpResponse | None:
    """Set or clear the targets; a redirect to the board, or None to show the form again."""
    scope = team.name if team else "the whole org"
    if "clear" in request.POST:
        period = request.POST.get("period", "")
        if not selectors.is_period(period):
            form.add_error("period", "Name the period whose targets to clear, such as 2027-H1.")
            return None
        services.mix_targets_clear(dimension=dimension, team=team, period=period)
        messages.success(request, f"{dimension} targets of {scope} in {period} cleared.")
        return redirect(_board_url(dimension, period, team))
    if not form.is_valid():
        return None
    period = form.cleaned_data["period"]
    try:
        services.mix_targets_set(
            dimension=dimension,
            team=team,
            period=period,
            shares=form.shares(),
            tolerance=form.cleaned_data["tolerance"],
        )
    except ValidationError as error:
        form.add_service_error(error)
        return None
    messages.success(request, f"{dimension} targets of {scope} in {period} saved.")
    return redirect(_board_url(dimension, period, team))


def _targets_initial(saved: selectors.ScopeTargets, period: str) -> dict:
    # A team without targets of its own starts from the org's.
    start = saved.own or saved.org
    initial = {f"share_{value_id}": target.share for value_id, target in start.items()}
    initial["period"] = period
    initial["tolerance"] = saved.tolerance if saved.tolerance is not None else 5
    return initial


def _board_url(dimension: BalanceDimension, period: str, team: Team | None) -> str:
    query = {"period": period, "dimension": dimension.slug}
    if team is not None:
        query["team"] = team.pk
    return f"{reverse('strategy:mix-board')}?{urlencode(query)}"


def _scope_or_404(request: HttpRequest) -> tuple[BalanceDimension, Team | None]:
    dimensions = selectors.balance_dimensions()
    # No dimension named: the first (work category), as the board opens on it.
    slug = request.GET.get("dimension") or (dimensions[0].slug if dimensions else "")
    dimension = next((each for each in dimensions if each.slug == slug), None)
    if dimension is None:
        raise Http404
    team_id = _team_id(request.GET.get("team"))
    return dimension, None if team_id is None else get_object_or_404(Team, pk=team_id)


def _team_id(text: str | None) -> int | None:
    """A team id from a query: None for none given, 0 (no team has it) when malformed."""
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) < 12 else 0


def dimension_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    form = DimensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dimension = services.dimension_create(
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                values=[label for _, label in form.values()],
                user=request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{dimension} added: set its targets and classify work.")
            return redirect(f"{reverse('strategy:mix-board')}?dimension={dimension.slug}")
    return render(
        request, DIMENSION, {"form": form, "dimension": None}, status=form_status(request, form)
    )


def dimension_edit(request: HttpRequest, dimension_id: int) -> HttpResponse:
    if not permissions.can_change_strategy(request.user):
        raise Http404
    dimension = get_object_or_404(BalanceDimension, pk=dimension_id)
    form = DimensionForm(request.POST or None, dimension=dimension)
    if request.method == "POST" and form.is_valid():
        try:
            services.dimension_update(
                dimension=dimension,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                values=form.values(),
                delete_values_in_use=form.cleaned_data.get("delete_in_use", False),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"{dimension} saved.")
            return redirect(f"{reverse('strategy:mix-board')}?dimension={dimension.slug}")
    return render(
        request,
        DIMENSION,
        {"form": form, "dimension": dimension},
        status=form_status(request, form),
    )


urlpatterns = [
    path("strategy/mix/", mix_board, name="mix-board"),
    path("strategy/mix/initiatives/", mix_initiatives, name="mix-initiatives"),
    path(
        "strategy/mix/initiatives/<int:initiative_id>/classify/",
        mix_classify,
        name="mix-classify",
    ),
    path("strategy/mix/targets/", mix_targets_edit, name="mix-targets"),
    path("strategy/mix/dimensions/new/", dimension_new, name="dimension-new"),
    path("strategy/mix/dimensions/<int:dimension_id>/", dimension_edit, name="dimension-edit"),
]
