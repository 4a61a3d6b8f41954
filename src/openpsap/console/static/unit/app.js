// The field unit's screen (a mobile data terminal in the browser): the assignment in words, one-tap status, the
// route on the offline map, notes, and the outcome at clear. It wakes on a dispatch (sound, vibration, a
// notification in the background), keeps working in a dead zone (the outbox), and shows what the server refused.

import { fill, h } from "../dom.js";
import { LiveStream } from "../stream.js";
import { ClearForm } from "./clear.js";
import { Navigation } from "./navigation.js";
import { Outbox } from "./outbox.js";

const BOOT = JSON.parse(document.getElementById("boot").textContent);
const $ = (id) => document.getElementById(id);
const UNIT = BOOT.unit_id;
const SAVED = `openpsap-unit-view-${UNIT}`;
const STATUS_WORDS = { InService: "AVAILABLE", Station: "AT STATION", Dispatched: "DISPATCHED", EnRoute: "EN ROUTE",
  OnScene: "ON SCENE", Transporting: "TRANSPORTING", Hospital: "AT HOSPITAL", OutofService: "OUT OF SERVICE", OffDuty: "OFF DUTY" };
const BUTTONS = [["ack", "Acknowledge"], ["EnRoute", "En route"], ["OnScene", "On scene"], ["Transporting", "Transporting"],
  ["Hospital", "At hospital"], ["InService", "Available"], ["OutofService", "Out of service"]];
const NEXT = { Dispatched: "EnRoute", EnRoute: "OnScene", OnScene: "InService", Transporting: "Hospital", Hospital: "InService",
  OutofService: "InService" };

