"""The attention heatmap viewer's views (pages/attention.py): where a real model looks.

- Dates: a character encoder-decoder normalises dates with one of four scoring functions
  (Bahdanau additive, Luong dot / general / concat) beside a fixed-context baseline; the alignment
  a_t(s) of every output character over the input, one cell computed by hand, the training
  checkpoints, accuracy against input length, and a fresh model trained live.
- Pointer network (Vinyals et al. 2015): the output vocabulary is the input; it sorts numbers.
- Transformer: MiniLM's 6 layers x 12 heads: the model view (a click picks a head), one head or
  an aggregate as a map (a click on a row picks the query), the neuron view (q, k, q * k and the
  softmax from the model's weights) and the head view (a click on a token focuses it).

The models are in dlcore/attention, what the views show as text and arrays in
dlcore/attention/views.py, the figures in dlcore/viz/attention.py. The shipped date models, the
pointer network and MiniLM load once per server process (``st.cache_resource`` below).
"""

from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st

from dlcore.attention import dates, minilm, pointer, seq2seq
from dlcore.attention import views as glue
from dlcore.attention.config import (
    AGGREGATES,
    CHECKPOINTS,
    FOCUS_SIDES,
    LINES,
    MODEL_LABELS,
    AttentionConfig,
)
from dlcore.attention.scores import SCORE_LABELS, renormalize
from dlcore.attention.trainer import DateSnapshot, DateTrainCfg, DateTrainer
from dlcore.config import field_specs
from dlcore.ui.output import LiveOut
from dlcore.ui.page import Page, View
from dlcore.viz import attention as figures

AttentionPage = Page[AttentionConfig]
# what a student reads for each choice of the page's selectboxes and radios, per config field
# (tests/pages/test_attention.py checks that every choice has one)
LABELS = {
    "score": SCORE_LABELS,
    "compare": MODEL_LABELS,
    "agg": AGGREGATES,
    "lines": LINES,
    "focus_side": FOCUS_SIDES,
}
CHECKPOINT_LABEL = "Training checkpoint (step): alignment from uniform to sharp"
# the clickable charts: a date's map, the head view, the model view, MiniLM's map
MAP_CHART, LINES_CHART, MODEL_CHART, MINILM_CHART = "map_a", "lines", "model_view", "minilm"
NEURON_CHART = "neuron"
PRETRAIN = "`python -m dlcore.pretrain attention`"
QUERY_KEY = {"row_title": "query token", "col_title": "key token"}
HALF_WIDTH, FULL_WIDTH = 470, 950  # px of a chart in half / all of the page's main column
SIDE_BY_SIDE_CHARS = 24  # longer dates: the two maps one above the other (labels stay apart)
SIDE_BY_SIDE_TOKENS = 16  # longer sentences: MiniLM's map above the neuron view


# -- shared, read-only models (one copy per server process) -----------------------------
@st.cache_resource(show_spinner=False)
def date_model(score: str, snapshot: int | None) -> seq2seq.Seq2Seq:
    """A shipped date model: its final weights (``snapshot`` None) or a training snapshot."""
    return seq2seq.load_model(score, snapshot)


@st.cache_resource(show_spinner=False)
def pointer_network() -> pointer.PointerNet:
    return pointer.load_pointer()


@st.cache_resource(show_spinner="Loading MiniLM (once per server)…")
def minilm_model() -> tuple[object, object]:
    """(tokenizer, model) of all-MiniLM-L6-v2."""
    return minilm.load_minilm()


# -- callbacks (they run before the next script run) ------------------------------------
def _pick_cell(page: AttentionPage) -> None:
    """A click on the left alignment map picks the cell that the by-hand panel computes."""
    cell = glue.cell_from_points(page.selection(MAP_CHART), (dates.OUT_LEN, dates.MAX_SRC))
    if cell is not None:
        page.set_widgets({"row": cell[0], "col": cell[1]})


