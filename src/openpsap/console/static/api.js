// Talking to /api/v1 with the session cookie: the CSRF header on writes, an Idempotency-Key on every
// command (a retry after a network error can never act twice), and the API's one error shape.

const BOOT = JSON.parse(document.getElementById("boot").textContent);
export const me = { username: BOOT.username, roles: new Set(BOOT.roles), unitId: BOOT.unit_id };
export const boot = BOOT;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `the server answered ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function can(...roles) {
  return roles.some((r) => me.roles.has(r));
}

async function request(method, path, body, { key, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") {
    headers["X-CSRF-Token"] = BOOT.csrf_token;
    headers["Idempotency-Key"] = key || crypto.randomUUID();
  }
  const r = await fetch(`/api/v1${path}`, {
    method, headers, signal, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (r.status === 401) {
    window.location.reload(); // the session ended: back to the login page
    throw new ApiError(401, { message: "your session has ended; log in again" });
  }
  const data = r.status === 204 ? null : await r.json().catch(() => null);
  if (r.status === 403 && data?.message?.includes("X-CSRF-Token")) {
    window.location.reload(); // another login in this browser replaced the session: reload for its token
    throw new ApiError(403, { message: "this page's session was replaced by another login; reloading" });
  }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

/** A command, retried once with the same Idempotency-Key if the network failed (never acts twice). */
async function command(method, path, body, opts = {}) {
  const key = crypto.randomUUID();
  try {
    return await request(method, path, body, { ...opts, key });
  } catch (err) {
    if (err instanceof ApiError || err.name === "AbortError") throw err;
    return request(method, path, body, { ...opts, key });
  }
}

export const get = (path, opts) => request("GET", path, undefined, opts);
export const post = (path, body, opts) => command("POST", path, body, opts);
export const patch = (path, body, opts) => command("PATCH", path, body, opts);
export const put = (path, body, opts) => command("PUT", path, body, opts);
export const enc = encodeURIComponent;
