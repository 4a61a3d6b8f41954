// The call-taking panel: ringing calls from the phone system (answer with Alt+R: number, channel and
// point filled in) or a new call typed in (Alt+N: number, channel, location by point or typed address
// with live geocoding), the narrative with live triage (debounced, cancelled when stale, never blocking
// typing), accept or override, and Ctrl+Enter to record the call, the triage decision and the incident
// at once. The call stays open until "End call" (Alt+E), or until the call-taker takes the next one.

import { enc, get, me, patch, post } from "./api.js";
import { announce, debounce, elapsed, FLAG_WORDS, fill, h } from "./dom.js";
import { CallerHistory, ChildProtocol, SilentCallback } from "./care.js";
import { LiveTranscript } from "./livetranscript.js";
import { LocationFields } from "./location.js";
import { NearbyIncidents } from "./nearby.js";
import { PreArrival } from "./prearrival.js";
import { ProtocolInterview } from "./protocol.js";

const TRIAGE_DELAY_MS = 250;
const SAVE_DELAY_MS = 1500;
const CHANNELS = ["voice", "text", "tty", "video", "telematics", "alarm", "admin"];
const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"];

export class CallTaking {
  constructor(root, { incidentTypes, store, onCreated, care = null }) {
    this.types = new Map(incidentTypes.map((t) => [t.code, t.name]));
    this.store = store;
    this.onCreated = onCreated;
    this.callId = null; // the answered phone-system call this form is working, if any
    this.openCall = null; // the call still open (answered, not ended): {id, label}
    this.suggestion = null;
    this.overridden = new Set();
    this.triageSeq = 0;
    this.history = new CallerHistory({ typeNames: this.types, care });
    this.child = new ChildProtocol();
    this.callback = new SilentCallback();
    this.protocol = new ProtocolInterview({ onChange: () => this.triage() });
    this.instructions = new PreArrival({ onGiven: (set, step) => this.stepGiven(set, step) });
    this.stepsGiven = []; // steps given before the call is recorded: sent with it
    this.live = new LiveTranscript({ onFinal: (m) => this.heard(m) });
    this.build(root);
    this.reset();
    this.setOpenCall(null);
    store.addEventListener("calls", () => this.renderIncoming());
    setInterval(() => this.tickIncoming(), 1000);
    this.renderIncoming();
  }

  build(root) {
    const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);
    this.number = h("input", { id: "ct-number", type: "tel", autocomplete: "off", maxlength: "32" });
    this.channel = h("select", { id: "ct-channel" }, CHANNELS.map((c) => h("option", { value: c }, c)));
    this.where = new LocationFields({ onChange: () => this.checkNearby() });
    this.nearby = new NearbyIncidents({ onLink: (id) => this.linkTo(id) });
    this.narrative = h("textarea", { id: "ct-narrative", rows: "5", maxlength: "20000",
      "aria-describedby": "ct-narrative-help", placeholder: "What the caller says..." });
    this.triageBox = h("section", { id: "ct-triage", class: "triage", "aria-live": "polite", "aria-labelledby": "ct-triage-h" });
    this.type = h("input", { id: "ct-type", list: "ct-types", spellcheck: "false", autocomplete: "off" });
    this.typeName = h("span", { id: "ct-type-name", class: "muted" });
    this.priority = h("select", { id: "ct-priority" }, PRIORITIES.map((p) => h("option", { value: p }, p)));
    this.flagBox = h("fieldset", { id: "ct-flags", class: "flag-choices" }, h("legend", {}, "Flags"));
    this.decision = h("p", { id: "ct-decision", class: "muted" });
    this.result = h("p", { id: "ct-result", role: "status" });

