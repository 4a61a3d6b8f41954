// The care pathway in the call panel: the caller's history (prior calls, REPEAT CALLER, the care-plan
// note; read once per call because every read is an audited event), the child-caller protocol (script,
// the child questions, the guardian-contact step) and the callback of a silent call.

import { can, enc, get, post } from "./api.js";
import { priorCallLines } from "./carewords.js";
import { fill, h } from "./dom.js";

export const CHILD_SCRIPT = [
  "You did the right thing calling. Is a grown-up with you?",
  "What is your name? How old are you?",
  "Can you tell me where you live, or what you can see outside?",
  "Stay on the line with me; I am going to help you.",
];
export const CALLBACK_RESULTS = [
  ["answered_accidental", "Answered: accidental call"],
  ["answered_needs_help", "Answered: needs help"],
  ["no_answer", "No answer"],
  ["busy_or_voicemail", "Busy or voicemail"],
];
export const CALLBACK_CUES = [
  ["child", "Child heard"],
  ["distress", "Distress"],
  ["background_noise", "Background noise"],
  ["screaming", "Screaming"],
  ["repeated_silent_calls", "Repeated silent calls"],
];
const ACTION_WORDS = {
  welfare_check: "PROPOSED: WELFARE CHECK (low priority unless a threat cue appears)",
  try_again: "PROPOSED: TRY AGAIN, then close",
  create_incident: "PROPOSED: CREATE AN INCIDENT",
};

export class CallerHistory {
  constructor({ typeNames = new Map(), care = null } = {}) {
    this.typeNames = typeNames;
    this.careLabels = new Map((care?.outcomes || []).map((o) => [o.id, o.label]));
    this.kindLabels = care?.follow_up_kinds || {};
    this.element = h("section", { id: "ct-history", class: "care-history", "aria-labelledby": "ct-history-h", "aria-live": "polite", hidden: true });
    this.readFor = null; // the call whose history is shown (read once per call)
  }

  clear() {
    this.readFor = null;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  async show(callId) {
    if (!can("call_taker", "dispatcher", "supervisor") || !callId || this.readFor === callId) return;
    this.readFor = callId;
    this.element.hidden = false;
    fill(this.element, h("h3", { id: "ct-history-h" }, "Caller history"), h("p", { class: "muted" }, "Reading..."));
    let r;
    try {
      r = await get(`/calls/${enc(callId)}/history`);
    } catch (err) {
      if (this.readFor === callId) fill(this.element, h("h3", { id: "ct-history-h" }, "Caller history"), h("p", { class: "error" }, `Unavailable: ${err.message}`));
      return;
    }
    if (this.readFor !== callId) return;
    const lines = priorCallLines(r, this.typeNames, this.careLabels);
    const tasks = r.open_follow_ups || [];
    fill(this.element,
      h("h3", { id: "ct-history-h" }, `Caller history (${r.window_days} days)`),
      r.repeat_caller ? h("p", { id: "ct-repeat", class: "flag flag-repeat" }, `REPEAT CALLER: ${r.calls_in_repeat_window} calls (rule: ${r.repeat_rule})`) : null,
      r.care_plan ? h("div", { id: "ct-care-plan", class: "care-plan" }, h("strong", {}, "CARE PLAN: "), r.care_plan.note,
        h("span", { class: "muted small" }, ` (${r.care_plan.updated_by}, ${r.care_plan.updated_at.slice(0, 10)})`)) : null,
      lines.length ? h("ul", { id: "ct-prior-calls" }, lines.map((l) => h("li", {}, l)))
        : h("p", { id: "ct-prior-calls", class: "muted" }, "No prior calls from this number or address."),
      tasks.length ? h("p", { id: "ct-open-follow-ups" }, "Open follow-ups: ",
        tasks.map((t) => `${this.kindLabels[t.kind]?.label || t.kind} (due ${t.due_at.slice(0, 10)})`).join("; ")) : null);
  }
}

export class ChildProtocol {
  constructor() {
    this.reached = h("input", { type: "checkbox", id: "ct-guardian-reached" });
    this.guardianNote = h("input", { id: "ct-guardian-note", maxlength: "500", placeholder: "who, how (e.g. mother, by phone)" });
    this.questions = h("ol", { id: "ct-child-questions", class: "questions" });
    this.element = h("section", { id: "ct-child", class: "child-protocol", "aria-labelledby": "ct-child-h", hidden: true },
      h("h3", { id: "ct-child-h" }, "CHILD CALLER PROTOCOL"),
      h("h4", {}, "Say"), h("ul", { id: "ct-child-script" }, CHILD_SCRIPT.map((s) => h("li", {}, `"${s}"`))),
      h("h4", {}, "Ask"), this.questions,
      h("fieldset", {}, h("legend", {}, "Guardian contact (recorded as a note on the incident)"),
        h("label", { class: "check" }, this.reached, " Guardian contacted"),
        h("div", { class: "field" }, h("label", { for: "ct-guardian-note" }, "Guardian contact note"), this.guardianNote)),
      this.urgencyNote = h("p", { id: "ct-child-note", class: "muted small" }));
  }

