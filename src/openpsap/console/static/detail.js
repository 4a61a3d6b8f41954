// One incident: its facts, recommendation, units, notes, timeline (the events), and the dispatcher's
// actions (dispatch recommended, dispatch named units, note, close with a disposition).

import { ApiError, can, enc, get, post } from "./api.js";
import { STATUS_WORDS, announce, clockTime, fill, flagBadges, h } from "./dom.js";
import { PublicSummaryBox } from "./summary.js";

const FINISHED = new Set(["Closed", "Cancelled"]);

function describe(event) {
  const d = event.data || {};
  switch (event.kind) {
    case "incident-created": return `opened as ${d.incident_type} ${d.priority}`;
    case "incident-status-changed": return `${STATUS_WORDS[d.from] || d.from} -> ${STATUS_WORDS[d.to] || d.to}`;
    case "unit-dispatched": return `${d.unit_id} dispatched`;
    case "unit-status-changed": return `${d.unit_id} ${STATUS_WORDS[d.to] || d.to}`;
    case "unit-cleared": return `${d.unit_id} cleared`;
    case "note-added": return `note: ${d.text}`;
    case "incident-closed": return `closed, disposition ${d.disposition}${d.outcome ? `: ${d.outcome}` : ""}`;
    case "incident-cancelled": return `cancelled: ${d.reason}`;
    case "incident-updated": return `changed ${Object.keys(d.changes || {}).join(", ")}`;
    case "call-linked": return `call ${d.id} linked`;
    case "triage-decided": return `triage ${d.accepted ? "accepted" : "overridden"}`;
    case "care-outcomes-recorded": return `care outcomes: ${(d.outcomes || []).join(", ")}${d.note ? ` (${d.note})` : ""}`;
    case "follow-up-created": return `follow-up opened: ${d.kind}, due ${(d.due_at || "").slice(0, 10)}`;
    case "follow-up-updated": return `follow-up ${d.status}${d.note ? `: ${d.note}` : ""}`;
    case "public-summary-approved": return `public summary approved: ${d.text}`;
    case "public-summary-withdrawn": return "public summary withdrawn";
    default: return "";
  }
}

/** What the callers said, with their callback numbers, where they were and why triage said what it said. */
export function callerWords(calls) {
  const where = (c) => (c.address || (c.lat != null ? `${c.lat.toFixed(5)}, ${c.lon.toFixed(5)}` : "no location"))
    + (c.uncertainty_m != null ? ` (within ${Math.round(c.uncertainty_m)} m${c.location_source ? `, ${c.location_source}` : ""})` : "");
  return h("section", { id: "detail-calls", class: "caller-words", "aria-labelledby": "detail-calls-h" },
    h("h4", { id: "detail-calls-h" }, calls.length === 1 ? "The call" : `${calls.length} calls`),
    calls.length ? h("ol", {}, calls.map((c) => h("li", { dataset: { call: c.id } },
      h("p", {}, h("strong", {}, c.caller_number ? `Callback ${c.caller_number}` : "No callback number"),
        ` - ${c.channel}, ${clockTime(c.received_at)} - ${where(c)}`),
      c.narrative ? h("blockquote", { class: "narrative" }, c.narrative) : h("p", { class: "muted" }, "Nothing said or typed."),
      c.triage ? h("details", {}, h("summary", {}, `Triage: ${c.triage.urgency} ${c.triage.incident_type}`
        + (c.triage.determinant ? ` - ${c.triage.determinant.reason}` : "")),
        h("ul", { class: "evidence" }, c.triage.evidence.map((e) => h("li", {}, `"${e.matched}": ${e.cue} -> ${e.effect}`)))) : null)))
      : h("p", { class: "muted" }, "No call linked (opened by hand)."));
}

export class Detail {
  constructor(root, store, { onRecommendation, dispositions, care }) {
    this.root = root;
    this.care = care; // the agency's care configuration (outcomes, follow-up kinds), or null
    this.store = store;
    this.onRecommendation = onRecommendation;
    this.dispositions = dispositions;
    this.id = null;
    this.seq = 0;
    store.addEventListener("event", (e) => {
      const event = e.detail;
      if (this.id && event.incident_id === this.id) this.scheduleRefresh();
      // another unit's status changes what can be recommended (positions alone are too frequent to follow)
      else if (this.id && event.subject_type === "unit" && event.kind !== "unit-position-updated") this.scheduleRefresh(1000);
    });
  }

