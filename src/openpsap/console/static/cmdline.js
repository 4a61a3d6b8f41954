// Runs what the command line parsed (commands.js) against the API and says what happened.

import { ApiError, can, enc, get, post } from "./api.js";
import { parse } from "./commands.js";
import { announce, STATUS_WORDS } from "./dom.js";

/** A command the console itself refuses, with the reason. */
class Refused extends Error {}

const NEEDS_DISPATCHER = new Set(["dispatch", "dispatch-recommended", "status", "close"]);

export function installCommandLine({ form, input, onOpen }) {
  const history = [];
  let back = 0;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value;
    const parsed = parse(text);
    if (!parsed.ok) { fail(parsed.error); return; }
    const c = parsed.command;
    if (NEEDS_DISPATCHER.has(c.kind) && !can("dispatcher", "supervisor")) {
      fail("only dispatchers and supervisors may dispatch, change unit status or close incidents");
      return;
    }
    history.unshift(text);
    back = -1;
    input.value = "";
    try {
      announce(await run(c, onOpen));
      form.classList.remove("cmd-error");
    } catch (err) {
      const refused = err instanceof ApiError || err instanceof Refused;
      fail(refused ? `${text.trim()}: ${err.message}` : `${text.trim()}: not sent (${err.message}); try again`);
      input.value = text;
    }
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowUp" && history.length) {
      back = Math.min(history.length - 1, back + 1);
      input.value = history[back];
      e.preventDefault();
    } else if (e.key === "ArrowDown") {
      back = Math.max(-1, back - 1);
      input.value = back >= 0 ? history[back] : "";
      e.preventDefault();
    }
  });

  function fail(message) {
    form.classList.add("cmd-error");
    announce(`ERROR: ${message}`);
  }
}

async function run(c, onOpen) {
  switch (c.kind) {
    case "dispatch": {
      await post(`/incidents/${enc(c.incident)}/dispatch`, { units: c.units });
      return `${c.units.join(", ")} dispatched to ${c.incident}`;
    }
    case "dispatch-recommended": {
      const incident = await get(`/incidents/${enc(c.incident)}`);
      if (incident.units.length) {
        throw new Refused(`${c.incident} already has ${incident.units.join(", ")}; to add units name them (D E01 ${c.incident})`);
      }
      const r = await post(`/incidents/${enc(c.incident)}/dispatch-recommended`);
      const units = r.recommendation.units;
      return units.length ? `${units.join(", ")} dispatched to ${c.incident} (recommended)` : `no unit recommended for ${c.incident}`;
    }
    case "status": {
      const u = await post(`/units/${enc(c.unit)}/status`, { status: c.status });
      return `${u.id} ${STATUS_WORDS[u.status] || u.status}${u.incident_id ? ` (${u.incident_id})` : ""}`;
    }
    case "note": {
      await post(`/incidents/${enc(c.incident)}/notes`, { text: c.text });
      return `note added to ${c.incident}`;
    }
    case "close": {
      await post(`/incidents/${enc(c.incident)}/close`, { disposition: c.disposition, outcome: c.outcome });
      return `${c.incident} closed with disposition ${c.disposition}`;
    }
    case "open": {
      await onOpen(c.incident);
      return `${c.incident} opened`;
    }
    default:
      throw new Error(`cannot run ${c.kind}`);
  }
}
