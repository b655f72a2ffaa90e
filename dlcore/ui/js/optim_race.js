// The optimizer race's live frame (pages/optimization.py), drawn on canvases in the page from the
// numbers of dlcore/viz/optimization.py race_payload() / adaptive_payload(): the loss surface
// (shaded heights and their contour lines, drawn once per surface and kept), every racer's path
// and its current point, the start and the known minima; beside it the loss against iteration
// and a table of each racer's learning rate and loss. In "adaptive" mode AdaGrad's and RMSProp's
// per-coordinate steps eta / (delta + sqrt(r)) are drawn as crosses on their paths and against
// iteration. Text is set with textContent only: nothing in the data is parsed as HTML.

const PLANE = 480; // the plane canvas, CSS pixels
const CURVE_W = 480;
const CURVE_H = 215;
const FONT = "14px sans-serif";
const INK = "#262730";
const MUTED = "#6b7280";

function bytes(s) {
  const raw = atob(s);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function f32(s, n) {
  return new Float32Array(bytes(s).buffer, 0, n);
}

function el(tag, css) {
  const e = document.createElement(tag);
  if (css) e.style.cssText = css;
  return e;
}

function canvas(w, h, label) {
  const c = el("canvas", `width:${w}px;height:${h}px;`);
  const dpr = Math.min(2, window.devicePixelRatio || 1);
  c.width = Math.round(w * dpr);
  c.height = Math.round(h * dpr);
  c.getContext("2d").setTransform(dpr, 0, 0, dpr, 0, 0);
  if (label) c.setAttribute("aria-label", label);
  return c;
}

function view(parent) {
  let v = window.__dlxOptimRace;
  if (!v) {
    v = {};
    v.root = el("div", "display:flex;gap:20px;align-items:flex-start;flex-wrap:wrap;");
    v.root.setAttribute("data-testid", "dlx-live-frame");
    v.plane = canvas(PLANE, PLANE, "the loss surface with every optimizer's path");
    const right = el("div", "display:flex;flex-direction:column;gap:8px;");
    v.title = el("div", `font:600 16px sans-serif;color:${INK};`);
    v.curve = canvas(CURVE_W, CURVE_H, "loss against iteration for every optimizer");
    v.steps = canvas(CURVE_W, CURVE_H, "per-coordinate step against iteration");
    v.table = el("div", `display:grid;grid-template-columns:auto auto auto auto;gap:2px 14px;font:${FONT};color:${INK};`);
    right.append(v.title, v.curve, v.steps, v.table);
    v.root.append(v.plane, right);
    v.bg = canvas(PLANE, PLANE); // offscreen: the surface with its contours
    v.field = el("canvas"); // offscreen: the n x n shaded heights before scaling
    window.__dlxOptimRace = v;
  }
  if (v.root.parentNode !== parent) parent.appendChild(v.root);
  return v;
}

// contour lines of an n x n grid of 0..255 values at `levels` thresholds (marching squares)
function contours(ctx, z, n, levels, sx, sy) {
  ctx.beginPath();
  const at = (i, j) => z[i * n + j];
  for (let l = 0; l < levels; l++) {
    const t = (255 * (l + 0.5)) / levels;
    for (let i = 0; i + 1 < n; i++) {
      for (let j = 0; j + 1 < n; j++) {
        const a = at(i, j), b = at(i, j + 1), c = at(i + 1, j + 1), d = at(i + 1, j);
        const pts = [];
        const edge = (v0, v1, x0, y0, x1, y1) => {
          if ((v0 < t) !== (v1 < t)) {
            const f = (t - v0) / (v1 - v0);
            pts.push([x0 + f * (x1 - x0), y0 + f * (y1 - y0)]);
          }
        };
        edge(a, b, j, i, j + 1, i);
        edge(b, c, j + 1, i, j + 1, i + 1);
        edge(c, d, j + 1, i + 1, j, i + 1);
        edge(d, a, j, i + 1, j, i);
        for (let p = 0; p + 1 < pts.length; p += 2) {
          ctx.moveTo(pts[p][0] * sx, PLANE - pts[p][1] * sy);
          ctx.lineTo(pts[p + 1][0] * sx, PLANE - pts[p + 1][1] * sy);
        }
      }
    }
  }
  ctx.strokeStyle = "rgba(60,70,90,0.35)";
  ctx.lineWidth = 1;
  ctx.stroke();
}

function drawBackground(v, bg) {
  if (v.bgKey === bg.key) return;
  const n = bg.n;
  const z = bytes(bg.field);
  const lut = bytes(bg.lut);
  v.field.width = n;
  v.field.height = n;
  const fctx = v.field.getContext("2d");
  const img = fctx.createImageData(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const src = 3 * z[i * n + j];
      const dst = 4 * ((n - 1 - i) * n + j); // rows come from the bottom of the plane
      img.data[dst] = lut[src];
      img.data[dst + 1] = lut[src + 1];
      img.data[dst + 2] = lut[src + 2];
      img.data[dst + 3] = 255;
    }
  }
  fctx.putImageData(img, 0, 0);
  const ctx = v.bg.getContext("2d");
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(v.field, 0, 0, PLANE, PLANE);
  const step = PLANE / (n - 1);
  contours(ctx, z, n, bg.levels, step, step);
  v.bgKey = bg.key;
}

