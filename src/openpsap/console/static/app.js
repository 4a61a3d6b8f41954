// Boots the console: loads the state, starts the live stream, wires the panels and the keys.

import { AdminScreen } from "./admin.js";
import { ConfigurationScreen } from "./admin_config.js";
import { RosterScreen } from "./admin_roster.js";
import { boot, can, get, me, post } from "./api.js";
import { CallTaking } from "./calltaking.js";
import { installCommandLine } from "./cmdline.js";
import { HELP } from "./commands.js";
import { Detail } from "./detail.js";
import { h } from "./dom.js";
import { IncidentMap } from "./map.js";
import { OutreachQueue } from "./outreach.js";
import { Queue } from "./queue.js";
import { ShiftView } from "./shift.js";
import { Store } from "./store.js";
import { LiveStream } from "./stream.js";
import { UnitBoard } from "./units.js";

const CONSOLE_ROLES = ["call_taker", "dispatcher", "supervisor", "analyst"]; // who may read incidents, units and the stream

/** A role with one job (outreach, admin): its own panel only; no incidents, units, stream or command line. */
function onlyPanel(id) {
  document.querySelector("main.layout").classList.add("outreach-only");
  for (const other of ["calltaking", "queue", "detail", "units", "map-panel"]) document.getElementById(other).hidden = true;
  document.querySelector("footer.cmdbar").hidden = true;
  document.getElementById("conn").hidden = true;
  document.getElementById(id).hidden = false;
}
const KEYS = [
  ["F1", "this help"],
  ["F2", "command line"],
  ["Alt+R", "answer the oldest ringing call (call-takers)"],
  ["Alt+N", "new call typed in (call-takers)"],
  ["Alt+E", "end the open call"],
  ["Ctrl+Enter", "create the incident from the call panel"],
  ["Alt+A", "accept the triage suggestion"],
  ["Alt+P", "the protocol questions (Y / N / U answers the focused one)"],
  ["Alt+G", "the current pre-arrival instruction step is given"],
  ["Alt+L", "link the call to the nearest possible duplicate (another caller)"],
  ["Alt+S", "the shift: figures and alerts (supervisors)"],
  ["Alt+Q", "incident queue (arrow keys move, Enter opens)"],
  ["Alt+U", "unit board (Enter on a unit changes its status)"],
  ["Alt+I", "the open incident"],
  ["Alt+O", "outreach queue (outreach, supervisors)"],
  ["Esc", "close a dialog"],
];

