"""The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched.

Rendered by Jinja2 with autoescaping on, so message text, subjects, paths and
department names (all from outside) are escaped; only the chart SVG and the
highlighted sentences, built from escaped pieces, are marked safe.
"""

from __future__ import annotations

from jinja2 import Environment

from analyzer.report.charts import department_chart, rates_chart, trend_chart

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Empathy by department, {{ window }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 70rem; margin: 2rem auto;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .6rem; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text { text-align: left; }
.figure { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
.figure svg { max-width: 100%; height: auto; }
.alert { background: #fdf0e6; border-left: .3rem solid #D55E00; padding: .3rem .8rem; margin: .3rem 0; }
.caveat { background: #eef5fb; border-left: .3rem solid #0072B2; padding: .3rem .8rem; margin: .3rem 0; }
.flagged { color: #a33c00; font-weight: 600; }
mark { background: #ffe9a8; border-bottom: 2px solid #E69F00; padding: 0 .1rem; }
mark.span-customer_blame, mark.span-threat, mark.span-pressure, mark.span-deflection, mark.span-non_apology {
  background: #f9d3c0; border-bottom-color: #D55E00; }
mark.span-apology, mark.span-ownership, mark.span-empathy, mark.span-gratitude, mark.span-softener {
  background: #cdeee0; border-bottom-color: #009E73; }
blockquote { margin: .2rem 0 .6rem 1rem; padding-left: .6rem; border-left: 2px solid #ddd; }
.small { color: #555; font-size: .85rem; }
</style></head><body>
<h1>Empathy by department</h1>
<p class="small">Run dates {{ window }}. {{ facts.n_messages }} messages ({% for d, n in facts.by_direction.items() %}{{ d }} {{ n }}{% if not loop.last %}, {% endif %}{% endfor %}),
each counted once at its latest version. Sent {{ facts.first_sent or "-" }} to {{ facts.last_sent or "-" }};
scored by runs {{ facts.first_run }} to {{ facts.last_run }}.
Tone model{% if facts.model_versions|length > 1 %}s{% endif %}: {% for v, n in facts.model_versions.items() %}{{ v }} ({{ n }} messages){% if not loop.last %}, {% endif %}{% endfor %}.</p>

<h2>Alerts</h2>
{% if not targets.configured %}<p>No targets are set (add a <code>[targets]</code> section to the config).</p>
{% elif alerts %}{% for a in alerts %}<p class="alert">{{ a.message }} (n={{ a.n_scored }}, 95% interval {{ "%.1f"|format(a.ci_low) }}-{{ "%.1f"|format(a.ci_high) }})</p>{% endfor %}
{% else %}<p>Every department with at least {{ min_scored }} scored messages meets its targets in the latest {{ targets.period }}.</p>{% endif %}
{% for c in caveats %}<p class="caveat">{{ c }}</p>{% endfor %}

<h2>Departments on one scale</h2>
<p>The dot is the department's mean empathy score (0-100; 50 is plain civil information); the bar is its 95%
percentile-bootstrap interval (2,000 resamples): the range in which the mean would likely fall with other messages
of the same kind. The dashed line is the company mean. The gap is tested with Welch's t-test of the department
against the rest of the company, Holm-adjusted across departments: "below company" means adjusted p &lt; 0.05.
Partners (outsourced, acting for the company) are drawn as diamonds.{% if targets.min_empathy %} Vertical ticks mark targets.{% endif %}</p>
<div class="figure">{{ department_svg }}
<table><caption>Mean empathy per department</caption>
<tr><th>department</th><th>scored</th><th>mean</th><th>95% interval</th><th>gap</th><th>adj. p</th><th>verdict</th><th>target</th></tr>
<tr><td>(company)</td><td>{{ company.n_scored }}</td><td>{{ fmt(company.empathy_mean) }}</td><td>{{ fmt(company.empathy_ci_low) }}-{{ fmt(company.empathy_ci_high) }}</td><td></td><td></td><td></td><td></td></tr>
{% for r in departments %}<tr><td>{{ r.department }}{% if r.partner %} (partner){% endif %}{% if r.small_sample %} <span class="flagged" title="fewer than {{ min_scored }} scored messages">(small sample)</span>{% endif %}</td>
<td>{{ r.n_scored }}</td><td>{{ fmt(r.empathy_mean) }}</td><td>{{ fmt(r.empathy_ci_low) }}-{{ fmt(r.empathy_ci_high) }}</td>
<td>{{ fmt(r.gap_to_company) }}</td><td>{{ pvalue(r.gap_p_adjusted) }}</td><td>{{ r.gap_verdict or "" }}</td>
<td>{% if r.target is not none %}{{ r.target }}{% endif %}{% if r.alerts %} <span class="flagged">{{ r.alerts|join(", ")|replace("_", " ") }}</span>{% endif %}</td></tr>
{% endfor %}</table></div>

<h2>Trend per department, by ISO week of the run</h2>
<p>Weekly mean with its 95% percentile-bootstrap interval (the band; same method as above). A message counts in
the week of the run that scored its latest version.</p>
{% if trend %}<div class="figure">{{ trend_svg }}
<table><caption>Weekly mean (95% interval, scored messages)</caption><tr><th>department</th><th>week</th><th>mean</th><th>95% interval</th><th>n</th></tr>
{% for t in trend %}<tr><td>{{ t.department }}</td><td>{{ t.period }}</td><td>{{ fmt(t.mean) }}</td><td>{{ fmt(t.ci_low) }}-{{ fmt(t.ci_high) }}</td><td>{{ t.n_scored }}</td></tr>
{% endfor %}</table></div>{% else %}<p>No scored messages.</p>{% endif %}

<h2>Blame, threats, deflection, apologies and ownership</h2>
<p>Customer blame and ownership (the company takes the blame) are shares of company-side sentences whose most
likely blame is the customer or the company; threats, deflection (a <code>DEFLECTION</code> span: "not my
department", "you'll need to contact") and apologies are shares of scored messages with at least one such span.</p>
<div class="figure">{{ rates_svg }}
<table><caption>Rates per department (percent)</caption><tr><th>department</th>{% for col, label in rates %}<th>{{ label }}</th>{% endfor %}</tr>
{% for r in departments %}<tr><td>{{ r.department }}</td>{% for col, label in rates %}<td>{{ pct(r[col]) }}</td>{% endfor %}</tr>
{% endfor %}</table></div>

<h2>Examples per department</h2>
<p>The lowest- and highest-scoring messages of each department, with their most telling sentences; highlighted words
are the rule spans (hover for the label).</p>
{% for department, sides in examples.items() %}<h3>{{ department }}</h3>
{% for side, title in (("worst", "Lowest scores"), ("best", "Highest scores")) %}{% if sides[side] %}<h4>{{ title }}</h4>
{% for e in sides[side] %}<p><strong>{{ fmt(e.score) }}</strong> {{ e.channel }}{% if e.subject %}, "{{ e.subject }}"{% endif %}
<span class="small">{{ e.where }}, run {{ e.run_date }}</span>{% if e.flags %} <span class="flagged">flags: {{ e.flags|join(", ") }}</span>{% endif %}</p>
<blockquote>{% for s in e.sentences %}{{ s }}<br>{% endfor %}{% if e.more %}<span class="small">({{ e.more }} more sentence(s))</span>{% endif %}</blockquote>
{% endfor %}{% endif %}{% endfor %}{% endfor %}

<h2>Internal mail (colleague to colleague)</h2>
{% if internal %}<p>How departments write to each other, scored on the same scale and counted apart: none of it
enters the numbers above.</p>
<table><tr><th>department</th><th>messages</th><th>scored</th><th>mean empathy (0-100)</th><th>curt sentences</th><th>hostile sentences</th><th>flagged messages</th></tr>
{% for r in internal %}<tr><td>{{ r.department }}</td><td>{{ r.n_messages }}</td><td>{{ r.n_scored }}</td><td>{{ fmt(r.empathy_mean) }}</td><td>{{ r.n_curt }}</td><td>{{ r.n_hostile }}</td><td>{{ r.n_flagged }}</td></tr>{% endfor %}
</table>{% else %}<p>No internal mail in these runs.</p>{% endif %}
<p class="small">Generated by interaction-analyzer. How to read this report: docs/report.md.</p>
</body></html>
"""


def _fmt(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pvalue(value) -> str:
    return "" if value is None else ("< 0.001" if value < 0.001 else f"{value:.3f}")


def _pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def render_page(document: dict) -> str:
    environment = Environment(autoescape=True, trim_blocks=False)
    template = environment.from_string(TEMPLATE)
    departments = document["departments"]
    company_mean = document["company"]["empathy_mean"]
    return template.render(
        **document, fmt=_fmt, pvalue=_pvalue, pct=_pct,
        department_svg=department_chart(departments, company_mean,
                                        f"Mean empathy per department, {document['window']}"),
        trend_svg=trend_chart(document["trend"], "Weekly mean empathy per department", "ISO week of the run")
        if document["trend"] else "",
        rates_svg=rates_chart(departments, document["rates"], "Rates per department"))
