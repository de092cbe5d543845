"""Seat maps: generate rows of seats from a few parameters, edit them, import and export JSON.

The JSON format is documented in ``docs/seatmap-format.md``. A map whose seats are on sale for a
performance cannot be replaced or lose seats (its seats are sold); zones and flags may still be
edited.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from callboard.boxoffice.models import PerformanceSeat, PriceZone, Seat, SeatMap, SeatSection
from callboard.core.errors import Conflict, NotFound, ValidationFailed
from callboard.season.models import Venue

FORMAT_NAME = "callboard.seatmap"
FORMAT_VERSION = 1
NUMBERING = ("ltr", "rtl", "odd_even")
MAX_SEATS_PER_ROW = 200
MAX_ROWS = 100


@dataclass(frozen=True)
class RowsSpec:
    """What the generator needs to lay out rows of seats in one section."""

    section: str
    rows: int
    seats_per_row: int
    zone: str
    kind: str = SeatSection.Kind.STALLS
    numbering: str = "ltr"
    first_row: int | None = None  # the next free row number when None
    row_labels: str = "numbers"  # or "letters"
    origin_x: float = 100.0
    origin_y: float = 100.0
    seat_spacing: float = 22.0
    row_spacing: float = 26.0
    curve: float = 0.0  # how far the row's ends come forward, in drawing units
    aisle_every: int = 0  # an aisle after every N seats (0: none)


def row_label(index: int, style: str) -> str:
    if style != "letters":
        return str(index)
    letters = string.ascii_uppercase
    label = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        label = letters[rest] + label
    return label


def seat_numbers(count: int, numbering: str) -> list[str]:
    """Labels of the seats of a row, listed left to right as the audience faces the stage."""
    if numbering == "rtl":
        return [str(count - i) for i in range(count)]
    if numbering == "odd_even":
        half = count // 2
        labels = []
        for i in range(count):
            if i >= half:  # right of the centre aisle line: 1, 3, 5 … outwards
                labels.append(str(2 * (i - half) + 1))
            else:  # left: 2, 4, 6 … outwards
                labels.append(str(2 * (half - 1 - i) + 2))
        return labels
    return [str(i + 1) for i in range(count)]


def _validate_spec(spec: RowsSpec) -> None:
    if not spec.section.strip():
        raise ValidationFailed(_("Name the section, for example Stalls."), field="section")
    if not 1 <= spec.rows <= MAX_ROWS:
        raise ValidationFailed(
            _("Rows must be between 1 and %(n)s.") % {"n": MAX_ROWS}, field="rows"
        )
    if not 1 <= spec.seats_per_row <= MAX_SEATS_PER_ROW:
        raise ValidationFailed(
            _("Seats per row must be between 1 and %(n)s.") % {"n": MAX_SEATS_PER_ROW},
            field="seats_per_row",
        )
    if spec.numbering not in NUMBERING:
        raise ValidationFailed(_("Numbering is ltr, rtl or odd_even."), field="numbering")
    if spec.kind not in SeatSection.Kind.values:
        raise ValidationFailed(_("Unknown section kind."), field="kind")
    if spec.first_row is not None and spec.first_row < 1:
        raise ValidationFailed(_("The first row is 1 or more."), field="first_row")


@transaction.atomic
def seatmap_get_or_create(*, venue: Venue, now: datetime) -> SeatMap:
    seat_map, _created = SeatMap.objects.get_or_create(
        venue=venue, defaults={"name": venue.name, "updated_at": now}
    )
    return seat_map


@transaction.atomic
def zone_save(
    *,
    seat_map: SeatMap,
    code: str,
    name: str,
    price: Decimal,
    colour: str = "#6b2145",
    rank: int = 1,
) -> PriceZone:
    code = (code or "").strip()
    if not code or len(code) > 10:
        raise ValidationFailed(_("Give the zone a short code, for example A."), field="code")
    if price < 0:
        raise ValidationFailed(_("A price cannot be negative."), field="price")
    zone, _created = PriceZone.objects.update_or_create(
        seat_map=seat_map,
        code=code,
        defaults={
            "name": name.strip() or code,
            "price": price,
            "colour": colour or "#6b2145",
            "rank": rank,
        },
    )
    return zone


def _in_use(seat_map: SeatMap) -> bool:
    return PerformanceSeat.objects.filter(seat__seat_map=seat_map).exists()


@transaction.atomic
def seatmap_generate_rows(*, seat_map: SeatMap, spec: RowsSpec, now: datetime) -> list[Seat]:
    """Add ``spec.rows`` rows of seats to a section (created if new), numbered as asked."""
    _validate_spec(spec)
    zone = PriceZone.objects.filter(seat_map=seat_map, code=spec.zone).first()
    if zone is None:
        raise ValidationFailed(
            _("There is no price zone %(code)s on this map: add it first.") % {"code": spec.zone},
            field="zone",
        )
    next_order = (seat_map.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section, _created = SeatSection.objects.get_or_create(
        seat_map=seat_map,
        name=spec.section.strip(),
        defaults={"kind": spec.kind, "order": next_order},
    )
    first_row = spec.first_row
    if first_row is None:
        first_row = (section.seats.aggregate(m=Max("row_index"))["m"] or 0) + 1
    if section.seats.filter(row_index__gte=first_row, row_index__lt=first_row + spec.rows).exists():
        raise Conflict(
            _(
                "Rows %(a)s to %(b)s of %(s)s already have seats; "
                "start after them or delete them first."
            )
            % {"a": first_row, "b": first_row + spec.rows - 1, "s": section.name}
        )
    labels = seat_numbers(spec.seats_per_row, spec.numbering)
    half_width = (spec.seats_per_row - 1) * spec.seat_spacing / 2 or 1.0
    seats = []
    for r in range(spec.rows):
        row_index = first_row + r
        gaps = 0
        for i in range(spec.seats_per_row):
            if spec.aisle_every and i and i % spec.aisle_every == 0:
                gaps += 1
            dx = i * spec.seat_spacing - half_width
            bend = spec.curve * (dx / half_width) ** 2
            seats.append(
                Seat(
                    seat_map=seat_map,
                    section=section,
                    zone=zone,
                    row=row_label(row_index, spec.row_labels),
                    number=labels[i],
                    row_index=row_index,
                    position=i + 1 + gaps,
                    x=round(spec.origin_x + (i + gaps) * spec.seat_spacing, 1),
                    y=round(spec.origin_y + r * spec.row_spacing - bend, 1),
                )
            )
    created = Seat.objects.bulk_create(seats)
    _grow_drawing(seat_map, now)
    return created


def _grow_drawing(seat_map: SeatMap, now: datetime) -> None:
    """Make the drawing large enough for every seat, with a margin."""
    xs = list(Seat.objects.filter(seat_map=seat_map).values_list("x", "y"))
    if xs:
        seat_map.width = max(seat_map.width, int(max(x for x, _ in xs) + 40))
        seat_map.height = max(seat_map.height, int(max(y for _, y in xs) + 40))
    seat_map.updated_at = now
    seat_map.save(update_fields=["width", "height", "updated_at"])


@transaction.atomic
def seats_update(
    *,
    seat_map: SeatMap,
    seat_ids: list[int],
    now: datetime,
    zone: str | None = None,
    accessible: bool | None = None,
    companion: bool | None = None,
    restricted_view: bool | None = None,
    note: str | None = None,
) -> int:
    """Edit the chosen seats: price zone and flags. Returns how many seats changed."""
    if not seat_ids:
        raise ValidationFailed(_("Choose one or more seats on the map first."), field="seats")
    seats = Seat.objects.filter(seat_map=seat_map, pk__in=seat_ids)
    if seats.count() != len(set(seat_ids)):
        raise ValidationFailed(_("Some chosen seats are not on this map; reload the page."))
    changes: dict[str, Any] = {}
    if zone:
        found = PriceZone.objects.filter(seat_map=seat_map, code=zone).first()
        if found is None:
            raise ValidationFailed(
                _("There is no price zone %(code)s on this map.") % {"code": zone}
            )
        changes["zone"] = found
    for name, value in (
        ("accessible", accessible),
        ("companion", companion),
        ("restricted_view", restricted_view),
        ("note", note),
    ):
        if value is not None:
            changes[name] = value
    if not changes:
        raise ValidationFailed(_("Say what to change on the chosen seats."))
    n = seats.update(**changes)
    SeatMap.objects.filter(pk=seat_map.pk).update(updated_at=now)
    return n


@transaction.atomic
def seats_delete(*, seat_map: SeatMap, seat_ids: list[int], now: datetime) -> int:
    if _in_use(seat_map):
        raise Conflict(
            _(
                "Seats of this map are on sale for a performance; they cannot be deleted. "
                "Use a kill hold instead."
            )
        )
    n, _detail = Seat.objects.filter(seat_map=seat_map, pk__in=seat_ids).delete()
    SeatSection.objects.filter(seat_map=seat_map, seats__isnull=True).delete()
    return n


# --- JSON format -------------------------------------------------------------------------


def seatmap_export(*, seat_map: SeatMap) -> dict[str, Any]:
    """The map as the documented JSON document (docs/seatmap-format.md)."""
    zones = list(seat_map.zones.all())
    zone_codes = {z.pk: z.code for z in zones}
    seats_by_section: dict[int, list[dict[str, Any]]] = {}
    for seat in Seat.objects.filter(seat_map=seat_map).order_by(
        "section_id", "row_index", "position"
    ):
        item: dict[str, Any] = {
            "row": seat.row,
            "number": seat.number,
            "row_index": seat.row_index,
            "position": seat.position,
            "x": seat.x,
            "y": seat.y,
            "zone": zone_codes[seat.zone_id],
        }
        for flag in ("accessible", "companion", "restricted_view"):
            if getattr(seat, flag):
                item[flag] = True
        if seat.note:
            item["note"] = seat.note
        seats_by_section.setdefault(seat.section_id, []).append(item)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "venue": seat_map.venue.name,
        "name": seat_map.name,
        "width": seat_map.width,
        "height": seat_map.height,
        "stage": {"label": seat_map.stage_label},
        "zones": [
            {
                "code": z.code,
                "name": z.name,
                "price": str(z.price),
                "colour": z.colour,
                "rank": z.rank,
            }
            for z in zones
        ],
        "sections": [
            {
                "name": s.name,
                "kind": s.kind,
                "order": s.order,
                "seats": seats_by_section.get(s.pk, []),
            }
            for s in seat_map.sections.all()
        ],
    }


def _need(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise ValidationFailed(_("%(where)s: “%(key)s” is missing.") % {"where": where, "key": key})
    value = obj[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise ValidationFailed(
            _("%(where)s: “%(key)s” has the wrong type.") % {"where": where, "key": key}
        )
    return value


@transaction.atomic
def seatmap_import(*, venue: Venue, document: Any, now: datetime) -> SeatMap:
    """Replace the venue's seat map with ``document``; nothing changes if any part is wrong."""
    if not isinstance(document, dict):
        raise ValidationFailed(_("The file is not a seat map: expected a JSON object."))
    if document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
        raise ValidationFailed(
            _("Expected format “%(f)s” version %(v)s; see docs/seatmap-format.md.")
            % {"f": FORMAT_NAME, "v": FORMAT_VERSION}
        )
    seat_map = SeatMap.objects.select_for_update().filter(venue=venue).first()
    if seat_map is not None and _in_use(seat_map):
        raise Conflict(_("This venue's seats are on sale; its map cannot be replaced now."))
    zones_doc = _need(document, "zones", list, _("map"))
    sections_doc = _need(document, "sections", list, _("map"))
    if not zones_doc:
        raise ValidationFailed(_("A seat map needs at least one price zone."))
    if seat_map is None:
        seat_map = SeatMap(venue=venue)
    seat_map.name = str(document.get("name") or venue.name)[:200]
    seat_map.width = int(document.get("width") or 1000)
    seat_map.height = int(document.get("height") or 800)
    stage = document.get("stage") or {}
    seat_map.stage_label = (
        str(stage.get("label") or "Stage")[:60] if isinstance(stage, dict) else "Stage"
    )
    seat_map.updated_at = now
    if seat_map.width <= 0 or seat_map.height <= 0:
        raise ValidationFailed(_("Width and height must be positive."))
    seat_map.save()
    seat_map.seats.all().delete()
    seat_map.sections.all().delete()
    seat_map.zones.all().delete()

    zones: dict[str, PriceZone] = {}
    for i, z in enumerate(zones_doc, start=1):
        where = _("zone %(n)s") % {"n": i}
        if not isinstance(z, dict):
            raise ValidationFailed(_("%(where)s is not an object.") % {"where": where})
        code = str(_need(z, "code", str, where)).strip()
        if code in zones:
            raise ValidationFailed(_("Zone code %(c)s appears twice.") % {"c": code})
        try:
            price = Decimal(str(_need(z, "price", (str, int, float), where)))
        except InvalidOperation as exc:
            raise ValidationFailed(
                _("%(where)s: the price is not a number.") % {"where": where}
            ) from exc
        zones[code] = zone_save(
            seat_map=seat_map,
            code=code,
            name=str(z.get("name") or code),
            price=price,
            colour=str(z.get("colour") or "#6b2145")[:7],
            rank=int(z.get("rank") or i),
        )

    seats: list[Seat] = []
    labels: set[tuple[str, str, str]] = set()
    places: set[tuple[str, int, int]] = set()
    for si, s in enumerate(sections_doc, start=1):
        where = _("section %(n)s") % {"n": si}
        if not isinstance(s, dict):
            raise ValidationFailed(_("%(where)s is not an object.") % {"where": where})
        name = str(_need(s, "name", str, where)).strip()
        kind = str(s.get("kind") or SeatSection.Kind.STALLS)
        if kind not in SeatSection.Kind.values:
            raise ValidationFailed(
                _("%(where)s: unknown kind %(k)s.") % {"where": where, "k": kind}
            )
        if SeatSection.objects.filter(seat_map=seat_map, name=name).exists():
            raise ValidationFailed(_("Section %(s)s appears twice.") % {"s": name})
        section = SeatSection.objects.create(
            seat_map=seat_map, name=name, kind=kind, order=int(s.get("order") or si)
        )
        for ti, t in enumerate(_need(s, "seats", list, where), start=1):
            at = _("%(s)s, seat %(n)s") % {"s": name, "n": ti}
            if not isinstance(t, dict):
                raise ValidationFailed(_("%(where)s is not an object.") % {"where": at})
            zone_code = str(_need(t, "zone", str, at))
            if zone_code not in zones:
                raise ValidationFailed(
                    _("%(where)s: no zone %(z)s.") % {"where": at, "z": zone_code}
                )
            row = str(_need(t, "row", (str, int), at))
            number = str(_need(t, "number", (str, int), at))
            row_index = int(t.get("row_index") or (int(row) if row.isdigit() else 0))
            position = int(_need(t, "position", int, at))
            if row_index < 1 or position < 1:
                raise ValidationFailed(
                    _("%(where)s: row_index and position start at 1.") % {"where": at}
                )
            if (name, row, number) in labels:
                raise ValidationFailed(
                    _("Seat %(r)s-%(n)s appears twice in %(s)s.")
                    % {"r": row, "n": number, "s": name}
                )
            if (name, row_index, position) in places:
                raise ValidationFailed(_("%(where)s: two seats share one place.") % {"where": at})
            labels.add((name, row, number))
            places.add((name, row_index, position))
            seats.append(
                Seat(
                    seat_map=seat_map,
                    section=section,
                    zone=zones[zone_code],
                    row=row,
                    number=number,
                    row_index=row_index,
                    position=position,
                    x=float(_need(t, "x", (int, float), at)),
                    y=float(_need(t, "y", (int, float), at)),
                    accessible=bool(t.get("accessible", False)),
                    companion=bool(t.get("companion", False)),
                    restricted_view=bool(t.get("restricted_view", False)),
                    note=str(t.get("note") or "")[:120],
                )
            )
    Seat.objects.bulk_create(seats, batch_size=500)
    return seat_map


def seatmap_for_venue(*, venue_id: int) -> SeatMap:
    seat_map = SeatMap.objects.select_related("venue").filter(venue_id=venue_id).first()
    if seat_map is None:
        raise NotFound(_("This venue has no seat map yet."))
    return seat_map
