"""What the buyer carries: a PDF ticket per seat (with the QR code the door scans) and the
performance as a calendar event (.ics).

The PDF uses the Unicode font of :mod:`callboard.core.pdffonts`, so Cyrillic names print as
written; dates are in the buyer's language and the venue's own time zone."""

from __future__ import annotations

import io
from datetime import datetime

import icalendar
import qrcode
from django.utils.translation import gettext as _
from django.utils.translation import override
from fpdf import FPDF

from callboard.boxoffice.models import Order, Ticket
from callboard.core.i18n import format_moment, format_money
from callboard.core.links import absolute_reverse
from callboard.core.pdffonts import text_for, unicode_font
from callboard.season.models import Venue


def venue_line(venue: Venue) -> str:
    """ "Uglich Town Theatre, Ulitsa Lenina 1, Uglich": the city left out when the address
    already names it."""
    city = venue.city if venue.city and venue.city not in (venue.address or "") else ""
    return ", ".join(part for part in (venue.name, venue.address, city) if part)


def venue_address(order: Order) -> str:
    return venue_line(order.performance.venue)


def seat_words(ticket: Ticket) -> str:
    seat = ticket.seat
    return _("%(section)s, row %(row)s, seat %(seat)s") % {
        "section": seat.section.name,
        "row": seat.row,
        "seat": seat.number,
    }


def ticket_filename(ticket: Ticket) -> str:
    return f"ticket-{ticket.code}.pdf"


def _qr_png(code: str) -> bytes:
    image = qrcode.make(code, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ticket_pdf(*, order: Order, ticket: Ticket, company_name: str) -> bytes:
    """One ticket as an A6 PDF page, in the order's language."""
    performance = order.performance
    venue = performance.venue
    with override(order.language or None):
        pdf = FPDF(format=(105, 148))  # A6
        pdf.set_auto_page_break(auto=False)
        pdf.set_margins(8, 8, 8)
        pdf.add_page()
        family, unicode_ok = unicode_font(pdf)
        text = text_for(unicode_ok)
        width = pdf.w - 16

        def line(value: str, size: float, style: str = "", height: float = 5.5) -> None:
            pdf.set_font(family, style, size)
            pdf.multi_cell(width, height, text(value), new_x="LMARGIN", new_y="NEXT")

        line(company_name, 9)
        pdf.ln(1)
        line(performance.billing, 15, "B", 7)
        line(format_moment(performance.starts_at, "datetime_long", zone=venue.zone), 10)
        line(venue_address(order), 9)
        pdf.ln(2)
        line(seat_words(ticket), 13, "B", 6.5)
        price = format_money(ticket.price)
        zone = ticket.zone.name if ticket.zone else ""
        line(f"{zone} · {price}" if zone else price, 9)
        line(
            _("Ticket for %(name)s, order %(ref)s")
            % {"name": order.buyer_name, "ref": order.reference},
            8,
        )
        size = 52
        top = pdf.get_y() + 2
        pdf.image(io.BytesIO(_qr_png(ticket.code)), x=(pdf.w - size) / 2, y=top, w=size, h=size)
        pdf.set_y(top + size + 1)
        pdf.set_font(family, "B", 11)
        pdf.cell(width, 6, ticket.code, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 7)
        pdf.multi_cell(
            width,
            4,
            text(_("Show this code at the door. It admits one person, once.")),
            align="C",
        )
        return bytes(pdf.output())


def performance_ics(*, order: Order, now: datetime) -> bytes:
    """The performance as one calendar event, with the seats and the order's link."""
    performance = order.performance
    with override(order.language or None):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Callboard//Shop//EN")
        calendar.add("version", "2.0")
        event = icalendar.Event()
        event.add("uid", f"order-{order.reference}-performance-{performance.pk}@callboard")
        event.add("dtstamp", now)
        event.add("dtstart", performance.starts_at)
        event.add("dtend", performance.ends_at)
        event.add("summary", performance.billing)
        event.add("location", venue_address(order))
        seats = "; ".join(seat_words(t) for t in order.tickets.all() if t.status == "valid")
        link = absolute_reverse("shop:order", token=order.token)
        event.add("description", f"{seats}\n{link}")
        event.add("url", link)
        calendar.add_component(event)
        return bytes(calendar.to_ical())
