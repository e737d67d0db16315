from __future__ import annotations

from django.urls import path

from productorg.people import views

app_name = "people"
urlpatterns = [
    path("people/", views.people_list, name="person-list"),
    path("people/<int:person_id>/", views.person_detail, name="person-detail"),
    path("org-chart/", views.org_chart, name="org-chart"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<int:team_id>/", views.team_detail, name="team-detail"),
    # Career framework routes (framework area).
    # Growth routes: my growth, assessments, growth plans, feedback, readiness (growth area).
    # 1:1 routes (one-on-ones area).
]
