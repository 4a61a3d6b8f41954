// The map: the offline San Francisco basemap (PMTiles drawn by protomaps-leaflet on a 2D canvas, no
// WebGL, no CDN) or, for an imported jurisdiction without one, its roads drawn as plain lines from
// /api/v1/jurisdiction/roads; incidents and units as markers that move with the live state, and the recommended
// units highlighted with their road route to the incident they are recommended for.

import { STATUS_WORDS, fill, h } from "./dom.js";

const SF = [37.7749, -122.4194];
const ATTRIBUTION = "(c) OpenStreetMap contributors";
const ROAD_WEIGHT = { motorway: 3, trunk: 3, primary: 2.5, secondary: 2, tertiary: 1.5 };

export class IncidentMap {
  constructor(el, store, { basemap, centre, roads, onOpen }) {
    this.store = store;
    this.onOpen = onOpen;
    this.ok = typeof window.L !== "undefined" && (!basemap || typeof window.protomapsL !== "undefined");
    if (!this.ok) {
      fill(el, h("p", { class: "muted map-missing" }, "Map unavailable: run bash scripts/setup.sh (it builds the map packages), then reload this page."));
      return;
    }
    const L = window.L;
    this.map = L.map(el, { center: centre || SF, zoom: basemap ? 13 : 15, minZoom: 11, maxZoom: 18, keyboard: true, attributionControl: true });
    this.map.attributionControl.setPrefix(false);
    if (basemap) {
      window.protomapsL.leafletLayer({ url: basemap, flavor: "dark", lang: "en", maxDataZoom: 14, attribution: ATTRIBUTION })
        .addTo(this.map);
    } else if (roads) {
      this.drawRoads(roads);
    }
    this.incidentLayer = L.layerGroup().addTo(this.map);
    this.unitLayer = L.layerGroup().addTo(this.map);
    this.recLayer = L.layerGroup().addTo(this.map);
    this.incidentMarkers = new Map();
    this.unitMarkers = new Map();
    store.addEventListener("incidents", () => this.drawIncidents());
    store.addEventListener("units", (e) => (e.detail?.id ? this.drawUnit(store.units.get(e.detail.id)) : this.drawUnits()));
    this.drawIncidents();
    this.drawUnits();
  }

  // No basemap (an imported jurisdiction): the road network itself, drawn as plain lines, is the map.
  async drawRoads(url) {
    const L = window.L;
    try {
      const r = await fetch(url, { credentials: "same-origin" });
      if (!r.ok) return;
      const style = (f) => ({ color: "#8aa0c0", weight: ROAD_WEIGHT[String(f.properties.road_class).replace("_link", "")] || 1, opacity: 0.8 });
      L.geoJSON(await r.json(), { style, interactive: false, attribution: `${ATTRIBUTION}, ODbL` }).addTo(this.map).bringToBack();
      this.map.getContainer().classList.add("roads-map");
    } catch {
      /* the markers still work without the roads */
    }
  }

  drawIncidents() {
    if (!this.ok) return;
    const L = window.L;
    const seen = new Set();
    for (const i of this.store.incidents.values()) {
      if (i.lat == null) continue;
      seen.add(i.id);
      const label = `${i.id} ${i.priority} ${i.incident_type_name || i.incident_type} (${STATUS_WORDS[i.status] || i.status})`;
      const icon = L.divIcon({ className: `inc-marker prio-${i.priority}`, html: "", iconSize: [18, 18] });
      let m = this.incidentMarkers.get(i.id);
      if (!m) {
        m = L.marker([i.lat, i.lon], { icon, title: label, alt: label, keyboard: true, riseOnHover: true })
          .on("click", () => this.onOpen(i.id)).addTo(this.incidentLayer);
        m.bindTooltip(text(`${i.id} ${i.priority}`), { permanent: true, direction: "right", className: "map-label" });
        this.incidentMarkers.set(i.id, m);
      } else {
        m.setLatLng([i.lat, i.lon]);
        m.setIcon(icon);
        m.setTooltipContent(text(`${i.id} ${i.priority}`));
      }
      m.getElement()?.setAttribute("aria-label", label);
    }
    for (const [id, m] of this.incidentMarkers) if (!seen.has(id)) { m.remove(); this.incidentMarkers.delete(id); }
  }

  drawUnits() {
    if (!this.ok) return;
    for (const u of this.store.units.values()) this.drawUnit(u);
  }

  drawUnit(u) {
    if (!this.ok || !u || u.lat == null) return;
    const L = window.L;
    let m = this.unitMarkers.get(u.id);
    const style = { radius: 6, weight: 2, color: "#0b1220", fillOpacity: 0.95, fillColor: unitColour(u.status) };
    if (!m) {
      m = L.circleMarker([u.lat, u.lon], style).addTo(this.unitLayer);
      m.bindTooltip(text(u.id), { direction: "top", className: "map-label" });
      this.unitMarkers.set(u.id, m);
    } else {
      m.setLatLng([u.lat, u.lon]);
      m.setStyle(style);
    }
  }

  /** The open incident's assigned units (solid blue line) and recommended units (dashed yellow along their road
   * route when the recommendation gives one, ringed). */
  showRecommendation(incident, units, routes = new Map()) {
    if (!this.ok) return;
    const L = window.L;
    this.recLayer.clearLayers();
    if (!incident || incident.lat == null) return;
    for (const id of incident.units || []) {
      const u = this.store.units.get(id);
      if (!u || u.lat == null) continue;
      L.polyline([[u.lat, u.lon], [incident.lat, incident.lon]], { color: "#60a5fa", weight: 3 }).addTo(this.recLayer);
    }
    for (const id of units) {
      const u = this.store.units.get(id);
      if (!u || u.lat == null) continue;
      const route = routes.get(id);
      const path = route && route.length > 1 ? [[u.lat, u.lon], ...route, [incident.lat, incident.lon]] : [[u.lat, u.lon], [incident.lat, incident.lon]];
      L.polyline(path, { color: "#facc15", weight: 3, dashArray: "6 6", className: "rec-route" }).addTo(this.recLayer);
      L.circleMarker([u.lat, u.lon], { radius: 11, color: "#facc15", weight: 3, fill: false })
        .bindTooltip(text(`${id} recommended`), { permanent: true, direction: "left", className: "map-label rec-label" }).addTo(this.recLayer);
    }
    this.map.panTo([incident.lat, incident.lon]);
  }

  focusIncident(incident) {
    if (this.ok && incident?.lat != null) this.map.panTo([incident.lat, incident.lon]);
  }
}

/** Tooltip content as an element: Leaflet would read a string as HTML. */
function text(words) {
  return h("span", {}, words);
}

function unitColour(status) {
  if (status === "InService" || status === "Station") return "#4ade80";
  if (status === "Dispatched" || status === "EnRoute") return "#facc15";
  if (status === "OnScene" || status === "Transporting" || status === "Hospital") return "#f87171";
  return "#9ca3af";
}
