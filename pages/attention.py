"""Attention heatmap viewer: where a real model looks. Date normalization with four scoring
functions and a fixed-context baseline, a pointer network that sorts, and MiniLM's 6 x 12 heads
(models in dlcore/attention, figures in dlcore/viz/attention.py)."""

import streamlit as st

from dlcore.attention import dates as D
from dlcore.attention import minilm as M
from dlcore.attention import pointer as P
from dlcore.attention import seq2seq as S2S
from dlcore.attention import views as W
from dlcore.attention.config import AGGREGATES, CHECKPOINTS, FOCUS_SIDES, LINES, MODEL_LABELS, VIEWS
from dlcore.attention.config import AttentionConfig as C
from dlcore.attention.scores import renormalize
from dlcore.attention.trainer import DateTrainer
from dlcore.ui.frame import page_frame
from dlcore.ui.live import live_panel
from dlcore.ui.urlstate import config_from_state, field_widget, sync_url, url_config, wkey
from dlcore.viz import attention as V

NS = "attention"
S = st.session_state
page_frame(NS)
cfg = url_config(C, NS)
load_date = st.cache_resource(show_spinner=False)(S2S.load_model)
load_pointer = st.cache_resource(show_spinner=False)(P.load_pointer)
load_minilm = st.cache_resource(show_spinner="Loading MiniLM (once per server)…")(M.load_minilm)
fmt_model = MODEL_LABELS.get
QK = {"row_title": "query token", "col_title": "key token"}
LIVE = {"step_size": 10, "budget_s": 0.1, "epoch_label": "Dates seen (thousands)"}


def export(matrix, rows, cols, name: str) -> None:
    csv_png = (V.matrix_csv(matrix, rows, cols), V.matrix_png(matrix, rows, cols))
    for col, ext, data, mime in zip(
        st.columns(2), ("csv", "png"), csv_png, ("text/csv", "image/png")
    ):
        col.download_button(ext.upper(), data, f"{name}.{ext}", mime, key=f"{NS}.{ext}.{name}")


def heat(key: str, *args, select=None, **kw) -> None:
    fig = V.alignment_heatmap(*args, clickable=select is not None, **kw)
    click = {"on_select": select, "selection_mode": "points"} if select else {}
    st.plotly_chart(fig, key=f"{NS}.{key}", **click)


def on_cell() -> None:  # a click on the left map picks the cell computed by hand
    cell = W.cell_from_points(S[f"{NS}.map_a"].selection.points, (D.OUT_LEN, D.MAX_SRC))
    if cell is not None:
        S[wkey(NS, "row")], S[wkey(NS, "col")] = cell


def on_token() -> None:  # a click on a head-view token shows only its lines
    pick = W.token_from_points(S[f"{NS}.lines"].selection.points, M.MAX_TOKENS)
    if pick is not None:
        S[wkey(NS, "focus_side")], S[wkey(NS, "focus")] = pick


def use_example() -> None:
    st.session_state[wkey(NS, "date")] = st.session_state[f"{NS}.example"] or ""


def model_for(score: str, checkpoint: str):
    if W.date_meta(score) is None:
        st.info(f"{fmt_model(score)}: no checkpoint; run `python -m dlcore.pretrain attention`.")
        return None
    return load_date(score, None if checkpoint == "final" else int(checkpoint))


def dates_view() -> None:
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    with c1:
        field_widget(NS, C, "date")
        st.selectbox("…or an example", D.EXAMPLES, None, key=f"{NS}.example", on_change=use_example)
    with c2:
        field_widget(NS, C, "score", format_func=fmt_model)
    with c3:
        field_widget(NS, C, "compare", format_func=fmt_model)
    with c4:
        field_widget(NS, C, "temperature", step=0.05)
    label = "Training checkpoint (step): alignment from uniform to sharp"
    st.select_slider(label, options=list(CHECKPOINTS), key=wkey(NS, "checkpoint"))
    now = config_from_state(C, NS)
    clean, notices = D.normalize_source(now.date)
    for n in notices:
        st.info(n, icon=":material/info:")
    if not clean:
        st.warning("Type a date (for example Fri 27 Nov 2026) to see the alignment.")
        return
    model = model_for(now.score, now.checkpoint)
    if model is None:
        return
    maps = S2S.attend(model, clean)
    w_a = renormalize(maps.scores, now.temperature)
    t, s = min(now.row, len(maps.output) - 1), min(now.col, len(maps.source) - 1)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{fmt_model(now.score)}** → `{maps.text}`")
        title = f"{fmt_model(now.score)}, τ = {now.temperature:g}"
        heat("map_a", w_a, maps.source, maps.output, selected=(t, s), title=title, select=on_cell)
        export(w_a, maps.output, maps.source, f"alignment_{now.score}")
    other = model_for(now.compare, "final")
    with right:
        if other is not None and now.compare == "none":
            st.markdown(f"**{fmt_model('none')}** → `{S2S.translate(other, [clean])[0]}`")
            st.info("The baseline squeezes the whole date into one context vector: no alignment.")
        elif other is not None:
            maps_b = S2S.attend(other, clean)
            w_b = renormalize(maps_b.scores, now.temperature)
            st.markdown(f"**{fmt_model(now.compare)}** → `{maps_b.text}`")
            heat("map_b", w_b, maps.source, maps_b.output, title=fmt_model(now.compare))
            diff = "Difference (left − right)"
            heat(
                "map_diff", w_a - w_b, maps.source, maps.output, signed=True, title=diff, height=280
            )
    with st.expander("Compute one cell by hand", expanded=True, icon=":material/calculate:"):
        st.caption("Click a cell of the left map, or type its position:")
        a, b = st.columns(2)
        with a:
            field_widget(NS, C, "row", widget="number")
        with b:
            field_widget(NS, C, "col", widget="number")
        st.markdown(W.cell_markdown(model, maps, t, s, now.temperature))
    meta = W.date_meta(now.score)
    at = meta["steps"] if now.checkpoint == "final" else int(now.checkpoint)
    loss_title = f"Training loss of {fmt_model(now.score)} vs no attention"
    loss = V.loss_with_marker(meta["loss_steps"], meta["loss"], at, loss_title, W.baseline_loss())
    st.plotly_chart(loss, key=f"{NS}.loss")
    rep = W.length_report()
    if rep is None:
        st.info("No accuracy-by-length report: run `python -m dlcore.pretrain attention lengths`.")
        return
    st.plotly_chart(V.accuracy_by_length(rep, MODEL_LABELS), key=f"{NS}.acc")
    st.caption(W.length_caption(rep))


