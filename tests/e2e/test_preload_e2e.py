"""In a real browser the chart module is imported while the page's script runs, and Streamlit's
own import of it reuses it: the browser fetches it once, and the charts draw."""

from tests.e2e.conftest import EXCEPTION, open_app


def test_the_chart_module_is_loaded_once_and_the_charts_draw(server, page):
    open_app(page, server.url("gan"))
    page.wait_for_function("() => window.__dlxPreloaded", timeout=60_000)
    urls = page.evaluate("() => Promise.all(window.__dlxPreloaded)")
    assert len(urls) == 1 and "/static/js/PlotlyChart." in urls[0]
    page.locator("[data-testid=stMain] .js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    fetched = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter((e) => e.name.includes('/PlotlyChart.')).map((e) => e.name)"
    )
    assert fetched == urls  # once: Streamlit's import found the preloaded module
    assert page.locator(EXCEPTION).count() == 0
