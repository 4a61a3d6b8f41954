// The call's location: a point (from the phone system, or typed) said back in words by reverse
// geocoding, or an address / intersection typed with live geocoding candidates (a combobox).

import { enc, get } from "./api.js";
import { debounce, fill, h } from "./dom.js";

const GEOCODE_DELAY_MS = 250;

export class LocationFields {
  constructor({ onChange } = {}) {
    this.onChange = onChange; // told when a point is known (found address or a point), e.g. to look for duplicates
    const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);
    this.geo = null;
    this.lat = h("input", { id: "ct-lat", inputmode: "decimal", placeholder: "37.7793", size: "9" });
    this.lon = h("input", { id: "ct-lon", inputmode: "decimal", placeholder: "-122.4193", size: "10" });
    this.address = h("input", { id: "ct-address", autocomplete: "off", role: "combobox", "aria-expanded": "false",
      "aria-controls": "ct-candidates", "aria-describedby": "ct-geo", placeholder: "5th and Market, 200 Block of Market St" });
    this.candidates = h("ul", { id: "ct-candidates", role: "listbox", class: "candidates", "aria-label": "Address candidates" });
    this.geoStatus = h("p", { id: "ct-geo", class: "muted", "aria-live": "polite" });
    this.address.addEventListener("input", debounce(() => this.geocode(), GEOCODE_DELAY_MS));
    this.address.addEventListener("keydown", (e) => this.candidateKeys(e));
    const reverse = debounce(() => this.reverseGeocode(), GEOCODE_DELAY_MS);
    for (const el of [this.lat, this.lon]) el.addEventListener("input", reverse);
    this.element = h("fieldset", { class: "location" }, h("legend", {}, "Location"),
      h("div", { class: "row" }, field("ct-lat", "Latitude", this.lat), field("ct-lon", "Longitude", this.lon)),
      field("ct-address", "or address / intersection", this.address), this.candidates, this.geoStatus);
  }

  reset() {
    for (const el of [this.lat, this.lon, this.address]) el.value = "";
    this.geo = null;
    this.candidates.replaceChildren();
    this.address.setAttribute("aria-expanded", "false");
    this.geoStatus.textContent = "";
  }

  setPoint(lat, lon) {
    this.lat.value = String(lat);
    this.lon.value = String(lon);
    this.reverseGeocode();
  }

  setAddress(text) {
    this.address.value = text;
    this.geocode();
  }

  focus() {
    this.lat.focus();
  }

  async geocode() {
    const q = this.address.value.trim();
    this.geo = null;
    if (!q) { this.geoStatus.textContent = ""; this.candidates.replaceChildren(); return; }
    const asked = q;
    let r;
    try {
      r = await get(`/geocode?q=${enc(q)}`);
    } catch (err) {
      this.geoStatus.textContent = `Geocoding failed: ${err.message}`;
      return;
    }
    if (this.address.value.trim() !== asked) return; // typed on meanwhile
    if (r.status === "found") {
      this.geo = r;
      this.geoStatus.textContent = `FOUND: ${r.label} (${r.confidence || r.kind}) ${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}`
        + (r.uncertainty_m != null ? `, within ${Math.round(r.uncertainty_m)} m` : "") + (r.message ? ` - ${r.message}` : "");
      this.showCandidates([]);
      this.onChange?.();
    } else if (r.status === "ambiguous") {
      this.geoStatus.textContent = `NOT SURE: ${r.message} Arrow down to choose.`;
      this.showCandidates(r.candidates);
    } else {
      this.geoStatus.textContent = `NOT FOUND: ${r.message || "no such street"}`;
      this.showCandidates([]);
    }
  }

  /** A point from the phone system: say which street it is on, so the call-taker can confirm it with the caller. */
  async reverseGeocode() {
    const asked = `${this.lat.value.trim()},${this.lon.value.trim()}`;
    let point;
    try { point = this.value(); } catch (err) { this.geoStatus.textContent = `POINT: ${err.message}`; return; }
    if (!point || point.source !== "device") return;
    this.onChange?.();
    try {
      const r = await get(`/reverse-geocode?lat=${point.lat}&lon=${point.lon}`);
      if (asked !== `${this.lat.value.trim()},${this.lon.value.trim()}`) return;
      this.geoStatus.textContent = `POINT: ${r.label}${r.message ? ` (${r.message})` : ""}`;
    } catch (err) {
      if (asked === `${this.lat.value.trim()},${this.lon.value.trim()}`) this.geoStatus.textContent = `POINT: ${err.message}`;
    }
  }

  showCandidates(list) {
    fill(this.candidates, ...list.map((c, n) =>
      h("li", { role: "option", id: `ct-cand-${n}`, tabindex: "-1", "aria-selected": "false",
        onclick: () => this.pick(c), onkeydown: (e) => { if (e.key === "Enter") { e.preventDefault(); this.pick(c); } } }, c)));
    this.address.setAttribute("aria-expanded", list.length ? "true" : "false");
  }

  candidateKeys(e) {
    const options = [...this.candidates.children];
    if (e.key === "ArrowDown" && options.length) {
      e.preventDefault();
      options[0].focus();
      this.candidates.onkeydown = (ev) => {
        const at = options.indexOf(document.activeElement);
        if (ev.key === "ArrowDown") { ev.preventDefault(); options[Math.min(options.length - 1, at + 1)].focus(); }
        if (ev.key === "ArrowUp") { ev.preventDefault(); (at <= 0 ? this.address : options[at - 1]).focus(); }
        if (ev.key === "Escape") this.address.focus();
      };
    }
  }

  pick(candidate) {
    this.address.value = candidate;
    this.showCandidates([]);
    this.address.focus();
    this.geocode();
  }

  /** The location to record: a point, a geocoded address, or the typed words; throws on a bad point. */
  value() {
    const lat = parseFloat(this.lat.value);
    const lon = parseFloat(this.lon.value);
    if (this.lat.value.trim() || this.lon.value.trim()) {
      if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        throw new Error("the point needs a latitude (-90..90) and a longitude (-180..180)");
      }
      return { lat, lon, source: "device" };
    }
    if (this.geo) {
      return { lat: this.geo.lat, lon: this.geo.lon, address: this.geo.label, source: "caller",
        ...(this.geo.uncertainty_m != null ? { uncertainty_m: this.geo.uncertainty_m } : {}) };
    }
    const typed = this.address.value.trim();
    return typed ? { address: typed, source: "caller" } : null;
  }
}