def _pick_token(page: AttentionPage) -> None:
    """A click on a token of the head view shows only that token's lines."""
    kept = page.get("shown_tokens") or []
    pick = glue.token_from_points(page.selection(LINES_CHART), len(kept))
    if pick is not None:
        page.set_widgets({"focus_side": pick[0], "focus": kept[pick[1]]})


def _use_example(page: AttentionPage) -> None:
    page.set_widgets({"date": page.get("example") or ""})


# -- helpers of the views ---------------------------------------------------------------
def _heatmap(
    page: AttentionPage,
    name: str,
    weights: np.ndarray,
    cols: list[str],
    rows: list[str],
    *,
    where: object = None,
    on_select: object = None,
    **kw: object,
) -> None:
    """An alignment heatmap as a keyed chart; with ``on_select`` a click on a cell selects it."""
    fig = figures.alignment_heatmap(weights, cols, rows, clickable=on_select is not None, **kw)
    select = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    page.chart(fig, name, where=where, **select)


def _export(
    page: AttentionPage, matrix: np.ndarray, rows: list, cols: list, name: str, **png: object
) -> None:
    """CSV and PNG downloads of a shown matrix, with its labels; ``png``: the picture's title,
    axis titles and colour scale (``figures.matrix_png``), as the page shows them. The picture is
    drawn when its button is clicked (~0.03 s that each typed date no longer waits for)."""
    csv = figures.matrix_csv(matrix, rows, cols)
    image = partial(figures.matrix_png, matrix, rows, cols, **png)
    page.downloads(name, {"csv": (csv, "text/csv"), "png": (image, "image/png")})


def _shipped(page: AttentionPage, score: str, checkpoint: str) -> seq2seq.Seq2Seq | None:
    """The shipped model of ``score`` at ``checkpoint``, or a notice and None if not shipped."""
    if glue.date_meta(score) is None:
        page.notice(f"{MODEL_LABELS[score]}: no shipped checkpoint; {PRETRAIN} makes it.")
        return None
    return date_model(score, None if checkpoint == "final" else int(checkpoint))


def _notices(page: AttentionPage, notices: list[str]) -> None:
    for text in notices:
        page.notice(text)


# -- dates: the encoder-decoder ---------------------------------------------------------
def _date_controls(page: AttentionPage) -> None:
    date_col, score_col, compare_col, tau_col = st.columns([3, 2, 2, 2])
    with date_col:
        page.widget("date")
        st.selectbox(
            "…or an example",
            dates.EXAMPLES,
            None,
            key=page.key("example"),
            on_change=_use_example,
            args=(page,),
        )
    with score_col:
        page.widget("score")
    with compare_col:
        page.widget("compare")
    with tau_col:
        page.widget("temperature", step=0.05)
    st.select_slider(
        CHECKPOINT_LABEL,
        options=list(CHECKPOINTS),
        key=page.widget_key("checkpoint"),
        format_func=partial(_checkpoint_label, page.cfg.score),
    )


def _checkpoint_label(score: str, checkpoint: str) -> str:
    """What the checkpoint scrubber shows: how many training steps each snapshot had ("after N
    steps": the live panel's counter line alone reads "step N")."""
    if checkpoint == "final":
        meta = glue.date_meta(score)
        return f"trained ({meta['steps']:,} steps)" if meta else "trained"
    return "untrained (0 steps)" if checkpoint == "0" else f"after {checkpoint} steps"


def _map_columns(n_chars: int) -> tuple[object, object, int]:
    """Where the two maps go, and about how wide each is (px): side by side for a short date,
    one above the other for a long one, so that every input character keeps its label."""
    if n_chars <= SIDE_BY_SIDE_CHARS:
        left, right = st.columns(2)
        return left, right, HALF_WIDTH
    return st.container(), st.container(), FULL_WIDTH


def _cell(cfg: AttentionConfig, maps: seq2seq.AttentionMaps) -> tuple[int, int]:
    """The (t, s) of the by-hand cell, inside this date's map."""
    return min(cfg.row, len(maps.output) - 1), min(cfg.col, len(maps.source) - 1)