  async open(id) {
    this.id = id;
    // the forms live as long as the incident is open here: live refreshes must not wipe what is being typed
    this.forms = {
      actions: can("dispatcher", "supervisor") ? this.actions(id) : null,
      note: can("call_taker", "dispatcher", "supervisor") ? this.noteForm(id) : null,
      careResult: h("div", { id: "care-result", "aria-live": "polite" }),
      careLater: can("dispatcher", "supervisor") && this.care ? this.careForm(id) : null,
      summary: can("supervisor") ? new PublicSummaryBox(id) : null,
    };
    await this.refresh();
    this.root.querySelector("h3")?.focus();
  }

  scheduleRefresh(delay = 50) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delay);
  }

  async refresh() {
    const id = this.id;
    if (!id) return;
    const mine = ++this.seq;
    let incident, events, rec, calls;
    try {
      // what the callers said is for the roles that may read calls (not analysts)
      [incident, events, calls] = await Promise.all([get(`/incidents/${enc(id)}`), get(`/incidents/${enc(id)}/events`),
        can("call_taker", "dispatcher", "supervisor") ? get(`/calls?incident_id=${enc(id)}`) : null]);
      rec = FINISHED.has(incident.status) || !can("call_taker", "dispatcher", "supervisor")
        ? null : await get(`/incidents/${enc(id)}/recommendation`).catch((err) => ({ error: err.message }));
    } catch (err) {
      if (mine === this.seq) fill(this.root, h("p", { class: "error" }, `Cannot show ${id}: ${err.message}`));
      return;
    }
    if (mine !== this.seq || id !== this.id) return; // a newer refresh or another incident won
    // with units already committed, the API's recommendation fills the whole plan again: offer it, don't push it
    const busy = incident.units.length > 0;
    this.onRecommendation(incident, rec && !rec.error && !busy ? rec : null);
    const focusedId = document.activeElement?.id;
    fill(this.root, this.view(incident, events, rec, calls));
    if (focusedId && document.getElementById(focusedId)) document.getElementById(focusedId).focus();
  }

  view(incident, events, rec, calls) {
    const open = !FINISHED.has(incident.status);
    const dispatcher = can("dispatcher", "supervisor");
    return h("article", { class: "incident", dataset: { id: incident.id, status: incident.status } },
      h("h3", { tabindex: "-1", id: "detail-title", title: `${incident.incident_type}: ${incident.incident_type_text || ""}` },
        `${incident.id} ${incident.incident_type_name || incident.incident_type}`),
      incident.incident_type_text ? h("details", { class: "type-text" }, h("summary", {}, `${incident.incident_type} in the APCO registry`),
        h("p", {}, incident.incident_type_text)) : null,
      h("p", { class: "facts" },
        h("span", { class: `prio prio-${incident.priority}` }, incident.priority), " ",
        h("span", { class: `inc-status status-${incident.status}`, id: "detail-status" }, STATUS_WORDS[incident.status] || incident.status), " ",
        h("span", {}, incident.address || (incident.lat != null ? `${incident.lat.toFixed(5)}, ${incident.lon.toFixed(5)}` : "no location")), " ",
        flagBadges(incident.flags)),
      incident.disposition ? h("p", {}, `Disposition ${incident.disposition}${incident.outcome ? `: ${incident.outcome}` : ""}`) : null,
      calls ? callerWords(calls) : null,
      open && rec ? this.recommendation(incident, rec, dispatcher) : null,
      h("h4", {}, "Units"),
      incident.assignments.length
        ? h("ul", { class: "assignments", id: "detail-units" }, incident.assignments.map((a) => {
          const unit = this.store.units.get(a.unit_id);
          return h("li", {}, h("strong", {}, a.unit_id), " ",
            a.cleared_at ? "cleared" : (unit ? STATUS_WORDS[unit.status] || unit.status : ""),
            ` (dispatched ${clockTime(a.dispatched_at)})`);
        }))
        : h("p", { class: "muted", id: "detail-units" }, "No units assigned."),
      open ? this.forms.actions : null,
      this.forms.careResult,
      !open ? this.careOnClosed(events) : null,
      !open && this.forms.summary ? this.forms.summary.element : null,
      h("h4", {}, "Notes"),
      incident.notes.length
        ? h("ul", { class: "notes" }, incident.notes.map((n) => h("li", {}, `${clockTime(n.created_at)} ${n.author}: `, n.text)))
        : h("p", { class: "muted" }, "No notes."),
      open ? this.forms.note : null,
      h("h4", {}, "Timeline"),
      h("ol", { class: "timeline", id: "detail-timeline" }, events.map((e) =>
        h("li", {}, h("time", { datetime: e.occurred_at }, clockTime(e.occurred_at)), " ",
          h("span", { class: "kind" }, e.kind), " ", describe(e), h("span", { class: "muted" }, ` (${e.actor})`)))),
    );
  }

  recommendation(incident, rec, dispatcher) {
    if (rec.error) return h("p", { class: "error" }, `Recommendation unavailable: ${rec.error}`);
    const rows = rec.slots.flatMap((slot) => [
      ...slot.picked.map((c) => h("li", { class: "rec-pick" }, h("strong", {}, c.unit_id), ` ${c.unit_type}, ETA ${Math.round(c.eta_s / 60)} min ${Math.round(c.eta_s % 60)} s, ${(c.road_m / 1000).toFixed(1)} km (${slot.need})`)),
      slot.unfilled ? h("li", { class: "error" }, `UNFILLED ${slot.need} x${slot.unfilled}: ${slot.unfilled_reason}`) : null,
    ]);
    const body = [
      rec.note ? h("p", { class: "muted" }, rec.note) : null,
      rows.length ? h("ul", { id: "rec-list" }, rows) : h("p", { class: "muted" }, "No unit needed by the response plan."),
    ];
    if (incident.units.length) {
      // units are already committed: the plan again, on request, to add units by name
      return h("details", { class: "rec rec-more" },
        h("summary", { id: "rec-h" }, `More units? The plan's best available now (${rec.plan}); ${incident.units.join(", ")} not counted`),
        body, h("p", { class: "muted" }, "Add units by name: D <units> " + incident.id));
    }
    return h("section", { class: "rec", "aria-labelledby": "rec-h" },
      h("h4", { id: "rec-h" }, `Recommended (${rec.plan})`), body,
      dispatcher && rec.units.length
        ? h("button", { type: "button", id: "dispatch-recommended", onclick: () => this.dispatchRecommended(incident.id) },
          `Dispatch recommended: ${rec.units.join(", ")}`)
        : null);
  }

  actions(id) {
    const units = h("input", { id: "dispatch-units", placeholder: "E01 M10", spellcheck: "false", "aria-describedby": "dispatch-units-help" });
    const dispatch = h("form", { class: "inline", onsubmit: (e) => {
      e.preventDefault();
      const ids = units.value.trim().toUpperCase().split(/[\s,]+/).filter(Boolean);
      if (!ids.length) { announce("Type one or more unit ids to dispatch."); return; }
      this.act(`/incidents/${enc(id)}/dispatch`, { units: ids }, `${ids.join(", ")} dispatched to ${id}`);
    } }, h("label", { for: "dispatch-units" }, "Dispatch units"), units,
    h("span", { id: "dispatch-units-help", class: "visually-hidden" }, "unit ids separated by spaces"), h("button", {}, "Dispatch"));
    const disposition = h("select", { id: "close-disposition", required: true },
      h("option", { value: "" }, "Disposition..."),
      this.dispositions.map((d) => h("option", { value: d.code }, `${d.code} ${d.description}`)));
    const outcome = h("input", { id: "close-outcome", placeholder: "what happened" });
    const care = this.care ? this.careChoices("close-care") : null;
    const close = h("form", { class: "inline close-form", onsubmit: async (e) => {
      e.preventDefault();
      if (!disposition.value) { announce("Choose a disposition to close the incident."); disposition.focus(); return; }
      const outcomes = care ? [...care.querySelectorAll("input:checked")].map((i) => i.value) : [];
      if (!await this.act(`/incidents/${enc(id)}/close`, { disposition: disposition.value, outcome: outcome.value.trim() || null },
        `${id} closed`)) return;
      if (outcomes.length) await this.recordCare(id, outcomes);
    } }, h("label", { for: "close-disposition" }, "Close"), disposition,
    h("label", { for: "close-outcome", class: "visually-hidden" }, "Outcome"), outcome, care, h("button", { id: "close-button" }, "Close incident"));
    return h("div", { class: "actions" }, dispatch, close);
  }

  /** A closed incident: its care outcomes in words, or (none recorded yet) the form to record them. */
  careOnClosed(events) {
    const recorded = events.filter((e) => e.kind === "care-outcomes-recorded").at(-1);
    if (!recorded) return this.forms.careLater;
    const label = (o) => this.care?.outcomes.find((x) => x.id === o)?.label || o;
    return h("p", { id: "care-recorded" }, h("strong", {}, "Care outcomes: "), recorded.data.outcomes.map(label).join("; "));
  }

  careChoices(id) {
    return h("fieldset", { id, class: "care-outcomes" }, h("legend", {}, "Care outcomes (what really happened)"),
      this.care.outcomes.map((o) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "care-outcome", value: o.id }), ` ${o.label}`)));
  }

  /** On a closed incident with none recorded: care outcomes afterwards (e.g. when recording them at the close failed). */
  careForm(id) {
    const choices = this.careChoices("later-care");
    return h("form", { id: "care-later", class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      const outcomes = [...choices.querySelectorAll("input:checked")].map((i) => i.value);
      if (!outcomes.length) { announce("Choose one or more care outcomes."); return; }
      await this.recordCare(id, outcomes);
      for (const i of choices.querySelectorAll("input:checked")) i.checked = false;
    } }, choices, h("button", { id: "care-later-button" }, "Record care outcomes"));
  }

  /** Care outcomes beside the disposition; shows the follow-ups they opened. */
  async recordCare(id, outcomes) {
    const box = this.forms.careResult;
    try {
      const r = await post(`/incidents/${enc(id)}/care-outcomes`, { outcomes, note: "" });
      const label = (o) => this.care.outcomes.find((x) => x.id === o)?.label || o;
      const kind = (k) => this.care.follow_up_kinds[k]?.label || k;
      fill(box, h("h4", {}, "Care outcomes recorded"), h("ul", { id: "care-outcomes" }, r.outcomes.map((o) => h("li", {}, label(o)))),
        h("h4", {}, "Follow-ups opened"),
        r.follow_ups.length ? h("ul", { id: "care-follow-ups" }, r.follow_ups.map((f) => h("li", {}, `${kind(f.kind)}, due ${f.due_at.slice(0, 10)}`)))
          : h("p", { id: "care-follow-ups", class: "muted" }, "None."));
      announce(`${id}: care outcomes recorded, ${r.follow_ups.length} follow-up(s) opened`);
    } catch (err) {
      fill(box, h("p", { class: "error" }, `Care outcomes not recorded: ${err.message}`));
    }
  }

  noteForm(id) {
    const text = h("input", { id: "note-text", maxlength: "4000" });
    return h("form", { class: "inline", onsubmit: async (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      if (await this.act(`/incidents/${enc(id)}/notes`, { text: text.value.trim() }, "note added")) text.value = "";
    } }, h("label", { for: "note-text" }, "Add note"), text, h("button", {}, "Add"));
  }

  async dispatchRecommended(id) {
    try {
      const r = await post(`/incidents/${enc(id)}/dispatch-recommended`, undefined);
      announce(`${r.recommendation.units.join(", ") || "no unit"} dispatched to ${id}`);
    } catch (err) {
      announce(`Could not dispatch to ${id}: ${err.message}`);
    }
  }

  async act(path, body, done) {
    try {
      await post(path, body);
      announce(done);
      return true;
    } catch (err) {
      announce(err instanceof ApiError ? `Refused: ${err.message}` : `Not sent (network): ${err.message}`);
      return false;
    }
  }
}
