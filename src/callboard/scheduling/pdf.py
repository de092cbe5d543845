"""The day's call sheet as a PDF (fpdf2, pure Python), for the wall and for print."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from fpdf import FPDF

from callboard.core.i18n import format_moment
from callboard.core.pdffonts import text_for, unicode_font
from callboard.scheduling import selectors


def call_sheet(board: dict[str, Any]) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    family, unicode_ok = unicode_font(pdf, "Sheet")
    text = text_for(unicode_ok)

    day = board["day"]
    pdf.set_font(family, "B", 16)
    pdf.cell(
        0,
        9,
        text(_("Call sheet — %(day)s") % {"day": format_moment(day, "date_long")}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(family, "", 9)
    versions = ", ".join(f"v{v.number}" for v in board["versions"]) or "—"
    state = _("firm") if board["firm"] else _("tentative (may change)")
    pdf.cell(
        0,
        5,
        text(_("Published version(s): %(v)s · %(state)s") % {"v": versions, "state": state}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    for p in board["performances"]:
        pdf.set_font(family, "B", 10)
        start = selectors.local(p.starts_at)
        pdf.multi_cell(
            0,
            5,
            text(f"{start:%H:%M}  {p.billing} — {p.venue.name}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    for e in board["events"]:
        pdf.set_font(family, "", 9)
        start, end = selectors.local(e.starts_at), selectors.local(e.ends_at)
        where = f" — {e.studio.name}" if e.studio_id else ""
        pdf.multi_cell(
            0,
            5,
            text(f"{start:%H:%M}–{end:%H:%M}  {e.label}{where}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    widths = (24, 48, 118)
    pdf.set_font(family, "B", 9)
    for w, title in zip(widths, (_("Time"), _("Studio"), _("Call and people")), strict=True):
        pdf.cell(w, 6, text(title), border="B")
    pdf.ln()
    if not board["calls"]:
        pdf.set_font(family, "", 10)
        pdf.cell(
            0, 8, text(_("No calls are published for this day.")), new_x="LMARGIN", new_y="NEXT"
        )
    for call in board["calls"]:
        start, end = selectors.local(call.starts_at), selectors.local(call.ends_at)
        people = ", ".join(cp.person.full_name for cp in call.called.all())
        what = call.label
        if call.work_title and call.work_title not in what:
            what += f" ({call.work_title})"
        y = pdf.get_y()
        pdf.set_font(family, "B", 9)
        pdf.multi_cell(widths[0], 5, text(f"{start:%H:%M}–{end:%H:%M}"), new_x="RIGHT", new_y="TOP")
        pdf.set_font(family, "", 9)
        pdf.multi_cell(
            widths[1],
            5,
            text(f"{call.studio.name}\n{call.studio.site.name}"),
            new_x="RIGHT",
            new_y="TOP",
        )
        pdf.set_font(family, "B", 9)
        pdf.multi_cell(widths[2], 5, text(what), new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(pdf.l_margin + widths[0] + widths[1])
        pdf.set_font(family, "", 8)
        pdf.multi_cell(widths[2], 4, text(people), new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 11))
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + sum(widths), pdf.get_y())
        pdf.ln(1)
    return bytes(pdf.output())