def render_train(trainer, live: bool) -> None:
    snap = trainer.snapshot()
    a, b = st.columns(2)
    a.plotly_chart(
        V.loss_with_marker(snap.loss_steps, snap.loss, None, "Live training loss"),
        key=f"{NS}.live_loss.{live}",
    )
    if snap.maps is not None:
        with b:
            m, title = snap.maps, f"Live alignment → {snap.output}"
            heat(f"live_map.{live}", m.weights, m.source, m.output, title=title, height=300)


def pointer_view() -> None:
    field_widget(NS, C, "numbers")
    values, notices = P.parse_numbers(config_from_state(C, NS).numbers)
    for n in notices:
        st.info(n, icon=":material/info:")
    if values is None:
        return
    res = P.sort_numbers(load_pointer(), values)
    st.markdown(W.pointer_summary(res))
    st.plotly_chart(V.pointer_figure(res.weights, values, res.picks, res.correct), key=f"{NS}.ptr")
    st.caption(W.POINTER_CAPTION)
    export(res.weights, *W.pointer_labels(res), "pointer")


def head_view(maps: M.MiniLMMaps, now: C) -> None:
    hk, fk = wkey(NS, "heads"), wkey(NS, "focus")
    if not isinstance(S.get(hk), list):  # a link seeds the text form "0,3,7"
        S[hk] = list(now.heads)
    tokens = W.head_lines(maps, now.layer, (), now.hide_special).tokens
    if not -1 <= S.get(fk, -1) < len(tokens):
        S[fk] = -1
    pair = bool(now.sentence_b.strip())
    view, ctl = st.columns(2)  # room for all 12 head pills on one line
    with ctl:
        st.pills("Heads shown (click to toggle)", list(range(12)), selection_mode="multi", key=hk)
        st.image(V.head_swatches(S[hk]), caption="Head colours (pale: not shown)")
        if pair:
            field_widget(NS, C, "lines", widget="radio", format_func=LINES.get)
        names = ["none", *(f"{i}: {t}" for i, t in enumerate(tokens))]
        st.selectbox(
            "Focus token", range(-1, len(tokens)), key=fk, format_func=lambda i: names[i + 1]
        )
        field_widget(NS, C, "focus_side", widget="radio", format_func=FOCUS_SIDES.get)
    now = config_from_state(C, NS)
    focus = (now.focus_side, now.focus) if now.focus >= 0 else None
    hl = W.head_lines(
        maps, now.layer, now.heads, now.hide_special, now.lines if pair else "all", focus
    )
    with view:
        for notice in [hl.notice] if hl.notice else []:
            st.info(notice)
        if not hl.heads:
            st.info("Pick at least one head to see its lines.")
        fig = V.head_view(hl.tokens, hl.weights, hl.heads, focus=focus)
        st.plotly_chart(fig, key=f"{NS}.lines", on_select=on_token, selection_mode="points")
        st.caption(W.head_view_caption(now.layer))


def transformer_view() -> None:
    a, b = st.columns(2)
    with a:
        field_widget(NS, C, "sentence")
    with b:
        field_widget(NS, C, "sentence_b")
    c = st.columns(4)
    for col, name in zip(c, ("layer", "head", "agg", "hide_special")):
        with col:
            field_widget(NS, C, name, **({"format_func": AGGREGATES.get} if name == "agg" else {}))
    now = config_from_state(C, NS)
    tok, model = load_minilm()
    maps, notices = M.attention_maps(tok, model, now.sentence, now.sentence_b)
    for n in notices:
        st.info(n, icon=":material/info:")
    if maps is None:
        return
    att, mat, tokens, what = W.minilm_matrix(maps, now.layer, now.head, now.agg, now.hide_special)
    left, right = st.columns([2, 3])
    left.image(V.grid_image(att), caption=W.MODEL_VIEW_CAPTION, width="stretch")
    with right:
        heat("mini", mat, tokens, tokens, title=what, height=420, **QK)
    head_view(maps, now)
    st.caption(W.minilm_caption(maps))
    export(mat, tokens, tokens, f"minilm_{now.agg}")


view = field_widget(
    NS, C, "view", widget="radio", format_func=VIEWS.get, label_visibility="collapsed"
)
{"dates": dates_view, "pointer": pointer_view, "transformer": transformer_view}[view]()
panel = None
if view == "dates":
    with st.expander(
        "Train a fresh model live (shared controls)", icon=":material/model_training:"
    ):
        for name in ("lr", "batch", "seed"):
            field_widget(NS, C, name)
        panel = live_panel(NS, config_from_state(C, NS), DateTrainer, render_train, **LIVE)
cfg = config_from_state(C, NS)
sync_url(cfg, NS)
if panel is not None:
    panel.loop()
