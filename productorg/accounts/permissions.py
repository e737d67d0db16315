"""Who may see what: the one place the rules of DESIGN.md's role table are decided.

Selectors and views ask these functions; templates only show what a selector returned.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from productorg.accounts.models import User
    from productorg.people.models import Feedback, Person
    from productorg.strategy.models import Initiative


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    PRODUCT_MANAGER = "product_manager"
    STAKEHOLDER = "stakeholder"

    @property
    def label(self) -> str:
        return self.replace("_", " ").capitalize()


# Per-request memo on the user object: the rules are asked many times while one page renders.
_PERSON_CACHE = "_productorg_person"
_VISIBLE_CACHE = "_productorg_visible_person_ids"


def person_of(user: User) -> Person | None:
    """The Person behind a login, if any."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, _PERSON_CACHE):
        from productorg.people.models import Person

        person = Person.objects.select_related("level").filter(user=user).first()
        setattr(user, _PERSON_CACHE, person)
    return getattr(user, _PERSON_CACHE)


def _is_admin(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == user.Kind.ADMIN)


def role_of(user: User) -> Role | None:
    """The user's role; a member is a leader exactly when someone reports to them."""
    if not user.is_authenticated:
        return None
    if _is_admin(user):
        return Role.ADMIN
    if user.kind == user.Kind.STAKEHOLDER:
        return Role.STAKEHOLDER
    person = person_of(user)
    if person is not None and len(visible_person_ids(user)) > 1:
        return Role.LEADER
    return Role.PRODUCT_MANAGER


def subtree_ids(root_id: int, lines: dict[int, int | None]) -> set[int]:
    """A person and everyone below them in the reporting tree."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for person_id, manager_id in lines.items():
        children[manager_id].append(person_id)
    seen = {root_id}
    stack = [root_id]
    while stack:
        for child in children[stack.pop()]:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def visible_person_ids(user: User) -> set[int]:
    """The people whose person page (people data) the user may read.

    A member sees themselves and everyone below them; admins see everyone as meta only
    (later features show them no content); stakeholders see nobody.
    """
    if not user.is_authenticated:
        return set()
    if not hasattr(user, _VISIBLE_CACHE):
        from productorg.people.models import Person, reporting_lines

        if _is_admin(user):
            ids = set(Person.objects.values_list("id", flat=True))
        elif user.kind == user.Kind.STAKEHOLDER:
            ids = set()
        else:
            person = person_of(user)
            ids = set() if person is None else subtree_ids(person.pk, reporting_lines())
        setattr(user, _VISIBLE_CACHE, ids)
    return getattr(user, _VISIBLE_CACHE)


def can_see_portfolio(user: User) -> bool:
    """Teams, initiatives and objectives: every signed-in role."""
    return role_of(user) is not None


def can_see_directory(user: User) -> bool:
    """The org chart (names, levels, reporting lines): the product org and its admins."""
    return role_of(user) in {Role.ADMIN, Role.LEADER, Role.PRODUCT_MANAGER}


def can_view_person(user: User, person: Person) -> bool:
    return person.pk in visible_person_ids(user)


# People data proper (assessments, growth plans, feedback, 1:1s). Admins see it only as meta.


def growth_readable_person_ids(user: User) -> set[int]:
    """Whose assessments and growth plans the user may read: themselves and everyone below.

    Managers above the direct manager read only; admins and stakeholders read none.
    """
    if _is_admin(user) or person_of(user) is None:
        return set()
    return visible_person_ids(user)


def can_read_growth(user: User, person: Person) -> bool:
    return person.pk in growth_readable_person_ids(user)


def can_write_growth(user: User, person: Person) -> bool:
    """The person (self-assessment, own growth plan) and their direct manager may write."""
    me = person_of(user)
    if me is None or _is_admin(user):
        return False
    return person.pk == me.pk or person.manager_id == me.pk


def can_manage(user: User, person: Person) -> bool:
    """Only the direct manager assesses a person as their manager."""
    me = person_of(user)
    return me is not None and person.manager_id == me.pk and not _is_admin(user)


def can_read_one_on_one_content(user: User, manager_id: int, report_id: int) -> bool:
    """1:1 content is for its two participants only: not higher managers, not admins."""
    me = person_of(user)
    return me is not None and me.pk in {manager_id, report_id}


def can_read_one_on_one_meta(user: User, manager_id: int, report_id: int) -> bool:
    """That a 1:1 happened, when and how often: participants, managers above, admins."""
    if _is_admin(user):
        return True
    ids = visible_person_ids(user)
    return manager_id in ids or report_id in ids


def can_read_feedback(user: User, feedback: Feedback) -> bool:
    """The giver; the recipient and their managers above, or the direct manager alone."""
    me = person_of(user)
    if me is None or _is_admin(user):
        return False
    if me.pk == feedback.giver_id:
        return True
    if feedback.visibility == feedback.Visibility.MANAGERS_ONLY:
        return feedback.recipient.manager_id == me.pk
    return feedback.recipient_id in visible_person_ids(user)


def can_change_strategy(user: User) -> bool:
    """Leaders write the vision, objectives and key results; everyone else reads them."""
    return role_of(user) == Role.LEADER


def can_change_initiative(user: User, initiative: Initiative) -> bool:
    """Leaders change any initiative; a PM their team's and the ones they own."""
    role = role_of(user)
    if role == Role.LEADER:
        return True
    if role != Role.PRODUCT_MANAGER:
        return False
    me = person_of(user)
    if me is None:
        return False
    return initiative.owner_id == me.pk or (
        initiative.team is not None and initiative.team.product_manager_id == me.pk
    )