function mapper(d) {
  const [x0, x1, y0, y1] = d.box;
  return (x, y) => [((x - x0) / (x1 - x0)) * PLANE, PLANE - ((y - y0) / (y1 - y0)) * PLANE];
}

function points(d, r) {
  const raw = new Uint16Array(bytes(r.xy).buffer, 0, 2 * r.m);
  const [q0, q1, q2, q3] = d.q;
  const out = new Array(r.m);
  for (let k = 0; k < r.m; k++) {
    out[k] = [q0 + (raw[2 * k] / 65535) * (q1 - q0), q2 + (raw[2 * k + 1] / 65535) * (q3 - q2)];
  }
  return out;
}

function star(ctx, x, y, r) {
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    const rr = k % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = "#ffd21f";
  ctx.fill();
  ctx.strokeStyle = INK;
  ctx.lineWidth = 1;
  ctx.stroke();
}

function drawPlane(v, d) {
  const ctx = v.plane.getContext("2d");
  ctx.clearRect(0, 0, PLANE, PLANE);
  ctx.drawImage(v.bg, 0, 0, PLANE, PLANE);
  const px = mapper(d);
  for (const m of d.minima) star(ctx, ...px(m[0], m[1]), 10);
  const [sx, sy] = px(d.start[0], d.start[1]);
  ctx.beginPath();
  ctx.arc(sx, sy, 8, 0, 2 * Math.PI);
  ctx.strokeStyle = INK;
  ctx.lineWidth = 3;
  ctx.stroke();
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, PLANE, PLANE);
  ctx.clip();
  d.racers.forEach((r, idx) => {
    const pts = points(d, r).map(([x, y]) => px(x, y));
    if (!pts.length) return;
    ctx.lineJoin = "round";
    for (const [width, style] of [[6, "rgba(255,255,255,0.8)"], [3, r.color]]) {
      ctx.beginPath();
      pts.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
      ctx.strokeStyle = style;
      ctx.lineWidth = width;
      ctx.stroke();
    }
    if (d.crosses) drawCrosses(ctx, d, idx, r.color, px);
    const [hx, hy] = pts[pts.length - 1];
    ctx.beginPath();
    ctx.arc(hx, hy, 7, 0, 2 * Math.PI);
    ctx.fillStyle = r.color;
    ctx.fill();
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 2;
    ctx.stroke();
    if (r.out >= 0) {
      ctx.font = "bold 18px sans-serif";
      ctx.fillStyle = r.color;
      ctx.fillText("✗", hx + 8, hy - 8);
    }
  });
  ctx.restore();
}

function drawCrosses(ctx, d, idx, color, px) {
  const rows = f32(d.crosses[idx], 0 | (bytes(d.crosses[idx]).length / 4));
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let k = 0; k + 3 < rows.length; k += 4) {
    const [x, y, ax, ay] = [rows[k], rows[k + 1], rows[k + 2], rows[k + 3]];
    const [l, cy] = px(x - ax, y);
    const [r] = px(x + ax, y);
    const [cx, t] = px(x, y + ay);
    const [, b] = px(x, y - ay);
    ctx.moveTo(l, cy);
    ctx.lineTo(r, cy);
    ctx.moveTo(cx, t);
    ctx.lineTo(cx, b);
  }
  ctx.stroke();
}

