// Start loading Streamlit's chart module (PlotlyChart: plotly.js, ~4.7 MB to fetch, parse and
// compile) as soon as the sidebar is drawn, while the page's script still runs on the server.
// Streamlit itself asks for it only when the first chart arrives, and a new tab then waited
// ~0.5-1.5 s more for its first picture. The module is the very file Streamlit imports (the
// same URL, next to Streamlit's own entry script), so the browser loads it once.
export default function (component) {
  const chunks = (component.data && component.data.chunks) || [];
  const entry = document.querySelector('script[type="module"][src*="static/js/index."]');
  if (!entry || window.__dlxPreloaded) return;
  window.__dlxPreloaded = chunks.map((name) => {
    const url = new URL(name, entry.src).href;
    return import(url).then(() => url, () => null);  // a failed preload: Streamlit loads it later
  });
}
