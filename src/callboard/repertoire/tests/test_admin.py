"""The admin opens every repertoire model, with sections and roles inline on the work."""

import pytest
from django.urls import reverse

from callboard.repertoire.tests.factories import (
    CommissionFactory,
    DancerRoleFactory,
    MilestoneFactory,
    RoleFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_every_repertoire_model_opens_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    section = SectionFactory()
    role = RoleFactory(work=section.work)
    records = {
        "work": section.work,
        "section": section,
        "role": role,
        "dancerrole": DancerRoleFactory(role=role),
        "commission": CommissionFactory(),
        "milestone": MilestoneFactory(),
    }
    for model, record in records.items():
        assert client.get(reverse(f"admin:repertoire_{model}_changelist")).status_code == 200
        change = client.get(reverse(f"admin:repertoire_{model}_change", args=[record.pk]))
        assert change.status_code == 200, model
    work_page = client.get(reverse("admin:repertoire_work_change", args=[section.work.pk]))
    assert b"sections-TOTAL_FORMS" in work_page.content
    assert b"roles-TOTAL_FORMS" in work_page.content
