"""Pages of the box office: parse the request, call one service or selector, render."""

from __future__ import annotations

import io
import json
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from callboard.boxoffice import forms, seatmaps, selectors, services
from callboard.boxoffice.models import Cart, FamilyComp, Hold, PriceType, Seat, Ticket
from callboard.boxoffice.svg import seat_map_svg
from callboard.company.models import Dancer, Person
from callboard.core.csvfiles import csv_response
from callboard.core.errors import DomainError, NotFound
from callboard.core.i18n import company_currency, format_moment
from callboard.core.pages import found as found_or_404
from callboard.core.pages import show_error
from callboard.core.roles import Cap, can, page_requires
from callboard.season.models import Performance, Venue


def _post_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name) or ""
    return int(value) if value.isdigit() else 0


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _svg(view: selectors.HouseView, selectable: tuple[str, ...] = ("free",)) -> Any:
    if view.seat_map is None:
        return ""
    return seat_map_svg(
        width=view.seat_map.width,
        height=view.seat_map.height,
        stage_label=view.seat_map.stage_label,
        seats=view.seats,
        selectable=selectable,
    )


# --- index -------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if not can(request.user, Cap.SELL_TICKETS):
        if can(request.user, Cap.CLAIM_COMPS):
            return redirect("boxoffice:comps")
        if can(request.user, Cap.VIEW_BOXOFFICE_REPORTS):  # the artistic director reads
            return render(
                request,
                "boxoffice/index.html",
                {
                    "rows": selectors.performances_for_box_office(now=now),
                    "reports_only": True,
                },
            )
        return page_requires(Cap.SELL_TICKETS)(lambda r: HttpResponse())(request)
    return render(
        request,
        "boxoffice/index.html",
        {
            "rows": selectors.performances_for_box_office(now=now),
            "venues": selectors.venues_with_maps(),
            "pending_comps": FamilyComp.objects.filter(status=FamilyComp.Status.REQUESTED).count(),
        },
    )


# --- seat maps -------------------------------------------------------------------------------


def _venue(pk: int) -> Venue:
    venue = Venue.objects.filter(pk=pk).first()
    if venue is None:
        raise Http404(_("No such venue."))
    return venue


@page_requires(Cap.EDIT_SEAT_MAPS)
def seatmap(request: HttpRequest, venue_id: int) -> HttpResponse:
    venue = _venue(venue_id)
    now = timezone.now()
    seat_map = seatmaps.seatmap_get_or_create(venue=venue, now=now)
    action = request.POST.get("action") if request.method == "POST" else None
    zone_form = forms.ZoneForm(request.POST if action == "zone" else None)
    generate_form = forms.GenerateForm(request.POST if action == "generate" else None)
    edit_form = forms.SeatEditForm(request.POST if action == "edit" else None)
    import_form = forms.ImportForm(
        request.POST if action == "import" else None, request.FILES if action == "import" else None
    )
    try:
        if action == "zone" and zone_form.is_valid():
            seatmaps.zone_save(seat_map=seat_map, **zone_form.cleaned_data)
            messages.success(request, _("Price zone saved."))
            return redirect("boxoffice:seatmap", venue_id=venue.pk)
        if action == "generate" and generate_form.is_valid():
            made = seatmaps.seatmap_generate_rows(
                seat_map=seat_map, spec=seatmaps.RowsSpec(**generate_form.cleaned_data), now=now
            )
            messages.success(request, _("%(n)s seats added.") % {"n": len(made)})
            return redirect("boxoffice:seatmap", venue_id=venue.pk)
        if action == "edit" and edit_form.is_valid():
            data = edit_form.cleaned_data
            if data["delete"]:
                n = seatmaps.seats_delete(seat_map=seat_map, seat_ids=data["seats"], now=now)
            else:
                flags = {
                    k: (None if data[k] == "" else data[k] == "1")
                    for k in ("accessible", "companion", "restricted_view")
                }
                n = seatmaps.seats_update(
                    seat_map=seat_map,
                    seat_ids=data["seats"],
                    zone=data["zone"] or None,
                    note=data["note"] or None,
                    now=now,
                    **flags,
                )
            messages.success(request, _("%(n)s seats changed.") % {"n": n})
            return redirect("boxoffice:seatmap", venue_id=venue.pk)
        if action == "import" and import_form.is_valid():
            try:
                document = json.load(import_form.cleaned_data["file"])
            except (ValueError, UnicodeDecodeError):
                raise seatmaps.ValidationFailed(_("The file is not valid JSON.")) from None
            seatmaps.seatmap_import(venue=venue, document=document, now=now)
            messages.success(request, _("Seat map imported."))
            return redirect("boxoffice:seatmap", venue_id=venue.pk)
    except DomainError as exc:
        _fail(request, exc)
    seats = Seat.objects.filter(seat_map=seat_map).select_related("section", "zone")
    views = [selectors.SeatView(seat, "free") for seat in seats]
    svg = seat_map_svg(
        width=seat_map.width, height=seat_map.height, stage_label=seat_map.stage_label, seats=views
    )
    return render(
        request,
        "boxoffice/seatmap.html",
        {
            "venue": venue,
            "seat_map": seat_map,
            "svg": svg,
            "seat_count": len(views),
            "zones": list(seat_map.zones.all()),
            "sections": list(seat_map.sections.all()),
            "zone_form": zone_form,
            "generate_form": generate_form,
            "edit_form": edit_form,
            "import_form": import_form,
        },
    )