const api = async (path) => {
  const r = await fetch(`/api/v1${path}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (r.status === 401) { window.location.reload(); throw new Error("session ended"); }
  const data = await r.json().catch(() => null);
  if (!r.ok) throw new Error(data?.message || `the server answered ${r.status}`);
  return data;
};

class UnitScreen {
  constructor() {
    this.view = JSON.parse(localStorage.getItem(SAVED) || "null");
    this.acked = new Set(JSON.parse(localStorage.getItem(`${SAVED}-acked`) || "[]"));
    this.outbox = new Outbox(UNIT);
    this.dark = localStorage.getItem("openpsap-unit-theme") !== "day";
    this.audio = null;
    this.nav = new Navigation({ unitId: UNIT, basemap: BOOT.basemap, dark: this.dark, canSend: !BOOT.looker });
    this.clear = new ClearForm($("clear-form"), { outbox: this.outbox, unitId: UNIT });
    window.openpsap = { screen: this, wakes: [], ready: false };
  }

  async start() {
    $("unit-id").textContent = UNIT;
    this.theme(this.dark, false);
    $("theme").addEventListener("click", () => this.theme(!this.dark));
    $("logout").addEventListener("click", () => this.logout());
    $("wake-ack").addEventListener("click", () => this.acknowledge());
    $("note-form").addEventListener("submit", (e) => { e.preventDefault(); this.note(); });
    document.addEventListener("pointerdown", () => this.unlockSound(), { once: true });
    this.outbox.addEventListener("change", (e) => this.onOutbox(e.detail));
    fill($("status-buttons"), BUTTONS.map(([status, label]) =>
      h("button", { type: "button", class: "big status", dataset: { status }, onclick: () => this.tap(status) }, label)));
    window.addEventListener("online", () => { this.outbox.flush(); this.nav.resend(); });
    if (this.view) this.render(); // what the device knew, at once (and in a dead zone)
    let after = 0;
    try {
      after = (await api("/health")).last_seq;
      await this.refresh();
    } catch (err) {
      this.say(`Working from what this device knew: ${err.message}`);
    }
    this.stream = new LiveStream({ after, onEvent: (e) => this.onEvent(e), onState: (s) => this.onState(s) });
    this.stream.start();
    this.clear.load();
    this.nav.watch();
    this.showOutbox();
    this.outbox.flush();
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/unit/sw.js", { scope: "/unit" }).catch(() => {});
    window.openpsap.ready = true;
    document.body.dataset.ready = "true";
  }

  async refresh() {
    const view = await api(`/units/${encodeURIComponent(UNIT)}/assignment`);
    const wasOn = this.view?.incident?.id;
    this.view = view;
    localStorage.setItem(SAVED, JSON.stringify(view));
    this.render();
    const now = view.incident?.id;
    if (now && now !== wasOn && !this.acked.has(now) && view.unit.status === "Dispatched") this.wake();
  }

  scheduleRefresh() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh().catch(() => {}), 60);
  }

  onEvent(event) {
    if (event.kind === "unit-position") {
      if (event.unit_id === UNIT) this.nav.setHere(event.lat, event.lon, "last fix");
      return;
    }
    if (event.kind === "unit-dispatched" && event.subject_id === UNIT) {
      this.refresh().catch(() => {});
      return;
    }
    this.scheduleRefresh();
  }

  onState(state) {
    if (state === "live") { this.outbox.flush(); this.nav.resend(); this.scheduleRefresh(); }
    this.showConnection();
    this.showOutbox();
  }

  showConnection() {
    const live = this.stream?.state === "live" && this.outbox.reachable;
    $("conn").textContent = live ? "LIVE" : "OFFLINE";
    $("conn").className = `conn ${live ? "live" : "offline"}`;
    document.body.classList.toggle("is-offline", !live);
  }

  // --- waking the crew ---

  wake() {
    const inc = this.view.incident;
    $("wake-what").textContent = `${inc.priority} ${inc.incident_type_name} - ${inc.address || "location on the map"}`;
    $("wake").hidden = false;
    window.openpsap.wakes.push({ incident: inc.id, at: Date.now() });
    this.beep();
    if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]);
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      new Notification(`${UNIT}: ${inc.priority} ${inc.incident_type_name}`, { body: inc.address || "", tag: inc.id });
    }
    $("wake-ack").focus();
  }

  unlockSound() {
    try {
      this.audio = this.audio || new AudioContext();
      this.audio.resume();
      if ("Notification" in window && Notification.permission === "default") Notification.requestPermission();
    } catch { /* no sound on this device */ }
  }

  beep() {
    if (!this.audio) return;
    for (let i = 0; i < 3; i += 1) {
      const tone = this.audio.createOscillator();
      const gain = this.audio.createGain();
      tone.frequency.value = i % 2 ? 660 : 880;
      gain.gain.value = 0.25;
      tone.connect(gain).connect(this.audio.destination);
      const t = this.audio.currentTime + i * 0.35;
      tone.start(t);
      tone.stop(t + 0.25);
    }
  }

  // --- what the crew does ---

  acknowledge() {
    const inc = this.view?.incident;
    $("wake").hidden = true;
    if (!inc) return;
    this.acked.add(inc.id);
    localStorage.setItem(`${SAVED}-acked`, JSON.stringify([...this.acked].slice(-50)));
    this.outbox.add(`Acknowledge ${inc.id}`, "POST", `/units/${encodeURIComponent(UNIT)}/acknowledge`,
      (at) => ({ incident_id: inc.id, at }));
  }

  tap(status) {
    if (status === "ack") { this.acknowledge(); return; }
    const incident = this.view?.unit?.incident_id ?? null;
    this.outbox.add(STATUS_WORDS[status] || status, "POST", `/units/${encodeURIComponent(UNIT)}/status`,
      (at) => ({ status, at, ...(incident ? { incident_id: incident } : {}) }));
    if (this.view) { // shown at once; the server's answer (or refusal) follows
      this.view.unit.status = status;
      if (!["Dispatched", "EnRoute", "OnScene", "Transporting", "Hospital"].includes(status)) this.view.unit.incident_id = null;
      this.render();
    }
  }

  note() {
    const text = $("note-text").value.trim();
    const inc = this.view?.incident;
    if (!text || !inc) return;
    this.outbox.add(`Note (${inc.id})`, "POST", `/incidents/${inc.id}/notes`, { text });
    $("note-text").value = "";
  }

  onOutbox(detail) {
    if (detail.sent && /status|acknowledge/.test(detail.sent.path)) this.scheduleRefresh();
    if (detail.refused) this.scheduleRefresh();
    this.showConnection();
    this.showOutbox();
  }

  showOutbox() {
    const box = $("outbox");
    const { waiting, refused } = this.outbox;
    const offline = !this.outbox.reachable || this.stream?.state !== "live";
    const lines = [];
    if (offline) lines.push(h("p", { class: "offline-line" }, `OFFLINE: working from what this device knows.${waiting.length ? "" : " Nothing waiting."}`));
    if (waiting.length) {
      lines.push(h("p", {}, `${waiting.length} change${waiting.length > 1 ? "s" : ""} waiting, sent in order when the network is back:`),
        h("ul", { id: "outbox-waiting" }, waiting.map((i) => h("li", {}, `${i.label} (${new Date(i.made_at).toLocaleTimeString()})`))));
    }
    if (refused.length) {
      lines.push(h("p", { class: "refused-title" }, "Not applied (the server's words):"),
        h("ul", { id: "outbox-refused" }, refused.map((i) => h("li", {}, `${i.label}: ${i.reason}`))),
        h("button", { type: "button", onclick: () => this.outbox.dismiss() }, "Seen"));
    }
    fill(box, lines);
    box.hidden = lines.length === 0;
  }

  // --- showing it ---

  render() {
    const { unit, incident } = this.view;
    $("unit-status").textContent = STATUS_WORDS[unit.status] || unit.status;
    $("unit-status").dataset.status = unit.status;
    for (const b of document.querySelectorAll("#status-buttons button")) {
      b.classList.toggle("next", b.dataset.status === NEXT[unit.status] || (b.dataset.status === "ack" && unit.status === "Dispatched" && incident && !this.acked.has(incident.id)));
      b.setAttribute("aria-pressed", String(b.dataset.status === unit.status));
    }
    $("idle").hidden = Boolean(incident);
    $("incident").hidden = !incident;
    $("notes-panel").hidden = !incident;
    $("clear-panel").hidden = !incident;
    this.clear.incidentId = incident?.id;
    if (unit.lat != null && !this.nav.here) this.nav.setHere(unit.lat, unit.lon, "last fix");
    this.nav.setTarget(incident);
    if (!incident) { fill($("incident")); return; }
    fill($("incident"),
      h("p", { class: `prio prio-${incident.priority}` }, `${incident.priority}  ${incident.incident_type_name}`,
        h("span", { class: "small" }, ` ${incident.id} - ${incident.incident_type_text}`)),
      h("p", { class: "address" }, incident.address || "No address: see the map"),
      incident.cross_street ? h("p", { class: "cross" }, `Near: ${incident.cross_street}`) : null,
      incident.hazards.length ? h("ul", { class: "hazards", "aria-label": "Danger signs" }, incident.hazards.map((x) => h("li", {}, x))) : null,
      incident.flags.map((f) => h("div", { class: `flag flag-${f.flag}` }, h("p", { class: "flag-words" }, f.words),
        f.notes.length ? h("ul", {}, f.notes.map((n) => h("li", {}, n))) : null)),
      h("h3", {}, incident.calls.length > 1 ? `What the ${incident.calls.length} callers said` : "What the caller said"),
      incident.calls.map((c) => h("div", { class: "call" },
        h("blockquote", {}, c.narrative || "(no words recorded)"),
        h("p", { class: "small" }, c.callback_number ? h("a", { href: `tel:${c.callback_number}` }, `Call back ${c.callback_number}`) : "No callback number",
          c.location?.uncertainty_m != null ? ` - caller within ${Math.round(c.location.uncertainty_m)} m` : "",
          c.earlier_calls_90d ? ` - ${c.earlier_calls_90d} earlier call${c.earlier_calls_90d > 1 ? "s" : ""} in 90 days` : ""),
        c.care_plan ? h("p", { class: "care-plan" }, `Care plan: ${c.care_plan}`) : null)),
      h("h3", {}, "Units"),
      h("ul", { class: "units" }, incident.units.map((u) => h("li", {}, `${u.id} ${STATUS_WORDS[u.status] || u.status}`))));
    fill($("notes"), incident.notes.map((n) => h("li", {}, h("span", { class: "small" }, `${new Date(n.at).toLocaleTimeString()} ${n.by}: `), n.text)));
  }

  say(text) {
    $("status-result").textContent = text;
  }

  theme(dark, redraw = true) {
    this.dark = dark;
    document.documentElement.className = dark ? "dark" : "day";
    $("theme").textContent = dark ? "Day" : "Night";
    $("theme").setAttribute("aria-pressed", String(!dark));
    localStorage.setItem("openpsap-unit-theme", dark ? "night" : "day");
    if (redraw) this.nav.setFlavor(dark);
  }

  async logout() {
    await fetch("/api/v1/auth/logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": BOOT.csrf_token } }).catch(() => {});
    window.location.href = "/unit";
  }
}

async function pickUnit() {
  const units = await api("/units");
  fill(document.querySelector("main"), h("section", {}, h("h2", {}, "Look at a unit's screen"),
    h("ul", { class: "pick" }, units.map((u) => h("li", {}, h("a", { class: "big", href: `/unit?unit=${encodeURIComponent(u.id)}` },
      `${u.id} ${u.unit_type} - ${STATUS_WORDS[u.status] || u.status}`))))));
  document.body.dataset.ready = "true";
}

if (!UNIT) pickUnit();
else new UnitScreen().start();