def _compared(page: AttentionPage, clean: str) -> tuple[seq2seq.AttentionMaps, np.ndarray] | None:
    """The compared model's alignment of the same date at the same temperature (None for the
    fixed-context baseline, which has none, and for a model that is not shipped)."""
    if page.cfg.compare == "none" or glue.date_meta(page.cfg.compare) is None:
        return None
    maps_b = seq2seq.attend(date_model(page.cfg.compare, None), clean)
    return maps_b, renormalize(maps_b.scores, page.cfg.temperature)


def _comparison(
    page: AttentionPage,
    clean: str,
    maps: seq2seq.AttentionMaps,
    w_a: np.ndarray,
    other: tuple[seq2seq.AttentionMaps, np.ndarray] | None,
    top: float,
    width: int,
) -> None:
    """The right column: the compared model's map and the difference, or the baseline's answer."""
    cfg = page.cfg
    if cfg.compare == "none":
        baseline = _shipped(page, "none", "final")
        if baseline is not None:
            answer = seq2seq.translate(baseline, [clean])[0]
            st.markdown(f"**{MODEL_LABELS['none']}** → `{answer}`")
            page.notice(
                "The baseline squeezes the whole date into one context vector: no alignment."
            )
        return
    if other is None:
        _shipped(page, cfg.compare, "final")  # the notice that it is not shipped
        return
    maps_b, w_b = other
    label = MODEL_LABELS[cfg.compare]
    st.markdown(f"**{label}** → `{maps_b.text}`")
    _heatmap(page, "map_b", w_b, maps.source, maps_b.output, title=label, zmax=top, width=width)
    _heatmap(
        page,
        "map_diff",
        w_a - w_b,
        maps.source,
        figures.diff_rows(maps.output, maps_b.output),
        signed=True,
        title="Difference (left − right)",
        row_title="output: left | right",
        scale_title="left − right",
        width=width,
    )


def _by_hand(page: AttentionPage, model: seq2seq.Seq2Seq, maps: seq2seq.AttentionMaps) -> None:
    """One cell of the left map computed from the query and the key, step by step."""
    cfg = page.cfg
    t, s = _cell(cfg, maps)
    with st.expander("Compute one cell by hand", expanded=True, icon=":material/calculate:"):
        st.caption("Click a cell of the left map, or type its position:")
        page.row("row", "col", row={"widget": "number"}, col={"widget": "number"})
        math = glue.cell_math(model, maps, t, s, cfg.temperature)
        st.markdown(math.heading)
        st.latex(glue.scoring_latex(cfg.score))
        st.markdown(math.vectors)
        for line in math.equations:
            st.latex(line)
        st.caption(glue.temperature_caption(cfg.temperature))


def _training_curves(page: AttentionPage) -> None:
    """The shipped model's loss at the scrubbed checkpoint, and accuracy against input length,
    drawn when their expander is opened (a rerun): closed, the page's first picture and every
    change of the scoring function did not wait for two more charts (31 lines of accuracy)."""
    title = "How the shipped models trained: loss, and accuracy against input length"
    box = page.lazy(title, "curves_open", icon=":material/show_chart:")
    if box is not None:
        with box:
            _curves(page)


def _curves(page: AttentionPage) -> None:
    cfg = page.cfg
    meta = glue.date_meta(cfg.score)
    at = meta["steps"] if cfg.checkpoint == "final" else int(cfg.checkpoint)
    title = f"Training loss of {MODEL_LABELS[cfg.score]} vs no attention"
    loss = figures.loss_with_marker(
        meta["loss_steps"], meta["loss"], at, title, glue.baseline_loss()
    )
    page.chart(loss, "loss")
    report = glue.length_report()
    if report is None:
        page.notice(
            "No accuracy-by-length report: run `python -m dlcore.pretrain attention lengths`."
        )
        return
    page.chart(figures.accuracy_by_length(report, MODEL_LABELS), "accuracy")
    st.caption(glue.length_caption(report))


