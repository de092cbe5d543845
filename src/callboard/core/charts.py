"""Small inline SVG bar charts: no JavaScript, readable by screen readers, printable.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says every
value in words, and a ``<title>`` on each bar. Values are also written as ``data-value``
attributes so tests can read exactly what was drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#6b2145", "#b0607f", "#d9a8bd", "#4d6b8a")
FLAG = "#a11d2b"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    flags: set[int] | frozenset[int] = frozenset(),
    width: int = 480,
    height: int = 180,
    key: str = "chart",
) -> SafeString:
    """Vertical bars, one per (label, value); bars at ``flags`` indexes drawn in red."""
    return stacked_chart(
        [(label, [value]) for label, value in bars],
        series=[unit or title],
        title=title,
        unit=unit,
        flags=flags,
        width=width,
        height=height,
        key=key,
        legend=False,
    )


def stacked_chart(
    columns: Sequence[tuple[str, Sequence[float]]],
    *,
    series: Sequence[str],
    title: str,
    unit: str = "",
    flags: set[int] | frozenset[int] = frozenset(),
    width: int = 480,
    height: int = 200,
    key: str = "chart",
    legend: bool = True,
) -> SafeString:
    """Vertical stacked bars: each column is (label, one value per series)."""
    n = max(1, len(columns))
    top = 14
    bottom = 34
    left = 8
    legend_h = 18 if legend and len(series) > 1 else 0
    plot_h = height - top - bottom - legend_h
    totals = [sum(values) for _label, values in columns]
    peak = max([*totals, 1])
    slot = (width - left * 2) / n
    bar_w = max(4.0, slot * 0.62)
    parts: list[str] = []
    words: list[str] = []
    for i, (label, values) in enumerate(columns):
        x = left + i * slot + (slot - bar_w) / 2
        y: float = top + legend_h + plot_h
        total = totals[i]
        flagged = i in flags
        for s, value in enumerate(values):
            h = plot_h * (value / peak) if peak else 0
            y -= h
            colour = FLAG if flagged and len(values) == 1 else PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}" data-key="{escape(key)}-{i}-{s}" data-value="{value:g}">'
                f"<title>{escape(label)}: {escape(series[s] if s < len(series) else '')} "
                f"{_fmt(value)} {escape(unit)}</title></rect>"
            )
        if flagged:
            outline_h = plot_h * (total / peak) if peak else 0
            parts.append(
                f'<rect x="{x - 2:.1f}" y="{top + legend_h + plot_h - outline_h - 2:.1f}" '
                f'width="{bar_w + 4:.1f}" height="{outline_h + 4:.1f}" fill="none" '
                f'stroke="{FLAG}" stroke-width="2" data-flag="{i}"/>'
            )
        label_y = top + legend_h + plot_h - plot_h * total / peak - 3
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{label_y:.1f}" '
            f'text-anchor="middle" font-size="10" fill="#1d1b22">{_fmt(total)}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 14:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#5d5866">{escape(label)}</text>'
        )
        words.append(f"{label}: {_fmt(total)} {unit}".strip() + (" (flagged)" if flagged else ""))
    if legend_h:
        lx = left
        for s, name in enumerate(series):
            parts.append(
                f'<rect x="{lx}" y="2" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
                f'<text x="{lx + 14}" y="11" font-size="11" fill="#1d1b22">{escape(name)}</text>'
            )
            lx += 14 + 7 * len(name) + 16
    body = "".join(parts)
    desc = "; ".join(words)
    # Every piece of text above is escaped.
    return mark_safe(
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMidYMid meet" data-chart="{escape(key)}" '
        f'aria-labelledby="{escape(key)}-t {escape(key)}-d">'
        f'<title id="{escape(key)}-t">{escape(title)}</title>'
        f'<desc id="{escape(key)}-d">{escape(desc)}</desc>'
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - left}" y2="{height - bottom}" '
        f'stroke="#d9d5de"/>{body}</svg>'
    )
