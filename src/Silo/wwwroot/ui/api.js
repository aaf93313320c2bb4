// The silo's HTTP API, resolved relative to the page (/ui/ -> /api/) so the UI also works behind a path prefix.
// Every request carries the API key in the Authorization header: the silo accepts no cookie for the API, so a
// cross-site page cannot act with the user's credentials.

const base = new URL("../api/", document.baseURI);
const KEY_ITEM = "sluice.apiKey";

/** The API key for this tab: taken from the URL (?key=..., as the silo prints it) or typed into the key form. */
export const apiKey = {
  get: () => sessionStorage.getItem(KEY_ITEM),
  set: (key) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
  /** Moves ?key= from the address bar into session storage, so it stays out of the history and of shared links. */
  adoptFromUrl() {
    const url = new URL(location.href);
    const key = url.searchParams.get("key");
    if (key) {
      apiKey.set(key);
      url.searchParams.delete("key");
      history.replaceState(history.state, "", url);
    }
  },
};

/** An API failure with the HTTP status and the server's message when it sent one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, init) {
  const headers = { Accept: "application/json" };
  const key = apiKey.get();
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(new URL(path, base), { cache: "no-store", credentials: "omit", headers, ...init });
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
  rows: (name, limit) => request(`${q(name)}/rows?limit=${limit}`),
  stop: (name) => request(`${q(name)}/stop`, { method: "POST" }),
  restart: (name) => request(`${q(name)}/restart`, { method: "POST" }),
};
