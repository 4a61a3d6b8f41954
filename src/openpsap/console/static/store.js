// What the console knows: open incidents, all units and (for call-takers) ringing calls, kept current
// from the event stream.
// Each event names what it touched; that incident or unit is re-read (coalesced: at most one read in
// flight per object, and one more if events arrived meanwhile), so the view converges on the server's state.

import { ApiError, can, enc, get } from "./api.js";

const FINISHED = new Set(["Closed", "Cancelled"]);

export class Store extends EventTarget {
  constructor() {
    super();
    this.incidents = new Map(); // open incidents by id
    this.units = new Map();
    this.ringing = new Map(); // calls waiting to be answered (from the phone system), by id
    this.reads = new Map();
    this.takesCalls = can("call_taker", "supervisor");
  }

  async load() {
    const [incidents, units, calls] = await Promise.all([
      get("/incidents?open=true&limit=1000"), get("/units"), this.takesCalls ? get("/calls?active=true&limit=1000") : [],
    ]);
    for (const i of incidents) this.incidents.set(i.id, i);
    for (const u of units) this.units.set(u.id, u);
    for (const c of calls) if (c.status === "ringing") this.ringing.set(c.id, c);
    this.emit("incidents");
    this.emit("units");
    this.emit("calls");
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  apply(event) {
    if (event.kind === "unit-position") { // an AVL fix: live only, not in the event log
      const unit = this.units.get(event.unit_id);
      if (unit) {
        Object.assign(unit, { lat: event.lat, lon: event.lon, position_at: event.at });
        this.emit("units", { id: unit.id });
      }
      return;
    }
    if (event.subject_type === "unit") {
      const unit = this.units.get(event.subject_id);
      if (unit && event.kind === "unit-status-changed") {
        Object.assign(unit, { status: event.data.to, status_changed_at: event.occurred_at });
        this.emit("units", { id: unit.id });
      } else if (unit && event.kind === "unit-position-updated") {
        Object.assign(unit, { lat: event.data.lat, lon: event.data.lon, position_at: event.data.at });
        this.emit("units", { id: unit.id });
      }
      this.coalesce(`unit:${event.subject_id}`, () => this.readUnit(event.subject_id));
    }
    if (event.subject_type === "call" && this.takesCalls) {
      this.coalesce(`call:${event.subject_id}`, () => this.readCall(event.subject_id));
    }
    if (event.incident_id) this.coalesce(`incident:${event.incident_id}`, () => this.readIncident(event.incident_id));
    this.emit("event", event);
  }

  coalesce(key, read) {
    const running = this.reads.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    this.reads.set(key, state);
    (async () => {
      do {
        state.again = false;
        try {
          await read();
        } catch (err) {
          if (!(err instanceof ApiError)) console.warn("read failed", key, err);
        }
      } while (state.again);
      this.reads.delete(key);
    })();
  }

  async readUnit(id) {
    const unit = await get(`/units/${enc(id)}`);
    this.units.set(unit.id, unit);
    this.emit("units", { id: unit.id });
  }

  async readCall(id) {
    const call = await get(`/calls/${enc(id)}`);
    if (call.status === "ringing") this.ringing.set(id, call);
    else this.ringing.delete(id);
    this.emit("calls", { id });
  }

  async readIncident(id) {
    const incident = await get(`/incidents/${enc(id)}`);
    if (FINISHED.has(incident.status)) this.incidents.delete(id);
    else this.incidents.set(id, incident);
    this.emit("incidents", { id, incident });
  }
}
