// The supervisor's shift view (Alt+S): calls ringing and answered within 15/20 s against NENA, calls open per
// call-taker, pending incidents by priority and age, incidents with no location, units available by type, and the
// alerts to act on. The header button counts the alerts; both refresh every 10 s.

import { get } from "./api.js";
import { fill, h } from "./dom.js";

const REFRESH_MS = 10_000;
const pct = (v) => (v == null ? "-" : `${Math.round(v * 100)}%`);

export class ShiftView {
  constructor({ button, dialog, body }) {
    this.button = button;
    this.dialog = dialog;
    this.body = body;
    button.hidden = false;
    button.addEventListener("click", () => this.open());
    this.refresh();
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  open() {
    if (!this.dialog.open) this.dialog.showModal();
    this.refresh();
  }

  async refresh() {
    let s;
    try { s = await get("/shift"); } catch (err) {
      this.button.textContent = "Shift (Alt+S): unavailable";
      fill(this.body, h("p", { class: "error" }, `The shift view is unavailable: ${err.message}`));
      return;
    }
    const critical = s.alerts.filter((a) => a.level === "critical").length;
    this.button.textContent = s.alerts.length ? `Shift (Alt+S): ${s.alerts.length} ALERT${s.alerts.length > 1 ? "S" : ""}` : "Shift (Alt+S)";
    this.button.classList.toggle("alerting", critical > 0);
    fill(this.body,
      h("h3", {}, "Alerts"),
      s.alerts.length ? h("ul", { id: "shift-alerts" }, s.alerts.map((a) => h("li", { class: `alert-${a.level}` },
        `${a.level === "critical" ? "CRITICAL" : "WARNING"}: ${a.text}`))) : h("p", { id: "shift-alerts" }, "No alerts."),
      h("h3", {}, "Calls"),
      h("p", { id: "shift-calls" }, `${s.calls.ringing} ringing (oldest ${s.calls.oldest_ringing_s} s); ${s.calls.answered} answered this shift, `,
        `${pct(s.calls.answered_within_15s)} within 15 s (NENA 90%), ${pct(s.calls.answered_within_20s)} within 20 s (NENA 95%)`),
      h("p", {}, "Open calls: ", Object.entries(s.open_calls).map(([who, c]) => `${who} ${c.calls} (oldest ${c.oldest_min} min)`).join("; ") || "none"),
      h("h3", {}, "Pending incidents"),
      h("p", { id: "shift-pending" }, Object.entries(s.pending).map(([p, x]) => `${p}: ${x.incidents} (oldest ${Math.round(x.oldest_s / 60)} min)`).join("; ") || "none",
        s.unlocated.length ? `; no location: ${s.unlocated.join(", ")}` : ""),
      h("h3", {}, "Units available"),
      h("p", { id: "shift-units" }, Object.entries(s.units).map(([t, u]) => `${t} ${u.available}/${u.total}`).join("; ")),
      h("p", { class: "muted small" }, "The audit of any incident: open it; its timeline lists every event, who and when."));
  }
}