    this.narrative.addEventListener("input", debounce(() => this.triage(), TRIAGE_DELAY_MS));
    this.narrative.addEventListener("input", () => this.callback.update(this.callId, !this.narrative.value.trim()));
    // the words are kept on the server as they are typed, so a reload or a crashed browser loses nothing
    this.narrative.addEventListener("input", debounce(() => this.saveWords(), SAVE_DELAY_MS));
    // a call typed in is recorded once it has a number, so its caller history can be read during the call
    this.number.addEventListener("change", () => this.recordTyped());
    this.type.addEventListener("input", () => this.override("incident_type"));
    this.priority.addEventListener("change", () => this.override("priority"));

    this.incoming = h("ul", { id: "ct-incoming-list", class: "incoming" });
    this.incomingHead = h("h3", { id: "ct-incoming-h" }, "Incoming calls");
    this.callLine = h("p", { id: "ct-call", class: "call-line", "aria-live": "polite" });
    this.endButton = h("button", { type: "button", id: "ct-end", hidden: true, onclick: () => this.hangUp() }, "End call (Alt+E)");
    root.append(h("section", { id: "ct-incoming", "aria-labelledby": "ct-incoming-h" }, this.incomingHead, this.incoming),
      h("div", { class: "row" }, this.callLine, this.endButton), this.history.element);
    const form = h("form", { id: "ct-form", onsubmit: (e) => { e.preventDefault(); this.create(); } },
      h("div", { class: "row" },
        field("ct-number", "Caller number", this.number),
        field("ct-channel", "Channel", this.channel)),
      this.where.element,
      this.nearby.element,
      field("ct-narrative", "Narrative", this.narrative),
      this.live.element,
      h("p", { id: "ct-narrative-help", class: "visually-hidden" }, "Triage updates as you type. Control Enter creates the incident."),
      this.callback.element,
      this.triageBox,
      this.protocol.element,
      this.instructions.element,
      this.child.element,
      h("fieldset", { class: "decide" }, h("legend", {}, "Decision"),
        h("div", { class: "row" },
          field("ct-type", "Type", this.type), this.typeName,
          field("ct-priority", "Priority", this.priority)),
        this.flagBox,
        h("div", { class: "row" },
          h("button", { type: "button", id: "ct-accept", onclick: () => this.accept() }, "Accept suggestion (Alt+A)"),
          this.decision)),
      h("div", { class: "row" },
        h("button", { type: "submit", id: "ct-create", class: "primary" }, "Create incident (Ctrl+Enter)"),
        h("button", { type: "button", id: "ct-new", onclick: () => this.newCall() }, "New call (Alt+N)")),
      this.result);
    form.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); this.create(); }
    });
    root.append(form, h("datalist", { id: "ct-types" }, [...this.types].map(([code, name]) => h("option", { value: code }, name))));
  }

  /** A new call typed in by the call-taker (Alt+N); a call still open is ended first. */
  async newCall() {
    await this.endCall();
    this.history.clear();
    this.reset(true);
  }

  /** Record a typed-in call as soon as it has a number (once), then show the caller's history. */
  recordTyped() {
    if (this.callId || this.recording || !this.number.value.trim()) return this.recording;
    let location;
    try { location = this.where.value(); } catch { location = null; }
    this.recording = (async () => {
      try {
        const call = await post("/calls", {
          channel: this.channel.value, caller_number: this.number.value.trim(), received_at: this.receivedAt,
          location, narrative: this.narrative.value,
        });
        await post(`/calls/${enc(call.id)}/answer`);
        this.callId = call.id;
        this.setOpenCall(call);
        this.callback.update(this.callId, !this.narrative.value.trim());
        await this.history.show(call.id);
      } catch (err) {
        this.result.textContent = `Call not recorded yet (${err.message}); it will be with the incident.`;
      } finally {
        this.recording = null;
      }
    })();
    return this.recording;
  }

  reset(focus = false) {
    this.callId = null;
    this.live.close();
    this.receivedAt = new Date().toISOString();
    for (const el of [this.number, this.narrative, this.type]) el.value = "";
    this.where.reset();
    this.channel.value = "voice";
    this.priority.value = "P3";
    this.suggestion = null;
    this.overridden.clear();
    this.triageSeq += 1;
    this.renderTriage(null);
    this.renderFlags([]);
    this.child.reset();
    this.protocol.reset();
    this.instructions.reset();
    this.nearby.reset();
    this.stepsGiven = [];
    this.savedWords = "";
    this.callback.update(null, false);
    this.typeName.textContent = "";
    this.decision.textContent = "";
    if (focus) { this.result.textContent = ""; this.number.focus(); }
  }

  // --- calls from the phone system ----------------------------------------------------------------

  ringingCalls() {
    return [...this.store.ringing.values()].sort((a, b) => Date.parse(a.received_at) - Date.parse(b.received_at));
  }

  renderIncoming() {
    const calls = this.ringingCalls();
    this.incomingHead.textContent = calls.length ? `Incoming calls (${calls.length}) - Alt+R answers the oldest` : "Incoming calls: none";
    fill(this.incoming, calls.map((c) => h("li", {},
      h("button", { type: "button", class: "ringing", dataset: { id: c.id }, onclick: () => this.answer(c.id) },
        h("strong", {}, "RINGING "), `${c.caller_number || "no number"} (${c.channel}) `,
        c.address || (c.lat != null ? `point ${c.lat.toFixed(4)}, ${c.lon.toFixed(4)}` : "no location"), " ",
        h("span", { class: "timer", dataset: { since: c.received_at } }, elapsed(c.received_at))))));
  }

  tickIncoming() {
    for (const t of this.incoming.querySelectorAll(".timer")) t.textContent = elapsed(t.dataset.since);
  }

  /** Answer a ringing call (the oldest when no id): its number, channel and location fill the form. */
  async answer(id = this.ringingCalls()[0]?.id) {
    if (!id) { this.result.textContent = "No call is ringing."; return; }
    await this.endCall();
    this.history.clear();
    let call;
    try {
      call = await post(`/calls/${enc(id)}/answer`);
    } catch (err) {
      this.result.textContent = `Could not answer: ${err.message}`;
      return;
    }
    this.reset();
    this.result.textContent = "";
    this.callId = call.id;
    this.receivedAt = call.received_at;
    this.number.value = call.caller_number || "";
    this.channel.value = call.channel;
    if (call.lat != null) this.where.setPoint(call.lat, call.lon);
    else if (call.address) this.where.setAddress(call.address);
    this.setOpenCall(call);
    this.live.open(call.id);
    this.callback.update(call.id, !call.narrative?.trim());
    if (call.caller_number || call.address) this.history.show(call.id);
    this.narrative.focus();
  }

  setOpenCall(call) {
    this.openCall = call ? { id: call.id, label: call.caller_number || "no number" } : null;
    this.callLine.textContent = call ? `ON CALL: ${this.openCall.label}${call.incident_id ? `, linked to ${call.incident_id}` : ""}`
      : "No call open. Alt+R answers a ringing call; Alt+N takes one typed in (recorded with its incident).";
    this.endButton.hidden = !call;
  }

  /** Alt+E: end the open call and clear the panel completely (no caller's history or words stay behind). */
  async hangUp() {
    await this.endCall();
    this.history.clear();
    this.reset();
  }

  /** A final stretch of the caller's words from the live transcript (already added to the call's narrative on the
   * server): added here too, and triage runs again. Unsaved typing stays, and is saved with the words. */
  heard(m) {
    if (m.call_id !== this.callId) return;
    const before = this.narrative.value;
    this.narrative.value = before.trim() ? `${before.trimEnd()} ${m.text}` : m.text;
    if (before === this.savedWords) this.savedWords = this.narrative.value; // the server added the same words
    else this.saveWords();
    this.callback.update(this.callId, !this.narrative.value.trim());
    this.triage();
  }

  async saveWords() {
    const id = this.callId;
    if (!id || this.narrative.value === this.savedWords) return;
    const words = this.narrative.value;
    try {
      await patch(`/calls/${enc(id)}`, { narrative: words });
      if (this.callId === id) this.savedWords = words;
    } catch { /* kept in the panel; sent with the incident */ }
  }

  /** After a reload, a re-login or a crashed browser: the call this call-taker answered and did not end is theirs
   * again, with its number, place and words (a call already linked to its incident only shows as open). */
  async restore() {
    let calls;
    try { calls = await get("/calls?active=true&limit=200"); } catch { return; }
    const mine = calls.filter((c) => c.status === "answered" && c.answered_by === me.username)
      .sort((a, b) => Date.parse(b.answered_at) - Date.parse(a.answered_at))[0];
    if (!mine || this.openCall) return;
    this.setOpenCall(mine);
    if (mine.incident_id) return;
    this.callId = mine.id;
    this.live.open(mine.id);
    this.receivedAt = mine.received_at;
    this.number.value = mine.caller_number || "";
    this.channel.value = mine.channel;
    this.narrative.value = this.savedWords = mine.narrative || "";
    if (mine.lat != null) this.where.setPoint(mine.lat, mine.lon);
    else if (mine.address) this.where.setAddress(mine.address);
    this.result.textContent = `Call ${mine.caller_number || mine.id} restored: it is still yours.`;
    if (mine.caller_number || mine.address) this.history.show(mine.id);
    if (this.narrative.value.trim()) this.triage();
  }

  async endCall() {
    const open = this.openCall;
    if (!open) return;
    try {
      await post(`/calls/${enc(open.id)}/end`);
      announce(`Call ${open.label} ended`);
    } catch (err) {
      if (err.status !== 409) announce(`Could not end the call ${open.label}: ${err.message}`); // 409: it already ended
    }
    if (this.openCall === open) this.setOpenCall(null);
  }

  // --- triage ---------------------------------------------------------------------------------

  async triage() {
    const text = this.narrative.value;
    const mine = ++this.triageSeq;
    this.controller?.abort();
    if (!text.trim()) { this.suggestion = null; this.renderTriage(null); return; }
    this.controller = new AbortController();
    try {
      const body = { text, answers: this.protocol.confirmed() };
      if (this.callId) body.call_id = this.callId; // the server reads the caller's history (a known child's number)
      const result = await post("/triage", body, { signal: this.controller.signal });
      if (mine !== this.triageSeq) return; // a newer keystroke is being triaged
      this.suggestion = result;
      this.renderTriage(result);
      this.follow();
      this.checkNearby();
    } catch (err) {
      if (err.name !== "AbortError" && mine === this.triageSeq) {
        fill(this.triageBox, h("p", { class: "error" }, `Triage unavailable (${err.message}); decide by protocol.`));
      }
    }
  }

  renderTriage(t) {
    this.child.update(t ? [...new Set([...t.flags, ...this.chosenFlags()])] : this.chosenFlags(), t ? t.questions : [], t?.urgency);
    this.protocol.render(t?.protocol || null);
    this.instructions.render(t?.instructions || null);
    if (!t) {
      fill(this.triageBox, h("h3", { id: "ct-triage-h" }, "Triage"), h("p", { class: "muted" }, "Type what the caller says; suggestions appear here."));
      return;
    }
    fill(this.triageBox,
      h("h3", { id: "ct-triage-h" }, "Triage suggestion"),
      h("p", { class: "triage-head" },
        h("span", { id: "ct-urgency", class: `urgency urgency-${t.urgency}` }, `${t.urgency.toUpperCase()} URGENCY`), " ",
        h("span", { id: "ct-suggested-type" }, `${t.incident_type} ${this.types.get(t.incident_type) || ""}`), " ",
        h("span", { class: `prio prio-${t.priority}` }, t.priority), " ",
        h("span", { class: "muted" }, `response: ${t.response.replace("_", " ")}`), " ",
        h("span", { id: "ct-plan", class: "muted" }, `plan: ${t.plan?.units?.length ? t.plan.units.join(", ") : "no unit"}`)),
      t.flags.length ? h("p", { id: "ct-flag-words", class: "flags" }, t.flags.map((f) => h("span", { class: `flag flag-${f}` }, FLAG_WORDS[f] || f))) : null,
      h("h4", {}, "Ask next"),
      h("ol", { id: "ct-questions", class: "questions" }, t.questions.map((q) => h("li", {}, q))),
      t.evidence.length ? h("details", { open: true }, h("summary", {}, "Why (evidence)"),
        h("ul", { id: "ct-evidence" }, t.evidence.map((e) => h("li", {}, `"${e.matched}": ${e.cue} -> ${e.effect}`)))) : null,
      t.notes?.length ? h("ul", {}, t.notes.map((n) => h("li", {}, n))) : null,
    );
  }

  /** Fields the call-taker has not touched follow the latest suggestion. */
  follow() {
    const t = this.suggestion;
    if (!t) return;
    if (!this.overridden.has("incident_type")) this.type.value = t.incident_type;
    if (!this.overridden.has("priority")) this.priority.value = t.priority;
    if (!this.overridden.has("flags")) this.renderFlags(t.flags, t.flags);
    this.showDecision();
  }

  renderFlags(suggested, checked = []) {
    const current = new Set(this.overridden.has("flags") ? this.chosenFlags() : checked);
    const all = [...new Set([...suggested, ...current])];
    fill(this.flagBox, h("legend", {}, "Flags"), all.length ? null : h("span", { class: "muted" }, "none"),
      all.map((f) => h("label", { class: "check" },
        h("input", { type: "checkbox", value: f, checked: current.has(f), onchange: () => this.override("flags") }), ` ${FLAG_WORDS[f] || f}`)));
  }

  chosenFlags() {
    return [...this.flagBox.querySelectorAll("input:checked")].map((i) => i.value);
  }

  override(field) {
    this.overridden.add(field);
    if (field === "flags") this.child.update(this.chosenFlags(), this.suggestion?.questions || [], this.suggestion?.urgency);
    this.showDecision();
  }

  accept() {
    this.overridden.clear();
    this.follow();
    this.decision.textContent = this.suggestion ? "Suggestion accepted." : "No suggestion yet.";
  }

  accepted() {
    const t = this.suggestion;
    if (!t) return false;
    const flags = this.chosenFlags().sort().join();
    return this.type.value.trim().toUpperCase() === t.incident_type && this.priority.value === t.priority && flags === [...t.flags].sort().join();
  }

  showDecision() {
    const code = this.type.value.trim().toUpperCase();
    this.typeName.textContent = this.types.get(code) || (code ? "unknown type" : "");
    if (!this.suggestion) { this.decision.textContent = ""; return; }
    this.decision.textContent = this.accepted() ? "Following the suggestion." : "OVERRIDDEN: your choice differs from the suggestion.";
  }

  /** The call as the panel has it, on the server: the answered or typed call updated, or a typed call recorded. */
  async saveCall(location) {
    if (this.callId) {
      return patch(`/calls/${enc(this.callId)}`, {
        caller_number: this.number.value.trim() || null, narrative: this.narrative.value, ...(location ? { location } : {}),
      });
    }
    const call = await post("/calls", {
      channel: this.channel.value, caller_number: this.number.value.trim() || null, received_at: this.receivedAt,
      location, narrative: this.narrative.value,
    });
    await post(`/calls/${enc(call.id)}/answer`);
    return call;
  }

  // --- possible duplicates -------------------------------------------------------------------

  checkNearby() {
    let point;
    try { point = this.where.value(); } catch { point = null; }
    this.nearby.check(point, this.type.value.trim().toUpperCase() || this.suggestion?.incident_type);
  }

  /** This call is another caller about an open incident: record it and link it there, no second incident. */
  async linkTo(incidentId) {
    if (this.busy) return;
    this.busy = true;
    await this.recording;
    let location;
    try { location = this.where.value(); } catch { location = null; }
    let call;
    try {
      call = await this.saveCall(location);
      if (this.narrative.value.trim()) await post(`/calls/${enc(call.id)}/triage`);
      await this.sendSteps(call.id);
      await post(`/calls/${enc(call.id)}/link`, { incident_id: incidentId });
      this.reset();
      this.setOpenCall({ ...call, incident_id: incidentId });
      this.result.textContent = `Call ${call.id} linked to ${incidentId} as another caller.`;
      announce(`Call linked to ${incidentId}`);
    } catch (err) {
      this.result.textContent = `Not linked: ${err.message}${call ? ` (call ${call.id} is recorded)` : ""}`;
    } finally {
      this.busy = false;
    }
  }

  // --- pre-arrival instructions --------------------------------------------------------------

  /** A step read to the caller: recorded with the call now if it is recorded, else when it is. */
  async stepGiven(set, step) {
    this.stepsGiven.push({ set, step });
    await this.recordTyped();
    if (this.callId) await this.sendSteps(this.callId);
  }

  /** Sends the steps waiting, one sender at a time (quick Alt+G presses must not send a step twice). */
  sendSteps(callId) {
    this.sending = (this.sending || Promise.resolve()).then(async () => {
      while (this.stepsGiven.length) {
        try {
          await post(`/calls/${enc(callId)}/instructions`, this.stepsGiven[0]);
        } catch (err) {
          this.result.textContent = `Instruction step not recorded yet (${err.message}); it will be with the incident.`;
          return;
        }
        this.stepsGiven.shift();
      }
    });
    return this.sending;
  }

  // --- create ---------------------------------------------------------------------------------

  async create() {
    if (this.busy) return;
    const type = this.type.value.trim().toUpperCase();
    if (!this.types.has(type)) {
      this.result.textContent = type ? `Unknown incident type '${type}': choose one from the list.` : "Choose an incident type (or type the narrative for a suggestion).";
      this.type.focus();
      return;
    }
    let location;
    try { location = this.where.value(); } catch (err) { this.result.textContent = `Location: ${err.message}`; this.where.focus(); return; }
    this.busy = true;
    this.result.textContent = "Creating...";
    await this.recording; // a typed call being recorded: create from it, not a second call
    const flags = this.chosenFlags();
    let call;
    try {
      call = await this.saveCall(location);
      if (this.narrative.value.trim()) {
        const answers = this.protocol.confirmed();
        const suggested = Object.keys(answers).length
          ? await post(`/calls/${enc(call.id)}/protocol-answers`, { complaint: this.suggestion?.protocol?.complaint || null, answers })
          : await post(`/calls/${enc(call.id)}/triage`);
        const accepted = suggested.incident_type === type && suggested.priority === this.priority.value &&
          [...suggested.flags].sort().join() === [...flags].sort().join();
        await post(`/calls/${enc(call.id)}/triage-decision`, {
          accepted, urgency: suggested.urgency, incident_type: type, flags, suggested_event_id: suggested.event_id,
        });
      }
      await this.sendSteps(call.id);
      const incident = await post("/incidents", { incident_type: type, priority: this.priority.value, location, flags, calls: [call.id] });
      const guardian = this.child.note();
      if (guardian) await post(`/incidents/${enc(incident.id)}/notes`, { text: guardian });
      this.reset();
      this.setOpenCall({ ...call, incident_id: incident.id }); // still on the line until End call
      this.result.textContent = `Incident ${incident.id} created (${type} ${incident.priority}) from call ${call.id}.`;
      announce(`Incident ${incident.id} created`);
      this.onCreated?.(incident);
    } catch (err) {
      this.result.textContent = `Not created: ${err.message}${call ? ` (call ${call.id} is recorded)` : ""}`;
    } finally {
      this.busy = false;
    }
  }

  focus() {
    this.number.focus();
  }
}
