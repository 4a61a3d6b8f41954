// The admin's roster: units (type, capabilities, home station, in or out of service) and stations (name, place).
// Each change is an audited event on the server; what it refuses is said in its words, and the table is reread.

import { get, patch, post } from "./api.js";
import { announce, fill, h } from "./dom.js";

const IN_SERVICE = new Set(["InService", "Station"]);
const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);

export class RosterScreen {
  constructor(root) {
    this.root = root;
    this.result = h("p", { id: "roster-result", role: "status", "aria-live": "polite" });
    this.units = h("tbody", { id: "adm-units" });
    this.stations = h("tbody", { id: "adm-stations" });
    this.editor = h("div", { id: "adm-unit-editor" });
    this.filter = h("input", { id: "adm-unit-filter", type: "search", autocomplete: "off", placeholder: "e.g. MEDIC, FS07, E01",
      oninput: () => this.showUnits() });
    fill(root,
      h("h3", {}, "Units"),
      h("div", { class: "field" }, h("label", { for: "adm-unit-filter" }, "Find units (id, type, capability, station or status)"), this.filter),
      h("table", { class: "users" }, h("thead", {}, h("tr", {}, ["Unit", "Type", "Capabilities", "Station", "Status", ""].map((t) => h("th", { scope: "col" }, t)))), this.units),
      this.editor,
      h("h3", {}, "Stations"),
      h("table", { class: "users" }, h("thead", {}, h("tr", {}, ["Station", "Name", "Latitude", "Longitude", "Address", ""].map((t) => h("th", { scope: "col" }, t)))), this.stations),
      this.result);
  }

  async load() {
    try {
      [this.unitList, this.stationList] = await Promise.all([get("/units"), get("/stations")]);
    } catch (err) {
      this.say(`Cannot load the roster: ${err.message}`);
      return;
    }
    this.showUnits();
    fill(this.stations, this.stationList.map((s) => this.stationRow(s)));
  }

  showUnits() {
    const words = this.filter.value.trim().toUpperCase().split(/[\s,]+/).filter(Boolean);
    const text = (u) => [u.id, u.unit_type, u.home_station_id, u.status, ...u.capabilities].join(" ").toUpperCase();
    const shown = this.unitList.filter((u) => words.every((w) => text(u).includes(w)));
    fill(this.units, shown.map((u) => this.unitRow(u)));
  }

  unitRow(u) {
    const inService = IN_SERVICE.has(u.status);
    const toggle = u.status === "OutofService"
      ? h("button", { type: "button", class: "adm-in-service", onclick: () => this.status(u.id, "InService", `${u.id} back in service`) }, `Put ${u.id} in service`)
      : h("button", { type: "button", class: "adm-out-of-service", disabled: !inService,
        title: inService ? undefined : "only an available unit can be taken out of service",
        onclick: () => this.status(u.id, "OutofService", `${u.id} out of service: no longer recommended`) }, `Take ${u.id} out of service`);
    return h("tr", { dataset: { unit: u.id } },
      h("td", {}, u.id), h("td", {}, u.unit_type), h("td", {}, u.capabilities.join(", ")), h("td", {}, u.home_station_id || "-"),
      h("td", { class: u.status === "OutofService" ? "disabled-user" : "" }, u.status === "OutofService" ? "OUT OF SERVICE" : u.status),
      h("td", {}, toggle, " ", h("button", { type: "button", class: "adm-edit-unit", onclick: () => this.edit(u) }, `Change ${u.id}`)));
  }

  edit(u) {
    const type = h("input", { id: "adm-unit-type", value: u.unit_type, maxlength: "32", autocomplete: "off" });
    const caps = h("input", { id: "adm-unit-caps", value: u.capabilities.join(", "), maxlength: "400", autocomplete: "off" });
    const station = h("select", { id: "adm-unit-station" },
      this.stationList.map((s) => h("option", { value: s.id, selected: s.id === u.home_station_id }, `${s.id} ${s.name}`)));
    const save = async (e) => {
      e.preventDefault();
      const body = {};
      if (type.value.trim() !== u.unit_type) body.unit_type = type.value.trim();
      const list = caps.value.split(",").map((c) => c.trim()).filter(Boolean);
      if (list.join(",") !== u.capabilities.join(",")) body.capabilities = list;
      if (station.value && station.value !== u.home_station_id) body.home_station_id = station.value;
      try {
        await patch(`/units/${encodeURIComponent(u.id)}`, body);
        this.say(`${u.id} changed`);
        fill(this.editor);
      } catch (err) {
        this.say(`${u.id} not changed: ${err.message}`);
      }
      await this.load();
    };
    fill(this.editor, h("form", { id: "adm-unit-form", onsubmit: save },
      h("h4", {}, `Change unit ${u.id}`),
      h("div", { class: "row" }, field("adm-unit-type", "Type", type), field("adm-unit-caps", "Capabilities (comma-separated)", caps),
        field("adm-unit-station", "Home station", station)),
      h("button", { type: "submit", id: "adm-unit-save" }, `Save ${u.id}`), " ",
      h("button", { type: "button", onclick: () => fill(this.editor) }, "Cancel")));
    type.focus();
  }

  stationRow(s) {
    const input = (name, value, label, size) => h("input", { name, value: value ?? "", "aria-label": `${label} of ${s.id}`, size, autocomplete: "off" });
    const name = input("name", s.name, "Name", "18");
    const lat = input("lat", s.lat, "Latitude", "9");
    const lon = input("lon", s.lon, "Longitude", "10");
    const address = input("address", s.address, "Address", "22");
    const save = async () => {
      const body = {};
      if (name.value.trim() !== s.name) body.name = name.value.trim();
      if (Number(lat.value) !== s.lat || Number(lon.value) !== s.lon) { body.lat = Number(lat.value); body.lon = Number(lon.value); }
      if (address.value.trim() !== (s.address || "") && address.value.trim()) body.address = address.value.trim();
      try {
        await patch(`/stations/${encodeURIComponent(s.id)}`, body);
        this.say(`station ${s.id} changed`);
      } catch (err) {
        this.say(`station ${s.id} not changed: ${err.message}`);
      }
      await this.load();
    };
    return h("tr", { dataset: { station: s.id } }, h("td", {}, s.id), h("td", {}, name), h("td", {}, lat), h("td", {}, lon), h("td", {}, address),
      h("td", {}, h("button", { type: "button", class: "adm-save-station", onclick: save }, `Save station ${s.id}`)));
  }

  async status(unitId, status, said) {
    try {
      await post(`/units/${encodeURIComponent(unitId)}/status`, { status });
      this.say(said);
    } catch (err) {
      this.say(`${unitId} not changed: ${err.message}`);
    }
    await this.load();
  }

  say(text) {
    this.result.textContent = text;
    announce(text);
  }
}
