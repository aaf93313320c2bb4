// Sluice streaming UI: polls the silo's HTTP API every 2 seconds, shows the query list and, for the query named in
// the URL hash (#query=NAME), its alerts, charts and tables. No framework and no build step: ES modules served as
// static files by the silo.
import { api, apiKey } from "./api.js";
import { renderDetail } from "./detail.js";
import { clock } from "./format.js";
import { renderList } from "./list.js";

const POLL_MS = 2000;

const state = {
  queries: [],
  alertsByName: new Map(),
  selected: null,
  detail: null,
  pending: null,
  actionResult: null,
  timer: 0,
  generation: 0,
};

const $ = (selector) => document.querySelector(selector);

function selectedFromHash() {
  const match = /(?:^#|&)query=([^&]*)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Shows the key form instead of the queries; polling waits until a key is entered. */
function askForKey(message) {
  state.generation++;
  clearTimeout(state.timer);
  $("#content").hidden = true;
  $("#connection").hidden = true;
  $("#dashboard-link").setAttribute("href", "../dashboard");
  // Nothing read with an earlier key stays in the page.
  state.queries = [];
  state.alertsByName = new Map();
  state.detail = null;
  $("#query-list tbody").replaceChildren();
  $("#detail").replaceChildren();
  if (message) $("#key-message").textContent = message;
  $("#key-form").hidden = false;
  $("#refreshed").textContent = "";
  $("#key-input").focus();
}

function showContent() {
  $("#key-form").hidden = true;
  $("#content").hidden = false;
  // The dashboard cannot send a header: its first load takes the key from the URL and keeps a cookie (GETs only).
  $("#dashboard-link").setAttribute("href", `../dashboard?key=${encodeURIComponent(apiKey.get())}`);
}

/** How many of a memory sink's latest rows the detail view shows. */
const ROWS_SHOWN = 20;

async function poll() {
  // A poll started later (hash change, action) supersedes this one: only the latest renders and reschedules.
  const generation = ++state.generation;
  clearTimeout(state.timer);
  if (!apiKey.get()) {
    askForKey();
    return;
  }
  const selected = state.selected;
  const [list, detail, progress, rows] = await Promise.allSettled([
    api.queries(),
    selected ? api.query(selected) : null,
    selected ? api.progress(selected) : null,
    selected ? api.rows(selected, ROWS_SHOWN) : null,
  ]);
  if (generation !== state.generation) return;
  if (list.status === "rejected" && list.reason.status === 401) {
    apiKey.clear();
    askForKey("The silo did not accept this key. Enter one of its Http:ApiKeys, or open the URL it printed at start.");
    return;
  }
  if (list.status === "fulfilled") {
    state.queries = list.value || [];
    const alerts = await Promise.allSettled(state.queries.map((q) => api.alerts(q.name)));
    if (generation !== state.generation) return;
    state.alertsByName = new Map(state.queries.map((q, i) => [q.name, alerts[i].status === "fulfilled" ? alerts[i].value : null]));
    connection(null);
  } else {
    connection(list.reason);
  }
  if (selected && selected === state.selected) {
    state.detail = detailModel(selected, detail, progress, rows);
  }
  render();
  $("#refreshed").textContent = `Updated ${clock(Date.now())} UTC · every ${POLL_MS / 1000} s`;
  state.timer = setTimeout(poll, POLL_MS);
}

function detailModel(name, detail, progress, rows) {
  const previous = state.detail?.name === name ? state.detail : {};
  if (detail.status === "rejected") {
    return detail.reason.status === 404 ? { name, missing: true } : { ...previous, name };
  }
  const body = detail.value || {};
  return {
    name,
    query: body.query,
    lastProgress: body.lastProgress,
    alerts: body.alerts ?? state.alertsByName.get(name) ?? [],
    progress: progress.status === "fulfilled" ? progress.value || [] : previous.progress || [],
    // Only memory sinks hold rows: other sinks answer 409 and show no rows part.
    rows: rows.status === "fulfilled" ? rows.value : rows.reason?.status === 409 ? null : previous.rows ?? null,
  };
}

function connection(error) {
  const banner = $("#connection");
  banner.hidden = !error;
  banner.textContent = error ? `Cannot reach the silo's API (${error.message}). Retrying every ${POLL_MS / 1000} s…` : "";
}

function chartLayout() {
  // One chart column per 440 px of the panel, so each SVG is drawn at the size it shows (crisp text, no scaling).
  const inner = $("#detail").clientWidth - 48;
  const columns = Math.max(1, Math.min(3, Math.floor((inner + 20) / 440)));
  return { columns, width: Math.floor((inner - (columns - 1) * 20) / columns - 26) };
}

function render() {
  if (!apiKey.get()) return; // the key form shows instead
  renderList($("#query-list tbody"), state.queries, state.alertsByName, state.selected);
  $("#list-empty").hidden = state.queries.length > 0;
  const detail = $("#detail");
  if (!state.selected) {
    delete detail.dataset.query;
    detail.replaceChildren(Object.assign(document.createElement("p"), { className: "empty", textContent: "Select a query to see its progress, charts and alerts." }));
    document.title = "Sluice · Streaming queries";
    return;
  }
  document.title = `${state.selected} · Sluice`;
  const model = { ...(state.detail?.name === state.selected ? state.detail : { name: state.selected }), pending: state.pending, actionResult: state.actionResult };
  renderDetail(detail, model, { stop, restart }, chartLayout());
}

async function act(name, verb, run) {
  state.pending = `${verb}…`;
  state.actionResult = null;
  render();
  try {
    await run(name);
    state.actionResult = `${verb} requested.`;
  } catch (error) {
    state.actionResult = `${verb} failed: ${error.message}`;
  } finally {
    state.pending = null;
  }
  await poll();
}

const stop = (name) => act(name, "Stop", api.stop);
const restart = (name) => act(name, "Restart", api.restart);

window.addEventListener("hashchange", () => {
  state.selected = selectedFromHash();
  state.actionResult = null;
  render();
  poll();
});

let resizeTimer = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 150);
});

$("#key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = $("#key-input").value.trim();
  if (!key) return;
  apiKey.set(key);
  $("#key-input").value = "";
  showContent();
  poll();
});

apiKey.adoptFromUrl();
state.selected = selectedFromHash();
if (apiKey.get()) {
  showContent();
  render();
}
poll();
