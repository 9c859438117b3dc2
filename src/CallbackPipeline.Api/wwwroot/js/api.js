// The dashboard's only door to the API. The key lives in sessionStorage (gone with the tab), never in a URL.
const KEY = "callbackpipeline.key";

// A validation problem says what is wrong field by field; fields that share a message (from and to) are named together.
function describe(status, problem) {
  if (!problem?.errors) return problem?.detail || problem?.title || `Request failed (${status})`;
  const fields = new Map();
  for (const [field, messages] of Object.entries(problem.errors)) {
    for (const message of messages) fields.set(message, [...(fields.get(message) ?? []), field]);
  }
  return [...fields].map(([message, names]) => `${names.join(", ")}: ${message}`).join("; ");
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(describe(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
};

export async function api(method, path, { body, etag } = {}) {
  const headers = { Authorization: `Bearer ${session.key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 304) return { notModified: true, etag };
  const text = await response.text();
  const json = parse(text);
  if (!response.ok) throw new ApiError(response.status, json);
  return { json, etag: response.headers.get("ETag"), next: nextCursor(response.headers.get("Link")) };
}

// A body as JSON; null when there is none, or when it is not JSON (an error page from a proxy in front of the host).
function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// The cursor of the next page, from a `Link: <…>; rel="next"` header, or null on the last page.
function nextCursor(link) {
  const url = link?.match(/^<([^>]+)>; rel="next"$/)?.[1];
  return url ? new URL(url, location.origin).searchParams.get("cursor") : null;
}
