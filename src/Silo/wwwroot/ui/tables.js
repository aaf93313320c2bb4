// Tables under the charts: the sources (offsets and Kafka lag), the state operators, and the recent batches.
import { el } from "./dom.js";
import { bytes, compact, dateTime, integer, millis, parseTime } from "./format.js";

function table(caption, headers, rows) {
  return el("div", { class: "table-wrap" }, el("table", { class: "data" }, [
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, headers.map(([label, numeric]) => el("th", { scope: "col", class: numeric ? "num" : null }, label)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map(([value, numeric]) => el("td", { class: numeric ? "num" : null }, value))))),
  ]));
}

/** Offsets behind the latest available, summed over a source's topic partitions (null when unknown). */
export function lagOf(source) {
  const end = source.endOffset;
  const latest = source.latestOffset;
  if (!end || !latest || typeof end !== "object" || typeof latest !== "object") return null;
  let lag = 0;
  for (const [topic, partitions] of Object.entries(latest)) {
    for (const [partition, offset] of Object.entries(partitions || {})) {
      const done = end[topic]?.[partition];
      if (typeof offset === "number" && typeof done === "number") lag += Math.max(0, offset - done);
    }
  }
  return lag;
}

/** {"events": {"0": 180, "1": 176}} -> "events 0:180 1:176", one line per topic. */
function offsets(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "object") return el("code", { class: "offsets" }, String(value));
  return Object.entries(value).map(([topic, partitions]) => el("code", { class: "offsets" }, typeof partitions === "object" && partitions
    ? `${topic} ${Object.entries(partitions).map(([p, offset]) => `${p}:${offset}`).join(" ")}`
    : `${topic} ${partitions}`));
}

function metrics(map) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(", ") : "—";
}

export function sourcesTable(last) {
  const sources = last?.sources || [];
  if (sources.length === 0) return null;
  return table("Sources (latest batch)", [
    ["Source"], ["Start offset"], ["End offset"], ["Latest offset"], ["Lag", true], ["Input rows", true], ["Input rate", true], ["Processing rate", true], ["Metrics"],
  ], sources.map((s) => {
    const lag = lagOf(s);
    return [
      [s.description], [offsets(s.startOffset)], [offsets(s.endOffset)], [offsets(s.latestOffset)],
      [lag === null ? "—" : integer(lag), true], [integer(s.numInputRows), true],
      [`${compact(s.inputRowsPerSecond)}/s`, true], [`${compact(s.processedRowsPerSecond)}/s`, true], [metrics(s.metrics)],
    ];
  }));
}

export function operatorsTable(last) {
  const ops = last?.stateOperators || [];
  if (ops.length === 0) return null;
  return table("State operators (latest batch)", [
    ["Operator"], ["Rows", true], ["Updated", true], ["Removed", true], ["Dropped by watermark", true], ["Memory", true], ["Commit time", true], ["Custom metrics"],
  ], ops.map((s) => [
    [s.operatorName], [integer(s.numRowsTotal), true], [integer(s.numRowsUpdated), true], [integer(s.numRowsRemoved), true],
    [integer(s.numRowsDroppedByWatermark), true], [bytes(s.memoryUsedBytes), true], [millis(s.commitTimeMs), true], [metrics(s.customMetrics)],
  ]));
}

export function batchesTable(progress) {
  if (progress.length === 0) return null;
  const recent = progress.slice(-10).reverse();
  return table(`Recent batches (newest first, ${recent.length} of ${progress.length})`, [
    ["Batch", true], ["Time (UTC)"], ["Input rows", true], ["Input rate", true], ["Processing rate", true], ["Duration", true], ["Output rows", true], ["Dropped", true], ["Watermark"],
  ], recent.map((p) => [
    [integer(p.batchId), true], [dateTime(parseTime(p.timestamp))], [integer(p.numInputRows), true],
    [`${compact(p.inputRowsPerSecond)}/s`, true], [`${compact(p.processedRowsPerSecond)}/s`, true],
    [millis(p.batchDuration ?? p.durationMs?.triggerExecution), true], [integer(p.sink?.numOutputRows), true],
    [integer((p.stateOperators || []).reduce((t, s) => t + (s.numRowsDroppedByWatermark || 0), 0)), true],
    [p.eventTime?.watermark ? dateTime(parseTime(p.eventTime.watermark)) : "—"],
  ]));
}

/**
 * A memory sink's latest rows (GET /api/queries/NAME/rows): one column per sink column, newest last. A window struct
 * shows as "start – end"; other structs as JSON.
 */
export function sinkRowsTable(sink) {
  if (!sink) return null;
  const columns = sink.schema || [];
  const rows = sink.rows || [];
  const caption = sink.totalRows > rows.length
    ? `Latest rows (memory sink): the last ${rows.length} of ${integer(sink.totalRows)}, batch ${sink.lastBatchId}`
    : `Rows (memory sink): ${rows.length}${sink.lastBatchId >= 0 ? `, batch ${sink.lastBatchId}` : ""}`;
  if (rows.length === 0) return el("p", { class: "empty", "data-rows": "0" }, `${caption}. No rows yet.`);
  const numeric = (type) => ["int", "bigint", "double"].includes(String(type).toLowerCase());
  const wrap = table(caption, columns.map((c) => [c.name, numeric(c.type)]),
    rows.map((row) => columns.map((c) => [cell(row[c.name]), numeric(c.type)])));
  wrap.firstChild.setAttribute("data-rows", String(rows.length));
  wrap.firstChild.classList.add("sink-rows");
  return wrap;
}

function cell(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object") {
    return "start" in value && "end" in value ? `${dateTime(parseTime(value.start))} – ${dateTime(parseTime(value.end))}` : JSON.stringify(value);
  }
  return String(value);
}
