"""Pages of the public shop (no sign-in): parse, call one service or selector, render.

A failed form or a refused request renders the page again with the reason shown, and the
HTTP status says what went wrong (422, 409)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from callboard.boxoffice import selectors as boxoffice_selectors
from callboard.boxoffice import services as boxoffice
from callboard.boxoffice.models import Order
from callboard.boxoffice.payments import OnlineProvider, get_provider, shop_provider
from callboard.boxoffice.svg import seat_map_svg
from callboard.core.clientaddr import client_address
from callboard.core.errors import Conflict, DomainError, NotFound
from callboard.core.headers import frameable
from callboard.shop import forms, selectors, services
from callboard.shop.tickets import performance_ics, ticket_filename, venue_line
from callboard.shop.tickets import ticket_pdf as make_pdf


def _allow_payment_pages(response: HttpResponse, provider: object) -> HttpResponse:
    """Let the page's forms lead to the provider's payment pages: the browser follows the
    shop's redirect there only if the page's content security policy allows it."""
    if isinstance(provider, OnlineProvider):
        response._csp_update = {"form-action": provider.page_origins()}  # type: ignore[attr-defined]
    return response


def _cart_key(pk: int) -> str:
    return f"shop-cart-{pk}"


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/index.html",
        {
            "company": selectors.company(),
            "on_sale": selectors.performances_on_sale(now=timezone.now()),
        },
    )


def _order_url(request: HttpRequest, order: Order) -> str:
    return request.build_absolute_uri(reverse("shop:order", kwargs={"token": order.token}))


def performance(request: HttpRequest, pk: int) -> HttpResponse:
    """A performance's page: the cart's token lives in the buyer's session."""
    return _performance(request, pk, embedded=False)


@frameable  # the company's website may show the seat picker in an iframe (CALLBOARD_EMBED_ORIGINS)
@csrf_exempt  # no cookie is read: a request acts only on the cart whose token it carries
def embedded_performance(request: HttpRequest, pk: int) -> HttpResponse:
    """The seat picker inside the company website's iframe.

    A third-party frame gets no SameSite=Lax cookie (neither the session nor the CSRF
    cookie), so this page uses none: the cart's unguessable token travels in the page's
    address (``?cart=``), like the order's token in its link. Without ambient credentials a
    forged request from another site can only act on a cart whose token it already holds,
    so CSRF protection has nothing to protect here; every other shop page keeps it."""
    return _performance(request, pk, embedded=True)


def _cart_token(request: HttpRequest, pk: int, *, embedded: bool) -> str | None:
    if embedded:
        return request.GET.get("cart") or None
    token = request.session.get(_cart_key(pk))
    return token if isinstance(token, str) else None


def _keep_cart(request: HttpRequest, pk: int, token: str | None, *, embedded: bool) -> str:
    """Remember the cart (the session, or the embedded page's address) and answer with the
    page's address to go back to."""
    if embedded:
        url = reverse("shop:embedded", args=[pk])
        return f"{url}?{urlencode({'cart': token})}" if token else url
    if token:
        request.session[_cart_key(pk)] = token
    else:
        request.session.pop(_cart_key(pk), None)
    return reverse("shop:performance", args=[pk])


def _performance(request: HttpRequest, pk: int, *, embedded: bool) -> HttpResponse:
    now = timezone.now()
    try:
        found = selectors.on_sale_get(pk=pk, now=now)
    except NotFound as exc:
        raise Http404(exc.message) from None
    token = _cart_token(request, pk, embedded=embedded)
    cart = selectors.cart_of(token=token, performance=found, now=now)
    view = boxoffice_selectors.house_view(performance=found, now=now, cart=cart)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    pick_form = forms.PickForm(request.POST if action == "pick" else None)
    best_form = forms.BestForm(request.POST if action == "best" else None, zones=view.zones)
    checkout_form = forms.CheckoutForm(request.POST if action == "checkout" else None)
    errors: list[str] = []
    status = 200
    if action:
        try:
            if action == "pick" and pick_form.is_valid():
                cart = services.shop_cart_pick(
                    performance=found, cart=cart, seat_ids=pick_form.cleaned_data["seats"], now=now
                )
                return redirect(_keep_cart(request, pk, cart.token, embedded=embedded) + "#cart")
            if action == "best" and best_form.is_valid():
                data = best_form.cleaned_data
                best = boxoffice.BestRequest(
                    count=data["count"], zone=data["zone"] or None, accessible=data["accessible"]
                )
                cart = services.shop_cart_pick(performance=found, cart=cart, best=best, now=now)
                return redirect(_keep_cart(request, pk, cart.token, embedded=embedded) + "#cart")
            if action == "remove" and cart is not None:
                seat = request.POST.get("seat", "")
                boxoffice.cart_remove_seat(
                    cart=cart, seat_id=int(seat) if seat.isdigit() else 0, now=now
                )
                return redirect(_keep_cart(request, pk, cart.token, embedded=embedded) + "#cart")
            if action == "release" and cart is not None:
                boxoffice.cart_release(cart=cart, now=now)
                return redirect(_keep_cart(request, pk, None, embedded=embedded))
            if action in ("remove", "release", "checkout") and cart is None:
                raise Conflict(_cart_gone_message(), detail={"code": "cart_expired"})
            if action == "checkout" and cart is not None and checkout_form.is_valid():
                data = checkout_form.cleaned_data
                order = services.shop_checkout(
                    cart=cart,
                    buyer_name=data["buyer_name"],
                    buyer_email=data["buyer_email"],
                    language=translation.get_language() or "",
                    client_address=client_address(request),
                    now=now,
                )
                _keep_cart(request, pk, None, embedded=embedded)
                return _to_payment(request, order, embedded=embedded)
            status = 422
        except DomainError as exc:
            errors.append(exc.message)
            status = exc.status_code
            cart = selectors.cart_of(token=token, performance=found, now=now)
        view = boxoffice_selectors.house_view(performance=found, now=now, cart=cart)
    cart_seats = [v.seat for v in view.seats if v.state == "mine"]
    provider = shop_provider()
    response = render(
        request,
        "shop/performance.html",
        {
            "company": selectors.company(),
            "performance": found,
            "venue": found.venue,
            "venue_line": venue_line(found.venue),
            "cast": selectors.announced_cast(performance=found),
            "view": view,
            "svg": (
                seat_map_svg(
                    width=view.seat_map.width,
                    height=view.seat_map.height,
                    stage_label=view.seat_map.stage_label,
                    seats=view.seats,
                )
                if view.seat_map is not None
                else ""
            ),
            "free": view.counts.get("free", 0),
            "cart": cart,
            "cart_seats": cart_seats,
            "cart_total": sum(s.zone.price for s in cart_seats),
            "pick_form": pick_form,
            "best_form": best_form,
            "checkout_form": checkout_form,
            "errors": errors,
            "provider": provider,
            "pays_online": isinstance(provider, OnlineProvider),
            "most": boxoffice.max_tickets_per_order(),
            "embedded": embedded,
        },
        status=status,
    )
    return _allow_payment_pages(response, provider)