const SUPER = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

function power(t) {
  return "10" + String(Math.round(t)).split("").map((c) => SUPER[c]).join("");
}

// grid lines: whole powers of ten on a log axis (at most 5), else the ends and the middle
function ticks(lo, hi, log) {
  if (!log) return [lo, (lo + hi) / 2, hi];
  const first = Math.ceil(lo), last = Math.floor(hi);
  if (last < first) return [lo, hi];
  const every = Math.max(1, Math.ceil((last - first + 1) / 5));
  const out = [];
  for (let t = last; t >= first; t -= every) out.push(t);
  return out;
}

// curves: x (n), ys (list of n-arrays), colours, dashes; log10 when `log`
function drawCurves(c, title, xs, ys, colors, dashes, log) {
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, CURVE_W, CURVE_H);
  const left = 58, right = CURVE_W - 8, top = 24, bottom = CURVE_H - 26;
  const tf = (y) => (log ? Math.log10(y) : y);
  let lo = Infinity, hi = -Infinity;
  for (const y of ys) {
    for (let i = 0; i < y.length; i++) {
      const t = tf(y[i]);
      if (isFinite(t)) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
    }
  }
  if (!isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    hi += 0.5;
    lo -= 0.5;
  }
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const X = (x) => left + ((x - x0) / (x1 - x0)) * (right - left);
  const Y = (t) => bottom - ((t - lo) / (hi - lo)) * (bottom - top);
  ctx.font = FONT;
  ctx.fillStyle = INK;
  ctx.fillText(title, left, 16);
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.fillStyle = MUTED;
  ctx.font = "12px sans-serif";
  for (const t of ticks(lo, hi, log)) {
    ctx.beginPath();
    ctx.moveTo(left, Y(t));
    ctx.lineTo(right, Y(t));
    ctx.stroke();
    ctx.fillText(log ? power(t) : t.toPrecision(3), 4, Y(t) + 4);
  }
  ctx.fillText(`${Math.round(x0)}`, left, CURVE_H - 8);
  const last = `iteration ${Math.round(x1)}`;
  ctx.fillText(last, right - ctx.measureText(last).width, CURVE_H - 8);
  ys.forEach((y, s) => {
    ctx.strokeStyle = colors[s];
    ctx.lineWidth = 2.5;
    ctx.setLineDash(dashes[s] || []);
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < y.length; i++) {
      const t = tf(y[i]);
      if (!isFinite(t)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(X(xs[i]), Y(t));
      else ctx.moveTo(X(xs[i]), Y(t));
      pen = true;
    }
    ctx.stroke();
    ctx.setLineDash([]);
  });
}

function drawTable(v, d) {
  const cells = [];
  const head = (t) => {
    const h = el("div", `font-weight:600;color:${MUTED};`);
    h.textContent = t;
    return h;
  };
  cells.push(head("optimizer"), head("η now"), head("loss"), head(""));
  for (const r of d.racers) {
    const name = el("div", `color:${r.color};font-weight:600;`);
    name.textContent = `● ${r.name}`;
    const lr = el("div");
    lr.textContent = r.lr;
    const loss = el("div");
    loss.textContent = r.loss;
    const status = el("div", `color:${r.out >= 0 ? "#b91c1c" : MUTED};`);
    status.textContent = r.out >= 0 ? `diverged at k = ${r.out}` : "racing";
    cells.push(name, lr, loss, status);
  }
  v.table.replaceChildren(...cells);
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  const v = view(parentElement);
  drawBackground(v, data.bg);
  drawPlane(v, data);
  v.title.textContent = `iteration k = ${data.k}`;
  const cv = data.curves;
  const xs = f32(cv.k, cv.n);
  const colors = data.racers.map((r) => r.color);
  drawCurves(v.curve, cv.label, xs, cv.ys.map((y) => f32(y, cv.n)), colors, [], cv.log);
  if (data.steps) {
    v.steps.style.display = "";
    const st = data.steps;
    const twice = colors.flatMap((c) => [c, c]);
    const dashes = colors.flatMap(() => [[], [6, 4]]);
    drawCurves(v.steps, st.label, f32(cv.k, st.n), st.ys.map((y) => f32(y, st.n)), twice, dashes, true);
  } else {
    v.steps.style.display = "none";
  }
  drawTable(v, data);
}
