"""The charts of a page under AppTest, of both kinds: Streamlit's plotly elements and the
in-place charts of ``dlcore.ui.plot`` (an in-page component named ``dlx_plot`` whose data holds
the figure's JSON).

    specs = chart_specs(at)           # {chart key: figure JSON string}
    live = components(at, "dlx_playground_live")
"""

from __future__ import annotations

import json

INPLACE = "dlx_plot"


def components(at, name: str) -> list:
    """The in-page components (``st.components.v2``) named ``name`` in the main area."""
    return [c for c in at.main.get("bidi_component") if c.proto.component_name == name]


def chart_specs(at) -> dict[str, str]:
    """Every chart in the main area, by its key: its figure as JSON."""
    specs = {c.proto.id: c.proto.spec for c in at.main.get("plotly_chart")}
    for c in components(at, INPLACE):
        specs[c.proto.id] = json.loads(c.proto.json)["spec"]
    return specs
