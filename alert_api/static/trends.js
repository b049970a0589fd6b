// Trend charts for admins: the newest breach-pattern forecast per series, with its interval.
// Drawn as inline SVG built from DOM nodes (no innerHTML), so no text is ever parsed as markup.

const SVG = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;
const PAD = 8;

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function chart(pattern) {
  const values = [...pattern.lower, ...pattern.upper, ...pattern.forecast];
  const top = Math.max(1, ...values);
  const n = Math.max(2, pattern.forecast.length);
  const x = (i) => PAD + (i * (W - 2 * PAD)) / (n - 1);
  const y = (v) => H - PAD - (v / top) * (H - 2 * PAD);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "trend", role: "img" });
  const band = pattern.upper.map((v, i) => `${x(i)},${y(v)}`)
    .concat(pattern.lower.map((v, i) => `${x(i)},${y(v)}`).reverse());
  root.append(svg("polygon", { points: band.join(" "), class: "band" }));
  root.append(svg("polyline", {
    points: pattern.forecast.map((v, i) => `${x(i)},${y(v)}`).join(" "), class: "line",
  }));
  const label = svg("title", {});
  label.textContent = `${pattern.series}: forecast ${pattern.forecast.map((v) => v.toFixed(1)).join(", ")}`;
  root.append(label);
  return root;
}

export function renderTrends(container, analysis) {
  container.replaceChildren();
  for (const pattern of analysis.patterns) {
    const figure = document.createElement("figure");
    figure.className = pattern.is_anomaly ? "trend-card anomaly" : "trend-card";
    figure.dataset.series = pattern.series;
    const caption = document.createElement("figcaption");
    const name = document.createElement("strong");
    name.textContent = pattern.series;
    const meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = ` — ${pattern.winner}${pattern.is_anomaly ? " · anomaly" : ""}`;
    const text = document.createElement("p");
    text.textContent = pattern.description;
    caption.append(name, meta, text);
    figure.append(chart(pattern), caption);
    container.append(figure);
  }
}
