// The live-frame channel's receiving end (dlcore/ui/channel.py): a canvas fed by a WebSocket
// to /dlx/frames/<token> that carries this session's frames, one binary message each. A frame
// is decoded off the main thread (createImageBitmap) and handed to the canvas without a copy
// (bitmaprenderer); no Streamlit delta, and so no re-render of the app, happens per frame. The
// canvas says "next" only after a frame is on screen, so a slow browser skips frames instead
// of queueing them. data-seq on the canvas counts the frames shown (tests and the frame
// counter in bench/harness.py see each frame as that attribute changing).
// Measured at 20 students (README "Hosting for a class"): 19.8 ms of the page's CPU a frame,
// against 35.1 for the same frame as a Streamlit image delta.

const ENDED = 4404; // close code: the stream is unknown or ended (dlcore/ui/channel.py)

function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

export default function (component) {
  const { data, parentElement } = component;
  const old = parentElement.__dlxChannel;
  if (old && old.url === data.url) return old.stop; // the same stream: keep pulling
  if (old) old.stop();
  const canvas = document.createElement("canvas");
  canvas.setAttribute("data-testid", "dlx-live-frame");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "live training view");
  canvas.style.cssText = "display:block;max-width:100%;height:auto;";
  if (data.width) canvas.style.width = `${data.width}px`;
  const ctx = canvas.getContext("bitmaprenderer");
  parentElement.replaceChildren(canvas);
  const state = { url: data.url, alive: true, ws: null };
  state.stop = () => {
    state.alive = false;
    if (state.ws) state.ws.close();
  };
  parentElement.__dlxChannel = state;
  const origin = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
  let seq = 0;
  let failures = 0;

  function connect() {
    const ws = new WebSocket(origin + data.url);
    ws.binaryType = "blob";
    state.ws = ws;
    ws.onopen = () => {
      failures = 0;
    };
    ws.onmessage = async (event) => {
      try {
        const bitmap = await createImageBitmap(event.data);
        if (!state.alive) return bitmap.close();
        if (canvas.width !== bitmap.width) canvas.width = bitmap.width;
        if (canvas.height !== bitmap.height) canvas.height = bitmap.height;
        ctx.transferFromImageBitmap(bitmap);
        canvas.setAttribute("data-seq", String(++seq));
        await nextPaint();
      } catch (e) {
        // a frame that failed to decode: the next one replaces it
      }
      if (state.alive && ws.readyState === WebSocket.OPEN) ws.send("next");
    };
    ws.onclose = (event) => {
      if (!state.alive || event.code === ENDED) return; // paused, or the stream ended
      setTimeout(connect, Math.min(5000, 500 * ++failures)); // a network hiccup: reconnect
    };
  }
  connect();
  return state.stop;
}
