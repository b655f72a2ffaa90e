// The backpropagation page's live frame (dlcore/viz/backprop.py diagram_payload): a node-link
// diagram (the expression graph while the backward pass walks it, or the lecture's network while
// SGD trains it), drawn on a canvas from the same positions and colours as the paused plotly
// figure, and, for the network, the error curve. Everything is painted from numbers and text
// with fillText: nothing in the data is ever parsed as HTML.

const FONT = '"Source Sans Pro", "Source Sans 3", system-ui, sans-serif';

function el(tag, css) {
  const e = document.createElement(tag);
  if (css) e.style.cssText = css;
  return e;
}

function view(parent) {
  let v = parent.__dlxBackprop;
  if (!v) {
    v = {};
    v.root = el("div", "display:flex;flex-direction:column;gap:6px;");
    v.root.setAttribute("data-testid", "dlx-live-frame");
    v.diagram = el("canvas", "display:block;width:100%;");
    v.diagram.setAttribute("aria-label", "the graph: values in black, gradients in red");
    v.curve = el("canvas", "display:none;");
    v.curve.setAttribute("aria-label", "the error after each step");
    v.root.append(v.diagram, v.curve);
    parent.__dlxBackprop = v;
  }
  if (v.root.parentNode !== parent) parent.replaceChildren(v.root);
  return v;
}

function sized(canvas, width, height) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

function arrowHead(ctx, x0, y0, x1, y1, size) {
  const a = Math.atan2(y1 - y0, x1 - x0);
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - size * Math.cos(a - 0.4), y1 - size * Math.sin(a - 0.4));
  ctx.lineTo(x1 - size * Math.cos(a + 0.4), y1 - size * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
}

function drawLabel(ctx, text, x, y, color, font, bold) {
  const lines = String(text).split("\n");
  ctx.font = `${bold ? "600 " : ""}${font}px ${FONT}`;
  const w = Math.max(...lines.map((s) => ctx.measureText(s).width)) + 6;
  const h = lines.length * (font + 2) + 2;
  ctx.fillStyle = "rgba(255,255,255,0.9)";
  ctx.fillRect(x - w / 2, y - h / 2, w, h);
  ctx.fillStyle = color;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  lines.forEach((s, i) => ctx.fillText(s, x, y - h / 2 + 1 + (i + 0.5) * (font + 2)));
}

function drawDiagram(v, d) {
  const W = v.root.parentNode.clientWidth || 900;
  const H = d.height;
  const ctx = sized(v.diagram, W, H);
  const sx = (W - 8) / d.columns;
  const sy = (H - 8) / d.rows;
  const px = (x) => 4 + (x + 0.5) * sx;
  const py = (y) => 4 + (y + 0.5) * sy;
  const ink = "#262730";
  for (const e of d.edges) {
    ctx.strokeStyle = e.color;
    ctx.fillStyle = e.color;
    ctx.lineWidth = e.width;
    ctx.beginPath();
    e.pts.forEach(([x, y], i) => (i ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    const [a, b] = e.pts.slice(-2);
    arrowHead(ctx, px(a[0]), py(a[1]), px(b[0]), py(b[1]), 6 + e.width);
  }
  for (const e of d.edges) {
    if (e.label) drawLabel(ctx, e.label, px(e.lx), py(e.ly), e.label_color, d.font - 1, e.bold);
  }
  for (const n of d.nodes) {
    const x0 = px(n.x - d.box_w / 2);
    const y0 = py(n.y - d.box_h / 2);
    const w = d.box_w * sx;
    const h = d.box_h * sy;
    ctx.fillStyle = n.fill;
    ctx.fillRect(x0, y0, w, h);
    ctx.strokeStyle = n.border;
    ctx.lineWidth = n.bw;
    ctx.strokeRect(x0, y0, w, h);
    const rows = [[n.title, ink, true], ...n.lines.map(([t, c]) => [t, c, false])];
    const lh = d.font + 3;
    let y = py(n.y) - ((rows.length - 1) * lh) / 2;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const [text, color, bold] of rows) {
      ctx.font = `${bold ? "700 " : ""}${d.font}px ${FONT}`;
      ctx.fillStyle = color;
      ctx.fillText(text, px(n.x), y);
      y += lh;
    }
  }
}

function drawCurve(v, c) {
  if (!c) {
    v.curve.style.display = "none";
    return;
  }
  v.curve.style.display = "block";
  const W = Math.min(v.root.parentNode.clientWidth || 600, 640);
  const H = 170;
  v.curve.style.width = `${W}px`;
  const ctx = sized(v.curve, W, H);
  const L = 56;
  const R = W - 10;
  const T = 22;
  const B = H - 22;
  const ys = c.y.map((y) => Math.log10(Math.max(y, 1e-300)));
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const x0 = c.x[0];
  const x1 = Math.max(c.x[c.x.length - 1], x0 + 1);
  const X = (x) => L + ((x - x0) / (x1 - x0)) * (R - L);
  const Y = (y) => B - ((y - lo) / (hi - lo)) * (B - T);
  ctx.font = `12px ${FONT}`;
  ctx.fillStyle = "#262730";
  ctx.textAlign = "left";
  ctx.textBaseline = "top";
  ctx.fillText(c.title, L, 2);
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const t of [lo, (lo + hi) / 2, hi]) {
    ctx.beginPath();
    ctx.moveTo(L, Y(t));
    ctx.lineTo(R, Y(t));
    ctx.stroke();
    ctx.fillStyle = "#9aa0a6";
    ctx.fillText(Number(10 ** t).toPrecision(2), L - 4, Y(t));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  ctx.fillText(String(x0), L, B + 4);
  ctx.fillText(String(x1), R, B + 4);
  ctx.strokeStyle = "#0877bd";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ys.forEach((y, i) => (i ? ctx.lineTo(X(c.x[i]), Y(y)) : ctx.moveTo(X(c.x[i]), Y(y))));
  ctx.stroke();
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  const v = view(parentElement);
  drawDiagram(v, data);
  drawCurve(v, data.curve);
}
