"""The tickets reach the buyer: the e-mail arrives on a real SMTP server (aiosmtpd), in HTML
and plain text and in the buyer's language, with a PDF ticket per seat whose QR code the door
admits once, and the performance as an .ics."""

from __future__ import annotations

import io

import icalendar
import pytest
import zxingcpp
from django.utils import timezone
from pypdf import PdfReader

from callboard.boxoffice import services
from callboard.boxoffice.models import CheckIn, Order
from callboard.boxoffice.tests.factories import on_sale, seat_ids
from callboard.core import outbox
from callboard.core.models import OutboundEmail
from callboard.core.roles import Role
from callboard.core.testing.smtp import text_of
from callboard.shop.tests.buying import checkout, deliver, order_of

pytestmark = pytest.mark.django_db


def read_ticket(pdf: bytes) -> tuple[str, list[str]]:
    """The text of a PDF ticket and what the QR codes on it say."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    codes = [
        barcode.text
        for image in page.images
        for barcode in zxingcpp.read_barcodes(image.image)
        if barcode.format == zxingcpp.BarcodeFormat.QRCode
    ]
    return page.extract_text(), codes


def _pay(client, stub) -> Order:
    order = order_of()
    stub.complete("yookassa", order.payment_reference)
    assert deliver(client, stub, "yookassa", order.payment_reference).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def _send_all() -> None:
    for email in OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING):
        outbox.email_send(email_id=email.pk, now=timezone.now())


def test_the_paid_buyer_gets_two_pdf_tickets_whose_codes_the_door_admits_once(
    client, yookassa, smtp, make_user, settings
):
    settings.CALLBOARD_SITE_URL = "https://tickets.example-ballet.org"
    perf = on_sale(timezone.now())
    perf.venue.address = "Ulitsa Lenina 1"
    perf.venue.save()
    checkout(client, perf.pk, seat_ids(perf, "1", 2, 3))
    order = _pay(client, yookassa)
    _send_all()

    message = smtp.wait_for(lambda m: m["To"] == "anna@example.org", timeout=20)
    assert message["Subject"] == f"Your tickets for {perf.billing}"
    text = text_of(message)
    assert "Dear Anna Pavlova" in text and order.reference in text
    assert f"https://tickets.example-ballet.org/shop/o/{order.token}/" in text
    html = message.get_body(preferencelist=("html",))
    assert html is not None and '<a href="https://tickets.example-ballet.org/shop/o/' in str(
        html.get_content()
    )
    pdfs = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 2
    codes = []
    for part in pdfs:
        words, found = read_ticket(part.get_content())
        assert perf.billing in words and "Ulitsa Lenina 1" in words and perf.venue.name in words
        assert "Stalls, row 1, seat" in words
        assert len(found) == 1 and found[0] in words  # the code is printed under its QR
        codes.append(found[0])
    assert sorted(codes) == sorted(order.tickets.values_list("code", flat=True))
    calendar = next(p for p in message.iter_attachments() if p.get_filename() == "performance.ics")
    event = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert (
        event.decoded("dtstart") == perf.starts_at.replace(microsecond=0)
        and str(event["summary"]) == perf.billing
    )

    usher = make_user(Role.BOX_OFFICE)
    results = [
        services.ticket_check_in(
            code=code, performance=perf, now=timezone.now(), by=usher
        ).checkin.result
        for code in codes + codes
    ]
    assert results == [CheckIn.Result.ADMITTED] * 2 + [CheckIn.Result.DUPLICATE] * 2


def test_a_buyer_who_shopped_in_russian_gets_the_email_in_russian(client, yookassa, smtp):
    perf = on_sale(timezone.now())
    client.cookies["django_language"] = "ru"
    checkout(client, perf.pk, seat_ids(perf, "1", 1), HTTP_ACCEPT_LANGUAGE="ru")
    order = _pay(client, yookassa)
    assert order.language == "ru"
    _send_all()
    message = smtp.wait_for(lambda m: m["To"] == "anna@example.org", timeout=20)
    assert str(message["Subject"]).strip().startswith("Ваши билеты")
    words, _codes = read_ticket(
        next(
            p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
        ).get_content()
    )
    assert "ряд 1" in words


def test_the_order_page_gives_the_tickets_again_and_nothing_to_a_wrong_link(client, yookassa):
    perf = on_sale(timezone.now())
    checkout(client, perf.pk, seat_ids(perf, "1", 4))
    unpaid = order_of()
    code = unpaid.tickets.get().code
    assert client.get(f"/shop/o/{unpaid.token}/tickets/{code}.pdf").status_code == 404
    order = _pay(client, yookassa)
    answer = client.get(f"/shop/o/{order.token}/tickets/{code}.pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert read_ticket(answer.content)[1] == [code]
    assert client.get(f"/shop/o/{order.token}x/").status_code == 404
    assert client.get(f"/shop/o/{order.token}/performance.ics").status_code == 200
