"""Forms of the initiative and objective edit pages: input is validated here, the rules are
the services' business (`strategy.services.editing`).

An editor bundles a page's main form and its inline rows (effort per team, key results), turns
valid input into the service's data, shows a service's refusal on the field it names, and after
a version conflict builds the table of what the other person changed, keeping the user's input.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.db import models
from django.db.models import Q
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from productorg import once
from productorg.accounts import permissions
from productorg.limits import limit
from productorg.people.models import Person, Team
from productorg.strategy.models import (
    Initiative,
    KeyResult,
    Milestone,
    Objective,
    Risk,
    WorkCategory,
)
from productorg.strategy.selectors import editing as editing_selectors
from productorg.strategy.services.editing import (
    INITIATIVE_COLUMNS,
    EditingError,
    InitiativeData,
    KeyResultInput,
    ObjectiveData,
    TeamEffortInput,
)

if TYPE_CHECKING:
    from productorg.accounts.models import User

NOTHING = "—"


def _show(value: object) -> str:
    """A value as the conflict table shows it."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _number(value: Decimal | None) -> str:
    return NOTHING if value is None else _show(value)


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ConflictRow:
    """A field the other person changed: their saved value and the user's input."""

    label: str
    theirs: str
    yours: str

    @property
    def same(self) -> bool:
        return self.theirs == self.yours


@dataclass(frozen=True)
class Conflict:
    """A save refused for an old version: why, and what the other person changed."""

    message: str
    rows: list[ConflictRow]


def _hidden_fields() -> dict[str, forms.Field]:
    """What an edit form carries besides the user's input."""
    return {
        # The version the form was loaded with (optimistic locking).
        "version": forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput),
        # A new-object form's one-time token: a double-clicked submit creates one object.
        "form_token": once.form_token_formfield(),
        # Fingerprints of the values as loaded, so a conflict tells which fields they changed.
        "loaded": forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput),
    }


def _owners(current_id: int | None) -> models.QuerySet[Person]:
    """Who may own it: the people still here, and whoever owns it now (even if they left)."""
    return Person.objects.filter(Q(active=True) | Q(pk=current_id)).order_by("name")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


# Initiatives.


# The columns the edit service writes, and the objectives (a relation) after the owner.
INITIATIVE_FORM_FIELDS = [*INITIATIVE_COLUMNS[:4], "objectives", *INITIATIVE_COLUMNS[4:]]


