// The selected query: status and actions, its alerts, the latest figures, the charts over recent progress, and
// tables of sources, state operators and recent batches. Each part re-renders only when its data changed, so the
// 2-second refresh does not reset a hover read-out or make screen readers repeat themselves.
import { renderChart } from "./charts.js";
import { el } from "./dom.js";
import { stateBadge } from "./list.js";
import { chartsFor, summaryOf } from "./series.js";
import { batchesTable, operatorsTable, sinkRowsTable, sourcesTable } from "./tables.js";

const PARTS = ["head", "alerts", "summary", "rows", "charts", "sources", "operators", "batches", "raw"];

/**
 * Shows one query. model: { name, query, lastProgress, alerts, progress, rows, missing }; actions: { stop, restart };
 * layout: { columns, width } of the chart grid.
 */
export function renderDetail(container, model, actions, layout) {
  if (container.dataset.query !== model.name) {
    container.dataset.query = model.name;
    container.replaceChildren(...PARTS.map((part) => el("div", { class: `part part-${part}`, "data-part": part })));
  }
  const parts = Object.fromEntries(PARTS.map((p) => [p, container.querySelector(`[data-part="${p}"]`)]));
  const progress = model.progress || [];
  const last = model.lastProgress || progress[progress.length - 1] || null;
  const progressKey = `${progress.length}:${last?.batchId}:${last?.timestamp}`;

  update(parts.head, [model.query, model.missing, model.pending], () => head(model, actions));
  update(parts.alerts, [model.alerts, model.missing], () => alertsPart(model));
  update(parts.summary, [progressKey], () => summaryPart(last));
  update(parts.rows, [model.rows], () => sinkRowsTable(model.rows));
  update(parts.charts, [progressKey, layout], () => chartsPart(progress, layout));
  update(parts.sources, [progressKey], () => sourcesTable(last));
  update(parts.operators, [progressKey], () => operatorsTable(last));
  update(parts.batches, [progressKey], () => batchesTable(progress));
  update(parts.raw, [progressKey], () => rawPart(last));
}

function update(node, deps, render) {
  const key = JSON.stringify(deps);
  if (node.dataset.key === key) return;
  node.dataset.key = key;
  node.replaceChildren(...[render()].flat().filter(Boolean));
}

function head(model, actions) {
  const q = model.query;
  const title = el("h2", { id: "detail-title" }, [model.name, " ", q ? stateBadge(q.state) : null]);
  if (!q) {
    return [title, el("p", { class: "empty" }, model.missing ? `No query named “${model.name}” on this silo (yet). This page keeps checking.` : "Loading…")];
  }
  const busy = Boolean(model.pending);
  const buttons = el("div", { class: "actions" }, [
    el("button", { type: "button", class: "danger", disabled: busy || q.state !== "Active", onclick: () => actions.stop(q.name) }, "Stop"),
    el("button", { type: "button", disabled: busy, onclick: () => actions.restart(q.name) }, q.state === "Active" ? "Restart" : "Start again"),
    el("span", { class: "action-status", role: "status" }, model.pending || model.actionResult || ""),
  ]);
  const meta = el("dl", { class: "meta" }, [
    ["Message", q.message || "—"],
    ["Trigger", el("code", {}, q.trigger || "—")],
    ["Sink", q.sinkKind || "—"],
    ["Last committed batch", q.lastCommittedBatchId >= 0 ? String(q.lastCommittedBatchId) : "—"],
    ["Id", el("code", {}, q.id)],
    ["Run id", el("code", {}, q.runId)],
  ].map(([k, v]) => el("div", {}, [el("dt", {}, k), el("dd", {}, v)])));
  const error = q.state === "Failed" && q.error ? el("pre", { class: "error-text" }, q.error) : null;
  return [el("div", { class: "detail-head" }, [title, buttons]), meta, error];
}

function alertsPart(model) {
  const alerts = model.alerts || [];
  if (!model.query) return null;
  if (alerts.length === 0) {
    return el("p", { class: "no-alerts" }, [el("span", { "aria-hidden": "true" }, "✓ "), "No alerts: state is stable, no late rows dropped, batches keep up with the trigger."]);
  }
  return el("section", { class: "alerts", "aria-labelledby": "alerts-title" }, [
    el("h3", { id: "alerts-title" }, `Alerts (${alerts.length})`),
    el("ul", { "aria-live": "polite" }, alerts.map((a) =>
      el("li", { class: `alert alert-${a.kind} severity-${a.severity}`, "data-kind": a.kind }, [
        el("span", { class: "alert-icon", "aria-hidden": "true" }, a.severity === "critical" ? "⛔" : "⚠"),
        el("span", { class: "alert-body" }, [
          el("strong", {}, `${a.severity === "critical" ? "Critical" : "Warning"} · ${ALERT_TITLES[a.kind] || a.kind}`),
          el("span", { class: "alert-message" }, a.message),
        ]),
      ]))),
  ]);
}

const ALERT_TITLES = {
  stateGrowth: "State growing",
  droppedByWatermark: "Rows dropped by watermark",
  processingLag: "Processing lag",
  failed: "Query failed",
};

function summaryPart(last) {
  const items = summaryOf(last);
  if (items.length === 0) return el("p", { class: "empty" }, "No batch has run yet: progress appears after the first trigger.");
  return el("dl", { class: "tiles" }, items.map(([k, v]) => el("div", { class: "tile" }, [el("dt", {}, k), el("dd", {}, v)])));
}

function chartsPart(progress, layout) {
  const grid = el("div", { class: "charts", style: `grid-template-columns: repeat(${layout.columns}, minmax(0, 1fr))` });
  grid.append(...chartsFor(progress).map((def) => renderChart(def, layout.width)));
  return [el("h3", { class: "section-title" }, `Recent progress (${progress.length} ${progress.length === 1 ? "batch" : "batches"})`), grid];
}

function rawPart(last) {
  if (!last) return null;
  return el("details", { class: "raw" }, [
    el("summary", {}, "Last progress (JSON)"),
    el("pre", {}, JSON.stringify(last, null, 2)),
  ]);
}