@page_requires(Cap.EDIT_SEAT_MAPS)
def seatmap_export(request: HttpRequest, venue_id: int) -> HttpResponse:
    try:
        seat_map = seatmaps.seatmap_for_venue(venue_id=venue_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    response = JsonResponse(
        seatmaps.seatmap_export(seat_map=seat_map),
        json_dumps_params={"indent": 1, "ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="seatmap-{venue_id}.json"'
    return response


# --- sales -------------------------------------------------------------------------------------


def _performance(pk: int) -> Performance:
    try:
        return selectors.performance_get(pk)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _session_cart(request: HttpRequest, performance: Performance) -> Cart | None:
    token = request.session.get(f"cart-{performance.pk}")
    if not token:
        return None
    cart = Cart.objects.filter(token=token, status=Cart.Status.OPEN).first()
    if cart is None or cart.expires_at <= timezone.now():
        request.session.pop(f"cart-{performance.pk}", None)
        return None
    return cart


@page_requires(Cap.SELL_TICKETS)
def sales(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    now = timezone.now()
    cart = _session_cart(request, performance)
    pick_form = forms.PickForm(request.POST if request.POST.get("action") == "pick" else None)
    checkout_form = forms.CheckoutForm(
        request.POST if request.POST.get("action") == "checkout" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open":
                n = services.performance_open_sales(performance=performance, now=now)
                messages.success(request, _("On sale: %(n)s seats.") % {"n": n})
                return redirect("boxoffice:sales", pk=pk)
            if action == "close":
                services.performance_close_sales(performance=performance, now=now)
                return redirect("boxoffice:sales", pk=pk)
            if action == "pick" and pick_form.is_valid():
                data = pick_form.cleaned_data
                best = (
                    services.BestRequest(
                        count=data["count"],
                        zone=data["zone"] or None,
                        accessible=data["accessible"],
                    )
                    if data["count"]
                    else None
                )
                if cart is None:
                    cart = services.cart_create(
                        performance=performance,
                        seat_ids=data["seats"] or None,
                        best=best,
                        by=request.user,
                        now=now,
                    )
                    request.session[f"cart-{performance.pk}"] = cart.token
                else:
                    services.cart_add(cart=cart, seat_ids=data["seats"] or None, best=best, now=now)
                return redirect("boxoffice:sales", pk=pk)
            if action == "remove" and cart is not None:
                services.cart_remove_seat(
                    cart=cart, seat_id=int(request.POST.get("seat", "0") or 0), now=now
                )
                return redirect("boxoffice:sales", pk=pk)
            if action == "release" and cart is not None:
                services.cart_release(cart=cart, now=now)
                request.session.pop(f"cart-{performance.pk}", None)
                return redirect("boxoffice:sales", pk=pk)
            if action == "checkout" and cart is not None and checkout_form.is_valid():
                chosen: dict[int, str] = {
                    int(key.split("-", 1)[1]): str(value)
                    for key, value in request.POST.items()
                    if key.startswith("price_type-") and key.split("-", 1)[1].isdigit() and value
                }
                order = services.order_checkout(
                    cart=cart,
                    channel="box_office",
                    by=request.user,
                    may_sell=True,
                    now=now,
                    price_types=chosen or None,
                    **checkout_form.cleaned_data,
                )
                request.session.pop(f"cart-{performance.pk}", None)
                messages.success(request, _("Order %(ref)s made.") % {"ref": order.reference})
                return redirect("boxoffice:order", pk=order.pk)
        except DomainError as exc:
            _fail(request, exc)
            cart = _session_cart(request, performance)
    view = selectors.house_view(performance=performance, now=now, cart=cart)
    cart_seats = [v.seat for v in view.seats if v.state == "mine"]
    return render(
        request,
        "boxoffice/sales.html",
        {
            "performance": performance,
            "view": view,
            "svg": _svg(view),
            "cart": cart,
            "cart_seats": cart_seats,
            "cart_total": sum(s.zone.price for s in cart_seats),
            "pick_form": pick_form,
            "checkout_form": checkout_form,
            "on_sale": performance.status == Performance.Status.ON_SALE,
            "price_types": services.price_types_of(performance) if cart_seats else [],
        },
    )


# --- orders ------------------------------------------------------------------------------------


@page_requires(Cap.SELL_TICKETS)
def orders(request: HttpRequest) -> HttpResponse:
    performance_id = request.GET.get("performance")
    q = request.GET.get("q", "")
    wanted = int(performance_id) if performance_id and performance_id.isdigit() else None
    if wanted is not None and wanted >= 2**63:
        # No record has such a number, on any database: the request's fault (a 400 from
        # core.limits), as SQLite says by itself.
        raise OverflowError("performance id out of range")
    rows = selectors.orders_list(performance_id=wanted, q=q)[:200]
    return render(request, "boxoffice/orders.html", {"orders": rows, "q": q})


def _seats_from_labels(performance: Performance, text: str) -> list[int]:
    """'Stalls 5-12, Stalls 5-13' -> seat ids of the performance's venue."""
    wanted = [p.strip() for p in text.split(",") if p.strip()]
    seats = {
        s.label.lower(): s.pk
        for s in Seat.objects.filter(seat_map__venue_id=performance.venue_id).select_related(
            "section"
        )
    }
    ids = []
    for label in wanted:
        if label.lower() not in seats:
            raise seatmaps.ValidationFailed(
                _("There is no seat “%(l)s” in this house.") % {"l": label}
            )
        ids.append(seats[label.lower()])
    return ids


@page_requires(Cap.SELL_TICKETS)
def order(request: HttpRequest, pk: int) -> HttpResponse:
    now = timezone.now()
    try:
        found = selectors.order_get(pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    exchange_form = forms.ExchangeForm(
        request.POST if request.POST.get("action") == "exchange" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        ticket_ids = [int(t) for t in request.POST.getlist("ticket") if t.isdigit()]
        try:
            if action == "paid":
                services.order_mark_paid(order=found, by=request.user, now=now)
                messages.success(request, _("Payment recorded."))
            elif action == "confirm":
                services.order_confirm(
                    order=found, note=request.POST.get("note", ""), by=request.user, now=now
                )
                messages.success(request, _("Confirmed: the tickets admit at the door."))
            elif action == "refund" and not ticket_ids and request.POST.get("whole") != "1":
                # Nothing ticked: ask before refunding the whole order.
                return render(
                    request,
                    "boxoffice/order.html",
                    {"order": found, "exchange_form": exchange_form, "ask_whole": True},
                )
            elif action == "refund":
                services.order_refund(
                    order=found, ticket_ids=ticket_ids or None, by=request.user, now=now
                )
                messages.success(request, _("Refunded; the seats are back on sale."))
            elif action == "exchange" and exchange_form.is_valid():
                seat_ids = _seats_from_labels(
                    found.performance, exchange_form.cleaned_data["seats"]
                )
                services.order_exchange(
                    order=found, ticket_ids=ticket_ids, seat_ids=seat_ids, by=request.user, now=now
                )
                messages.success(request, _("Exchanged; the old seats are back on sale."))
            else:
                return render(
                    request,
                    "boxoffice/order.html",
                    {"order": found, "exchange_form": exchange_form},
                )
            return redirect("boxoffice:order", pk=pk)
        except DomainError as exc:
            _fail(request, exc)
            found = selectors.order_get(pk=pk)
    return render(request, "boxoffice/order.html", {"order": found, "exchange_form": exchange_form})


def ticket_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The ticket's QR code as SVG. Public: whoever has the code has the ticket already."""
    clean = services.normalise_code(code)
    if not Ticket.objects.filter(code=clean).exists():
        raise Http404(_("No such ticket."))
    image = qrcode.make(clean, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- holds -------------------------------------------------------------------------------------


@page_requires(Cap.MANAGE_HOLDS)
def holds(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    now = timezone.now()
    hold_form = forms.HoldForm(request.POST if request.POST.get("action") == "hold" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "hold" and hold_form.is_valid():
                data = hold_form.cleaned_data
                services.hold_create(
                    performance=performance,
                    kind=data["kind"],
                    owner_label=data["owner_label"],
                    reason=data["reason"],
                    release_at=data["release_at"],
                    seat_ids=data["seats"] or None,
                    best=services.BestRequest(count=data["count"])
                    if data["count"] and not data["seats"]
                    else None,
                    by=request.user,
                    now=now,
                )
                messages.success(request, _("Seats held."))
                return redirect("boxoffice:holds", pk=pk)
            hold = Hold.objects.filter(
                pk=_post_id(request, "hold"), performance=performance
            ).first()
            if action == "release" and hold is not None:
                services.hold_release(hold=hold, by=request.user, now=now)
                messages.success(request, _("Released: the seats are back on sale."))
                return redirect("boxoffice:holds", pk=pk)
            if action == "issue" and hold is not None:
                issue = forms.IssueForm(request.POST)
                if issue.is_valid():
                    made = services.hold_issue(
                        hold=hold, by=request.user, now=now, **issue.cleaned_data
                    )
                    messages.success(
                        request, _("Tickets issued: order %(ref)s.") % {"ref": made.reference}
                    )
                    return redirect("boxoffice:order", pk=made.pk)
                messages.error(request, _("Give the name the tickets are for."))
        except DomainError as exc:
            _fail(request, exc)
    view = selectors.house_view(performance=performance, now=now)
    return render(
        request,
        "boxoffice/holds.html",
        {
            "performance": performance,
            "svg": _svg(view),
            "holds": selectors.holds_for(performance=performance, now=now),
            "hold_form": hold_form,
            "issue_form": forms.IssueForm(),
        },
    )


# --- family comps --------------------------------------------------------------------------------


def _my_dancer(request: HttpRequest) -> Dancer | None:
    person = Person.objects.filter(user_id=request.user.pk or 0).first()
    return Dancer.objects.filter(person=person).select_related("person").first() if person else None


@page_requires(Cap.CLAIM_COMPS)
def comps(request: HttpRequest) -> HttpResponse:
    dancer = _my_dancer(request)
    now = timezone.now()
    if dancer is None:
        return render(request, "boxoffice/comps.html", {"dancer": None})
    coming = list(
        Performance.objects.filter(starts_at__gt=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")[:50]
    )
    family = list(Person.objects.filter(related_to=dancer.person).order_by("given_name"))
    form = forms.CompClaimForm(request.POST if request.POST.get("action") == "claim" else None)
    form.fields["performance"].choices = [  # type: ignore[attr-defined]
        (
            p.pk,
            f"{p.title or p.programme.title} — {p.venue.name}, "
            f"{format_moment(p.starts_at, 'datetime', zone=p.venue.zone)}",
        )
        for p in coming
    ]
    form.fields["guest"].choices = [  # type: ignore[attr-defined]
        ("", "—"),
        *[(p.pk, p.full_name + (f" ({p.contact_role})" if p.contact_role else "")) for p in family],
    ]
    if request.method == "POST":
        try:
            if request.POST.get("action") == "claim" and form.is_valid():
                data = form.cleaned_data
                performance = next(p for p in coming if p.pk == data["performance"])
                guest = next((p for p in family if p.pk == data["guest"]), None)
                services.comp_claim(
                    dancer=dancer,
                    performance=performance,
                    guest_name=data["guest_name"],
                    guest=guest,
                    seats=data["seats"],
                    note=data["note"],
                    by=request.user,
                    now=now,
                )
                messages.success(request, _("Claim sent to the box office."))
                return redirect("boxoffice:comps")
            if request.POST.get("action") == "cancel":
                claim = FamilyComp.objects.filter(
                    pk=_post_id(request, "claim"), dancer=dancer
                ).first()
                if claim is None:
                    raise NotFound(_("No such claim among yours."))
                services.comp_cancel(claim=claim, dancer=dancer, by=request.user, now=now)
                messages.success(request, _("Claim withdrawn."))
                return redirect("boxoffice:comps")
        except DomainError as exc:
            _fail(request, exc)
    return render(
        request,
        "boxoffice/comps.html",
        {
            "dancer": dancer,
            "claims": selectors.comps_for_dancer(dancer_id=dancer.pk),
            "form": form,
            "quota": services.comp_quota(dancer.rank),
        },
    )


@page_requires(Cap.MANAGE_HOLDS)
def comps_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    quota_form = forms.QuotaForm(request.POST if request.POST.get("action") == "quota" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "quota" and quota_form.is_valid():
                services.comp_quota_set(
                    **quota_form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Quota saved."))
                return redirect("boxoffice:comps_queue")
            claim = FamilyComp.objects.filter(pk=_post_id(request, "claim")).first()
            if claim is not None and action == "confirm":
                services.comp_confirm(claim=claim, by=request.user, now=now)
                messages.success(request, _("Confirmed: seats held and comp tickets issued."))
                return redirect("boxoffice:comps_queue")
            if claim is not None and action == "decline":
                services.comp_decline(
                    claim=claim, by=request.user, note=request.POST.get("note", ""), now=now
                )
                messages.success(request, _("Declined."))
                return redirect("boxoffice:comps_queue")
        except DomainError as exc:
            _fail(request, exc)
    quotas = [(label, services.comp_quota(rank)) for rank, label in Dancer.Rank.choices]
    return render(
        request,
        "boxoffice/comps_queue.html",
        {"claims": selectors.comps_queue()[:200], "quota_form": quota_form, "quotas": quotas},
    )


# --- the door ------------------------------------------------------------------------------------


@page_requires(Cap.CHECK_IN)
def door(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    scan = None
    error = ""
    form = forms.ScanForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        else:
            try:
                scan = services.ticket_check_in(
                    code=form.cleaned_data["code"],
                    performance=performance,
                    by=request.user,
                    now=timezone.now(),
                )
            except DomainError as exc:
                error = exc.message
        form = forms.ScanForm()
    context = {
        "performance": performance,
        "form": form,
        "scan": scan,
        "recent": selectors.recent_checkins(performance=performance),
        "admitted": Ticket.objects.filter(
            performance=performance, checked_in_at__isnull=False
        ).count(),
        "valid": Ticket.objects.filter(performance=performance, status=Ticket.Status.VALID).count(),
    }
    status = 422 if error else 200
    if request.headers.get("HX-Request"):
        return render(
            request, "boxoffice/_scan_result.html", {**context, "error": error}, status=status
        )
    if error:
        messages.error(request, error)
    return render(request, "boxoffice/door.html", context, status=status)


# --- reports -------------------------------------------------------------------------------------


def _chart(series: dict[str, list[Any]], colours: dict[str, str]) -> dict[str, Any]:
    """Cumulative tickets per zone as polylines in a 600 x 220 box."""
    days = sorted({d for points in series.values() for d, _n in points})
    if not days:
        return {"lines": [], "max": 0}
    top = max(n for points in series.values() for _d, n in points) or 1
    span = max((days[-1] - days[0]).days, 1)
    lines = []
    for code, points in series.items():
        coords = [(40 + 540 * (d - days[0]).days / span, 200 - 180 * n / top) for d, n in points]
        if len(coords) == 1:
            coords = [(40, coords[0][1]), coords[0]]
        lines.append(
            {
                "code": code,
                "colour": colours.get(code, "#6b2145"),
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
                "last": points[-1][1],
            }
        )
    return {"lines": lines, "max": top, "first": days[0], "last": days[-1]}


@page_requires(Cap.VIEW_BOXOFFICE_REPORTS)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    data = selectors.report(performance=performance, now=timezone.now())
    colours = {row["zone"].code: row["zone"].colour for row in data.by_zone if row["zone"]}
    return render(
        request,
        "boxoffice/report.html",
        {"performance": performance, "r": data, "chart": _chart(data.series, colours)},
    )


@page_requires(Cap.VIEW_BOXOFFICE_REPORTS)
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    zone = performance.venue.zone
    currency = company_currency()
    header = [
        pgettext("a box-office order", "order"),
        _("kind"),
        _("order status"),
        _("buyer"),
        _("comp reason"),
        _("ticket"),
        _("ticket status"),
        _("section"),
        _("row"),
        _("seat"),
        _("zone"),
        _("price"),
        _("currency"),
        _("issued at"),
        _("checked in at"),
        _("price type"),
        _("discount code"),
    ]
    rows = (
        [
            t.order.reference,
            t.order.kind,
            t.order.status,
            t.order.buyer_name,
            t.order.comp_reason,
            t.code,
            t.status,
            t.seat.section.name,
            t.seat.row,
            t.seat.number,
            t.zone.code if t.zone else "",
            t.price,
            currency,
            t.issued_at.astimezone(zone).isoformat(timespec="seconds"),
            t.checked_in_at.astimezone(zone).isoformat(timespec="seconds")
            if t.checked_in_at
            else "",
            t.price_type_name or _("Full price"),
            t.order.discount.code if t.order.discount else "",
        ]
        for t in selectors.tickets_for_csv(performance=performance)
    )
    return csv_response(f"tickets-performance-{performance.pk}.csv", header, rows)


@require_POST
@page_requires(Cap.SELL_TICKETS)
def sweep(request: HttpRequest) -> HttpResponse:
    counts = services.sweep_expired(now=timezone.now())
    messages.success(
        request,
        _("Cleaned up: %(c)s expired seat holds, %(k)s carts.")
        % {"c": counts["claims"], "k": counts["carts"]},
    )
    return redirect("boxoffice:index")


# --- price types -------------------------------------------------------------------------------


@page_requires(Cap.EDIT_SEAT_MAPS)
def prices(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    now = timezone.now()
    zones = selectors.zones_of(performance=performance)
    action = request.POST.get("action") if request.method == "POST" else None
    form = forms.PriceTypeForm(request.POST if action == "save" else None, zones=zones)
    status = 200
    if action == "save":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.price_type_save(
                    performance=performance,
                    code=data["code"],
                    name=data["name"],
                    note=data["note"],
                    order=data["order"] or 0,
                    prices=form.prices(),
                    by=request.user,
                    now=now,
                )
                messages.success(request, _("Price type saved."))
                return redirect("boxoffice:prices", pk=pk)
            except DomainError as exc:
                show_error(form, exc)
        status = 422
    elif action == "delete":
        found = PriceType.objects.filter(
            pk=_post_id(request, "price_type"), performance=performance
        ).first()
        if found is not None:
            services.price_type_delete(price_type=found, by=request.user, now=now)
            messages.success(request, _("Price type removed; tickets sold with it keep it."))
            return redirect("boxoffice:prices", pk=pk)
        messages.error(request, _("No such price type for this performance."))
    return render(
        request,
        "boxoffice/prices.html",
        {
            "performance": performance,
            "zones": zones,
            "price_types": services.price_types_of(performance),
            "form": form,
        },
        status=status,
    )


# --- discount codes ----------------------------------------------------------------------------


def _coming_performances(now: Any) -> list[Performance]:
    return list(
        Performance.objects.filter(starts_at__gt=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")[:100]
    )


@page_requires(Cap.SELL_TICKETS)
def discounts(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    coming = _coming_performances(now)
    form = forms.DiscountForm(request.POST if request.method == "POST" else None)
    form.fields["performance"].choices = [  # type: ignore[attr-defined]
        ("", _("Any performance")),
        *[
            (
                p.pk,
                f"{p.title or p.programme.title} — {p.venue.name}, "
                f"{format_moment(p.starts_at, 'datetime', zone=p.venue.zone)}",
            )
            for p in coming
        ],
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = services.discount_create(
                    code=data["code"],
                    kind=data["kind"],
                    value=data["value"],
                    max_uses=data["max_uses"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    performance=next((p for p in coming if p.pk == data["performance"]), None),
                    note=data["note"],
                    by=request.user,
                    now=now,
                )
                messages.success(request, _("Discount code %(code)s made.") % {"code": made.code})
                return redirect("boxoffice:discounts")
            except DomainError as exc:
                show_error(form, exc, {"valid_until": "valid_until"})
                if exc.detail and isinstance(exc.detail, dict) and exc.detail.get("field"):
                    form.add_error(exc.detail["field"], exc.message)
        status = 422
    return render(
        request,
        "boxoffice/discounts.html",
        {"codes": selectors.discount_codes_list()[:300], "form": form, "now": now},
        status=status,
    )


@page_requires(Cap.SELL_TICKETS)
def discount(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(services.discount_get, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("stop", "start"):
            services.discount_set_active(
                discount=found, active=action == "start", by=request.user, now=timezone.now()
            )
            messages.success(request, _("Saved."))
            return redirect("boxoffice:discount", pk=pk)
        messages.error(request, _("Choose to stop the code or to let it be used again."))
    return render(
        request,
        "boxoffice/discount.html",
        {
            "code": found,
            "words": services.discount_words(found),
            "orders": selectors.discount_orders(discount=found)[:300],
        },
    )


# --- patrons -------------------------------------------------------------------------------------


@page_requires(Cap.SELL_TICKETS)
def patrons(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    rows = selectors.patrons_search(q=q)[:200]
    return render(request, "boxoffice/patrons.html", {"patrons": rows, "q": q})


@page_requires(Cap.SELL_TICKETS)
def patron(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(services.patron_get, pk=pk)
    return render(
        request,
        "boxoffice/patron.html",
        {
            "patron": found,
            "orders": selectors.patron_orders(patron=found)[:300],
            "may_erase": can(request.user, Cap.EDIT_PEOPLE),
        },
    )


@require_POST
@page_requires(Cap.EDIT_PEOPLE)
def patron_export(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(services.patron_get, pk=pk)
    data = services.patron_export(patron=found, by=request.user, now=timezone.now())
    response = JsonResponse(data, json_dumps_params={"indent": 1, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="patron-{found.pk}.json"'
    return response


@require_POST
@page_requires(Cap.EDIT_PEOPLE)
def patron_erase(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(services.patron_get, pk=pk)
    back = "boxoffice:patron" if can(request.user, Cap.SELL_TICKETS) else "home"
    if request.POST.get("confirm") != "erase":
        messages.error(
            request, _("Tick the box that says the patron asked for their data to be erased.")
        )
    else:
        try:
            services.patron_erase(patron=found, by=request.user, now=timezone.now())
            messages.success(request, _("The patron's personal data is erased."))
        except DomainError as exc:
            _fail(request, exc)
    return redirect(back, pk=pk) if back == "boxoffice:patron" else redirect(back)


# --- the waiting list ----------------------------------------------------------------------------


@page_requires(Cap.SELL_TICKETS)
def waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    performance = _performance(pk)
    now = timezone.now()
    return render(
        request,
        "boxoffice/waitlist.html",
        {
            "performance": performance,
            "entries": selectors.waitlist_of(performance=performance),
            "free": services.free_seats(performance, now),
        },
    )


def waitlist_join(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: join the waiting list of a sold-out performance (no sign-in). The shop includes
    the form (``boxoffice/_waitlist_form.html``); this page shows the answer or the errors."""
    performance = _performance(pk)
    form = forms.WaitlistForm(request.POST if request.method == "POST" else None)
    entry = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.waitlist_join(
                    performance=performance,
                    language=translation.get_language() or "",
                    now=timezone.now(),
                    **form.cleaned_data,
                )
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status_code
        else:
            status = 422
    return render(
        request,
        "boxoffice/waitlist_join.html",
        {
            "performance": performance,
            "form": form,
            "entry": entry,
            "position": services.waitlist_position(entry) if entry else 0,
        },
        status=status,
    )


def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the offer a waiting-list e-mail links to; taking it makes the buyer's cart."""
    try:
        entry = services.waitlist_get(token=token)
    except NotFound as exc:
        raise Http404(exc.message) from None
    error = ""
    status = 200
    if request.method == "POST":
        try:
            cart = services.waitlist_accept(token=token, now=timezone.now())
            # The shop keeps a buyer's cart for a performance under this session key.
            request.session[f"shop-cart-{cart.performance_id}"] = cart.token
            return redirect(services.cart_url(cart))
        except DomainError as exc:
            error, status = exc.message, exc.status_code
            entry = services.waitlist_get(token=token)
    seats = (
        Seat.objects.filter(
            pk__in=entry.hold.claims.filter(active=True).values("seat_id")
        ).select_related("section", "zone")
        if entry.hold is not None and entry.status == entry.Status.OFFERED
        else Seat.objects.none()
    )
    return render(
        request,
        "boxoffice/waitlist_offer.html",
        {"entry": entry, "performance": entry.performance, "seats": list(seats), "error": error},
        status=status,
    )
