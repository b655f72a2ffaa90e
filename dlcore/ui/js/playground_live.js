// The decision-boundary playground's live frame, drawn on canvases in the page (as TF Playground
// does), from the numbers in dlcore/viz/playground_live.py live_payload(): the network with a
// thumbnail per neuron and links by weight (blue +, orange -, wider = larger |w|; hover a neuron
// to see its map in the big plot), the loss and accuracy curves (each its own panel), and the
// output over the plane with the train (white ring; dark grey for a pale target) and test
// (black ring) points. The canvases live in one window-wide object, so a re-mounted component
// re-uses them instead of rebuilding.

const PLANE = 300;
const BLUE = [8, 119, 189];
const ORANGE = [245, 147, 34];

function bytes(s) {
  const raw = atob(s);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function el(tag, css) {
  const e = document.createElement(tag);
  if (css) e.style.cssText = css;
  return e;
}

function view(parent) {
  let v = window.__dlxPlaygroundLive;
  if (!v) {
    v = {};
    v.root = el("div", "display:flex;flex-direction:column;gap:8px;");
    v.root.setAttribute("data-testid", "dlx-live-frame");
    v.status = el("div", "font-size:1rem;"); // test loss, training loss, accuracy
    const row = el("div", "display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap;");
    const left = el("div", "display:flex;flex-direction:column;gap:6px;");
    v.net = el("canvas");
    v.net.setAttribute("aria-label", "network: one map per neuron, links coloured by weight");
    v.net.addEventListener("mousemove", (event) => hoverAt(v, event));
    v.net.addEventListener("mouseleave", () => {
      v.hover = null;
      if (v.last) draw(v, v.last);
    });
    v.curve = el("canvas");
    v.curve.setAttribute("aria-label", "train and test loss, and test accuracy, per epoch");
    left.append(v.net, v.curve);
    const right = el("div", "display:flex;flex-direction:column;gap:4px;");
    v.plane = el("canvas", `width:${PLANE}px;height:${PLANE}px;`);
    v.plane.width = PLANE;
    v.plane.height = PLANE;
    v.plane.setAttribute("aria-label", "network output over the plane, with the data points");
    v.label = el("div", "font-size:0.85rem;color:#555;");
    right.append(v.plane, v.label);
    row.append(left, right);
    v.root.append(v.status, row); // the caption under it is the live panel's (out.caption)
    v.field = el("canvas"); // offscreen: the g x g output before scaling
    v.thumb = el("canvas"); // offscreen: one neuron map before scaling
    v.points = el("canvas"); // offscreen: the rasterised points, cached by their key
    v.points.width = PLANE;
    v.points.height = PLANE;
    window.__dlxPlaygroundLive = v;
  }
  if (v.root.parentNode !== parent) parent.appendChild(v.root);
  return v;
}

function toImage(ctx, w, h, idx, lut) {
  // idx: w*h colour-table indices (lut: 256 x RGB) or, without lut, w*h RGB triples
  const img = ctx.createImageData(w, h);
  const px = img.data;
  for (let i = 0, n = w * h; i < n; i++) {
    const o = lut ? 3 * idx[i] : 3 * i;
    const src = lut || idx;
    px[4 * i] = src[o];
    px[4 * i + 1] = src[o + 1];
    px[4 * i + 2] = src[o + 2];
    px[4 * i + 3] = 255;
  }
  return img;
}

function drawPoints(v, p) {
  if (v.pointsKey === p.key) return;
  const ctx = v.points.getContext("2d");
  ctx.clearRect(0, 0, PLANE, PLANE);
  if (p.n) {
    const xyb = bytes(p.xy);
    const xy = new Uint16Array(xyb.buffer, 0, 2 * p.n);
    const rgb = bytes(p.rgb);
    const ring = bytes(p.ring);
    const [outer, inner] = p.big ? [7.5, 6] : [3.6, 2.8]; // a handful of points: big dots
    for (let k = 0; k < p.n; k++) {
      const x = xy[2 * k] + 0.5;
      const y = xy[2 * k + 1] + 0.5;
      ctx.beginPath();
      ctx.arc(x, y, outer, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${ring[k]},${ring[k]},${ring[k]})`; // the ring's grey level
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x, y, inner, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${rgb[3 * k]},${rgb[3 * k + 1]},${rgb[3 * k + 2]})`;
      ctx.fill();
    }
  }
  v.pointsKey = p.key;
}

function drawPlane(v, d) {
  const ctx = v.plane.getContext("2d");
  const node = v.hover && (v.nodes || []).find((o) => o.l === v.hover.l && o.i === v.hover.i);
  if (node) {
    v.field.width = v.mg;
    v.field.height = v.mg;
    const fctx = v.field.getContext("2d");
    fctx.putImageData(toImage(fctx, v.mg, v.mg, node.map, v.lutThumb), 0, 0);
    ctx.imageSmoothingEnabled = true;
  } else {
    const g = d.g;
    v.field.width = g;
    v.field.height = g;
    const fctx = v.field.getContext("2d");
    fctx.putImageData(toImage(fctx, g, g, bytes(d.field), d.lut ? bytes(d.lut) : null), 0, 0);
    ctx.imageSmoothingEnabled = !d.discretize;
  }
  ctx.drawImage(v.field, 0, 0, PLANE, PLANE);
  drawPoints(v, d.pts);
  ctx.drawImage(v.points, 0, 0);
  v.label.textContent = node ? `Showing ${node.name} (the neuron under the mouse)` : `live frame ${d.i}`;
}

// the network's geometry as in the paused figure (dlcore/viz/playground.py net_layout): maps in
// columns, links between the maps' edges, input names on the left, layer names on top
const NET_WIDTH = 470; // about the width the network gets in the frame (px)
const NAME_W = 62; // room for the input names
const TOP = 20; // room for the layer names

function layout(sizes) {
  const L = sizes.length;
  const m = Math.max(...sizes, 1);
  const gap = Math.min(2.4, Math.max(1.3, 8.8 / L));
  const cell = Math.round(Math.min(34, Math.max(20, (NET_WIDTH - NAME_W) / (L + (L - 1) * gap))));
  const pitchX = cell * (1 + gap);
  const pitchY = Math.round(cell * 1.3);
  const x = sizes.map((_, l) => NAME_W + cell / 2 + l * pitchX);
  const y = sizes.map((n) => Array.from({ length: n }, (_, k) => TOP + pitchY * (k + 0.5 + (m - n) / 2)));
  return { cell, pitchX, x, y, W: Math.round(x[L - 1] + cell / 2 + 8), H: Math.round(TOP + pitchY * m + 4) };
}

function nodeName(n, l, k) {
  if (l === 0) return (n.labels || [])[k] || `input ${k + 1}`;
  if (l === n.sizes.length - 1) return n.sizes[l] === 1 ? "output" : `output ${k + 1}`;
  return `h${l}.${k + 1}`;
}

function layerName(l, L, narrow) {
  if (l === 0) return "input";
  if (l === L - 1) return "output";
  return narrow ? `h${l}` : `hidden ${l}`;
}

function drawNet(v, n) {
  const sizes = n.sizes;
  const g = layout(sizes);
  const { cell, W, H } = g;
  if (v.net.width !== W || v.net.height !== H) {
    v.net.width = W;
    v.net.height = H;
  }
  const ctx = v.net.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  let k = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++) {
      for (let j = 0; j < sizes[l + 1]; j++) {
        const w = n.w[k++] || 0;
        const a = Math.min(1, 0.35 + Math.abs(w) / 2);
        const rgb = w > 0 ? BLUE : ORANGE;
        ctx.strokeStyle = `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${a})`;
        ctx.lineWidth = Math.min(10, Math.max(1, Math.round(1 + Math.abs(w) * 1.8)));
        ctx.beginPath();
        ctx.moveTo(g.x[l] + cell / 2, g.y[l][i]);
        ctx.lineTo(g.x[l + 1] - cell / 2, g.y[l + 1][j]);
        ctx.stroke();
      }
    }
  }
  ctx.fillStyle = "#262730";
  ctx.font = "13px sans-serif";
  ctx.textAlign = "center";
  const narrow = g.pitchX < 80; // as the paused figure: short names between close columns
  sizes.forEach((_, l) => ctx.fillText(layerName(l, sizes.length, narrow), g.x[l], 14));
  ctx.textAlign = "right";
  g.y[0].forEach((y, i) => ctx.fillText(nodeName(n, 0, i), g.x[0] - cell / 2 - 6, y + 4));
  ctx.textAlign = "left";
  v.nodes = [];
  const mg = n.mg;
  if (!mg) return;
  const maps = bytes(n.maps);
  const lut = bytes(n.lut_thumb);
  v.thumb.width = mg;
  v.thumb.height = mg;
  const tctx = v.thumb.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  let node = 0;
  for (let l = 0; l < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++, node++) {
      const map = maps.subarray(node * mg * mg, (node + 1) * mg * mg);
      tctx.putImageData(toImage(tctx, mg, mg, map, lut), 0, 0);
      const x0 = Math.round(g.x[l] - cell / 2);
      const y0 = Math.round(g.y[l][i] - cell / 2);
      const hovered = v.hover && v.hover.l === l && v.hover.i === i;
      ctx.fillStyle = hovered ? "#d62728" : "#5a5a5a";
      const pad = hovered ? 3 : 1;
      ctx.fillRect(x0 - pad, y0 - pad, cell + 2 * pad, cell + 2 * pad);
      ctx.drawImage(v.thumb, x0, y0, cell, cell);
      v.nodes.push({ l, i, x0, y0, cell, map, name: nodeName(n, l, i) });
    }
  }
  v.mg = mg;
  v.lutThumb = lut;
}

