"""Server-rendered SVG charts for the console pages (pygal): no JavaScript, readable without a network, and the
same markup in the browser, in screenshots and in PDF-bound HTML."""

from __future__ import annotations

from collections.abc import Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

# The console's palette (web/static/web/parcelhub.css), so charts sit with the rest of the page.
_STYLE = Style(background="transparent", plot_background="transparent", foreground="#1f2933",
               foreground_strong="#1f2933", foreground_subtle="#9aa5b1", font_family="inherit",
               colors=("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"))


def _render(chart) -> SafeString:
    # disable_xml_declaration gives an inline <svg> element; pygal escapes the labels and values it is given.
    return mark_safe(chart.render(is_unicode=True, disable_xml_declaration=True))  # noqa: S308


def _configured(kind, *, title: str, x_labels: Sequence[str], height: int, **options):
    chart = kind(style=_STYLE, height=height, width=800, title=title or None, x_labels=list(x_labels),
                 show_legend=True, legend_at_bottom=True, show_x_guides=False, truncate_label=-1,
                 x_label_rotation=0 if len(x_labels) <= 12 else 45, js=[], **options)
    return chart


def line_chart(*, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]],
               height: int = 300) -> SafeString:
    chart = _configured(pygal.Line, title=title, x_labels=x_labels, height=height, show_dots=len(x_labels) <= 40,
                        x_labels_major_every=max(1, len(x_labels) // 12), show_minor_x_labels=False)
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)


def bar_chart(*, title: str, x_labels: Sequence[str], series: dict[str, Sequence[float | None]],
              height: int = 300) -> SafeString:
    chart = _configured(pygal.Bar, title=title, x_labels=x_labels, height=height)
    for name, values in series.items():
        chart.add(name, list(values))
    return _render(chart)
