// The decision-boundary playground's live frame, drawn on canvases in the page (as TF Playground
// does), from the numbers in dlcore/viz/playground_live.py live_payload(): the network with a
// thumbnail per neuron and links by weight (blue +, orange -, wider = larger |w|), the loss and
// accuracy curves, and the output over the plane with the train (white ring) and test (black
// ring) points. The canvases live in one window-wide object, so a re-mounted component re-uses
// them instead of rebuilding.

const CELL = 32; // node thumbnail size (px), as the server-side image used
const GAP = 90; // horizontal room for the links between layers
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
  const g = d.g;
  v.field.width = g;
  v.field.height = g;
  const fctx = v.field.getContext("2d");
  fctx.putImageData(toImage(fctx, g, g, bytes(d.field), d.lut ? bytes(d.lut) : null), 0, 0);
  const ctx = v.plane.getContext("2d");
  ctx.imageSmoothingEnabled = !d.discretize;
  ctx.drawImage(v.field, 0, 0, PLANE, PLANE);
  drawPoints(v, d.pts);
  ctx.drawImage(v.points, 0, 0);
}

function centres(sizes, W, H) {
  const m = Math.max(...sizes);
  return sizes.map((n, i) => {
    const x = (W * (i + 0.5)) / sizes.length;
    const off = (H * (m - n)) / (2 * m);
    return Array.from({ length: n }, (_, k) => [x, (H * (k + 0.5)) / m + off]);
  });
}

function drawNet(v, n) {
  const sizes = n.sizes;
  const W = sizes.length * (CELL + GAP);
  const H = Math.max(...sizes) * (CELL + 14) + 10;
  if (v.net.width !== W || v.net.height !== H) {
    v.net.width = W;
    v.net.height = H;
  }
  const ctx = v.net.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  const c = centres(sizes, W, H);
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
        ctx.moveTo(c[l][i][0], c[l][i][1]);
        ctx.lineTo(c[l + 1][j][0], c[l + 1][j][1]);
        ctx.stroke();
      }
    }
  }
  const g = n.mg;
  if (!g) return;
  const maps = bytes(n.maps);
  const lut = bytes(n.lut_thumb);
  v.thumb.width = g;
  v.thumb.height = g;
  const tctx = v.thumb.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  let node = 0;
  for (let l = 0; l < sizes.length; l++) {
    for (let i = 0; i < sizes[l]; i++, node++) {
      tctx.putImageData(toImage(tctx, g, g, maps.subarray(node * g * g, (node + 1) * g * g), lut), 0, 0);
      const x0 = Math.round(c[l][i][0] - CELL / 2);
      const y0 = Math.round(c[l][i][1] - CELL / 2);
      ctx.fillStyle = "#5a5a5a";
      ctx.fillRect(x0 - 1, y0 - 1, CELL + 2, CELL + 2);
      ctx.drawImage(v.thumb, x0, y0, CELL, CELL);
    }
  }
}

function drawCurves(v, cv, width) {
  const W = Math.max(width, 300);
  const H = 120;
  if (v.curve.width !== W) v.curve.width = W;
  if (v.curve.height !== H) v.curve.height = H;
  const ctx = v.curve.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  const top = 16;
  const bottom = H - 14;
  const left = 4;
  const right = W - 4;
  ctx.strokeStyle = "#c8c8c8";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.lineTo(right, bottom);
  ctx.stroke();
  const f32 = (x) => new Float32Array(bytes(x).buffer, 0, cv.n);
  const e = f32(cv.epoch);
  const train = f32(cv.train);
  const test = f32(cv.test);
  const acc = f32(cv.acc);
  const finite = (a) => Array.from(a).filter((y) => isFinite(y));
  const losses = finite(train).concat(finite(test));
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#555";
  ctx.fillText("loss: train (grey), test (black) · test accuracy (green, 0-100 %)", left + 4, 11);
  if (e.length < 2 || !losses.length) return;
  const e0 = e[0];
  const span = Math.max(e[e.length - 1] - e0, 1e-9);
  const maxLoss = Math.max(...losses, 1e-9);
  const X = (t) => left + ((t - e0) / span) * (right - left);
  const line = (ys, scale, colour, dash) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.setLineDash(dash || []);
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
    ctx.setLineDash([]);
  };
  if (finite(acc).length) line(acc, 1, "#009e73", [4, 3]);
  line(train, maxLoss, "#777777");
  line(test, maxLoss, "#000000");
  if (cv.best !== null && cv.best !== undefined) {
    ctx.strokeStyle = "#cc3311";
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(X(cv.best), top);
    ctx.lineTo(X(cv.best), bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#cc3311";
    ctx.fillText(`early stop: best epoch ${Math.round(cv.best)}`, Math.min(X(cv.best) + 4, right - 150), top + 10);
  }
  ctx.fillStyle = "#555";
  ctx.fillText(`epoch ${Math.round(e0)}`, left + 2, H - 2);
  const last = `epoch ${Math.round(e[e.length - 1])}`;
  ctx.fillText(last, right - ctx.measureText(last).width - 2, H - 2);
  ctx.fillText(`max loss ${maxLoss.toPrecision(3)}`, right - 110, top + 10);
}

export default function (component) {
  const { data, parentElement } = component;
  if (!data) return;
  const v = view(parentElement);
  drawNet(v, data.net);
  drawCurves(v, data.curves, v.net.width);
  drawPlane(v, data);
  v.label.textContent = `live frame ${data.i}`;
  // text only (textContent): nothing in the data is ever parsed as HTML
  v.status.replaceChildren(
    ...(data.status || []).flatMap(([k, val], j) => {
      const b = el("b");
      b.textContent = val;
      return [document.createTextNode(`${j ? " · " : ""}${k} `), b];
    }),
  );
}
