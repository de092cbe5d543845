"""Every page of the authorization matrix, read in Russian: no English from the catalogue left.

A browser that asks for Russian (``Accept-Language: ru``) gets ``<html lang="ru">`` and no
string of the catalogue in English. Each page is read by the first role the matrix lets in,
on the same demo world as the authorization matrix (built once per module).
"""

from __future__ import annotations

from typing import Any

import pytest

from callboard.core.roles import Role
from callboard.core.testing.language import catalogue_leftovers, data_words, latin_words
from callboard.site.tests.authz_matrix import ANONYMOUS, GET, PAGES, POST, Page
from callboard.site.tests.test_authz_matrix import (  # noqa: F401 (fixtures)
    _jobs_inline,
    client_for,
    page_url,
    undone,
    world,
)

# Who reads each page: the first of these the matrix lets in.
READERS = (
    Role.BALLET_MASTER.value,
    Role.ARTISTIC_DIRECTOR.value,
    Role.COMPANY_MANAGER.value,
    Role.BOX_OFFICE.value,
    Role.PRESS.value,
    Role.PHYSIOTHERAPIST.value,
    Role.DANCER.value,
    ANONYMOUS,
)
READ = sorted(name for name, entry in PAGES.items() if entry.mode != POST)


def reader(entry: Page) -> str:
    return next(subject for subject in READERS if subject in entry.allow)


def test_every_page_that_shows_something_is_read_here() -> None:
    assert len(READ) > 100
    assert all(PAGES[name].mode in (GET, "form") for name in READ)


_DATA: dict[str, set[str]] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("name", READ)
def test_page_in_russian(name: str, world: Any) -> None:  # noqa: F811 (the fixture)
    entry = PAGES[name]
    url = page_url(name, entry, world)
    query = {param: world.value(value) for param, value in entry.query.items()}
    subject = reader(entry)
    response = undone(client_for(world, subject).get, url, query, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code in (200, 302), f"{url} as {subject}: {response.status_code}"
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    assert response["Content-Language"] == "ru"
    if "<html" in html:
        assert '<html lang="ru">' in html, f"{url}: the page does not say it is in Russian"
    if "data" not in _DATA:
        _DATA["data"] = data_words()
    # A word of the company's own records ("press" as a critic's role) is data, not a leftover.
    leftovers = [t for t in catalogue_leftovers(html) if t.lower() not in _DATA["data"]]
    assert not leftovers, f"{url} as {subject} shows English from the catalogue: {leftovers}"
    stray = latin_words(html, _DATA["data"])
    assert not stray, f"{url} as {subject} shows English that is not a name: {stray}"
