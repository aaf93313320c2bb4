// Turns a query's recent progress reports (Spark's StreamingQueryProgress JSON, oldest first) into the series the
// charts draw. Each chart keeps only the batches that carry its metric, so a stateless query shows "no data yet"
// for state rows instead of a flat zero line.
import { bytes, compact, integer, millis, num, parseTime, seconds } from "./format.js";

const PHASES = ["latestOffset", "walCommit", "addBatch", "commitOffsets"];

const rows = (v) => `${integer(v)} ${num(v) === 1 ? "row" : "rows"}`;

const sum = (items, pick) => items.reduce((total, item) => total + (num(pick(item)) || 0), 0);

/** The six chart definitions for one query's progress list. */
export function chartsFor(progress) {
  const batches = (progress || [])
    .map((p) => ({ p, t: parseTime(p.timestamp) }))
    .filter((b) => Number.isFinite(b.t));
  const stateful = batches.filter((b) => (b.p.stateOperators || []).length > 0);
  const watermarked = batches.filter((b) => Number.isFinite(parseTime(b.p.eventTime?.watermark)));
  // Why a chart is empty once batches have run: the query has nothing of that kind, not "wait longer".
  const noState = batches.length > 0 && stateful.length === 0 ? "this query has no stateful operator" : null;
  const noWatermark = batches.length > 0 && watermarked.length === 0 ? "this query sets no watermark" : null;

  return [
    {
      name: "rates",
      title: "Input vs processing rate",
      description: "Rows per second arriving (input) and rows per second the query processed.",
      kind: "line",
      format: (v) => `${compact(v)} rows/s`,
      ...columns(batches, [
        { label: "Input rate", value: (p) => num(p.inputRowsPerSecond) },
        { label: "Processing rate", value: (p) => num(p.processedRowsPerSecond) },
      ]),
    },
    {
      name: "batchDuration",
      title: "Batch duration by phase",
      description: "Time each micro-batch spent per phase, stacked.",
      kind: "stacked",
      format: millis,
      ...columns(batches, PHASES.map((phase) => ({ label: phase, value: (p) => num(p.durationMs?.[phase] ?? 0) }))),
    },
    {
      name: "stateRows",
      title: "State rows",
      description: "Rows held in state, summed over the stateful operators.",
      kind: "area",
      format: rows,
      wholeNumbers: true,
      emptyReason: noState,
      ...columns(stateful, [{ label: "State rows", value: (p) => sum(p.stateOperators, (s) => s.numRowsTotal) }]),
    },
    {
      name: "stateMemory",
      title: "State memory",
      description: "Memory used by state, summed over the stateful operators.",
      kind: "area",
      format: bytes,
      emptyReason: noState,
      tickScale: (max) => 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024))),
      ...columns(stateful, [{ label: "State memory", value: (p) => sum(p.stateOperators, (s) => s.memoryUsedBytes) }]),
    },
    {
      name: "watermarkDelay",
      title: "Watermark delay",
      description: "How far the watermark trails the batch's wall-clock time, in seconds.",
      kind: "line",
      format: seconds,
      emptyReason: noWatermark,
      tickScale: (max) => [31536000, 86400, 3600, 60].find((unit) => max >= unit * 2) ?? 1,
      ...columns(watermarked, [
        { label: "Watermark delay", value: (p) => (parseTime(p.timestamp) - parseTime(p.eventTime.watermark)) / 1000 },
      ]),
    },
    {
      name: "droppedByWatermark",
      title: "Rows dropped by watermark",
      description: "Late rows each batch discarded because they were older than the watermark.",
      kind: "bars",
      format: rows,
      wholeNumbers: true,
      emptyReason: noState,
      ...columns(stateful, [
        { label: "Dropped rows", value: (p) => sum(p.stateOperators, (s) => s.numRowsDroppedByWatermark) },
      ]),
    },
  ];
}

function columns(batches, defs) {
  return {
    x: batches.map((b) => b.t),
    batchIds: batches.map((b) => b.p.batchId),
    series: defs.map((d) => ({ label: d.label, values: batches.map((b) => d.value(b.p)) })),
  };
}

/** The figures shown above the charts, from the latest progress. */
export function summaryOf(last) {
  if (!last) return [];
  const state = last.stateOperators || [];
  const watermark = parseTime(last.eventTime?.watermark);
  const items = [
    ["Last batch", integer(last.batchId)],
    ["Input rows", integer(last.numInputRows)],
    ["Input rate", `${compact(last.inputRowsPerSecond)} rows/s`],
    ["Processing rate", `${compact(last.processedRowsPerSecond)} rows/s`],
    ["Batch duration", millis(last.batchDuration ?? last.durationMs?.triggerExecution)],
    ["Output rows", integer(last.sink?.numOutputRows)],
  ];
  if (state.length > 0) {
    items.push(["State rows", integer(sum(state, (s) => s.numRowsTotal))]);
    items.push(["State memory", bytes(sum(state, (s) => s.memoryUsedBytes))]);
  }
  if (Number.isFinite(watermark)) {
    items.push(["Watermark delay", seconds((parseTime(last.timestamp) - watermark) / 1000)]);
  }
  return items;
}
