// Hand-written SVG time-series charts: lines, areas, stacked areas and bars over the batches' wall-clock time, with
// axes, gridlines, a legend and a hover read-out. Each chart is a <figure data-chart="NAME" data-points="N"> where N
// counts the batches drawn, so tests (and people) can tell an empty chart from a flat one.
import { clock, compact, dateTime, integer } from "./format.js";
import { el, svg } from "./dom.js";

const HEIGHT = 210;
const MARGIN = { top: 12, right: 14, bottom: 26, left: 70 };
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);

/** Renders one chart definition (see series.js) at the given pixel width. */
export function renderChart(def, width) {
  const drawn = def.x.filter((_, i) => def.series.some((s) => Number.isFinite(s.values[i]))).length;
  const titleId = `chart-${def.name}-title`;
  const figure = el("figure", {
    class: "chart",
    "data-chart": def.name,
    "data-points": String(drawn),
    "aria-labelledby": titleId,
  });
  figure.append(el("figcaption", { id: titleId }, [el("span", { class: "chart-title" }, def.title), drawn > 0 ? legend(def) : null]));
  if (drawn === 0) {
    figure.append(el("p", { class: "chart-empty" }, ["no data yet", def.emptyReason ? el("small", {}, def.emptyReason) : null]));
    return figure;
  }
  figure.append(plot(def, Math.max(280, Math.floor(width)), drawn));
  return figure;
}

function legend(def) {
  const items = def.series.map((s, i) => {
    const latest = [...s.values].reverse().find(Number.isFinite);
    return el("li", {}, [
      el("span", { class: `swatch s${i}`, "aria-hidden": "true" }),
      `${s.label} `,
      el("b", {}, latest === undefined ? "–" : def.format(latest)),
    ]);
  });
  return el("ul", { class: "legend" }, items);
}