def _alignment(page: AttentionPage) -> None:
    _date_controls(page)
    cfg = page.cfg
    clean, notices = dates.normalize_source(cfg.date)
    _notices(page, notices)
    if not clean:
        page.notice("Type a date (for example Fri 27 Nov 2026) to see the alignment.", "warning")
        return
    model = _shipped(page, cfg.score, cfg.checkpoint)
    if model is None:
        return
    maps = seq2seq.attend(model, clean)
    w_a = renormalize(maps.scores, cfg.temperature)
    other = _compared(page, clean)
    top = max(float(w_a.max()), float(other[1].max()) if other else 0.0)  # one shared scale
    left, right, width = _map_columns(len(maps.source))
    with left:
        label = MODEL_LABELS[cfg.score]
        st.markdown(f"**{label}** → `{maps.text}`")
        title = f"{label}, τ = {cfg.temperature:g}"
        _heatmap(
            page,
            MAP_CHART,
            w_a,
            maps.source,
            maps.output,
            selected=_cell(cfg, maps),
            title=title,
            zmax=top,
            width=width,
            on_select=partial(_pick_cell, page),
        )
        if other is not None:
            st.caption(
                f"Both maps share one colour scale: white is weight 0, the darkest blue"
                f" {top:.2f} (the larger of their two maxima), so equal colours mean equal weights."
            )
        _export(
            page,
            w_a,
            maps.output,
            maps.source,
            f"alignment_{cfg.score}",
            title=f"{title}: {maps.text}",
            row_title="output character",
            col_title="input character",
            zmax=top,
        )
    with right:
        _comparison(page, clean, maps, w_a, other, top, width)
    _by_hand(page, model, maps)
    _training_curves(page)


# -- dates: a fresh model trained live --------------------------------------------------
def _training_caption(snap: DateSnapshot) -> str:
    if not len(snap.loss):
        return "No training yet: press Play or Step. The model watches the date typed above."
    return (
        f"Latest loss {snap.loss[-1]:.3f}. For the date typed above the model now writes "
        f"{snap.output}."
    )


def _render_training(page: AttentionPage, trainer: DateTrainer, out: LiveOut) -> None:
    """Playing: one raster of the loss and the live alignment a frame; paused: the charts."""
    snap = trainer.snapshot()
    maps = snap.maps
    if out.live:
        out.caption(_training_caption(snap))
        rgb = figures.live_training_image(
            snap.loss_steps,
            snap.loss,
            None if maps is None else maps.weights,
            [] if maps is None else maps.source,
            [] if maps is None else maps.output,
            title=f"Live alignment -> {snap.output}",
        )
        out.png(rgb, width=figures.LIVE_SIZE[0])
        return
    left, right = st.columns(2)
    loss = figures.loss_with_marker(snap.loss_steps, snap.loss, None, "Live training loss")
    page.chart(loss, "live_loss", where=left)
    if maps is not None:
        title = f"Live alignment → {snap.output}"
        _heatmap(
            page,
            "live_map",
            maps.weights,
            maps.source,
            maps.output,
            where=right,
            title=title,
        )
    st.caption(_training_caption(snap))  # in the body: a live frame replaces it with its own


def _train_live(page: AttentionPage) -> None:
    """The live panel, built when its expander is opened (a rerun): closed, it cost the page's
    first paint a trainer, two charts and their controls. Closing it pauses training."""
    box = page.lazy(
        "Train a fresh model live (shared controls)", "live_open", icon=":material/model_training:"
    )
    if box is None:
        page.pause()
        return
    with box:
        page.widget("lr", format="%.4f", step=1e-4)
        page.widget("batch")
        page.widget("seed")
        page.live(
            DateTrainer,
            partial(_render_training, page),
            cfg=DateTrainCfg.of(page.cfg),  # the page's other settings leave the trainer alone
            step_size=10,
            budget_s=0.1,
            epoch_label="Dates seen (thousands)",
            one_element=True,
        )


