// The care pathway's words (pure functions of carewords.js). Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { dueWords, priorCallLines, sortTasks } from "../../src/openpsap/console/static/carewords.js";

const NOW = Date.parse("2026-11-27T10:00:00Z");
const day = (n) => new Date(NOW + n * 86400000).toISOString();

test("a prior call reads as date, incident type, disposition and outcome, and why it matched", () => {
  const history = { prior_calls: [
    { received_at: "2026-11-20T18:02:00+00:00", same_number: true, same_address: false,
      incident: { id: "26-000001", type: "NONEMERG", disposition: "18", outcome: "child safe" } },
    { received_at: "2026-11-01T09:00:00+00:00", same_number: false, same_address: true, incident: null },
  ] };
  assert.deepEqual(priorCallLines(history, new Map([["NONEMERG", "Not an emergency"]])), [
    "2026-11-20 26-000001 Not an emergency, disposition 18: child safe (same number)",
    "2026-11-01 no incident (same address)",
  ]);
  assert.deepEqual(priorCallLines(null), []);
});

test("care outcomes of a prior incident are said in the agency's words", () => {
  const history = { prior_calls: [{ received_at: day(-7), same_number: true,
    incident: { id: "26-000001", type: "X", disposition: null, outcome: null, care_outcomes: ["a", "b"] } }] };
  const labels = new Map([["a", "No emergency - child caller - 911 education given"]]);
  assert.match(priorCallLines(history, new Map(), labels)[0], /care: No emergency - child caller - 911 education given; b/);
});

test("the outreach queue is soonest due first, and overdue tasks say OVERDUE in words", () => {
  const tasks = [{ id: "later", due_at: day(5), status: "open" }, { id: "late", due_at: day(-1), status: "open", overdue: true },
    { id: "soon", due_at: day(1), status: "open" }];
  assert.deepEqual(sortTasks(tasks).map((t) => t.id), ["late", "soon", "later"]);
  assert.match(dueWords(tasks[1], NOW), /^OVERDUE \(due 2026-11-26\)$/);
  assert.equal(dueWords(tasks[0], NOW), "due in 5 days (2026-12-02)");
  assert.equal(dueWords({ due_at: day(1), status: "open" }, NOW), "due in 1 day (2026-11-28)");
  assert.equal(dueWords({ due_at: day(0.2), status: "open" }, NOW), "due today (2026-11-27)");
  assert.equal(dueWords({ due_at: day(-3), status: "done" }, NOW), "DONE");
});