function plot(def, width, drawn) {
  const wrap = el("div", { class: "plot" });
  const innerW = width - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const stacked = def.kind === "stacked";
  const totals = def.x.map((_, i) => def.series.reduce((t, s) => t + (Number.isFinite(s.values[i]) ? s.values[i] : 0), 0));
  const all = stacked ? totals : def.series.flatMap((s) => s.values.filter(Number.isFinite));
  // Ticks fall on round numbers of the chart's unit (KiB, MiB for bytes) and on whole rows for counts.
  const scale = def.tickScale ? def.tickScale(Math.max(1, ...all)) : 1;
  const yTicks = niceTicks(Math.min(0, ...all) / scale, Math.max(0, ...all) / scale, def.wholeNumbers ? 1 : 0).map((v) => v * scale);
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const bars = def.kind === "bars";
  const [x0, x1] = xDomain(def.x, bars);
  const sx = (t) => MARGIN.left + (x1 === x0 ? innerW / 2 : ((t - x0) / (x1 - x0)) * innerW);
  const sy = (v) => MARGIN.top + innerH - ((v - y0) / (y1 - y0)) * innerH;

  const latest = def.series.map((s) => `${s.label} ${def.format([...s.values].reverse().find(Number.isFinite))}`);
  const chart = svg("svg", {
    width, height: HEIGHT, viewBox: `0 0 ${width} ${HEIGHT}`, role: "img",
    "aria-label": `${def.title}: ${drawn} batches; latest ${latest.join(", ")}. ${def.description}`,
  });
  chart.append(svg("desc", {}, def.description));

  const grid = svg("g", { class: "grid" });
  for (const v of yTicks) {
    grid.append(svg("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(v), y2: sy(v) }));
    grid.append(svg("text", { x: MARGIN.left - 6, y: sy(v), class: "tick y" }, axisLabel(def, v)));
  }
  // Batches within a few seconds of each other (manual triggers, tests) need millis to tell the ticks apart.
  const millis = x1 - x0 < 5000;
  for (const t of xTicks(def.x, x0, x1, innerW)) {
    grid.append(svg("line", { x1: sx(t), x2: sx(t), y1: MARGIN.top + innerH, y2: MARGIN.top + innerH + 4 }));
    grid.append(svg("text", { x: sx(t), y: HEIGHT - 8, class: "tick x" }, clock(t, millis)));
  }
  grid.append(svg("line", { class: "axis", x1: MARGIN.left, x2: width - MARGIN.right, y1: sy(Math.max(y0, 0)), y2: sy(Math.max(y0, 0)) }));
  chart.append(grid);

  const marks = svg("g", { class: "marks" });
  if (bars) drawBars(marks, def, sx, sy, innerW);
  else if (stacked) drawStacked(marks, def, sx, sy);
  else drawLines(marks, def, sx, sy);
  chart.append(marks);

  wrap.append(chart);
  attachHover(wrap, chart, def, sx, totals, stacked);
  return wrap;
}

function axisLabel(def, v) {
  // Axis ticks are short: the legend and read-out carry the units in full.
  if (def.name === "stateMemory" || def.name === "watermarkDelay" || def.name === "batchDuration") return def.format(v);
  return compact(v);
}

function xDomain(xs, bars) {
  let [lo, hi] = [Math.min(...xs), Math.max(...xs)];
  if (bars || lo === hi) {
    const gap = xs.length > 1 ? (hi - lo) / (xs.length - 1) : 1000;
    lo -= gap / 2;
    hi += gap / 2;
  }
  return [lo, hi];
}

function segments(def, values, sx, sy) {
  const runs = [];
  let run = [];
  values.forEach((v, i) => {
    if (Number.isFinite(v)) {
      run.push([sx(def.x[i]), sy(v)]);
    } else if (run.length) {
      runs.push(run);
      run = [];
    }
  });
  if (run.length) runs.push(run);
  return runs;
}

function drawLines(g, def, sx, sy) {
  def.series.forEach((s, i) => {
    for (const run of segments(def, s.values, sx, sy)) {
      const d = run.map(([x, y], k) => `${k ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
      if (def.kind === "area") {
        const base = sy(0).toFixed(1);
        g.append(svg("path", { class: `area s${i}`, d: `${d}L${run[run.length - 1][0].toFixed(1)},${base}L${run[0][0].toFixed(1)},${base}Z` }));
      }
      g.append(svg("path", { class: `line s${i}`, d }));
      if (run.length === 1 || def.x.length <= 40) run.forEach(([x, y]) => g.append(svg("circle", { class: `dot s${i}`, cx: x, cy: y, r: 2.5 })));
    }
  });
}

function drawStacked(g, def, sx, sy) {
  const lower = def.x.map(() => 0);
  def.series.forEach((s, i) => {
    const upper = lower.map((l, k) => l + (Number.isFinite(s.values[k]) ? s.values[k] : 0));
    const top = def.x.map((t, k) => `${sx(t).toFixed(1)},${sy(upper[k]).toFixed(1)}`);
    const bottom = def.x.map((t, k) => `${sx(t).toFixed(1)},${sy(lower[k]).toFixed(1)}`).reverse();
    if (def.x.length === 1) {
      const x = sx(def.x[0]);
      g.append(svg("rect", { class: `area s${i}`, x: x - 6, width: 12, y: sy(upper[0]), height: Math.max(0, sy(lower[0]) - sy(upper[0])) }));
    } else {
      g.append(svg("path", { class: `area s${i}`, d: `M${top.join("L")}L${bottom.join("L")}Z` }));
      g.append(svg("path", { class: `line s${i}`, d: `M${top.join("L")}` }));
    }
    upper.forEach((u, k) => (lower[k] = u));
  });
}

function drawBars(g, def, sx, sy, innerW) {
  const n = def.x.length;
  const step = n > 1 ? Math.abs(sx(def.x[n - 1]) - sx(def.x[0])) / (n - 1) : innerW / 4;
  const w = Math.max(2, Math.min(28, step * 0.7));
  def.series.forEach((s, i) => {
    s.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      const y = sy(Math.max(v, 0));
      g.append(svg("rect", { class: `bar s${i}`, x: sx(def.x[k]) - w / 2, width: w, y, height: Math.max(v > 0 ? 1 : 0, sy(0) - y) }));
    });
  });
}

function attachHover(wrap, chart, def, sx, totals, stacked) {
  const rule = svg("line", { class: "hover-rule", y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, visibility: "hidden" });
  chart.append(rule);
  const tip = el("div", { class: "tooltip", hidden: "" });
  wrap.append(tip);
  const xs = def.x.map(sx);
  chart.addEventListener("pointermove", (e) => {
    const box = chart.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * chart.viewBox.baseVal.width;
    let k = 0;
    xs.forEach((x, i) => (Math.abs(x - px) < Math.abs(xs[k] - px) ? (k = i) : 0));
    rule.setAttribute("x1", xs[k]);
    rule.setAttribute("x2", xs[k]);
    rule.setAttribute("visibility", "visible");
    const rows = def.series.map((s, i) =>
      el("div", {}, [el("span", { class: `swatch s${i}`, "aria-hidden": "true" }), `${s.label}: `, el("b", {}, def.format(s.values[k]))]));
    if (stacked) rows.push(el("div", { class: "total" }, ["Total: ", el("b", {}, def.format(totals[k]))]));
    tip.replaceChildren(el("div", { class: "tip-head" }, `Batch ${integer(def.batchIds[k])} · ${dateTime(def.x[k])}`), ...rows);
    tip.hidden = false;
    const left = (xs[k] / chart.viewBox.baseVal.width) * box.width;
    tip.style.left = `${Math.min(left + 12, box.width - tip.offsetWidth - 4)}px`;
  });
  chart.addEventListener("pointerleave", () => {
    rule.setAttribute("visibility", "hidden");
    tip.hidden = true;
  });
}

/** Round tick values covering [lo, hi]: about five, on 1/2/5 steps. */
export function niceTicks(lo, hi, minStep = 0) {
  if (hi === lo) hi = lo + 1;
  const raw = Math.max((hi - lo) / 4, minStep);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw && (minStep === 0 || Number.isInteger(s)));
  const ticks = [];
  for (let v = Math.floor(lo / step) * step; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function timeTicks(lo, hi, innerW) {
  const want = Math.max(2, Math.floor(innerW / 90));
  const step = TIME_STEPS.find((s) => (hi - lo) / s <= want) ?? Math.ceil((hi - lo) / want / 86400000) * 86400000;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(t);
  return ticks;
}

/** Time ticks, or the first and last batch's times when the batches span less than two round steps. */
function xTicks(xs, lo, hi, innerW) {
  const ticks = timeTicks(lo, hi, innerW);
  if (ticks.length >= 2) return ticks;
  const [first, last] = [Math.min(...xs), Math.max(...xs)];
  return first === last ? [first] : [first, last];
}