  reset() {
    this.reached.checked = false;
    this.guardianNote.value = "";
    this.update([], []);
  }

  update(flags, questions, urgency) {
    const child = flags.includes("child_caller");
    this.element.hidden = !child;
    if (!child) return;
    fill(this.questions, questions.map((q) => h("li", {}, q)));
    // said after the urgency, so it never contradicts it
    this.urgencyNote.textContent = urgency === "High"
      ? "A CHILD IN AN EMERGENCY: keep the child on the line, give instructions step by step; help is on the way."
      : "No emergency heard yet: a child's call is a kind welfare check, not lights and sirens, unless a threat cue appears.";
  }

  /** The note to record on the incident, or null when the step was not touched. */
  note() {
    if (this.element.hidden) return null;
    const text = this.guardianNote.value.trim();
    if (!this.reached.checked && !text) return "Child-caller protocol: guardian NOT yet contacted.";
    return `Child-caller protocol: guardian ${this.reached.checked ? "contacted" : "NOT yet contacted"}${text ? ` - ${text}` : ""}.`;
  }
}

export class SilentCallback {
  constructor() {
    this.note = h("input", { id: "cb-note", maxlength: "500" });
    this.result = h("p", { id: "cb-proposal", role: "status" });
    this.element = h("fieldset", { id: "ct-callback", class: "callback", hidden: true },
      h("legend", {}, "Silent call: callback"),
      h("div", { role: "radiogroup", "aria-label": "Callback result" }, CALLBACK_RESULTS.map(([v, label]) =>
        h("label", { class: "check" }, h("input", { type: "radio", name: "cb-result", value: v }), ` ${label}`))),
      h("div", { role: "group", "aria-label": "Cues" }, h("span", { class: "muted" }, "Cues: "), CALLBACK_CUES.map(([v, label]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "cb-cue", value: v }), ` ${label}`))),
      h("div", { class: "row" }, h("div", { class: "field" }, h("label", { for: "cb-note" }, "Callback note"), this.note),
        h("button", { type: "button", id: "cb-record", onclick: () => this.record() }, "Record callback")),
      this.result);
    this.callId = null;
  }

  update(callId, silent) {
    if (callId !== this.callId) {
      this.callId = callId;
      for (const i of this.element.querySelectorAll("input")) { i.checked = false; if (i.type === "text" || !i.type) i.value = ""; }
      this.note.value = "";
      this.result.textContent = "";
    }
    this.element.hidden = !(callId && silent && can("call_taker", "supervisor"));
  }

  async record() {
    const chosen = this.element.querySelector("input[name=cb-result]:checked");
    if (!chosen) { this.result.textContent = "Choose the callback result."; return; }
    const cues = [...this.element.querySelectorAll("input[name=cb-cue]:checked")].map((i) => i.value);
    try {
      const r = await post(`/calls/${enc(this.callId)}/callback-attempts`, { result: chosen.value, cues, note: this.note.value.trim() });
      const p = r.proposal;
      this.result.textContent = r.closed_as_accidental ? "Closed as an accidental call, confirmed by callback; no unit needed."
        : p ? `${ACTION_WORDS[p.action] || p.action}: ${p.why}` : "Callback recorded.";
    } catch (err) {
      this.result.textContent = `Not recorded: ${err.message}`;
    }
  }
}

