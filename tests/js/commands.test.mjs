// Unit tests of the console's command-line parser (pure). Run: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";

import { parse } from "../../src/openpsap/console/static/commands.js";

test("D with a unit and an incident dispatches that unit", () => {
  assert.deepEqual(parse("D E01 26-000123"), { ok: true, command: { kind: "dispatch", incident: "26-000123", units: ["E01"] } });
});

test("D takes several units, in any case, without duplicates", () => {
  assert.deepEqual(parse("  d e01 m10 E01   26-000123 ").command, { kind: "dispatch", incident: "26-000123", units: ["E01", "M10"] });
});

test("D or REC with an incident alone dispatches the recommended units", () => {
  assert.deepEqual(parse("D 26-000123").command, { kind: "dispatch-recommended", incident: "26-000123" });
  assert.deepEqual(parse("rec 26-000123").command, { kind: "dispatch-recommended", incident: "26-000123" });
});

test("status verbs map to EIDO unit statuses", () => {
  assert.deepEqual(parse("ER E01").command, { kind: "status", unit: "E01", status: "EnRoute" });
  assert.deepEqual(parse("os e01").command, { kind: "status", unit: "E01", status: "OnScene" });
  assert.deepEqual(parse("AV E01").command, { kind: "status", unit: "E01", status: "InService" });
  assert.deepEqual(parse("TR M10").command.status, "Transporting");
  assert.deepEqual(parse("OOS 50").command, { kind: "status", unit: "50", status: "OutofService" });
});

test("N keeps the note's text as typed", () => {
  assert.deepEqual(parse("N 26-000123 Caller says  back door open").command,
    { kind: "note", incident: "26-000123", text: "Caller says  back door open" });
});

test("CL closes with a disposition and an optional outcome", () => {
  assert.deepEqual(parse("CL 26-000123 18 child safe, friend made").command,
    { kind: "close", incident: "26-000123", disposition: "18", outcome: "child safe, friend made" });
  assert.deepEqual(parse("cl 26-000123 18").command, { kind: "close", incident: "26-000123", disposition: "18", outcome: null });
});

test("invalid commands say why", () => {
  const cases = {
    "": "type a command",
    "X E01": "unknown command 'X'",
    "D": "D needs units",
    "D E01": "must end with an incident number",
    "D E-01 26-000123": "'E-01' is not a unit id",
    "ER": "ER needs a unit",
    "ER 26-000123": "takes a unit, not an incident",
    "ER E01 E02": "one unit",
    "N 26-000123": "needs the note's text",
    "N E01 hello": "'E01' is not an incident number",
    "CL 26-000123": "needs a disposition",
    "REC": "REC needs an incident number",
  };
  for (const [input, why] of Object.entries(cases)) {
    const result = parse(input);
    assert.equal(result.ok, false, input);
    assert.ok(result.error.includes(why), `${JSON.stringify(input)} -> ${result.error}`);
  }
});

test("any input gives ok or an error, never an exception (seeded random strings)", () => {
  let seed = 42;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const alphabet = ["D", "REC", "ER", "OS", "AV", "N", "CL", "O", "E01", "26-000123", " ", "  ", "-", "x", "\u00e9", "\n", "99", "\u0000"];
  for (let i = 0; i < 5000; i++) {
    const n = Math.floor(rand() * 8);
    let text = "";
    for (let j = 0; j < n; j++) text += alphabet[Math.floor(rand() * alphabet.length)] + (rand() < 0.7 ? " " : "");
    const result = parse(text);
    assert.equal(typeof result.ok, "boolean");
    if (result.ok) assert.ok(result.command.kind);
    else assert.ok(result.error.length > 0);
  }
  assert.equal(parse(undefined).ok, false);
});
