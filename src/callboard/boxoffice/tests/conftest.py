import pytest

from callboard.boxoffice import services


@pytest.fixture(autouse=True)
def _fresh_house_cache():
    """Each test builds its own houses (and SQLite may reuse ids): forget cached geometry."""
    services.house_cache_clear()
    yield
    services.house_cache_clear()
