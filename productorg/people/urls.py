from __future__ import annotations

from django.urls import path

from productorg.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.people_list, name="person-list"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("people/<int:person_id>/readiness/", views.readiness, name="readiness"),
    path(
        "people/<int:person_id>/readiness/promotion-case.md",
        views.promotion_case,
        name="promotion-case",
    ),
    path("org-chart/", views.org_chart, name="org-chart"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:team_id>/", views.team_detail, name="team-detail"),
    path("framework/", views.framework, name="framework"),
    path("framework/export.yaml", views.framework_export, name="framework-export"),
    path("framework/import/", views.framework_import, name="framework-import"),
    path("framework/import/apply/", views.framework_import_apply, name="framework-import-apply"),
    # Career framework routes (framework area).
    path("my-growth/", views.my_growth, name="my-growth"),
    path("people/<int:person_id>/growth/", views.growth, name="growth"),
    path(
        "people/<int:person_id>/assessments/new/",
        views.assessment_start,
        name="assessment-start",
    ),
    path("assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path(
        "people/<int:person_id>/growth-plans/new/",
        views.growth_plan_create,
        name="growth-plan-create",
    ),
    path("growth-plans/<int:plan_id>/", views.growth_plan, name="growth-plan"),
    path("growth-plans/<int:plan_id>/goals/", views.growth_goal_add, name="growth-goal-add"),
    path("growth-goals/<int:goal_id>/status/", views.growth_goal_status, name="growth-goal-status"),
    path("growth-goals/<int:goal_id>/delete/", views.growth_goal_delete, name="growth-goal-delete"),
    path("growth-goals/<int:goal_id>/actions/", views.growth_action_add, name="growth-action-add"),
    path("growth-goals/<int:goal_id>/agenda/", views.growth_goal_agenda, name="growth-goal-agenda"),
    path(
        "growth-actions/<int:action_id>/done/",
        views.growth_action_done,
        name="growth-action-done",
    ),
    path("feedback/", views.feedback, name="feedback"),
    # Growth routes: my growth, assessments, growth plans, feedback, readiness (growth area).
    path("one-on-ones/", views.one_on_one_list, name="one-on-ones"),
    path("one-on-ones/start/", views.one_on_one_start, name="one-on-one-start"),
    path("one-on-ones/<int:one_on_one_id>/", views.one_on_one_detail, name="one-on-one-detail"),
    path(
        "one-on-ones/<int:one_on_one_id>/cadence/",
        views.one_on_one_cadence,
        name="one-on-one-cadence",
    ),
    path(
        "one-on-ones/<int:one_on_one_id>/meetings/new/",
        views.meeting_schedule,
        name="meeting-schedule",
    ),
    path("one-on-ones/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("one-on-ones/meetings/<int:meeting_id>/held/", views.meeting_held, name="meeting-held"),
    path(
        "one-on-ones/meetings/<int:meeting_id>/agenda/",
        views.agenda_item_add,
        name="agenda-item-add",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/discussed/",
        views.agenda_item_discussed,
        name="agenda-item-discussed",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/shared-notes/",
        views.shared_note_add,
        name="shared-note-add",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/shared-notes/<int:shared_note_id>/",
        views.shared_note_edit,
        name="shared-note-edit",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/private-note/",
        views.private_note_save,
        name="private-note-save",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/action-items/",
        views.action_item_add,
        name="action-item-add",
    ),
    path(
        "one-on-ones/meetings/<int:meeting_id>/action-items/<int:action_item_id>/done/",
        views.action_item_done,
        name="action-item-done",
    ),
    # 1:1 routes (one-on-ones area).
]