def _cart_gone_message() -> str:
    return _("Your ten minutes ran out and the seats went back on sale. Choose seats again.")


def _to_payment(request: HttpRequest, order: Order, *, embedded: bool = False) -> HttpResponse:
    """Send the buyer to the provider's page; if it cannot be reached, to their order's page,
    which offers to try again (and, outside the embedded page, which has no session, says
    why)."""
    if not isinstance(get_provider(order.provider), OnlineProvider):
        return redirect("shop:order", token=order.token)
    try:
        url = services.shop_payment_start(
            order=order, return_url=_order_url(request, order), now=timezone.now()
        )
    except DomainError as exc:
        if not embedded:
            request.session["shop-error"] = exc.message
        return redirect("shop:order", token=order.token)
    return redirect(url)


def _order(token: str) -> Order:
    try:
        return selectors.order_by_token(token=token)
    except NotFound as exc:
        raise Http404(exc.message) from None


def order(request: HttpRequest, token: str) -> HttpResponse:
    found = _order(token)
    errors = [request.session.pop("shop-error")] if "shop-error" in request.session else []
    status = 200
    if request.method == "POST" and request.POST.get("action") == "pay":
        try:
            url = services.shop_payment_start(
                order=found, return_url=_order_url(request, found), now=timezone.now()
            )
            return redirect(url)
        except DomainError as exc:
            errors.append(exc.message)
            status = exc.status_code
    provider = get_provider(found.provider)
    now = timezone.now()
    awaiting = found.status == Order.Status.AWAITING_PAYMENT and (
        found.pay_by is None or found.pay_by > now
    )
    response = render(
        request,
        "shop/order.html",
        {
            "company": selectors.company(),
            "order": found,
            "performance": found.performance,
            "venue": found.performance.venue,
            "venue_line": venue_line(found.performance.venue),
            "tickets": selectors.valid_tickets(found),
            "admitted": found.status in Order.ADMITTED_STATUSES,
            "awaiting": awaiting,
            "pays_online": isinstance(provider, OnlineProvider),
            "provider": provider,
            "errors": errors,
        },
        status=status,
    )
    return _allow_payment_pages(response, provider)


def ticket_pdf(request: HttpRequest, token: str, code: str) -> HttpResponse:
    found = _order(token)
    ticket = next((t for t in selectors.valid_tickets(found) if t.code == code), None)
    if ticket is None or found.status not in Order.ADMITTED_STATUSES:
        raise Http404(_no_ticket())
    pdf = make_pdf(order=found, ticket=ticket, company_name=selectors.company().name)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{ticket_filename(ticket)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _no_ticket() -> str:
    return _("No ticket of this order has that code, or the order is not paid.")


def order_ics(request: HttpRequest, token: str) -> HttpResponse:
    found = _order(token)
    response = HttpResponse(
        performance_ics(order=found, now=timezone.now()), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="performance.ics"'
    return response


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """A payment provider's notification. Answers 200 once taken (the provider stops sending
    it), 400 when it cannot be verified, and 409/502 when it should be sent again later."""
    try:
        paid = services.shop_payment_notified(
            provider_code=provider,
            body=request.body,
            headers=request.headers,
            address=client_address(request),
            now=timezone.now(),
        )
    except DomainError as exc:
        return JsonResponse({"detail": exc.message}, status=exc.status_code)
    return HttpResponse(
        json.dumps({"ok": True, "order": paid.reference if paid else None}),
        content_type="application/json",
    )
