"""The home page: each role's panels and shortcuts."""

from __future__ import annotations

import pytest

from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_home_shows_role_panels(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Coming performances" in response.content


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.BOX_OFFICE, "comps to confirm", "Plan and publish rehearsals"),
        (Role.PRESS, "Audience answers to moderate", "Box office"),
        (Role.PHYSIOTHERAPIST, "Injuries and return-to-dance plans", "Casting boards"),
        (Role.BALLET_MASTER, "Plan and publish rehearsals", "Injuries and return-to-dance"),
        (Role.ARTISTIC_DIRECTOR, "Commissions board", "comps to confirm"),
    ],
)
def test_each_role_home_page_leads_to_its_own_work(client_as, role, expected, absent):
    content = client_as(role).get("/").content.decode()
    shortcuts = content[content.index('id="shortcuts"') :]
    shortcuts = shortcuts[: shortcuts.index("</section>")]
    assert expected in shortcuts
    assert absent not in shortcuts


def test_a_dancer_home_page_leads_to_their_calls_and_workload(client_as):
    from callboard.season.tests.factories import DancerFactory, PersonFactory

    client = client_as(Role.DANCER)
    DancerFactory(person=PersonFactory(user=client.user))
    content = client.get("/").content.decode()
    assert "My calls" in content
    assert "My workload and exertion" in content