def dates_view(page: AttentionPage) -> None:
    _alignment(page)
    _train_live(page)


# -- the pointer network ----------------------------------------------------------------
def pointer_view(page: AttentionPage) -> None:
    page.widget("numbers")
    values, notices = pointer.parse_numbers(page.cfg.numbers)
    _notices(page, notices)
    if values is None:
        return
    res = pointer.sort_numbers(pointer_network(), values)
    st.markdown(glue.pointer_summary(res))
    st.latex(glue.POINTER_LATEX)
    page.chart(figures.pointer_figure(res.weights, values, res.picks, res.correct), "pointer")
    st.caption(glue.POINTER_CAPTION)
    labels = glue.pointer_labels(res)
    axes = {"row_title": "output (pick)", "col_title": "input"}
    _export(page, res.weights, *labels, "pointer", title="Pointer network", **axes)


# -- the transformer (MiniLM) -----------------------------------------------------------
def _head_controls(page: AttentionPage, maps: minilm.MiniLMMaps, pair: bool) -> None:
    heads_key, focus_key = page.widget_key("heads"), page.widget_key("focus")
    if not isinstance(page.widget_state("heads"), list):  # a link seeds the text form "0,3,7"
        st.session_state[heads_key] = list(page.cfg.heads)
    shown = glue.shown_indices(maps, page.cfg.hide_special)  # the focus is a model token
    if page.widget_state("focus", -1) not in [-1, *shown]:
        st.session_state[focus_key] = -1
    st.pills(
        "Heads shown (click to toggle)", list(range(12)), selection_mode="multi", key=heads_key
    )
    st.image(
        figures.head_swatches(page.widget_state("heads"), cell=40),
        caption="Head colours (pale: not shown)",
    )
    if pair:
        page.widget("lines", widget="radio")
    names = {-1: "none (all tokens)", **{i: f"{i}: {maps.tokens[i]}" for i in shown}}
    st.selectbox("Focus token", [-1, *shown], key=focus_key, format_func=names.get)
    page.widget("focus_side", widget="radio")


def _head_view(page: AttentionPage, maps: minilm.MiniLMMaps) -> None:
    """BertViz's head view: one colour per head, lines from each token to what it attends to."""
    pair = bool(page.cfg.sentence_b.strip())
    view, controls = st.columns(2)  # room for all 12 head pills on one line
    with controls:
        _head_controls(page, maps, pair)
    cfg = page.refresh()  # the controls may have reset the heads or the focus
    focus = (cfg.focus_side, cfg.focus) if cfg.focus >= 0 else None
    lines = cfg.lines if pair else "all"
    shown = glue.head_lines(maps, cfg.layer, cfg.heads, cfg.hide_special, lines, focus)
    with view:
        if shown.notice:
            page.notice(shown.notice)
        if not shown.heads:
            page.notice("Pick at least one head to see its lines.")
        fig = figures.head_view(shown.tokens, shown.weights, shown.heads, focus=shown.focus)
        page.chart(fig, LINES_CHART, on_select=partial(_pick_token, page), selection_mode="points")
        st.caption(glue.head_view_caption(cfg.layer))


def _query_control(page: AttentionPage, tokens: tuple[str, ...]) -> int:
    """The neuron view's query token (a model token index; clicks on the map's rows set it)."""
    if not 0 <= page.widget_state("query", page.cfg.query) < len(tokens):
        page.set_widgets({"query": min(max(page.cfg.query, 0), len(tokens) - 1)})
    names = {i: f"{i}: {token}" for i, token in enumerate(tokens)}
    return st.selectbox(
        field_specs(AttentionConfig)["query"].label,
        range(len(tokens)),
        key=page.widget_key("query"),
        format_func=names.get,
    )