async function main() {
  const $ = (id) => document.getElementById(id);
  if (!boot.vendor_ready) $("vendor-banner").hidden = false;
  $("logout-button").addEventListener("click", async () => {
    await post("/auth/logout").catch(() => null);
    window.location.reload();
  });
  if (!can(...CONSOLE_ROLES) && can("outreach")) {
    // the outreach team works its queue of follow-ups and care plans; incidents and the stream are not theirs
    onlyPanel("outreach");
    const care = await get("/care/config");
    const outreach = new OutreachQueue($("outreach-body"), { care });
    await outreach.load();
    $("help-body").append(h("dl", {}, [["F1", "this help"], ["Alt+O", "the outreach queue"], ["Esc", "close a dialog"]]
      .map(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])));
    $("help-button").addEventListener("click", () => $("help-dialog").showModal());
    document.addEventListener("keydown", (e) => {
      if (e.key === "F1") { e.preventDefault(); $("help-dialog").showModal(); }
      else if (e.altKey && e.key.toLowerCase() === "o") { e.preventDefault(); document.querySelector("#fu-list button, #fu-status")?.focus(); }
    });
    window.openpsap = { outreach, ready: true };
    document.body.dataset.ready = "true";
    return;
  }
  if (!can(...CONSOLE_ROLES) && can("admin")) {
    // the admin manages the centre's users; incidents and the stream are not theirs
    onlyPanel("admin");
    const parts = [h("div", { id: "admin-users" }), h("div", { id: "admin-roster" }), h("div", { id: "admin-config" })];
    $("admin-body").append(...parts);
    await Promise.all([new AdminScreen(parts[0]).load(), new RosterScreen(parts[1]).load(), new ConfigurationScreen(parts[2]).load()]);
    $("help-body").append(h("dl", {}, [["F1", "this help"], ["Tab", "move between users, units, stations and their actions"],
      ["Alt+U / Alt+R / Alt+C", "jump to users / roster / configuration"], ["Esc", "close a dialog"]]
      .map(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])));
    $("help-button").addEventListener("click", () => $("help-dialog").showModal());
    const jump = { u: "#admin-users button", r: "#admin-roster button", c: "#cfg-key" };
    document.addEventListener("keydown", (e) => {
      if (e.key === "F1") { e.preventDefault(); $("help-dialog").showModal(); }
      else if (e.altKey && jump[e.key.toLowerCase()]) { e.preventDefault(); document.querySelector(jump[e.key.toLowerCase()])?.focus(); }
    });
    document.body.dataset.ready = "true";
    return;
  }
  if (!can(...CONSOLE_ROLES)) {
    $("role-banner").hidden = false;
    $("role-banner").textContent = `This console is for call-takers, dispatchers, supervisors, analysts and the outreach team; ` +
      `your roles (${[...me.roles].join(", ")}) work through the API (/api/v1/docs).`;
    document.querySelector("main.layout").hidden = true;
    document.querySelector("footer.cmdbar").hidden = true;
    $("conn").hidden = true;
    return;
  }
  setInterval(() => { $("clock").textContent = new Date().toLocaleTimeString([], { hour12: false }); }, 1000);

  const health = await get("/health");
  const store = new Store();
  const [incidentTypes, dispositions, care] = await Promise.all([
    get("/incident-types"), get("/dispositions"), get("/care/config").catch(() => null), store.load()]);

  const units = new UnitBoard($("units-body"), store);
  const map = new IncidentMap($("map"), store, { basemap: boot.basemap, centre: boot.centre, roads: boot.roads, onOpen: (id) => openIncident(id) });
  const detail = new Detail($("detail-body"), store, {
    dispositions,
    care,
    onRecommendation: (incident, rec) => {
      const ids = rec ? rec.units : [];
      const routes = new Map((rec ? rec.slots : []).flatMap((s) => s.picked).map((c) => [c.unit_id, c.route]));
      units.setHighlight(ids);
      map.showRecommendation(incident, ids, routes);
    },
  });
  const queue = new Queue($("queue-body"), store, { onOpen: (id) => openIncident(id) });
  async function openIncident(id) {
    queue.selected = id;
    await detail.open(id);
  }
  let calls = null;
  if (can("call_taker", "supervisor")) {
    $("calltaking").hidden = false;
    calls = new CallTaking($("calltaking-body"), { incidentTypes, store, care });
    calls.restore();
  }
  let outreach = null;
  if (care && can("supervisor")) {
    $("outreach").hidden = false;
    document.querySelector("main.layout").classList.add("with-outreach");
    outreach = new OutreachQueue($("outreach-body"), { care, store });
    outreach.load();
  }
  const shift = can("supervisor") ? new ShiftView({ button: $("shift-button"), dialog: $("shift-dialog"), body: $("shift-body") }) : null;
  queue.render();
  units.render();

  installCommandLine({ form: $("cmd-form"), input: $("cmd"), onOpen: openIncident });
  $("help-body").append(
    h("h3", {}, "Keys"), h("dl", {}, KEYS.map(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)])),
    h("h3", {}, "Commands"), h("dl", {}, HELP.map(([c, what]) => [h("dt", {}, h("code", {}, c)), h("dd", {}, what)])));
  $("help-button").addEventListener("click", () => $("help-dialog").showModal());

  document.addEventListener("keydown", (e) => {
    if (e.key === "F1") { e.preventDefault(); $("help-dialog").showModal(); }
    else if (e.key === "F2") { e.preventDefault(); $("cmd").focus(); }
    else if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const k = e.key.toLowerCase();
      if (k === "n" && calls) { e.preventDefault(); calls.newCall(); }
      else if (k === "r" && calls) { e.preventDefault(); calls.answer(); }
      else if (k === "e" && calls) { e.preventDefault(); calls.hangUp(); }
      else if (k === "a" && calls) { e.preventDefault(); calls.accept(); }
      else if (k === "p" && calls) { e.preventDefault(); calls.protocol.focus(); }
      else if (k === "g" && calls) { e.preventDefault(); calls.instructions.given(); }
      else if (k === "l" && calls) { e.preventDefault(); calls.nearby.linkFirst(); }
      else if (k === "s" && shift) { e.preventDefault(); shift.open(); }
      else if (k === "q") { e.preventDefault(); queue.focus(); }
      else if (k === "u") { e.preventDefault(); document.querySelector("#unit-board .unit")?.focus(); }
      else if (k === "i") { e.preventDefault(); document.getElementById("detail-title")?.focus(); }
      else if (k === "o" && outreach) { e.preventDefault(); document.querySelector("#fu-list button, #fu-status")?.focus(); }
    }
  });

  const conn = $("conn");
  const stream = new LiveStream({
    after: health.last_seq,
    onEvent: (event) => store.apply(event),
    onState: (state) => {
      conn.textContent = state === "live" ? "LIVE" : state === "offline" ? "OFFLINE" : "CONNECTING";
      conn.className = `conn conn-${state}`;
      $("offline-banner").hidden = state !== "offline";
      document.body.classList.toggle("is-offline", state === "offline");
    },
  });
  stream.start();
  // for the browser tests, the benchmark and a curious supervisor's devtools
  window.openpsap = { store, stream, queue, detail, units, map, calls, outreach, ready: true };
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  document.body.prepend(h("div", { class: "banner banner-offline", role: "alert" },
    `The console could not start: ${err.message}. Reload the page; if it persists, check the server.`));
  console.error(err);
});
