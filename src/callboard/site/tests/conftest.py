"""Fixtures of the apps' own tests that the whole-product tests reuse."""

from callboard.scheduling.tests.history import plan  # noqa: F401
from callboard.wellbeing.tests.conftest import physio  # noqa: F401
