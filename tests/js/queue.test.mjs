// The queue's ordering and overdue rules (pure functions of queue.js). Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { byPriorityAndAge, locationUnknown, overdue } from "../../src/openpsap/console/static/queue.js";

const T0 = Date.parse("2026-11-27T10:00:00Z");
const at = (s) => new Date(T0 + s * 1000).toISOString();
const incident = (fields) => ({ status: "Active", eido_priority: 10, created_at: at(0), updated_at: at(0), ...fields });

test("higher priority first, then the older first", () => {
  const list = [
    incident({ id: "low-old", eido_priority: 2, created_at: at(0) }),
    incident({ id: "high-new", eido_priority: 10, created_at: at(30) }),
    incident({ id: "high-old", eido_priority: 10, created_at: at(10) }),
  ];
  assert.deepEqual(list.sort(byPriorityAndAge).map((i) => i.id), ["high-old", "high-new", "low-old"]);
});

test("an incident with no map point stays on top until it has one, whatever its priority", () => {
  const here = { lat: 37.77, lon: -122.42 };
  const list = [
    incident({ id: "p1-located", eido_priority: 10, ...here }),
    incident({ id: "p5-unknown", eido_priority: 2, address: "somewhere near the park" }),
  ];
  assert.deepEqual(list.sort(byPriorityAndAge).map((i) => i.id), ["p5-unknown", "p1-located"]);
  assert.equal(locationUnknown(list[1]), false);
});

test("a pending P1 turns overdue after 60 s, a P3 after 120 s, a P5 after 10 min", () => {
  assert.equal(overdue(incident({ eido_priority: 10 }), T0 + 59_000), false);
  assert.equal(overdue(incident({ eido_priority: 10 }), T0 + 61_000), true);
  assert.equal(overdue(incident({ eido_priority: 6 }), T0 + 100_000), false);
  assert.equal(overdue(incident({ eido_priority: 6 }), T0 + 121_000), true);
  assert.equal(overdue(incident({ eido_priority: 2 }), T0 + 599_000), false);
  assert.equal(overdue(incident({ eido_priority: 2 }), T0 + 601_000), true);
});

test("assigned but not en route turns after 90 s in that status; on scene never", () => {
  assert.equal(overdue(incident({ status: "ResourcesAssigned", updated_at: at(100) }), T0 + 150_000), false);
  assert.equal(overdue(incident({ status: "ResourcesAssigned", updated_at: at(100) }), T0 + 191_000), true);
  assert.equal(overdue(incident({ status: "ResourcesOnscene" }), T0 + 3_600_000), false);
});