// hovering a neuron shows its map in the big plot (TF Playground): drawn by the browser from the
// frame's own thumbnails, with no request to the server
function hoverAt(v, event) {
  const r = v.net.getBoundingClientRect();
  const x = ((event.clientX - r.left) * v.net.width) / r.width;
  const y = ((event.clientY - r.top) * v.net.height) / r.height;
  const hit = (v.nodes || []).find((o) => x >= o.x0 && x < o.x0 + o.cell && y >= o.y0 && y < o.y0 + o.cell);
  const key = hit ? `${hit.l}.${hit.i}` : null;
  v.net.style.cursor = hit ? "pointer" : "default";
  if (key === (v.hover ? v.hover.key : null)) return;
  v.hover = hit ? { l: hit.l, i: hit.i, key } : null;
  if (v.last) draw(v, v.last);
}

// the loss (train grey, test black) above, the accuracy (green) in its own panel under it, each
// with its own scale and name, as the paused chart draws them
function drawCurves(v, cv, width) {
  const W = Math.max(width, 300);
  const f32 = (x) => new Float32Array(bytes(x).buffer, 0, cv.n);
  const e = f32(cv.epoch);
  const train = f32(cv.train);
  const test = f32(cv.test);
  const acc = f32(cv.acc);
  const finite = (a) => Array.from(a).filter((y) => isFinite(y));
  const hasAcc = finite(acc).length > 0;
  const H = hasAcc ? 170 : 120;
  if (v.curve.width !== W) v.curve.width = W;
  if (v.curve.height !== H) v.curve.height = H;
  const ctx = v.curve.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  const left = 4;
  const right = W - 4;
  const lossBox = [18, hasAcc ? 92 : H - 16]; // top, bottom of the loss panel
  const accBox = [116, H - 16];
  ctx.font = "13px sans-serif";
  const axes = (top, bottom) => {
    ctx.strokeStyle = "#c8c8c8";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(left, top);
    ctx.lineTo(left, bottom);
    ctx.lineTo(right, bottom);
    ctx.stroke();
  };
  axes(...lossBox);
  ctx.fillStyle = "#555";
  const noTest = cv.test_is_train;
  ctx.fillText(noTest ? "loss: training (grey)" : "loss: training (grey), test (black)", left + 4, 13);
  if (hasAcc) {
    axes(...accBox);
    ctx.fillStyle = "#555";
    ctx.fillText(`${noTest ? "training" : "test"} accuracy (green), 0 to 100 %`, left + 4, accBox[0] - 6);
  }
  const losses = finite(train).concat(noTest ? [] : finite(test));
  if (e.length < 2 || !losses.length) return;
  const e0 = e[0];
  const span = Math.max(e[e.length - 1] - e0, 1e-9);
  const maxLoss = Math.max(...losses, 1e-9);
  const X = (t) => left + ((t - e0) / span) * (right - left);
  const line = (ys, scale, [top, bottom], colour) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < e.length; i++) {
      const y = ys[i];
      if (!isFinite(y)) {
        pen = false;
        continue;
      }
      const py = bottom - (Math.min(y, scale) / scale) * (bottom - top);
      if (pen) ctx.lineTo(X(e[i]), py);
      else ctx.moveTo(X(e[i]), py);
      pen = true;
    }
    ctx.stroke();
  };
  line(train, maxLoss, lossBox, "#777777");
  if (!noTest) line(test, maxLoss, lossBox, "#000000");
  if (hasAcc) line(acc, 1, accBox, "#009e73");
  if (cv.best !== null && cv.best !== undefined) {
    ctx.strokeStyle = "#cc3311";
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(X(cv.best), lossBox[0]);
    ctx.lineTo(X(cv.best), hasAcc ? accBox[1] : lossBox[1]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#cc3311";
    ctx.fillText(`early stop: best epoch ${Math.round(cv.best)}`, Math.min(X(cv.best) + 4, right - 170), lossBox[0] + 12);
  }
  ctx.fillStyle = "#555";
  ctx.fillText(`epoch ${Math.round(e0)}`, left + 2, H - 2);
  const last = `epoch ${Math.round(e[e.length - 1])}`;
  ctx.fillText(last, right - ctx.measureText(last).width - 2, H - 2);
  const top = `max ${maxLoss.toPrecision(3)}`;
  ctx.fillText(top, right - ctx.measureText(top).width - 2, lossBox[0] + 12);
}

function draw(v, data) {
  drawNet(v, data.net);
  drawCurves(v, data.curves, v.net.width);
  drawPlane(v, data);
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  const v = view(parentElement);
  v.last = data;
  draw(v, data);
  // text only (textContent): nothing in the data is ever parsed as HTML
  v.status.replaceChildren(
    ...(data.status || []).flatMap(([k, val], j) => {
      const b = el("b");
      b.textContent = val;
      return [document.createTextNode(`${j ? " · " : ""}${k} `), b];
    }),
  );
}
