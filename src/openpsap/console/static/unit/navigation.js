// Navigation on the shipped offline map: where the unit is, the road route to its incident (from the server's road
// graph, with ETA and turn-by-turn words), redrawn as the unit moves; and the device's position sent as AVL fixes,
// at most every 10 s unless it moved 50 m, only the latest when the network comes back.

import { fill, h } from "../dom.js";

const SF = [37.7749, -122.4194];
const SEND_EVERY_MS = 10_000;
const SEND_AFTER_M = 50;
const REROUTE_AFTER_M = 50;

export function metres(a, b) {
  const rad = Math.PI / 180;
  const x = (b.lon - a.lon) * rad * Math.cos(((a.lat + b.lat) / 2) * rad);
  const y = (b.lat - a.lat) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

export class Navigation {
  constructor({ unitId, basemap, dark, canSend }) {
    this.unitId = unitId;
    this.canSend = canSend;
    this.summary = document.getElementById("route-summary");
    this.list = document.getElementById("directions");
    this.positionText = document.getElementById("position");
    this.target = null;
    this.here = null;
    this.routedFrom = null;
    this.lastSent = null;
    this.pending = null;
    this.ok = typeof window.L !== "undefined" && typeof window.protomapsL !== "undefined";
    if (!this.ok) {
      fill(document.getElementById("map"), h("p", { class: "small" }, "Map unavailable: run bash scripts/setup.sh, then reload."));
      return;
    }
    const L = window.L;
    this.map = L.map("map", { center: SF, zoom: 14, minZoom: 11, maxZoom: 18, attributionControl: true });
    this.map.attributionControl.setPrefix(false);
    this.basemap = basemap;
    this.setFlavor(dark);
    this.routeLine = L.polyline([], { color: "#38bdf8", weight: 6, opacity: 0.9 }).addTo(this.map);
    this.unitMarker = L.circleMarker(SF, { radius: 10, color: "#fff", weight: 3, fillColor: "#22c55e", fillOpacity: 1 });
    this.incidentMarker = L.circleMarker(SF, { radius: 11, color: "#fff", weight: 3, fillColor: "#ef4444", fillOpacity: 1 });
  }

  /** Night (dark) or day (light) map, with the screen's theme. */
  setFlavor(dark) {
    if (!this.ok) return;
    if (this.tiles) this.tiles.remove();
    this.tiles = window.protomapsL.leafletLayer({ url: this.basemap, flavor: dark ? "dark" : "light", lang: "en",
      maxDataZoom: 14, attribution: "(c) OpenStreetMap contributors" }).addTo(this.map);
    this.tiles.bringToBack?.();
  }

  /** The unit's known position (from the server or the device). */
  setHere(lat, lon, source) {
    if (lat == null || lon == null) return;
    this.here = { lat, lon };
    this.positionText.textContent = `Position ${lat.toFixed(5)}, ${lon.toFixed(5)} (${source})`;
    if (this.ok) this.unitMarker.setLatLng([lat, lon]).addTo(this.map);
    if (this.target && (!this.routedFrom || metres(this.routedFrom, this.here) >= REROUTE_AFTER_M)) this.route();
  }

  setTarget(incident) {
    const target = incident && incident.lat != null ? { lat: incident.lat, lon: incident.lon, id: incident.id } : null;
    const same = target && this.target && target.id === this.target.id && target.lat === this.target.lat && target.lon === this.target.lon;
    this.target = target;
    if (!target) {
      this.routedFrom = null;
      this.summary.textContent = incident ? "The incident has no map location yet: ask dispatch." : "";
      fill(this.list);
      if (this.ok) { this.routeLine.setLatLngs([]); this.incidentMarker.remove(); }
      return;
    }
    if (this.ok) this.incidentMarker.setLatLng([target.lat, target.lon]).addTo(this.map);
    if (!same) this.route();
  }

  async route() {
    if (!this.target) return;
    const from = this.here;
    const params = new URLSearchParams({ lat: this.target.lat, lon: this.target.lon });
    if (from) { params.set("from_lat", from.lat); params.set("from_lon", from.lon); }
    try {
      const r = await fetch(`/api/v1/units/${encodeURIComponent(this.unitId)}/route?${params}`, { credentials: "same-origin" });
      const route = await r.json();
      if (!r.ok) { this.summary.textContent = `No route: ${route.message}`; return; }
      this.routedFrom = from;
      this.draw(route);
    } catch {
      this.summary.textContent = this.summary.textContent || "No network: the route will come when the network does.";
    }
  }

  draw(route) {
    if (route.eta_s == null) { this.summary.textContent = route.message; return; }
    this.summary.textContent = `ETA ${Math.max(1, Math.round(route.eta_s / 60))} min, ${(route.distance_m / 1000).toFixed(1)} km by road`;
    fill(this.list, route.steps.map((s) => h("li", {}, s.text)));
    if (this.ok) {
      this.routeLine.setLatLngs(route.path);
      if (route.path.length > 1) this.map.fitBounds(this.routeLine.getBounds(), { padding: [24, 24] });
    }
  }

  /** Follow the device's location (browser geolocation), sending fixes as AVL positions. */
  watch() {
    if (!("geolocation" in navigator) || !this.canSend) {
      if (!this.canSend) this.positionText.textContent = "Looking at this unit's screen: positions are the unit's own.";
      return;
    }
    navigator.geolocation.watchPosition(
      (p) => this.fix(p.coords.latitude, p.coords.longitude, p.coords.accuracy, new Date(p.timestamp || Date.now())),
      (err) => { this.positionText.textContent = `No device location (${err.message}); dispatch sees the last known.`; },
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 },
    );
  }

  fix(lat, lon, accuracy, at) {
    this.setHere(lat, lon, "this device");
    const fix = { lat, lon, accuracy_m: accuracy ?? null, at: at.toISOString() };
    const due = !this.lastSent || at - new Date(this.lastSent.at) >= SEND_EVERY_MS || metres(this.lastSent, fix) >= SEND_AFTER_M;
    if (due) this.send(fix);
    else this.pending = fix;
  }

  async send(fix) {
    try {
      const boot = JSON.parse(document.getElementById("boot").textContent);
      const r = await fetch(`/api/v1/units/${encodeURIComponent(this.unitId)}/position`, {
        method: "PUT", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": boot.csrf_token, "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify(fix),
      });
      if (r.ok || r.status === 409) { this.lastSent = fix; this.pending = null; }
    } catch {
      this.pending = fix; // offline: the latest fix goes when the network is back
    }
  }

  resend() {
    if (this.pending) this.send(this.pending);
  }
}
