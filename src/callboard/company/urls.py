from django.urls import path

from callboard.company import views

app_name = "company"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("new/", views.dancer_new, name="dancer_new"),
    path("<int:pk>/", views.dancer, name="dancer"),
    path("<int:pk>/edit/", views.dancer_edit, name="dancer_edit"),
    path("<int:pk>/training/", views.training_add, name="training_add"),
    path(
        "<int:pk>/training/<int:entry_id>/remove/",
        views.training_remove,
        name="training_remove",
    ),
    path("staff/", views.staff, name="staff"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("studios/", views.studios, name="studios"),
    path("studios/new/", views.studio_new, name="studio_new"),
    path("studios/<int:pk>/edit/", views.studio_edit, name="studio_edit"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/travel/", views.site_travel, name="site_travel"),
    path("labour/", views.labour, name="labour"),
    path("labour/new/", views.labour_new, name="labour_new"),
    path("labour/preset/", views.labour_from_preset, name="labour_from_preset"),
    path("labour/<int:pk>/edit/", views.labour_edit, name="labour_edit"),
    path("labour/<int:pk>/activate/", views.labour_activate, name="labour_activate"),
    path("import/", views.roster_import, name="import"),
    path("language/", views.language, name="language"),
    path("persons/<int:pk>/data/", views.person_data, name="person_data"),
    path("persons/<int:pk>/data/export/", views.person_export, name="person_export"),
    path("persons/<int:pk>/data/erase/", views.person_erase, name="person_erase"),
]
