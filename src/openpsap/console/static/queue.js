// The incident queue: open incidents by priority then age, with timers that turn OVERDUE, and filters.
// Rows are kept by id and updated in place, so focus and screen-reader position survive live updates.

import { STATUS_WORDS, elapsed, fill, flagBadges, h, seconds } from "./dom.js";

// seconds an incident may stay in a status before its timer turns (pending: by priority)
const PENDING_LIMIT_S = (eido) => (eido >= 8 ? 60 : eido >= 6 ? 120 : 600);
const STATUS_LIMIT_S = { ResourcesAssigned: 90, ResourcesEnroute: 600 };

export function overdue(incident, now = Date.now()) {
  if (incident.status === "Active" || incident.status === "ReOpened") {
    return seconds(incident.created_at, now) > PENDING_LIMIT_S(incident.eido_priority);
  }
  const limit = STATUS_LIMIT_S[incident.status];
  return limit !== undefined && seconds(incident.updated_at, now) > limit;
}

/** An incident without a map point cannot be routed to: it stays at the top until a location is given. */
export function locationUnknown(incident) {
  return incident.lat == null || incident.lon == null;
}

export function byPriorityAndAge(a, b) {
  return locationUnknown(b) - locationUnknown(a) || b.eido_priority - a.eido_priority
    || Date.parse(a.created_at) - Date.parse(b.created_at);
}

const PENDING = new Set(["Active", "ReOpened"]);

export class Queue {
  constructor(root, store, { onOpen }) {
    this.store = store;
    this.onOpen = onOpen;
    this.rows = new Map();
    this.selected = null;
    this.filter = { show: "all", priority: 0, flagged: false };
    const showSelect = h("select", { id: "queue-show", onchange: (e) => { this.filter.show = e.target.value; this.render(); } },
      h("option", { value: "all" }, "Pending and active"),
      h("option", { value: "pending" }, "Pending only"),
      h("option", { value: "active" }, "Active only"));
    const prioSelect = h("select", { id: "queue-priority", onchange: (e) => { this.filter.priority = Number(e.target.value); this.render(); } },
      h("option", { value: "0" }, "Any priority"),
      h("option", { value: "8" }, "P2 and higher"),
      h("option", { value: "6" }, "P3 and higher"));
    const flagged = h("input", { type: "checkbox", id: "queue-flagged", onchange: (e) => { this.filter.flagged = e.target.checked; this.render(); } });
    this.count = h("span", { class: "muted", "aria-live": "polite" });
    this.list = h("ul", { class: "queue-list", id: "queue-list", "aria-label": "Open incidents, highest priority first" });
    this.list.addEventListener("keydown", (e) => this.keys(e));
    root.append(
      h("div", { class: "filters" },
        h("label", { for: "queue-show" }, "Show"), showSelect,
        h("label", { for: "queue-priority" }, "Priority"), prioSelect,
        h("label", { class: "check" }, flagged, " Flagged only"),
        this.count),
      this.list,
    );
    store.addEventListener("incidents", () => this.render());
    setInterval(() => this.tick(), 1000);
  }

  visible() {
    const f = this.filter;
    return [...this.store.incidents.values()]
      .filter((i) => f.show === "all" || (f.show === "pending") === PENDING.has(i.status))
      .filter((i) => i.eido_priority >= f.priority)
      .filter((i) => !f.flagged || i.flags.length > 0)
      .sort(byPriorityAndAge);
  }

  row(incident) {
    let row = this.rows.get(incident.id);
    if (!row) {
      const button = h("button", { type: "button", class: "queue-item", dataset: { id: incident.id },
        onclick: () => this.open(incident.id) });
      row = h("li", {}, button);
      row.button = button;
      this.rows.set(incident.id, row);
    }
    const b = row.button;
    fill(b,
      h("span", { class: `prio prio-${incident.priority}` }, incident.priority),
      h("span", { class: "inc-id" }, incident.id),
      h("span", { class: "inc-type", title: incident.incident_type_text || "" }, incident.incident_type_name || incident.incident_type),
      h("span", { class: `inc-status status-${incident.status}` }, STATUS_WORDS[incident.status] || incident.status),
      h("span", { class: "timer", dataset: { since: incident.created_at } }, elapsed(incident.created_at)),
      incident.call_count > 1 ? h("span", { class: "call-count" }, `${incident.call_count} calls`) : null,
      h("span", { class: "overdue-word" }),
      locationUnknown(incident)
        ? h("span", { class: "inc-where location-unknown" }, `LOCATION UNKNOWN${incident.address ? ` (said: ${incident.address})` : ""}`)
        : h("span", { class: "inc-where" }, incident.address || `${incident.lat.toFixed(4)}, ${incident.lon.toFixed(4)}`),
      h("span", { class: "flags" }, flagBadges(incident.flags)),
    );
    b.incident = incident;
    b.setAttribute("aria-current", this.selected === incident.id ? "true" : "false");
    this.markOverdue(b);
    return row;
  }

  markOverdue(button) {
    const late = overdue(button.incident);
    button.classList.toggle("overdue", late);
    button.querySelector(".overdue-word").textContent = late ? "OVERDUE" : "";
  }

  render() {
    const focused = document.activeElement;
    const items = this.visible();
    const keep = new Set(items.map((i) => i.id));
    for (const [id, row] of this.rows) if (!keep.has(id)) { row.remove(); this.rows.delete(id); }
    items.forEach((incident, n) => {
      const row = this.row(incident);
      if (this.list.children[n] !== row) this.list.insertBefore(row, this.list.children[n] || null);
    });
    if (focused && focused.classList?.contains("queue-item") && document.activeElement !== focused && focused.isConnected) focused.focus();
    const pending = items.filter((i) => PENDING.has(i.status)).length;
    this.count.textContent = `${items.length} open, ${pending} pending`;
    if (!items.length) fill(this.list, h("li", { class: "muted empty" }, "No open incidents."));
    else this.list.querySelector(".empty")?.remove();
  }

  tick() {
    for (const row of this.rows.values()) {
      const timer = row.button.querySelector(".timer");
      timer.textContent = elapsed(timer.dataset.since);
      this.markOverdue(row.button);
    }
  }

  open(id) {
    this.selected = id;
    for (const row of this.rows.values()) row.button.setAttribute("aria-current", row.button.dataset.id === id ? "true" : "false");
    this.onOpen(id);
  }

  focus() {
    (this.list.querySelector(".queue-item[aria-current=true]") || this.list.querySelector(".queue-item"))?.focus();
  }

  keys(e) {
    const items = [...this.list.querySelectorAll(".queue-item")];
    const at = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = items[Math.min(items.length - 1, Math.max(0, at + (e.key === "ArrowDown" ? 1 : -1)))];
      next?.focus();
    }
  }
}
