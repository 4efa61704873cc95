"""Charts as inline SVG (matplotlib, Agg backend): no file, no network, text kept as text.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies;
partners are told apart by marker shape too, not by colour alone. Each SVG gets a
``<title>`` (and the page puts a table beside it) as its text alternative.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")  # no display: render straight to SVG
import matplotlib.pyplot as plt
from markupsafe import Markup, escape

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
_RC = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 10, "axes.spines.top": False,
       "axes.spines.right": False}


def _svg(figure, name: str, title: str) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML declaration or DOCTYPE inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # ids unique per chart: several SVGs share one HTML document
    svg = re.sub(r'id="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(url\(#|xlink:href="#|href="#)([^")]+)', rf"\1{name}-\2", svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{name}-title" ', 1)
    head = svg.index(">") + 1
    return Markup(svg[:head] + f'<title id="{name}-title">{escape(title)}</title>' + svg[head:])


def department_chart(rows: list[dict], company_mean: float | None, title: str) -> Markup:
    """Each department's mean empathy with its 95% interval on one 0-100 scale, the company mean as a line.

    ``rows``: department, empathy_mean, empathy_ci_low, empathy_ci_high, partner (bool), target (or None).
    """
    rows = [r for r in rows if r["empathy_mean"] is not None]
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.6))
        for y, row in enumerate(rows):
            colour = OKABE_ITO[1] if row["partner"] else OKABE_ITO[0]
            axes.errorbar(row["empathy_mean"], y, xerr=[[row["empathy_mean"] - row["empathy_ci_low"]],
                                                        [row["empathy_ci_high"] - row["empathy_mean"]]],
                          fmt="D" if row["partner"] else "o", color=colour, capsize=4, markersize=7)
            if row.get("target") is not None:
                axes.plot(row["target"], y, marker="|", markersize=16, color=OKABE_ITO[5], mew=2.5)
        if company_mean is not None:
            axes.axvline(company_mean, color=OKABE_ITO[7], linestyle="--", linewidth=1)
            axes.text(company_mean, len(rows) - 0.4, f" company {company_mean:.1f}", fontsize=9, va="bottom")
        axes.set_yticks(range(len(rows)), [r["department"] + (" (partner)" if r["partner"] else "") for r in rows])
        axes.set_ylim(-0.7, len(rows) - 0.1)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("mean empathy score (0-100 points), bars: 95% bootstrap interval")
        axes.set_title(title, loc="left")
        return _svg(figure, "departments", title)


def trend_chart(stats: list[dict], title: str, period_name: str) -> Markup:
    """One line per department over the periods, the 95% interval as a band."""
    periods = sorted({row["period"] for row in stats})
    position = {label: index for index, label in enumerate(periods)}
    departments = sorted({row["department"] for row in stats})
    markers = "osD^vP*X"
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(7.5, 3.8))
        for index, department in enumerate(departments):
            own = [row for row in stats if row["department"] == department]
            x = [position[row["period"]] for row in own]
            colour = OKABE_ITO[index % len(OKABE_ITO)]
            axes.fill_between(x, [r["ci_low"] for r in own], [r["ci_high"] for r in own], color=colour, alpha=0.15,
                              linewidth=0)
            axes.plot(x, [r["mean"] for r in own], marker=markers[index % len(markers)], color=colour,
                      label=department)
        axes.set_xticks(range(len(periods)), periods, rotation=30 if len(periods) > 6 else 0)
        axes.set_ylim(0, 100)
        axes.set_xlabel(period_name)
        axes.set_ylabel("mean empathy score (points)")
        axes.set_title(title, loc="left")
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        return _svg(figure, "trend", title)


def rates_chart(rows: list[dict], rates: list[tuple[str, str]], title: str) -> Markup:
    """Grouped horizontal bars: for each department, each rate in percent."""
    departments = [row["department"] for row in rows]
    height = 0.8 / len(rates)
    with plt.rc_context(_RC):
        figure, axes = plt.subplots(figsize=(7.5, 0.9 * len(rows) + 1.6))
        for index, (column, label) in enumerate(rates):
            values = [100 * (row[column] or 0) for row in rows]
            axes.barh([y + index * height for y in range(len(rows))], values, height=height,
                      color=OKABE_ITO[index % len(OKABE_ITO)], label=label,
                      hatch=["", "//", "..", "xx", "\\\\", "++"][index % 6], edgecolor="white")
        axes.set_yticks([y + 0.4 - height / 2 for y in range(len(rows))], departments)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel("share in percent (see the table for what each rate counts)")
        axes.set_title(title, loc="left")
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        return _svg(figure, "rates", title)
