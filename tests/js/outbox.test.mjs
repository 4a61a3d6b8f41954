// Unit tests of the unit screen's outbox (what the crew did, kept until the server has it) and of the distance
// used to throttle AVL fixes. Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

const store = new Map();
globalThis.localStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, String(v)) };
globalThis.document = { getElementById: () => ({ textContent: JSON.stringify({ csrf_token: "csrf" }) }) };
globalThis.setInterval = () => 0; // no background retries in a test

const { Outbox } = await import("../../src/openpsap/console/static/unit/outbox.js");
const { metres } = await import("../../src/openpsap/console/static/unit/navigation.js");

function server(answers) {
  const seen = [];
  globalThis.fetch = async (url, init) => {
    seen.push({ url, key: init.headers["Idempotency-Key"], body: init.body && JSON.parse(init.body) });
    const next = answers.shift();
    if (next === "offline") throw new TypeError("Failed to fetch");
    return { ok: next.status < 400, status: next.status, json: async () => next.body ?? {} };
  };
  return seen;
}

test("queued changes go in order once the network is back, each with one key whatever the retries", async () => {
  store.clear();
  const seen = server(["offline", "offline", { status: 200 }, { status: 201 }]);
  const box = new Outbox("M10");
  box.add("En route", "POST", "/units/M10/status", (at) => ({ status: "EnRoute", at }));
  await box.flush();
  box.add("Note", "POST", "/incidents/26-000001/notes", { text: "on scene soon" }); // tries at once: still offline
  await box.flush();
  assert.equal(box.waiting.length, 2, "offline: both wait");
  assert.equal(box.reachable, false);
  const reloaded = new Outbox("M10"); // a reload in the dead zone keeps them
  assert.deepEqual(reloaded.waiting.map((i) => i.label), ["En route", "Note"]);
  await reloaded.flush();
  assert.equal(reloaded.waiting.length, 0);
  assert.deepEqual(seen.map((s) => s.url), ["/api/v1/units/M10/status", "/api/v1/units/M10/status",
    "/api/v1/units/M10/status", "/api/v1/incidents/26-000001/notes"]);
  assert.equal(seen[0].key, seen[2].key, "the retry carries the same Idempotency-Key");
  assert.match(seen[2].body.at, /^\d{4}-\d\d-\d\dT/, "the time it was made travels with it");
});

test("a refusal is kept with the server's words and the rest still go", async () => {
  store.clear();
  server([{ status: 409, body: { message: "not applied: OnScene for unit M10 on 26-000001" } }, { status: 201 }]);
  const box = new Outbox("M10");
  box.waiting.push({ key: "a", label: "On scene", method: "POST", path: "/units/M10/status", body: {} },
    { key: "b", label: "Note", method: "POST", path: "/incidents/26-000001/notes", body: { text: "x" } });
  await box.flush();
  assert.equal(box.waiting.length, 0);
  assert.equal(box.refused.length, 1);
  assert.match(box.refused[0].reason, /not applied: OnScene/);
});

test("a server error or an ended session keeps the queue and its order", async () => {
  store.clear();
  server([{ status: 503 }]);
  const box = new Outbox("M10");
  box.waiting.push({ key: "a", label: "On scene", method: "POST", path: "/units/M10/status", body: {} });
  await box.flush();
  assert.equal(box.waiting.length, 1);
});

test("metres between two fixes", () => {
  const d = metres({ lat: 37.7811, lon: -122.4043 }, { lat: 37.7815, lon: -122.4043 });
  assert.ok(d > 40 && d < 50, String(d));
});
