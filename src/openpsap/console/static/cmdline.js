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
  let clearFirst = null; // a CL refused for units still assigned: the same CL again clears them and closes
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value;
    const parsed = parse(text);
    if (!parsed.ok) { fail(parsed.error, text); return; }
    const c = parsed.command;
    if (NEEDS_DISPATCHER.has(c.kind) && !can("dispatcher", "supervisor")) {
      fail("only dispatchers and supervisors may dispatch, change unit status or close incidents", text);
      return;
    }
    history.unshift(text);
    back = -1;
    input.value = "";
    const confirmed = clearFirst?.text === text.trim() ? clearFirst.units : null;
    clearFirst = null;
    try {
      announce(confirmed ? await clearAndClose(c, confirmed) : await run(c, onOpen));
      form.classList.remove("cmd-error");
    } catch (err) {
      const refused = err instanceof ApiError || err instanceof Refused;
      const units = c.kind === "close" && err instanceof ApiError && err.status === 409 ? err.body?.details?.units : null;
      if (units?.length) {
        clearFirst = { text: text.trim(), units };
        fail(`${text.trim()}: ${units.join(", ")} still assigned. Press Enter again to clear ${units.join(", ")} and close`, text, false);
        return;
      }
      fail(refused ? `${text.trim()}: ${err.message}` : `${text.trim()}: not sent (${err.message}); try again`, text);
    }
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      input.value = "";
      clearFirst = null;
      form.classList.remove("cmd-error");
      e.preventDefault();
    } else if (e.key === "ArrowUp" && history.length) {
      back = Math.min(history.length - 1, back + 1);
      input.value = history[back];
      e.preventDefault();
    } else if (e.key === "ArrowDown") {
      back = Math.max(-1, back - 1);
      input.value = back >= 0 ? history[back] : "";
      e.preventDefault();
    }
  });

  /** The reason stays in view and the command stays in the line, selected: the next keystroke starts a new
   * command, Enter sends it again, Esc clears it (`select` false keeps the cursor for a confirmation). */
  function fail(message, text, select = true) {
    form.classList.add("cmd-error");
    announce(`ERROR: ${message}`);
    input.value = text;
    if (select) input.select();
  }
}

/** CL confirmed on an incident with units still assigned: each unit is made available (cleared), then it closes. */
async function clearAndClose(c, units) {
  for (const unit of units) await post(`/units/${enc(unit)}/status`, { status: "InService" });
  await post(`/incidents/${enc(c.incident)}/close`, { disposition: c.disposition, outcome: c.outcome });
  return `${units.join(", ")} cleared; ${c.incident} closed with disposition ${c.disposition}`;
}

async function run(c, onOpen) {
  switch (c.kind) {
    case "dispatch": {
      await post(`/incidents/${enc(c.incident)}/dispatch`, { units: c.units });
      return `${c.units.join(", ")} dispatched to ${c.incident}`;
    }
    case "dispatch-recommended": {
      // with units already on the incident, the recommendation covers only what the plan still misses
      const rec = await get(`/incidents/${enc(c.incident)}/recommendation`);
      if (!rec.units.length) {
        const unfilled = rec.slots.filter((s) => s.unfilled).map((s) => `${s.need}: ${s.unfilled_reason}`);
        throw new Refused(unfilled.length ? `nothing to dispatch to ${c.incident}: ${unfilled.join("; ")}`
          : `nothing to dispatch to ${c.incident}: the plan is already filled${rec.note ? ` (${rec.note})` : ""}`);
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
