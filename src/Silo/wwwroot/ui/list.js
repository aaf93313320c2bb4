// The query list: one row per query the silo knows, with a status badge, the alert count and where it is.
import { el } from "./dom.js";
import { integer } from "./format.js";

/** A badge for a query state (Active, Stopped, Completed, Failed). */
export function stateBadge(state) {
  return el("span", { class: `badge state state-${state || "Unknown"}` }, [el("span", { class: "dot", "aria-hidden": "true" }), state || "Unknown"]);
}

/** The alert count for a query: red when any is critical, amber for warnings, a dash when there are none. */
export function alertCount(alerts) {
  if (!alerts) return el("span", { class: "muted", title: "Alerts not loaded" }, "…");
  if (alerts.length === 0) return el("span", { class: "muted", "aria-label": "No alerts" }, "—");
  const critical = alerts.some((a) => a.severity === "critical");
  const kinds = [...new Set(alerts.map((a) => a.kind))].join(", ");
  return el("span", { class: `count ${critical ? "critical" : "warning"}`, title: kinds, "data-alerts": String(alerts.length) },
    `${alerts.length} ${alerts.length === 1 ? "alert" : "alerts"}`);
}

/** Fills the list's tbody; clicking a row selects the query through the URL hash. */
export function renderList(tbody, queries, alertsByName, selected) {
  const rows = queries.map((query) => {
    const href = `#query=${encodeURIComponent(query.name)}`;
    const isSelected = query.name === selected;
    const row = el("tr", {
      class: isSelected ? "selected" : null,
      "data-query": query.name,
      "aria-current": isSelected ? "true" : null,
      onclick: (e) => {
        if (!e.target.closest("a")) location.hash = href;
      },
    }, [
      el("th", { scope: "row" }, el("a", { href }, query.name)),
      el("td", {}, stateBadge(query.state)),
      el("td", {}, alertCount(alertsByName.get(query.name))),
      el("td", { class: "message" }, messageOf(query)),
      el("td", { class: "num" }, query.lastCommittedBatchId >= 0 ? integer(query.lastCommittedBatchId) : "—"),
      el("td", {}, el("code", {}, query.trigger || "—")),
      el("td", {}, query.sinkKind || "—"),
    ]);
    return row;
  });
  tbody.replaceChildren(...rows);
}

function messageOf(query) {
  const parts = [query.state === "Failed" && query.error ? query.error : query.message || ""];
  if (query.backlogTotal > 0) {
    const done = Math.min(query.backlogDone || 0, query.backlogTotal);
    parts.push(el("progress", { max: query.backlogTotal, value: done, title: `${integer(done)} of ${integer(query.backlogTotal)} offsets` }));
    parts.push(el("span", { class: "muted" }, ` ${Math.round((done / query.backlogTotal) * 100)}%`));
  }
  return parts;
}
