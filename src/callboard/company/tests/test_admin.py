"""The admin lists and searches every company model."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from callboard.company import models as cm
from callboard.company.tests.factories import (
    DancerFactory,
    LabourProfileFactory,
    StaffFactory,
    StudioFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    cm.Company,
    cm.LabourProfile,
    cm.Person,
    cm.Dancer,
    cm.TrainingEntry,
    cm.Staff,
    cm.Site,
    cm.SiteTravel,
    cm.Studio,
]


def test_every_company_model_is_registered():
    assert [m for m in MODELS if not admin.site.is_registered(m)] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_search_and_add_pages_load(client, model):
    DancerFactory()
    StaffFactory()
    StudioFactory()
    LabourProfileFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    info = (model._meta.app_label, model._meta.model_name)
    changelist = reverse("admin:{}_{}_changelist".format(*info))
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
