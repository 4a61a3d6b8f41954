// Possible duplicates while a call is taken: open incidents near the caller's location, in the window of their
// type. Linking the call to one ("another caller", Alt+L for the first) records it as a second call on that
// incident instead of opening a second response.

import { enc, get } from "./api.js";
import { elapsed, fill, h } from "./dom.js";

export class NearbyIncidents {
  constructor({ onLink }) {
    this.onLink = onLink;
    this.found = [];
    this.asked = 0;
    this.element = h("section", { id: "ct-nearby", class: "nearby", "aria-labelledby": "ct-nearby-h", "aria-live": "polite", hidden: true });
  }

  reset() {
    this.found = [];
    this.asked += 1;
    this.element.hidden = true;
    fill(this.element);
  }

  async check(point, incidentType) {
    if (!point || point.lat == null) { this.reset(); return; }
    const mine = ++this.asked;
    const type = incidentType ? `&incident_type=${enc(incidentType)}` : "";
    let found;
    try {
      found = await get(`/incidents/nearby?lat=${point.lat}&lon=${point.lon}${type}`);
    } catch {
      return; // the check is a help, never a block: the call goes on
    }
    if (mine !== this.asked) return;
    this.found = found;
    this.element.hidden = !found.length;
    fill(this.element,
      h("h3", { id: "ct-nearby-h" }, `POSSIBLE DUPLICATE: ${found.length} open incident${found.length > 1 ? "s" : ""} nearby`),
      h("ul", { id: "ct-nearby-list" }, found.map((n, i) => h("li", {},
        h("strong", {}, n.incident.id), ` ${n.incident.incident_type_name || n.incident.incident_type} ${n.incident.priority}, `,
        `${n.distance_m} m away, opened ${elapsed(n.incident.created_at)} ago, `,
        `${n.incident.call_count} call${n.incident.call_count === 1 ? "" : "s"}${n.same_type ? ", same type" : ""} `,
        h("button", { type: "button", class: "link-call", onclick: () => this.onLink(n.incident.id) },
          `Link as another caller${i === 0 ? " (Alt+L)" : ""}`)))));
  }

  /** Alt+L: link to the nearest likely duplicate. */
  linkFirst() {
    if (this.found.length) this.onLink(this.found[0].incident.id);
  }
}
