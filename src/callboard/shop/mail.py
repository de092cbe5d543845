"""The buyer's confirmation e-mail: HTML and plain text in the buyer's language, a PDF ticket
per seat and the performance's .ics, queued in the outbox (the worker sends it)."""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from callboard.boxoffice.models import Order
from callboard.core import outbox
from callboard.core.links import absolute_reverse
from callboard.core.models import OutboundEmail
from callboard.shop import selectors
from callboard.shop.tickets import (
    performance_ics,
    seat_words,
    ticket_filename,
    ticket_pdf,
    venue_line,
)

EMAIL_KIND = "shop.tickets"


def tickets_email_queue(*, order: Order, now: datetime) -> OutboundEmail:
    """Queue the tickets of a paid order to its buyer, in the transaction that paid it."""
    company = selectors.company()
    tickets = selectors.valid_tickets(order)
    with override(order.language or None):
        performance = order.performance
        context = {
            "order": order,
            "company": company,
            "performance": performance,
            "venue": performance.venue,
            "venue_line": venue_line(performance.venue),
            "seats": [seat_words(t) for t in tickets],
            "link": absolute_reverse("shop:order", token=order.token),
            "language": order.language,
        }
        subject = _("Your tickets for %(show)s") % {"show": performance.billing}
        body = render_to_string("shop/email/tickets.txt", context)
        html = render_to_string("shop/email/tickets.html", context)
        attachments = [
            outbox.Attachment(
                ticket_filename(t),
                ticket_pdf(order=order, ticket=t, company_name=company.name),
                "application/pdf",
            )
            for t in tickets
        ]
        attachments.append(
            outbox.Attachment(
                "performance.ics", performance_ics(order=order, now=now), "text/calendar"
            )
        )
    return outbox.email_queue(
        to=order.buyer_email,
        subject=subject,
        body=body,
        html=html,
        attachments=attachments,
        kind=EMAIL_KIND,
        now=now,
    )
