// The silo's HTTP API, resolved relative to the page (/ui/ -> /api/) so the UI also works behind a path prefix.

const base = new URL("../api/", document.baseURI);

/** An API failure with the HTTP status and the server's message when it sent one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, init) {
  const response = await fetch(new URL(path, base), { cache: "no-store", headers: { Accept: "application/json" }, ...init });
  const text = await response.text();
  const body = text ? parseJson(text) : null;
  if (!response.ok) {
    const message = (body && (body.detail || body.title || body.error || body.message)) || text || response.statusText;
    throw new ApiError(response.status, `${response.status} ${message}`.trim());
  }
  return body;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const q = (name) => `queries/${encodeURIComponent(name)}`;

export const api = {
  queries: () => request("queries"),
  query: (name) => request(q(name)),
  progress: (name) => request(`${q(name)}/progress`),
  alerts: (name) => request(`${q(name)}/alerts`),
  stop: (name) => request(`${q(name)}/stop`, { method: "POST" }),
  restart: (name) => request(`${q(name)}/restart`, { method: "POST" }),
};
