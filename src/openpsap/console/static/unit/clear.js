// The outcome at clear: the disposition the unit proposes, the care outcomes (911 education given, guardian
// contacted, ...), a note, and a follow-up for the outreach team (e.g. a school visit); then the unit is available.
// Everything goes through the outbox, in that order, so a dead zone loses nothing.

import { fill, h } from "../dom.js";

export class ClearForm {
  constructor(form, { outbox, unitId }) {
    this.form = form;
    this.outbox = outbox;
    this.unitId = unitId;
    this.config = null;
    this.dispositions = [];
    form.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
  }

  async load() {
    try {
      const [config, dispositions] = await Promise.all([
        fetch("/api/v1/care/config", { credentials: "same-origin" }).then((r) => r.json()),
        fetch("/api/v1/dispositions", { credentials: "same-origin" }).then((r) => r.json()),
      ]);
      this.config = config;
      this.dispositions = dispositions;
      localStorage.setItem("openpsap-unit-clear-config", JSON.stringify({ config, dispositions }));
    } catch {
      const saved = JSON.parse(localStorage.getItem("openpsap-unit-clear-config") || "null");
      if (saved) ({ config: this.config, dispositions: this.dispositions } = saved);
    }
    this.render();
  }

  render() {
    const outcomes = this.config?.outcomes || [];
    const kinds = Object.entries(this.config?.follow_up_kinds || {});
    fill(this.form,
      h("label", { for: "clear-disposition" }, "Disposition"),
      h("select", { id: "clear-disposition" }, h("option", { value: "" }, "(none)"),
        this.dispositions.map((d) => h("option", { value: d.code }, `${d.code} ${d.description}`))),
      h("fieldset", {}, h("legend", {}, "What happened (care outcomes)"),
        outcomes.map((o) => h("label", { class: "check" }, h("input", { type: "checkbox", name: "outcome", value: o.id }), ` ${o.label}`))),
      h("label", { for: "clear-note" }, "Note"),
      h("textarea", { id: "clear-note", rows: "2", maxlength: "2000" }),
      h("label", { for: "clear-followup" }, "Ask the outreach team for"),
      h("select", { id: "clear-followup" }, h("option", { value: "" }, "(nothing)"),
        kinds.map(([id, k]) => h("option", { value: id }, k.label))),
      h("button", { type: "submit", id: "clear-submit", class: "big primary" }, "Record and clear (available)"));
  }

  submit() {
    const incident = this.incidentId;
    if (!incident) return;
    const $ = (id) => this.form.querySelector(`#${id}`);
    const outcomes = [...this.form.querySelectorAll("input[name=outcome]:checked")].map((b) => b.value);
    const note = $("clear-note").value.trim();
    const disposition = $("clear-disposition").value;
    const followUp = $("clear-followup").value;
    const unit = encodeURIComponent(this.unitId);
    const words = [disposition && `disposition ${disposition}`, note].filter(Boolean).join(": ");
    if (words) this.outbox.add(`Note (${incident})`, "POST", `/incidents/${incident}/notes`, { text: `${this.unitId} at clear - ${words}` });
    if (outcomes.length) {
      this.outbox.add(`Care outcomes (${incident})`, "POST", `/incidents/${incident}/care-outcomes`, { outcomes, note });
    }
    if (followUp) {
      this.outbox.add(`Follow-up: ${followUp}`, "POST", "/follow-ups", { kind: followUp, incident_id: incident, note });
    }
    this.outbox.add("Available", "POST", `/units/${unit}/status`, (at) => ({ status: "InService", incident_id: incident, at }));
    this.form.reset();
  }
}
