"""Browser test of the in-place charts (dlcore.ui.plot): a control that changes a chart's figure
updates the plot that is on the page (the same element, its figure replaced by Plotly.react),
instead of a new chart element built from nothing; the playground's network, plane, loss and
hidden-space charts are such charts. Their clicks are tested in test_playground_e2e.py."""

from bench.harness import wait_idle
from tests.e2e.conftest import EXCEPTION, open_app

SLOW_MS = 120_000
CHARTS = "[data-testid=stMain] [data-testid=dlx-plot]"
# mark every in-place plot; read the marks back with each plot's first neuron map or points
MARK_JS = f"""() => [...document.querySelectorAll('{CHARTS}')].forEach((el, i) => {{
    el.__dlxMark = i + 1; }})"""
STATE_JS = f"""() => [...document.querySelectorAll('{CHARTS}')].map((el) => ({{
    mark: el.__dlxMark || 0,
    drawn: !!el.querySelector('.main-svg'),
    figure: JSON.stringify([el.data.map((t) => [t.x, t.y]), (el.layout.images || []).map(
        (im) => im.source.slice(-40))]),
}}))"""


def test_a_control_updates_the_charts_in_place(server, page):
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground"), timeout_ms=SLOW_MS)
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .main-svg').length >= 4")
    before = page.evaluate(STATE_JS)
    assert len(before) == 4 and all(c["drawn"] for c in before)  # net, loss, plane, hidden space
    page.evaluate(MARK_JS)
    # Tanh -> ReLU: a new network, so new neuron maps, a new plane and a new hidden space
    page.locator("[data-testid=stSelectbox]", has_text="Activation").get_by_role(
        "button", name="Open"
    ).click()
    page.get_by_role("option", name="ReLU", exact=True).click()
    wait_idle(page)
    page.wait_for_function(
        f"""(old) => {{ const now = ({STATE_JS})();
            return now.length === old.length
                && [0, 2, 3].every((i) => now[i].figure !== old[i].figure); }}""",
        arg=before,
    )
    after = page.evaluate(STATE_JS)
    assert [c["mark"] for c in after] == [1, 2, 3, 4]  # the same four plots, not new ones
    changed = [a["figure"] != b["figure"] for a, b in zip(after, before)]
    assert changed[0] and changed[2] and changed[3], changed  # network maps, plane, hidden space
    assert page.locator(EXCEPTION).count() == 0


def test_in_place_and_streamlit_charts_share_one_chart_module(server, page):
    """The in-place charts import the very file Streamlit imports for its own charts: on a page
    with both kinds (the playground's universal-approximation section is a Streamlit chart), the
    browser fetches the module once and both kinds draw."""
    page.set_default_timeout(SLOW_MS)
    open_app(page, server.url("playground?section=uat"), timeout_ms=SLOW_MS)
    page.wait_for_function(f"() => document.querySelectorAll('{CHARTS} .main-svg').length >= 3")
    own = "[data-testid=stMain] [data-testid=stPlotlyChart] .main-svg"
    page.locator(own).first.wait_for()
    fetched = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter((e) => e.name.includes('/PlotlyChart.')).map((e) => e.name)"
    )
    assert len(fetched) == 1 and "/static/js/PlotlyChart." in fetched[0]
    assert page.locator(EXCEPTION).count() == 0
