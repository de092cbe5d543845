import pytest

from callboard.boxoffice import selectors, services


@pytest.fixture(autouse=True)
def _fresh_house_cache():
    """Each test builds its own houses (and SQLite may reuse ids): forget cached geometry."""
    services.house_cache_clear()
    selectors.house_document_forget()
    yield
    services.house_cache_clear()
    selectors.house_document_forget()
