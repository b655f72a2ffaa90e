// The live-frame channel's receiving end (dlcore/ui/channel.py): an element fed by a WebSocket
// to /dlx/frames/<token> that carries this session's frames. An image frame is one binary
// message, decoded off the main thread (createImageBitmap) and handed to a canvas without a copy
// (bitmaprenderer). A renderer's frame (the playground) is one text message whose "frame" the
// page's renderer (drawFrame, prepended by channel.py) draws. Text messages also carry the
// counter line, shown in the element this module draws beside the buttons (data.role "status"),
// and the caption under the frame: no Streamlit delta, and so no re-render of the app, happens
// per frame. The element says "next" only after a frame is on screen, so a slow browser skips
// frames instead of queueing them. data-seq on the frame counts the frames shown (tests and the
// frame counter in bench/harness.py see each frame as that attribute changing). Everything
// that arrives as text is shown with textContent: nothing is ever parsed as HTML.
// Measured at 20 students (README "Hosting for a class"): 19.8 ms of the page's CPU a frame,
// against 35.1 for the same frame as a Streamlit image delta (the counter line still went as a
// delta then; with it on the channel too, 8.8 ms on a host about twice as fast).

const ENDED = 4404; // close code: the stream is unknown or ended (dlcore/ui/channel.py)

function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

// "**Epoch 12** · step 600": the parts between ** in bold. A new text of the same shape only
// changes the text nodes' data (no new elements, so nothing to restyle).
function setText(el, text) {
  if (el.__dlxText === text) return;
  el.__dlxText = text;
  const parts = String(text).split("**");
  const nodes = el.__dlxNodes;
  if (nodes && nodes.length === parts.length) {
    parts.forEach((part, i) => {
      if (nodes[i].data !== part) nodes[i].data = part;
    });
    return;
  }
  el.__dlxNodes = parts.map((part) => document.createTextNode(part));
  el.replaceChildren(
    ...el.__dlxNodes.map((node, i) => {
      if (i % 2 === 0) return node;
      const b = document.createElement("strong");
      b.append(node);
      return b;
    }),
  );
}

function statusElement(component) {
  const { data, parentElement } = component;
  let el = parentElement.__dlxStatus;
  if (!el) {
    el = document.createElement("div");
    el.setAttribute("data-testid", "dlx-live-status");
    el.setAttribute("aria-live", "off");
    el.style.cssText = "font-size:1rem;line-height:1.6;";
    parentElement.replaceChildren(el);
    parentElement.__dlxStatus = el;
  }
  if (data.text && !el.__dlxText) setText(el, data.text);
  const shown = (window.__dlxStatus = window.__dlxStatus || {});
  shown[data.url] = el;
  return () => {
    if (shown[data.url] === el) delete shown[data.url];
  };
}

export default function (component) {
  const { data, parentElement } = component;
  if (data.role === "status") return statusElement(component);
  const old = parentElement.__dlxChannel;
  if (old && old.url === data.url) return old.stop; // the same stream: keep pulling
  if (old) old.stop();
  const draw = typeof drawFrame === "function" ? drawFrame : null; // eslint-disable-line no-undef
  let frame;
  let ctx = null;
  if (draw) {
    frame = document.createElement("div"); // the renderer builds its view in here
  } else {
    frame = document.createElement("canvas");
    frame.setAttribute("role", "img");
    frame.setAttribute("aria-label", "live training view");
    frame.style.cssText = "display:block;max-width:100%;height:auto;";
    if (data.width) frame.style.width = `${data.width}px`;
    ctx = frame.getContext("bitmaprenderer");
  }
  // the renderer's own view is the "dlx-live-frame" (dlcore/ui/js/playground_live.js)
  frame.setAttribute("data-testid", draw ? "dlx-live-host" : "dlx-live-frame");
  const caption = document.createElement("div");
  caption.setAttribute("data-testid", "dlx-live-caption");
  caption.style.cssText = "font-size:0.875rem;color:rgba(49,51,63,0.6);margin-top:0.25rem;";
  parentElement.replaceChildren(frame, caption);
  const state = { url: data.url, alive: true, ws: null };
  state.stop = () => {
    state.alive = false;
    if (state.ws) state.ws.close();
  };
  parentElement.__dlxChannel = state;
  const origin = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
  let seq = 0;
  let failures = 0;

  let text = null; // an image's text: shown with the image, in the same animation frame

  function showText(msg) {
    const status = (window.__dlxStatus || {})[data.url];
    if (status && msg.status) setText(status, msg.status);
    if (msg.caption !== undefined) setText(caption, msg.caption);
  }

  async function shown(ws, ok) {
    if (ok) frame.setAttribute("data-seq", String(++seq));
    await nextPaint();
    if (state.alive && ws.readyState === WebSocket.OPEN) ws.send("next");
  }

  function connect() {
    const ws = new WebSocket(origin + data.url);
    ws.binaryType = "blob";
    state.ws = ws;
    ws.onopen = () => {
      failures = 0;
    };
    ws.onmessage = async (event) => {
      if (typeof event.data === "string") {
        let msg = {};
        let ok = false;
        try {
          msg = JSON.parse(event.data);
          if (!("frame" in msg)) {
            text = msg; // the text of the image that follows
            return;
          }
          showText(msg);
          if (draw) draw({ data: msg.frame, parentElement: frame });
          ok = Boolean(draw);
        } catch (e) {
          // a frame that failed to draw: the next one replaces it
        }
        if ("frame" in msg) await shown(ws, ok);
        return;
      }
      let ok = false;
      try {
        const bitmap = await createImageBitmap(event.data);
        if (!state.alive) return bitmap.close();
        if (frame.width !== bitmap.width) frame.width = bitmap.width;
        if (frame.height !== bitmap.height) frame.height = bitmap.height;
        ctx.transferFromImageBitmap(bitmap);
        if (text) showText(text);
        text = null;
        ok = true;
      } catch (e) {
        // a frame that failed to decode: the next one replaces it
      }
      await shown(ws, ok);
    };
    ws.onclose = (event) => {
      if (!state.alive || event.code === ENDED) return; // paused, or the stream ended
      setTimeout(connect, Math.min(5000, 500 * ++failures)); // a network hiccup: reconnect
    };
  }
  connect();
  return state.stop;
}
