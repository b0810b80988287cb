"""Draw a status machine as an SVG diagram (no JavaScript, no external tool).

States are laid out in columns by their distance from the initial state;
forward transitions are straight arrows, backward and same-column ones are
arcs, a transition that stays in its state is a loop. Terminal states have a
double border.
"""

from __future__ import annotations

import json
from collections import deque

from markupsafe import escape

from core.workflow.machine import Machine

BOX_W, BOX_H, COL_W, ROW_H, PAD = 170, 44, 290, 96, 40
FILL = {"grey": "#eef0f3", "blue": "#dbeafe", "green": "#dcfce7", "amber": "#fef3c7", "red": "#fee2e2",
        "purple": "#ede9fe"}


def _layers(machine: Machine) -> dict[str, int]:
    layer = {machine.initial: 0}
    queue = deque([machine.initial])
    while queue:
        state = queue.popleft()
        for t in machine.transitions:
            if state in t.sources and t.target not in layer:
                layer[t.target] = layer[state] + 1
                queue.append(t.target)
    last = max(layer.values(), default=0) + 1
    for s in machine.states:
        layer.setdefault(s.key, last)
    return layer


def draw(machine: Machine) -> str:
    layer = _layers(machine)
    columns: dict[int, list[str]] = {}
    for s in machine.states:
        columns.setdefault(layer[s.key], []).append(s.key)
    pos = {key: (PAD + col * COL_W, PAD + row * ROW_H)
           for col, keys in columns.items() for row, key in enumerate(keys)}
    width = PAD * 2 + (max(columns) + 1) * COL_W - (COL_W - BOX_W) + 80  # room for same-column arcs
    height = PAD * 2 + max(len(k) for k in columns.values()) * ROW_H
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="machine-diagram" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(str(machine.title))}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#475569"/></marker></defs>']
    for t in machine.transitions:
        for source in t.sources:
            (x1, y1), (x2, y2) = pos[source], pos[t.target]
            label = escape(str(t.label))
            if source == t.target:
                cx, cy = x1 + BOX_W / 2, y1
                path = f"M{cx - 20},{cy} C{cx - 30},{cy - 38} {cx + 30},{cy - 38} {cx + 20},{cy}"
                lx, ly, anchor = cx, cy - 34, "middle"
            elif x2 == x1:  # same column: an arc to the right, wider the further apart
                sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2 + BOX_W, y2 + BOX_H / 2
                bulge = 30 + 12 * abs(y2 - y1) / ROW_H
                path = f"M{sx},{sy} C{sx + bulge},{sy} {ex + bulge},{ey} {ex},{ey}"
                lx, ly, anchor = sx + bulge * 0.75 + 4, (sy + ey) / 2 + 4, "start"
            elif x2 > x1:
                sx, sy, ex, ey = x1 + BOX_W, y1 + BOX_H / 2, x2, y2 + BOX_H / 2
                path = f"M{sx},{sy} L{ex},{ey}"
                lx, ly, anchor = (sx + ex) / 2, (sy + ey) / 2 - 6, "middle"
            else:
                sx, sy, ex, ey = x1 + BOX_W / 2, y1 + BOX_H, x2 + BOX_W / 2, y2 + BOX_H
                bend = max(sy, ey) + 40
                path = f"M{sx},{sy} C{sx},{bend} {ex},{bend} {ex},{ey}"
                lx, ly, anchor = (sx + ex) / 2, bend - 4, "middle"
            parts.append(f'<path d="{path}" fill="none" stroke="#475569" stroke-width="1.4" '
                         f'marker-end="url(#arrow)" data-transition="{escape(t.key)}"/>')
            parts.append(f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" font-size="11" fill="#334155" '
                         f'paint-order="stroke" stroke="#fff" stroke-width="4">{label}</text>')
    for s in machine.states:
        x, y = pos[s.key]
        fill = FILL.get(s.colour, FILL["grey"])
        terminal = ' data-terminal="true"' if s.terminal else ""
        parts.append(f'<g class="state" data-state="{escape(s.key)}"{terminal}>')
        parts.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" '
                     f'stroke="#1e293b" stroke-width="{2.5 if s.key == machine.initial else 1.2}"/>')
        if s.terminal:
            parts.append(f'<rect x="{x + 4}" y="{y + 4}" width="{BOX_W - 8}" height="{BOX_H - 8}" rx="6" '
                         'fill="none" stroke="#1e293b" stroke-width="1"/>')
        parts.append(f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2 + 5}" text-anchor="middle" font-size="13" '
                     f'font-weight="600" fill="#0f172a">{escape(str(s.label))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def describe(machine: Machine) -> str:
    """The machine as JSON (for partner tooling and the diagram page's data attribute)."""
    return json.dumps({
        "key": machine.key, "entity": machine.entity, "field": machine.field, "initial": machine.initial,
        "states": [{"key": s.key, "label": str(s.label), "colour": s.colour, "terminal": s.terminal}
                   for s in machine.states],
        "transitions": [{"key": t.key, "label": str(t.label), "from": list(t.sources), "to": t.target,
                         "inputs": [i.name for i in t.inputs], "stamps": list(t.stamps)}
                        for t in machine.transitions],
    }, ensure_ascii=False)