def can_create_initiative(user: User) -> bool:
    """Leaders start initiatives for any team; a PM for a team whose PM they are."""
    from productorg.people.models import Team

    role = role_of(user)
    if role == Role.LEADER:
        return True
    me = person_of(user)
    return (
        role == Role.PRODUCT_MANAGER
        and me is not None
        and Team.objects.filter(product_manager=me).exists()
    )


def can_plan(user: User) -> bool:
    """Leaders make scenarios, run the planner and apply plans; nobody else sees planning."""
    return role_of(user) == Role.LEADER


def can_read_function(user: User) -> bool:
    """The PM function's charter, vision, processes and roadmap: the product org's members.

    Admins run users and the framework and stakeholders are the function's customers; neither
    reads its internal documents."""
    return role_of(user) in {Role.LEADER, Role.PRODUCT_MANAGER}


def can_change_function(user: User) -> bool:
    """Leaders keep the function's charter, vision, process catalog and improvement roadmap."""
    return role_of(user) == Role.LEADER


def can_run_surveys(user: User) -> bool:
    """Leaders run stakeholder surveys of the PM function: rounds, questions and links."""
    return role_of(user) == Role.LEADER


def can_read_survey_results(user: User) -> bool:
    """Leaders and product managers read survey results, which are aggregates only."""
    return role_of(user) in {Role.LEADER, Role.PRODUCT_MANAGER}


def can_see_reports(user: User) -> bool:
    """Leadership reports hold portfolio data only (no people data): every signed-in role,
    stakeholders included, reads them."""
    return role_of(user) is not None


def can_write_reports(user: User) -> bool:
    """Leaders make leadership reports."""
    return role_of(user) == Role.LEADER


def can_import_initiatives(user: User) -> bool:
    """Leaders import initiatives from Jira, Linear and other tools' exports."""
    return role_of(user) == Role.LEADER


def can_change_org(user: User) -> bool:
    """Admins keep the org's records: people, their managers, and teams."""
    return role_of(user) == Role.ADMIN


def can_import_people(user: User) -> bool:
    """Admins import people and teams, as they change them one by one."""
    return can_change_org(user)
