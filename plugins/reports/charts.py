"""Charts drawn on the server as SVG: bars per manager, a line over time, a funnel.

Hand-written SVG, no JavaScript and no library: the page is complete as the
server sends it, prints, and works without JS. Every chart is an
``<svg role="img">`` with a ``<title>`` and ``<desc>`` (screen readers read
those) and its numbers are also in the table next to it — the chart is the
glance, the table is the record. Labels are text, in the reader's language,
at the page's own font (CJK and Cyrillic included); numbers come
preformatted (Babel) from the caller. Bars are horizontal so long labels in
any language stay readable; a label is cut with an ellipsis past
:data:`LABEL_CHARS` and given in full in the bar's own ``<title>``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from markupsafe import Markup, escape

Format = Callable[[Any], str]
WIDTH = 640
BAR = 22
GAP = 8
LABEL_W = 200
LABEL_CHARS = 26
_ids = itertools.count(1)


def _cut(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _head(kind: str, title: str, desc: str, height: int) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart-{kind}-{n}-t", f"chart-{kind}-{n}-d"
    head = (f'<svg class="chart chart-{kind}" role="img" aria-labelledby="{tid} {did}" '
            f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" style="max-width:100%;height:auto" '
            f'xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="13">'
            f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(desc)}</desc>')
    return head, "</svg>"


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def bars(title: str, items: Sequence[tuple[str, Any]], fmt: Format) -> Markup:
    """One horizontal bar per item (``(label, value)``), longest for the largest; ``None`` draws no bar."""
    if not items:
        return Markup("")
    height = len(items) * (BAR + GAP) + GAP
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in items)
    head, tail = _head("bars", title, desc, height)
    top = max([_number(v) for _label, v in items] + [0.0])
    room = WIDTH - LABEL_W - 90
    parts = [head]
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR + GAP)
        length = 0 if top <= 0 else max(0.0, _number(value)) / top * room
        shown = fmt(value)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(shown)}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + BAR * 0.7:.1f}" text-anchor="end" fill="currentColor">'
            f'{escape(_cut(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{BAR}" rx="3" fill="#3b6fb6"/>'
            f'<text x="{LABEL_W + length + 6:.1f}" y="{y + BAR * 0.7:.1f}" fill="currentColor">{escape(shown)}</text>'
            f'</g>')
    parts.append(tail)
    return Markup("".join(parts))


def line(title: str, points: Sequence[tuple[str, Any]], fmt: Format,
         second: Sequence[tuple[str, Any]] | None = None) -> Markup:
    """A line over time through ``points`` (``(bucket label, value)``); ``second`` is a dashed line to compare with."""
    if not points:
        return Markup("")
    height, left, bottom, top_pad = 240, 70, 40, 16
    plot_w, plot_h = WIDTH - left - 16, height - bottom - top_pad
    values = [_number(v) for _l, v in points] + [_number(v) for _l, v in (second or [])]
    top = max([*values, 0.0]) or 1.0
    step = plot_w / max(1, len(points) - 1)
    desc = "; ".join(f"{label}: {fmt(value)}" for label, value in points)
    head, tail = _head("line", title, desc, height)

    def path(series: Sequence[tuple[str, Any]]) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{left + i * step:.1f},"
                        f"{top_pad + plot_h - _number(v) / top * plot_h:.1f}" for i, (_label, v) in enumerate(series))

    parts = [head,
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}" '
             f'stroke="#999"/>',
             f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" fill="currentColor">{escape(fmt(top))}</text>',
             f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" fill="currentColor">'
             f'{escape(fmt(0))}</text>']
    if second:
        parts.append(f'<path d="{path(second[: len(points)])}" fill="none" stroke="#999" stroke-width="2" '
                     f'stroke-dasharray="5 4"/>')
    parts.append(f'<path d="{path(points)}" fill="none" stroke="#3b6fb6" stroke-width="2.5"/>')
    every = max(1, len(points) // 8)
    for i, (label, value) in enumerate(points):
        x, y = left + i * step, top_pad + plot_h - _number(value) / top * plot_h
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#3b6fb6"><title>{escape(label)}: '
                     f'{escape(fmt(value))}</title></circle>')
        if i % every == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle" font-size="11" '
                         f'fill="currentColor">{escape(_cut(label, 14))}</text>')
    parts.append(tail)
    return Markup("".join(parts))


def funnel(title: str, steps: Sequence[tuple[str, Any]], fmt: Format, rate: Format) -> Markup:
    """Steps as centred bars narrowing with their value, each with its conversion from the step before."""
    if not steps:
        return Markup("")
    row = 34
    height = len(steps) * (row + GAP) + GAP
    top = max([_number(v) for _l, v in steps] + [0.0]) or 1.0
    descs = []
    head_parts = []
    room = WIDTH - LABEL_W - 120
    for i, (label, value) in enumerate(steps):
        y = GAP + i * (row + GAP)
        width = max(2.0, _number(value) / top * room)
        x = LABEL_W + (room - width) / 2
        conv = ""
        if i > 0:
            before = _number(steps[i - 1][1])
            conv = rate(round(100 * _number(value) / before, 1) if before else None)
        descs.append(f"{label}: {fmt(value)}" + (f" ({conv})" if conv else ""))
        head_parts.append(
            f'<g class="step"><title>{escape(descs[-1])}</title>'
            f'<text x="{LABEL_W - 6}" y="{y + row * 0.62:.1f}" text-anchor="end" fill="currentColor">'
            f'{escape(_cut(label))}</text>'
            f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{row}" rx="4" fill="#2f6b3c"/>'
            f'<text x="{LABEL_W + room / 2:.1f}" y="{y + row * 0.62:.1f}" text-anchor="middle" fill="#fff" '
            f'stroke="#234" stroke-width="0.3">{escape(fmt(value))}</text>'
            f'<text x="{LABEL_W + room + 8}" y="{y + row * 0.62:.1f}" fill="currentColor">{escape(conv)}</text></g>')
    head, tail = _head("funnel", title, "; ".join(descs), height)
    return Markup(head + "".join(head_parts) + tail)
