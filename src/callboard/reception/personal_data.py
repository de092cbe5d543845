"""The reviews a critic wrote (public writing, kept as it is on erasure). See
core/personal_data.py."""

from __future__ import annotations

from typing import Any

from callboard.core.personal_data import Part, when
from callboard.reception.models import Review


def export(person: Any, viewer: Any) -> list[dict[str, Any]] | None:
    reviews = Review.objects.filter(critic=person).select_related("performance")
    return [
        {
            "performance": str(r.performance),
            "outlet": r.outlet,
            "published_on": when(r.published_on),
            "headline": r.headline,
            "link": r.url,
            "stars": r.rating,
            "quote": r.quote,
        }
        for r in reviews
    ] or None


PART = Part("reviews_written", export)
