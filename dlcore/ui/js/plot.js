// A plotly chart that stays on the page and changes in place (dlcore/ui/plot.py).
//
// Streamlit's own chart element takes its identity from the figure: a chart whose figure changed
// is a new element, mounted anew (a new plot built from nothing, drawn once before it knows its
// width). Here the element keeps one key, so the browser keeps this div and Plotly.react redraws
// only what changed (measured on 2 cores: ~25-70 ms a chart instead of ~65-120). plotly.js is the
// library Streamlit's chart module sets as window.Plotly: the first in-place chart of a tab imports
// that module (the same file Streamlit imports for its own charts) unless a chart of Streamlit's
// already did. A click on a point is sent back as the trigger "select":
// {points: [{x, y, curve_number, point_number, point_index, customdata}]}.

function library(chunks) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__dlxPlotly) {
    const entry = document.querySelector('script[type="module"][src*="static/js/index."]');
    const loads = entry ? chunks.map((name) => import(new URL(name, entry.src).href)) : [];
    window.__dlxPlotly = Promise.all(loads).then(() => {
      if (!window.Plotly) throw new Error("Streamlit's chart module did not set window.Plotly");
      return window.Plotly;
    });
  }
  return window.__dlxPlotly;
}

// What Streamlit's theme gives its own charts and a figure leaves unset: the page's font
function themed(layout, parent) {
  const family = getComputedStyle(parent).fontFamily;
  const font = layout.font || {};
  return { ...layout, font: { family, ...font } };
}

function pointsOf(event) {
  return (event.points || []).map((p) => ({
    x: p.x,
    y: p.y,
    curve_number: p.curveNumber,
    point_number: p.pointNumber,
    point_index: p.pointIndex,
    customdata: p.customdata,
  }));
}

function config(given) {
  const remove = ["lasso2d", "select2d", "sendDataToCloud"];
  return { displaylogo: false, ...given, modeBarButtonsToRemove: remove, responsive: false };
}

function draw(P, box, parent) {
  const s = box.__dlx;
  const want = s.want;
  const width = Math.max(150, Math.floor(parent.getBoundingClientRect().width));
  if (s.spec === want.spec && s.width === width) return null;
  const fig = JSON.parse(want.spec);
  let layout = themed(fig.layout || {}, parent);
  // a figure of a fixed width (a picture over its plot area) keeps it, unless it does not fit
  layout.width = layout.width ? Math.min(layout.width, width) : width;
  if (want.click) {
    layout = { hovermode: "closest", dragmode: "pan", ...layout, clickmode: "event" };
  }
  s.spec = want.spec;
  s.width = width;
  return P.react(box, fig.data || [], layout, config(want.config || {})).then(() => {
    if (want.click && !s.listening) {
      s.listening = true;
      box.on("plotly_click", (event) => s.trigger("select", { points: pointsOf(event) }));
    }
  });
}

// one draw at a time per chart, each with the newest figure (older ones are skipped)
function schedule(box, parent, chunks) {
  const s = box.__dlx;
  s.queue = s.queue
    .then(() => library(chunks))
    .then((P) => draw(P, box, parent))
    .catch((err) => {
      s.spec = null;
      box.textContent = `This chart could not be drawn (${err.message}). Reload the page.`;
    });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  if (!data || typeof data.spec !== "string") return;
  let box = parentElement.__dlxPlot;
  if (!box) {
    box = document.createElement("div");
    box.setAttribute("data-testid", "dlx-plot");
    parentElement.appendChild(box);
    parentElement.__dlxPlot = box;
    box.__dlx = { spec: null, width: 0, queue: Promise.resolve() };
    new ResizeObserver(() => {
      if (box.__dlx.want) schedule(box, parentElement, []);
    }).observe(parentElement);
  }
  box.__dlx.want = data;
  box.__dlx.trigger = setTriggerValue;
  schedule(box, parentElement, data.chunks || []);
}
