// The supervisor's shift view (Alt+S): calls ringing and answered within 15/20 s against NENA, calls open per
// call-taker, pending incidents by priority and age, incidents with no location, units available by type, and the
// alerts to act on. The header button counts the alerts; both refresh every 10 s.

import { get, post } from "./api.js";
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
    dialog.insertBefore(this.lostDeviceForm(), dialog.querySelector("form[method=dialog]")); // kept across refreshes
    this.refresh();
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  /** A lost device: sign out every field-unit user crewing the unit (they log in again on a new device). */
  async signOut(unitId, out) {
    try {
      const r = await post(`/units/${encodeURIComponent(unitId)}/sign-out`, {});
      out.textContent = `Unit ${r.unit_id}: signed out ${Object.keys(r.signed_out).join(", ")} on every device`;
    } catch (err) {
      out.textContent = `Not signed out: ${err.message}`;
    }
  }

  lostDeviceForm() {
    const input = h("input", { id: "lost-unit", autocomplete: "off", maxlength: "16", size: "8" });
    const out = h("p", { id: "lost-result", role: "status" });
    return h("form", { id: "lost-device", onsubmit: (e) => { e.preventDefault(); this.signOut(input.value.trim(), out); } },
      h("h3", {}, "Lost or stolen unit device"),
      h("label", { for: "lost-unit" }, "Unit "), input, " ",
      h("button", { type: "submit" }, "Sign its crew out everywhere"), out);
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
