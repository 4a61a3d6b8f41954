// The unit board: every unit with its status and time in status, grouped by station or by status.
// A click (or Enter) on a unit opens a small dialog to change its status.

import { can, enc, post } from "./api.js";
import { STATUS_WORDS, announce, elapsed, fill, h } from "./dom.js";

const RECOMMENDED = "Recommended";
const STATUS_ORDER = ["Dispatched", "EnRoute", "OnScene", "Transporting", "Hospital", "InService", "Station", "OutofService", "OffDuty"];
const CHANGES = [
  ["EnRoute", "En route (ER)"], ["OnScene", "On scene (OS)"], ["Transporting", "Transporting (TR)"],
  ["Hospital", "At hospital (AH)"], ["InService", "Available (AV)"], ["OutofService", "Out of service (OOS)"],
];

export class UnitBoard {
  constructor(root, store) {
    this.store = store;
    this.groupBy = "status";
    this.items = new Map();
    this.highlight = new Set();
    const group = h("select", { id: "units-group", onchange: (e) => { this.groupBy = e.target.value; this.render(true); } },
      h("option", { value: "status" }, "Group by status"), h("option", { value: "station" }, "Group by station"));
    this.count = h("span", { class: "muted" });
    this.board = h("div", { class: "unit-board", id: "unit-board" });
    this.dialog = this.makeDialog();
    root.append(h("div", { class: "filters" }, h("label", { for: "units-group", class: "visually-hidden" }, "Group units"), group, this.count),
      this.board, this.dialog);
    store.addEventListener("units", (e) => (e.detail?.id ? this.update(e.detail.id) : this.render(true)));
    setInterval(() => this.tick(), 1000);
  }

  key(unit) {
    if (this.highlight.has(unit.id)) return RECOMMENDED;
    return this.groupBy === "station" ? unit.home_station_id || "No station" : STATUS_WORDS[unit.status] || unit.status;
  }

  item(unit) {
    let el = this.items.get(unit.id);
    if (!el) {
      el = h("button", { type: "button", class: "unit", dataset: { id: unit.id }, onclick: () => this.choose(unit.id) });
      this.items.set(unit.id, el);
    }
    fill(el,
      h("span", { class: "unit-id" }, unit.id),
      h("span", { class: "visually-hidden" }, ` ${unit.unit_type}, `),
      h("span", { class: `unit-status ustatus-${unit.status}` }, STATUS_WORDS[unit.status] || unit.status),
      h("span", { class: "timer", dataset: { since: unit.status_changed_at } }, elapsed(unit.status_changed_at)),
      unit.incident_id ? h("span", { class: "unit-inc" }, h("span", { class: "visually-hidden" }, " on "), unit.incident_id) : null,
      this.highlight.has(unit.id) ? h("span", { class: "recommended-word" }, "RECOMMENDED") : null,
    );
    el.classList.toggle("recommended", this.highlight.has(unit.id));
    el.dataset.group = this.key(unit);
    return el;
  }

  update(id) {
    const unit = this.store.units.get(id);
    if (!unit) return;
    const el = this.items.get(id);
    const before = el?.dataset.group;
    this.item(unit);
    if (!el || before !== this.key(unit)) this.render(true);
  }

  render() {
    const focused = document.activeElement;
    const groups = new Map();
    for (const unit of this.store.units.values()) {
      const k = this.key(unit);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(unit);
    }
    const order = [...groups.keys()].sort((a, b) => (b === RECOMMENDED) - (a === RECOMMENDED) ||
      (this.groupBy === "status" ? rank(a) - rank(b) : a.localeCompare(b)));
    const sections = order.map((k) => {
      const units = groups.get(k).sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
      const id = `ugroup-${k.replace(/[^A-Za-z0-9]/g, "-")}`;
      return h("section", { class: "unit-group", "aria-labelledby": id },
        h("h3", { id }, `${k} (${units.length})`),
        h("div", { class: "unit-list" }, units.map((u) => this.item(u))));
    });
    fill(this.board, ...sections);
    if (focused?.classList?.contains("unit") && focused.isConnected) focused.focus();
    const available = [...this.store.units.values()].filter((u) => u.primary_status === "Available").length;
    this.count.textContent = `${this.store.units.size} units, ${available} available`;
  }

  setHighlight(ids) {
    const same = ids.length === this.highlight.size && ids.every((id) => this.highlight.has(id));
    this.highlight = new Set(ids);
    if (!same) this.render();
  }

  tick() {
    for (const el of this.items.values()) {
      const t = el.querySelector(".timer");
      if (t) t.textContent = elapsed(t.dataset.since);
    }
  }

  makeDialog() {
    const title = h("h2", { id: "unit-dialog-h" });
    const buttons = h("div", { class: "status-buttons" });
    const dialog = h("dialog", { id: "unit-dialog", "aria-labelledby": "unit-dialog-h" }, title, buttons,
      h("form", { method: "dialog" }, h("button", {}, "Cancel (Esc)")));
    dialog.title_ = title;
    dialog.buttons_ = buttons;
    return dialog;
  }

  choose(id) {
    const unit = this.store.units.get(id);
    if (!unit) return;
    if (!can("dispatcher", "supervisor")) {
      announce(`${id}: ${STATUS_WORDS[unit.status] || unit.status}. Only dispatchers and supervisors change unit status here.`);
      return;
    }
    this.dialog.title_.textContent = `${id} (${unit.unit_type}): ${STATUS_WORDS[unit.status] || unit.status}`;
    fill(this.dialog.buttons_, ...CHANGES.map(([status, label]) =>
      h("button", { type: "button", disabled: status === unit.status, onclick: () => { this.dialog.close(); this.setStatus(id, status); } }, label)));
    this.dialog.showModal();
    this.dialog.buttons_.querySelector("button:not([disabled])")?.focus();
  }

  async setStatus(id, status) {
    try {
      await post(`/units/${enc(id)}/status`, { status });
      announce(`${id} ${STATUS_WORDS[status] || status}`);
    } catch (err) {
      announce(`Could not set ${id} to ${STATUS_WORDS[status] || status}: ${err.message}`);
    }
  }
}

function rank(word) {
  const status = Object.keys(STATUS_WORDS).find((s) => STATUS_WORDS[s] === word && STATUS_ORDER.includes(s));
  const i = STATUS_ORDER.indexOf(status);
  return i < 0 ? 99 : i;
}
