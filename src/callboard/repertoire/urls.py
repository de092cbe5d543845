from django.urls import path

from callboard.repertoire import views

app_name = "repertoire"
urlpatterns = [
    path("", views.works, name="works"),
    path("new/", views.work_create, name="work_create"),
    path("<int:pk>/", views.work, name="work"),
    path("<int:pk>/edit/", views.work_edit, name="work_edit"),
    path("<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("<int:pk>/roles/new/", views.role_create, name="role_create"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("roles/<int:pk>/dancers/", views.dancer_role_set, name="dancer_role_set"),
    path(
        "roles/<int:pk>/dancers/<int:dancer_pk>/remove/",
        views.dancer_role_remove,
        name="dancer_role_remove",
    ),
    path("commissions/", views.commissions, name="commissions"),
    path("commissions/new/", views.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views.commission, name="commission"),
    path("commissions/<int:pk>/edit/", views.commission_edit, name="commission_edit"),
    path("commissions/<int:pk>/advance/", views.commission_advance, name="commission_advance"),
    path("commissions/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/done/", views.milestone_complete, name="milestone_complete"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
]
