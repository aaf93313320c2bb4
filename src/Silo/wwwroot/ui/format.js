// Number, size, duration and time formatting for the streaming UI. Everything is locale-neutral so that what the
// page shows matches the CLI and the progress JSON.

const SI = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

/** A finite number, or NaN for anything else (the API writes NaN rates as the string "NaN"). */
export function num(value) {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : NaN;
}

/** 1234 -> "1.23k"; small values keep up to two decimals. */
export function compact(value) {
  const n = num(value);
  if (Number.isNaN(n)) return "–";
  const abs = Math.abs(n);
  for (const [size, suffix] of SI) {
    if (abs >= size) return trim(n / size) + suffix;
  }
  return trim(n);
}

function trim(n) {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(n.toFixed(digits)));
}

/** Whole numbers with thousands separators: 1234567 -> "1,234,567". */
export function integer(value) {
  const n = num(value);
  if (Number.isNaN(n)) return "–";
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Bytes in binary units: 1536 -> "1.5 KiB". */
export function bytes(value) {
  let n = num(value);
  if (Number.isNaN(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  while (Math.abs(n) >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? Math.round(n) : trim(n)} ${units[unit]}`;
}

/** Milliseconds as the largest sensible unit: 950 -> "950 ms", 61000 -> "1.02 min". */
export function millis(value) {
  const n = num(value);
  if (Number.isNaN(n)) return "–";
  return Math.abs(n) < 1000 ? `${trim(n)} ms` : seconds(n / 1000);
}

/** Seconds as the largest sensible unit: 90 -> "1.5 min", 1.7e9 -> "53.9 y". */
export function seconds(value) {
  const n = num(value);
  if (Number.isNaN(n)) return "–";
  const abs = Math.abs(n);
  if (abs < 60) return `${trim(n)} s`;
  if (abs < 3600) return `${trim(n / 60)} min`;
  if (abs < 86400) return `${trim(n / 3600)} h`;
  if (abs < 86400 * 365) return `${trim(n / 86400)} d`;
  return `${trim(n / (86400 * 365))} y`;
}

/** Epoch milliseconds from an ISO string, or NaN when absent or unparsable. */
export function parseTime(iso) {
  if (typeof iso !== "string" || iso === "") return NaN;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : NaN;
}

/** "14:03:27" in UTC, like the progress timestamps; "14:03:27.125" with millis. */
export function clock(epochMs, millis = false) {
  if (!Number.isFinite(epochMs)) return "–";
  return new Date(epochMs).toISOString().slice(11, millis ? 23 : 19);
}

/** "2024-05-01 14:03:27Z" for tooltips and tables. */
export function dateTime(epochMs) {
  if (!Number.isFinite(epochMs)) return "–";
  return new Date(epochMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

/** "3 s ago" relative to now, for the list's freshness column. */
export function ago(epochMs, now = Date.now()) {
  if (!Number.isFinite(epochMs)) return "–";
  const s = Math.max(0, (now - epochMs) / 1000);
  return s < 1 ? "just now" : `${seconds(Math.round(s))} ago`;
}