class InitiativeForm(forms.ModelForm):
    value_estimate = forms.DecimalField(
        label="Value estimate",
        min_value=0,
        max_digits=10,
        decimal_places=1,
        initial=0,
        error_messages={"min_value": "The value cannot be negative."},
    )

    class Meta:
        model = Initiative
        fields = INITIATIVE_FORM_FIELDS
        labels = {"team": "Owning team", "category": "Work category"}
        help_texts = {
            "objectives": "The objectives this initiative serves.",
            "earliest_start": "Not before this day.",
            "deadline": "Finished by this day.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.SelectMultiple(attrs={"size": 6}),
            "start_quarter": forms.TextInput(attrs={"placeholder": "2027-Q1"}),
            "earliest_start": _date_input(),
            "deadline": _date_input(),
        }

    def __init__(
        self,
        *args,
        teams: models.QuerySet[Team],
        team_required: bool,
        owner_id: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields.update(_hidden_fields())
        self.fields["team"].queryset = teams
        self.fields["team"].required = team_required
        self.fields["team"].empty_label = "Choose a team" if team_required else "No team"
        self.fields["owner"].queryset = _owners(owner_id)
        self.fields["owner"].empty_label = "No owner"
        self.fields["objectives"].queryset = Objective.objects.order_by("period", "title")
        self.fields["bucket"].choices = [("", "No bucket"), *self.fields["bucket"].choices[1:]]
        # A category is chosen on purpose: a new initiative starts on Feature (shown, so not
        # silent) and one that has a category keeps one. Only an initiative that has none
        # (from an import) may be saved without, so editing its title does not force a guess.
        category = self.fields["category"]
        if self.initial.get("category"):
            category.choices = WorkCategory.choices
            category.required = True
        else:
            category.choices = [("", "No category (not chosen yet)"), *WorkCategory.choices]


def _label_row(form: forms.Form, index: int) -> None:
    """Name each input of an inline row for screen readers: the table header is not a label."""
    for name, field in form.fields.items():
        label = "Remove" if name == "DELETE" else (field.label or name.capitalize())
        field.widget.attrs["aria-label"] = f"{label}, row {index + 1}"


class TeamEffortForm(forms.Form):
    team = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    effort = forms.DecimalField(
        label="Person-weeks",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        error_messages={"min_value": "Effort cannot be negative."},
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        missing = cleaned.get("effort") is None and "effort" not in self.errors
        if missing and cleaned.get("team") is not None:
            self.add_error("effort", "Enter the person-weeks, or tick Remove.")
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("team") is None and data.get("effort") is None


class BaseTeamEffortFormSet(forms.BaseFormSet):
    """Effort per team; a row without a team is the owning team's. One query for any rows."""

    def __init__(self, *args, teams: list[Team], owning_team: Team | None = None, **kwargs):
        self.teams = {team.pk: team for team in teams}
        self.owning_team = owning_team
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        # No field is required: a row emptied by hand is skipped like an untouched extra row.
        return {"use_required_attribute": False}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.fields["team"].choices = [
            ("", "Owning team"),
            *((team.pk, team.name) for team in self.teams.values()),
        ]
        _label_row(form, i)
        return form

    def live_forms(self) -> list[TeamEffortForm]:
        return [
            form
            for form in self.forms
            if form.is_valid() and not form.is_blank and not self._should_delete_form(form)
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.live_forms():
            team = self._team_of(form)
            if team is None:
                form.add_error(
                    "team", "Choose the team: the initiative has no owning team to take it."
                )
            elif team.pk in seen:
                form.add_error("team", f"{team.name} has two rows: give each team one.")
            else:
                seen.add(team.pk)

    def _team_of(self, form: TeamEffortForm) -> Team | None:
        team_id = form.cleaned_data.get("team")
        return self.teams.get(team_id) if team_id is not None else self.owning_team

    def rows(self) -> list[TeamEffortInput]:
        return [
            TeamEffortInput(
                team=self.teams.get(form.cleaned_data["team"] or 0),
                effort=form.cleaned_data["effort"],
            )
            for form in self.live_forms()
        ]


TeamEffortFormSet = forms.formset_factory(
    TeamEffortForm,
    formset=BaseTeamEffortFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


def initiative_values(initiative: Initiative) -> dict[str, str]:
    """An initiative's fields as the conflict table shows them."""
    efforts = [(effort.team.name, effort.effort) for effort in initiative.team_efforts.all()]
    if not efforts and initiative.effort_estimate and initiative.team is not None:
        efforts = [(initiative.team.name, initiative.effort_estimate)]
    return _initiative_values(
        initiative, [objective.title for objective in initiative.objectives.all()], efforts
    )


def initiative_data_values(data: InitiativeData) -> dict[str, str]:
    """The user's input as the conflict table shows it."""
    efforts = []
    for effort in data.efforts:
        team = effort.team or data.team
        efforts.append((team.name if team else NOTHING, effort.effort))
    return _initiative_values(data, [objective.title for objective in data.objectives], efforts)


def _initiative_values(
    source: Initiative | InitiativeData,
    objective_titles: list[str],
    efforts: list[tuple[str, Decimal]],
) -> dict[str, str]:
    values = {}
    for name in INITIATIVE_FORM_FIELDS:
        if name == "objectives":
            values[name] = "; ".join(sorted(objective_titles)) or NOTHING
            continue
        value = getattr(source, name)
        choices = dict(Initiative._meta.get_field(name).choices or [])
        values[name] = _show(choices.get(value, value))
    values["efforts"] = (
        "; ".join(f"{team} {_show(effort)} pw" for team, effort in sorted(efforts)) or NOTHING
    )
    return values


class InitiativeEditor:
    """The initiative form and its effort rows, for a new initiative or an existing one."""

    def __init__(self, data: QueryDict | None, *, user: User, initiative: Initiative | None = None):
        self.initiative = initiative
        self.teams = editing_selectors.initiative_teams_for(user=user, initiative=initiative)
        self.team_required = editing_selectors.initiative_team_required(user=user)
        self.all_teams = list(Team.objects.order_by("name"))
        self.new_defaults: dict = {}
        if initiative is None and self.team_required:
            # A PM starts work for their own team, and owns it until they hand it on.
            own_teams = list(self.teams[:2])
            me = permissions.person_of(user)
            self.new_defaults = {
                "team": own_teams[0] if len(own_teams) == 1 else None,
                "owner": me.pk if me else None,
            }
        self._bind(data)

    def _bind(self, data: QueryDict | None) -> None:
        initiative = self.initiative
        initial: dict = {"category": WorkCategory.FEATURE, **self.new_defaults}
        effort_rows: list[dict] = []
        if initiative is not None:
            initial = {
                **forms.model_to_dict(initiative, fields=INITIATIVE_FORM_FIELDS),
                "version": initiative.version,
                "loaded": _fingerprints(initiative_values(initiative)),
            }
            effort_rows = [
                {"team": effort.team_id, "effort": effort.effort}
                for effort in initiative.team_efforts.all()
            ]
            # An initiative nobody split across teams: its owning team carries the estimate.
            if not effort_rows and initiative.effort_estimate and initiative.team_id:
                effort_rows = [{"team": initiative.team_id, "effort": initiative.effort_estimate}]
        self.form = InitiativeForm(
            data,
            initial=initial,
            teams=self.teams,
            team_required=self.team_required,
            owner_id=initiative.owner_id if initiative else None,
        )
        self.efforts = TeamEffortFormSet(
            data, initial=effort_rows, prefix="efforts", teams=self.all_teams
        )

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        self.efforts.owning_team = self.form.cleaned_data.get("team")
        return self.efforts.is_valid() and form_valid

    @property
    def version(self) -> int:
        return self.form.cleaned_data.get("version") or 0

    @property
    def form_token(self) -> uuid.UUID | None:
        return self.form.cleaned_data.get("form_token")

    def data(self) -> InitiativeData:
        cleaned = self.form.cleaned_data
        return InitiativeData(
            **{name: cleaned[name] for name in INITIATIVE_FORM_FIELDS if name != "objectives"},
            objectives=list(cleaned["objectives"]),
            efforts=self.efforts.rows(),
        )

    def add_error(self, error: EditingError) -> None:
        """Show a service's refusal on the field it names."""
        if error.field == "efforts":
            self.efforts.non_form_errors().append(error.message)
        else:
            field = error.field if error.field in self.form.fields else None
            self.form.add_error(field, error.message)

    def merged_with(self, current: Initiative) -> InitiativeData | None:
        """The user's changes on top of `current`, when they merge with what changed since."""
        mine = self.data()
        changed = _changed_by_you_only(
            initiative_values(current),
            initiative_data_values(mine),
            self.form.cleaned_data.get("loaded", ""),
        )
        if changed is None:
            return None
        efforts = [TeamEffortInput(e.team, e.effort) for e in current.team_efforts.all()]
        if not efforts and current.effort_estimate and current.team is not None:
            efforts = [TeamEffortInput(current.team, current.effort_estimate)]
        theirs = InitiativeData(
            **{column: getattr(current, column) for column in INITIATIVE_COLUMNS},
            objectives=list(current.objectives.all()),
            efforts=efforts,
        )
        return replace(theirs, **{name: getattr(mine, name) for name in changed})

    def conflict_with(self, current: Initiative) -> list[ConflictRow]:
        """The fields the other person changed; the form is rebound to the user's input on
        top of the current version, so a deliberate second save overwrites theirs."""
        theirs = initiative_values(current)
        labels = {name: str(field.label) for name, field in self.form.fields.items()}
        rows = _conflict_rows(
            theirs,
            initiative_data_values(self.data()),
            self.form.cleaned_data.get("loaded", ""),
            {**labels, "efforts": "Effort per team"},
        )
        self._bind(_advanced(self.form.data, current.version, theirs))
        self.is_valid()
        return rows


def _advanced(data: QueryDict, version: int, theirs: dict[str, str]) -> QueryDict:
    rebound = data.copy()
    rebound["version"] = str(version)
    rebound["loaded"] = _fingerprints(theirs)
    return rebound


def _fingerprints(values: Mapping[str, str]) -> str:
    return json.dumps({name: _fingerprint(value) for name, value in values.items()})


def _as_loaded(loaded: str) -> dict[str, str]:
    """The fingerprints of the fields as the form showed them ({} from a form from elsewhere)."""
    try:
        as_loaded = json.loads(loaded or "{}")
    except ValueError:
        return {}
    return as_loaded if isinstance(as_loaded, dict) else {}


def _changed_by_you_only(
    theirs: dict[str, str], yours: dict[str, str], loaded: str
) -> set[str] | None:
    """The fields the user changed, when none of them was changed differently since the form
    was loaded (so their save and the user's merge); None when one was, or unknown."""
    as_loaded = _as_loaded(loaded)
    changed = set()
    for name, value in yours.items():
        seen = as_loaded.get(name)
        if seen is None:
            return None
        if _fingerprint(value) == seen:
            continue  # left as it was: their change, if any, stands
        if _fingerprint(theirs[name]) not in (seen, _fingerprint(value)):
            return None
        changed.add(name)
    return changed


def _conflict_rows(
    theirs: dict[str, str], yours: dict[str, str], loaded: str, labels: dict[str, str]
) -> list[ConflictRow]:
    as_loaded = _as_loaded(loaded)
    rows = []
    for name, their_value in theirs.items():
        loaded_print = as_loaded.get(name)
        # Without a fingerprint (a form from elsewhere), every difference may be theirs.
        changed = (
            their_value != yours[name]
            if loaded_print is None
            else loaded_print != _fingerprint(their_value)
        )
        if changed:
            rows.append(ConflictRow(labels.get(name, name), their_value, yours[name]))
    return rows


# Objectives.


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["title", "description", "period", "owner", "parent"]
        labels = {"parent": "Parent objective"}
        help_texts = {
            "period": "A year, a half or a quarter: 2027, 2027-H1 or 2027-Q1.",
            "parent": "The objective this one contributes to (company → product org → team).",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "period": forms.TextInput(attrs={"placeholder": "2027-H1"}),
        }

    def __init__(self, *args, objective: Objective | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_hidden_fields())
        self.fields["owner"].queryset = _owners(objective.owner_id if objective else None)
        self.fields["owner"].empty_label = "No owner"
        self.fields["parent"].empty_label = "None: a top-level objective"
        parents = Objective.objects.order_by("-period", "title")
        if objective is not None:
            parents = parents.exclude(pk=objective.pk)
        self.fields["parent"].queryset = parents


class KeyResultForm(forms.Form):
    key_result_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    metric = forms.CharField(label="Metric", max_length=limit(KeyResult, "metric"), required=False)
    unit = forms.CharField(max_length=limit(KeyResult, "unit"), required=False)
    baseline = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    target = forms.DecimalField(max_digits=14, decimal_places=2, required=False)
    current = forms.DecimalField(max_digits=14, decimal_places=2, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.is_blank:
            return cleaned
        if not (cleaned.get("metric") or "").strip() and "metric" not in self.errors:
            self.add_error("metric", "Name the metric.")
        for name in ("baseline", "target"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, f"Enter the {name}.")
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and baseline == target:
            self.add_error("target", "The target must differ from the baseline.")
        return cleaned

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return (
            not any(
                data.get(name) not in (None, "")
                for name in ("metric", "unit", "baseline", "target")
            )
            and data.get("current") is None
        )


class BaseKeyResultFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {"use_required_attribute": False}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        _label_row(form, i)
        return form

    def rows(self) -> list[KeyResultInput]:
        return [
            KeyResultInput(
                key_result_id=form.cleaned_data.get("key_result_id"),
                metric=form.cleaned_data["metric"].strip(),
                unit=form.cleaned_data.get("unit", "").strip(),
                baseline=form.cleaned_data["baseline"],
                target=form.cleaned_data["target"],
                current=form.cleaned_data.get("current"),
            )
            for form in self.forms
            if form.is_valid() and not form.is_blank and not self._should_delete_form(form)
        ]


KeyResultFormSet = forms.formset_factory(
    KeyResultForm,
    formset=BaseKeyResultFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
)


def objective_values(objective: Objective) -> dict[str, str]:
    """An objective's fields as the conflict table shows them."""
    return _objective_values(
        objective,
        [
            KeyResultInput(
                metric=key_result.metric,
                unit=key_result.unit,
                baseline=key_result.baseline,
                target=key_result.target,
                current=key_result.current,
            )
            for key_result in objective.key_results.all()
        ],
    )


def _objective_values(
    source: Objective | ObjectiveData, key_results: list[KeyResultInput]
) -> dict[str, str]:
    values = {name: _show(getattr(source, name)) for name in ObjectiveForm.Meta.fields}
    values["key_results"] = (
        "; ".join(
            f"{row.metric}: {_show(row.baseline)} → {_show(row.target)}"
            f"{' ' + row.unit if row.unit else ''} (now {_number(row.current)})"
            for row in key_results
        )
        or NOTHING
    )
    return values


class ObjectiveEditor:
    """The objective form and its key results, for a new objective or an existing one."""

    def __init__(self, data: QueryDict | None, *, objective: Objective | None = None):
        self.objective = objective
        self._bind(data)

    def _bind(self, data: QueryDict | None) -> None:
        objective = self.objective
        initial: dict = {}
        key_results: list[dict] = []
        if objective is not None:
            initial = {
                **forms.model_to_dict(objective, fields=ObjectiveForm.Meta.fields),
                "version": objective.version,
                "loaded": _fingerprints(objective_values(objective)),
            }
            key_results = [
                {
                    "key_result_id": key_result.pk,
                    "metric": key_result.metric,
                    "unit": key_result.unit,
                    "baseline": key_result.baseline,
                    "target": key_result.target,
                    "current": key_result.current,
                }
                for key_result in objective.key_results.all()
            ]
        self.form = ObjectiveForm(data, initial=initial, objective=objective)
        self.key_results = KeyResultFormSet(data, initial=key_results, prefix="key_results")

    def is_valid(self) -> bool:
        form_valid = self.form.is_valid()
        return self.key_results.is_valid() and form_valid

    @property
    def version(self) -> int:
        return self.form.cleaned_data.get("version") or 0

    @property
    def form_token(self) -> uuid.UUID | None:
        return self.form.cleaned_data.get("form_token")

    def data(self) -> ObjectiveData:
        cleaned = self.form.cleaned_data
        return ObjectiveData(
            title=cleaned["title"],
            description=cleaned["description"],
            period=cleaned["period"],
            owner=cleaned["owner"],
            parent=cleaned["parent"],
            key_results=self.key_results.rows(),
        )

    def add_error(self, error: EditingError) -> None:
        """Show a service's refusal on the field it names."""
        if error.field == "key_results":
            self.key_results.non_form_errors().append(error.message)
        else:
            field = error.field if error.field in self.form.fields else None
            self.form.add_error(field, error.message)

    def merged_with(self, current: Objective) -> ObjectiveData | None:
        """The user's changes on top of `current`, when they merge with what changed since."""
        mine = self.data()
        changed = _changed_by_you_only(
            objective_values(current),
            _objective_values(mine, mine.key_results),
            self.form.cleaned_data.get("loaded", ""),
        )
        if changed is None:
            return None
        theirs = ObjectiveData(
            title=current.title,
            description=current.description,
            period=current.period,
            owner=current.owner,
            parent=current.parent,
            key_results=[
                KeyResultInput(
                    metric=key_result.metric,
                    unit=key_result.unit,
                    baseline=key_result.baseline,
                    target=key_result.target,
                    current=key_result.current,
                    key_result_id=key_result.pk,
                )
                for key_result in current.key_results.all()
            ],
        )
        return replace(theirs, **{name: getattr(mine, name) for name in changed})

    def conflict_with(self, current: Objective) -> list[ConflictRow]:
        """The fields the other person changed; the form is rebound to the user's input on
        top of the current version, so a deliberate second save overwrites theirs."""
        data = self.data()
        theirs = objective_values(current)
        labels = {name: str(field.label) for name, field in self.form.fields.items()}
        rows = _conflict_rows(
            theirs,
            _objective_values(data, data.key_results),
            self.form.cleaned_data.get("loaded", ""),
            {**labels, "key_results": "Key results"},
        )
        self._bind(_advanced(self.form.data, current.version, theirs))
        self.is_valid()
        return rows


# Milestones, risks and dependencies on the initiative pages.


class MilestoneForm(once.OnceForm):
    title = forms.CharField(label="Milestone", max_length=limit(Milestone, "title"))
    due = forms.DateField(label="Due", widget=_date_input())


class RiskForm(once.OnceForm):
    description = forms.CharField(label="Risk", max_length=limit(Risk, "description"))
    severity = forms.ChoiceField(choices=Risk.Severity.choices, initial=Risk.Severity.MEDIUM)
    mitigation = forms.CharField(
        max_length=limit(Risk, "mitigation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MilestoneDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class LongSelect(forms.Select):
    """A select of thousands of options (every open initiative of a large portfolio), written
    in one pass: Django renders each option through a template, ten times slower."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(key), mark_safe(" selected") if str(key) == chosen else "", label)  # noqa: S308 - a constant
                for key, label in self.choices
            ),
        )
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class DependencyForm(once.OnceForm):
    depends_on = forms.ModelChoiceField(
        label="Depends on",
        queryset=Initiative.objects.none(),
        empty_label="Choose an initiative",
        widget=LongSelect,
    )

    def __init__(self, *args, candidates: models.QuerySet[Initiative], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].queryset = candidates
