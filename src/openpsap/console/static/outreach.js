// The outreach queue (outreach team and supervisors): follow-up tasks soonest due first, OVERDUE in words,
// mark done or cancelled, add a note; and a caller's care-plan note, shown to the call-taker on the next call.
// Outreach users do not read the event stream: the queue reloads after each action, on a timer, and (for
// supervisors, who have the stream) when a follow-up event arrives.

import { can, enc, get, me, patch, post, put } from "./api.js";
import { dueWords, sortTasks } from "./carewords.js";
import { announce, fill, h } from "./dom.js";

const RELOAD_MS = 30000;

export class OutreachQueue {
  constructor(root, { care, store }) {
    this.care = care;
    this.status = h("select", { id: "fu-status", onchange: () => this.load() },
      h("option", { value: "open" }, "Open"), h("option", { value: "done" }, "Done"), h("option", { value: "cancelled" }, "Cancelled"));
    this.count = h("span", { class: "muted", "aria-live": "polite" });
    this.list = h("ul", { id: "fu-list", class: "fu-list", "aria-label": "Follow-ups, soonest due first" });
    this.planNumber = h("input", { id: "cp-number", type: "tel", maxlength: "32", autocomplete: "off" });
    this.planNote = h("textarea", { id: "cp-note", rows: "2", maxlength: "2000" });
    this.planResult = h("p", { id: "cp-result", role: "status" });
    const planForm = h("form", { id: "cp-form", class: "care-plan-form", onsubmit: (e) => { e.preventDefault(); this.savePlan(); } },
      h("h3", { id: "cp-h" }, "Care plan"),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "cp-number" }, "Caller number"), this.planNumber),
        h("div", { class: "field grow" }, h("label", { for: "cp-note" }, "Care-plan note (shown to the call-taker on this caller's next call)"), this.planNote)),
      h("button", { id: "cp-save" }, "Save care plan"), this.planResult);
    root.append(
      this.newTaskForm(),
      h("div", { class: "filters" }, h("label", { for: "fu-status" }, "Show follow-ups"), this.status,
        h("button", { type: "button", id: "fu-reload", onclick: () => this.load() }, "Reload"), this.count),
      this.list, planForm);
    setInterval(() => this.load(), RELOAD_MS);
    store?.addEventListener("event", (e) => {
      if (e.detail.subject_type === "follow-up" || e.detail.kind === "care-outcomes-recorded") this.load();
    });
  }

  kindLabel(kind) {
    return this.care.follow_up_kinds[kind]?.label || kind;
  }

  async load() {
    const status = this.status.value;
    let tasks;
    try {
      tasks = await get(`/follow-ups?status=${enc(status)}`);
    } catch (err) {
      fill(this.list, h("li", { class: "error" }, `Cannot load the queue: ${err.message}`));
      return;
    }
    if (status !== this.status.value) return;
    const sorted = sortTasks(tasks);
    const late = sorted.filter((t) => t.overdue).length;
    this.count.textContent = `${sorted.length} ${status}${late ? `, ${late} OVERDUE` : ""}`;
    // keep what is being typed in a note box across reloads
    const typing = document.activeElement?.classList?.contains("fu-note") ? { id: document.activeElement.dataset.id, value: document.activeElement.value } : null;
    fill(this.list, sorted.length ? sorted.map((t) => this.item(t)) : h("li", { class: "muted" }, `No ${status} follow-ups.`));
    if (typing) {
      const box = this.list.querySelector(`.fu-note[data-id="${typing.id}"]`);
      if (box) { box.value = typing.value; box.focus(); }
    }
  }

  /** What happened, from the incident: where, what the caller said, the care outcomes, the caller's calls. */
  context(c) {
    return h("div", { class: "fu-context small" },
      h("p", {}, [c.incident_type, c.address].filter(Boolean).join(" - ") || "No incident details.",
        c.calls_90d ? ` - ${c.calls_90d} call${c.calls_90d === 1 ? "" : "s"} from this number in 90 days` : ""),
      c.said ? h("blockquote", { class: "narrative" }, c.said) : null,
      c.care_outcomes?.length ? h("p", {}, `Care outcomes: ${c.care_outcomes.join("; ")}`) : null);
  }

  item(t) {
    const noteId = `fu-note-${t.id}`;
    const note = h("input", { id: noteId, class: "fu-note", maxlength: "2000", dataset: { id: t.id } });
    const referral = t.referral ? this.care.referrals[t.referral] : null;
    return h("li", { class: `fu-item${t.overdue ? " overdue" : ""}`, dataset: { id: t.id, kind: t.kind } },
      h("p", { class: "fu-head" },
        h("strong", { class: "fu-kind" }, this.kindLabel(t.kind)), " ",
        h("span", { class: t.overdue ? "overdue-word" : "muted" }, dueWords(t)), " ",
        t.incident_id ? h("span", {}, `incident ${t.incident_id}`) : null, " ",
        t.caller_number ? h("span", {}, `caller ${t.caller_number}`) : null, " ",
        h("span", { class: "muted" }, t.assignee ? `assigned to ${t.assignee}` : "unassigned")),
      referral ? h("p", { class: "small" }, `Refer to: ${referral.name} (${referral.contact})`) : null,
      t.context ? this.context(t.context) : null,
      t.notes?.length ? h("ul", { class: "notes small" }, t.notes.map((n) => h("li", {}, `${(n.at || "").slice(0, 10)} ${n.by || ""}: ${n.text}`))) : null,
      t.status === "open" ? h("div", { class: "row" },
        h("label", { for: noteId, class: "visually-hidden" }, `Note on ${this.kindLabel(t.kind)}`), note,
        h("button", { type: "button", class: "fu-add-note", onclick: () => this.update(t, { note: note.value.trim() }, "note added") }, "Add note"),
        h("button", { type: "button", class: "fu-done", onclick: () => this.update(t, { status: "done", note: note.value.trim() }, "marked done") }, "Mark done"),
        t.assignee === me.username ? null
          : h("button", { type: "button", class: "fu-take", onclick: () => this.update(t, { assignee: me.username, note: "" }, `assigned to ${me.username}`) }, "Assign to me"),
        h("button", { type: "button", class: "fu-cancel", onclick: () => this.update(t, { status: "cancelled", note: note.value.trim() }, "cancelled") }, "Cancel"),
        t.caller_number ? h("button", { type: "button", class: "fu-plan", onclick: () => { this.planNumber.value = t.caller_number; this.planNote.focus(); } }, "Care plan...") : null)
        : null);
  }

  async update(task, body, done) {
    if (body.note === "" && !body.status && !body.assignee) { announce("Type a note first."); return; }
    try {
      await patch(`/follow-ups/${enc(task.id)}`, body);
      announce(`${this.kindLabel(task.kind)}: ${done}`);
    } catch (err) {
      announce(`Refused: ${err.message}`);
    }
    await this.load();
  }

  /** A follow-up by hand (e.g. a referral after a call that became no incident). */
  newTaskForm() {
    const kind = h("select", { id: "nf-kind" }, Object.entries(this.care.follow_up_kinds).map(([k, v]) => h("option", { value: k }, v.label)));
    const referral = h("select", { id: "nf-referral" }, h("option", { value: "" }, "none"),
      Object.entries(this.care.referrals).map(([k, v]) => h("option", { value: k }, v.name)));
    const number = h("input", { id: "nf-number", type: "tel", maxlength: "32", autocomplete: "off" });
    const incident = h("input", { id: "nf-incident", maxlength: "16", placeholder: "26-000123", autocomplete: "off" });
    const note = h("input", { id: "nf-note", maxlength: "2000" });
    const result = h("span", { id: "nf-result", role: "status" });
    const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);
    return h("details", { class: "new-follow-up" }, h("summary", {}, "New follow-up by hand"),
      h("form", { id: "nf-form", onsubmit: async (e) => {
        e.preventDefault();
        if (!number.value.trim() && !incident.value.trim()) { result.textContent = "A caller number or an incident is needed."; return; }
        try {
          await post("/follow-ups", { kind: kind.value, referral: referral.value || null, caller_number: number.value.trim() || null,
            incident_id: incident.value.trim() || null, note: note.value.trim() });
          result.textContent = "Follow-up opened.";
          for (const el of [number, incident, note]) el.value = "";
          await this.load();
        } catch (err) {
          result.textContent = `Not opened: ${err.message}`;
        }
      } }, h("div", { class: "row" }, field("nf-kind", "Kind", kind), field("nf-referral", "Referral", referral),
        field("nf-number", "Caller number (follow-up)", number), field("nf-incident", "Incident", incident),
        field("nf-note", "Note (follow-up)", note), h("button", { id: "nf-open" }, "Open follow-up")), result));
  }

  async savePlan() {
    const number = this.planNumber.value.trim();
    const note = this.planNote.value.trim();
    if (!number || !note) { this.planResult.textContent = "A caller number and a note are both needed."; return; }
    try {
      await put(`/care-plans/${enc(number)}`, { note });
      this.planResult.textContent = `Care plan saved for ${number}.`;
    } catch (err) {
      this.planResult.textContent = `Not saved: ${err.message}`;
    }
  }

  static allowed() {
    return can("outreach", "supervisor");
  }
}
