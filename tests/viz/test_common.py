"""The common look of every plotly figure (dlcore/viz/common.py)."""


def test_the_common_style_keeps_the_legend_off_the_x_axis_title():
    import plotly.graph_objects as go

    from dlcore.viz.common import style

    fig = style(go.Figure(go.Scatter(y=[1, 2], name="loss")), title="curves")
    fig.update_xaxes(title="epoch")
    legend = fig.layout.legend
    assert legend.orientation == "h" and legend.yanchor == "bottom" and legend.y >= 1.0
    assert fig.layout.margin.t >= 60  # room for the title and the legend above the plot