def _neuron_view(
    page: AttentionPage, model: object, maps: minilm.MiniLMMaps, where: object
) -> None:
    """BertViz's neuron view: q, k, q * k and the softmax of the chosen head for one query:
    the query control and the equations with this head's numbers in ``where``, the figure
    across the page below."""
    with where:
        query = _query_control(page, maps.tokens)
        neuron = minilm.neuron(model, maps, page.cfg.layer, page.cfg.head, query)
        for line in glue.neuron_latex(neuron, maps.tokens):
            st.latex(line)
    page.chart(figures.neuron_view(neuron, maps.tokens), NEURON_CHART)


def _pick_head(page: AttentionPage) -> None:
    """A click on a head of the model view shows that layer and head in the detailed views."""
    pick = glue.head_from_points(page.selection(MODEL_CHART), minilm.LAYERS, minilm.HEADS)
    if pick is not None:
        layer, head = pick
        page.set_widgets({"layer": layer, "head": head, "agg": "head", "heads": (head,)})


def _pick_query(page: AttentionPage) -> None:
    """A click on a row of MiniLM's map makes that row's token the neuron view's query."""
    kept = page.get("shown_tokens") or []
    cell = glue.cell_from_points(page.selection(MINILM_CHART), (len(kept), len(kept)))
    if cell is not None:
        page.set_widgets({"query": kept[cell[0]]})


def _minilm_map(
    page: AttentionPage, maps: minilm.MiniLMMaps, shown: tuple, where: object, width: int
) -> None:
    """The chosen head (or aggregate) as a map whose rows pick the neuron view's query."""
    cfg = page.cfg
    _, matrix, tokens, what = shown
    kept = glue.shown_indices(maps, cfg.hide_special)
    page.set("shown_tokens", kept)  # for the click callback: shown row -> model token index
    row = kept.index(cfg.query) if cfg.query in kept else None
    _heatmap(
        page,
        MINILM_CHART,
        matrix,
        tokens,
        tokens,
        where=where,
        title=what,
        height=figures.map_height(len(tokens), lo=420),
        width=width,
        selected_row=row,
        on_select=partial(_pick_query, page),
        click_hint="click: this query in the neuron view",
        **QUERY_KEY,
    )


def transformer_view(page: AttentionPage) -> None:
    left, right = st.columns(2)
    with left:
        page.widget("sentence")
    with right:
        page.widget("sentence_b")
    page.row("layer", "head", "agg", "hide_special")
    cfg = page.cfg
    tokenizer, model = minilm_model()
    maps, notices = minilm.attention_maps(tokenizer, model, cfg.sentence, cfg.sentence_b)
    _notices(page, notices)
    if maps is None:
        return
    shown = glue.minilm_matrix(maps, cfg.layer, cfg.head, cfg.agg, cfg.hide_special)
    att, matrix, tokens, what = shown
    special = maps.special[glue.shown_indices(maps, cfg.hide_special)]
    fig = figures.model_view(att, tokens, special, (cfg.layer, cfg.head))
    page.chart(fig, MODEL_CHART, on_select=partial(_pick_head, page), selection_mode="points")
    st.caption(glue.MODEL_VIEW_CAPTION)
    wide = len(tokens) > SIDE_BY_SIDE_TOKENS
    left, right = (st.container(), st.container()) if wide else st.columns(2)
    _minilm_map(page, maps, shown, left, FULL_WIDTH if wide else HALF_WIDTH)
    with left:
        st.latex(glue.AGG_LATEX[cfg.agg])
        name, title = f"minilm_{cfg.agg}", f"MiniLM, {what}"
        _export(page, matrix, tokens, tokens, name, title=title, **QUERY_KEY)
    _neuron_view(page, model, maps, right)
    _head_view(page, maps)
    st.caption(glue.minilm_caption(maps))


VIEWS: dict[str, View[AttentionConfig]] = {
    "dates": View("Dates: encoder-decoder", dates_view),
    "pointer": View("Pointer network", pointer_view),
    "transformer": View("Transformer (MiniLM)", transformer_view),
}
