// A tiny DOM builder (text always as textContent, never HTML) and time formatting.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  return fill(el, ...children);
}

/** Replace an element's children: arrays are flattened, null/undefined/false are skipped, text is text. */
export function fill(el, ...children) {
  el.replaceChildren();
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** fn, called once the calls have paused for ms. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/** "4:07" or "1:02:09" since an ISO time. */
export function elapsed(iso, now = Date.now()) {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return hh ? `${hh}:${String(mm).padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

export function seconds(iso, now = Date.now()) {
  return Math.max(0, (now - Date.parse(iso)) / 1000);
}

export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

export const FLAG_WORDS = {
  child_caller: "CHILD CALLER",
  non_emergency: "POSSIBLE NON-EMERGENCY",
  lonely_or_isolated: "LONELY / ISOLATED",
  silent_or_accidental: "SILENT / ACCIDENTAL",
  mental_health_crisis: "MENTAL HEALTH CRISIS",
  prank_suspected: "PRANK SUSPECTED",
  coded_distress: "CODED DISTRESS",
  non_english: "NON-ENGLISH",
};

export const STATUS_WORDS = {
  InService: "Available",
  Station: "In quarters",
  Dispatched: "Dispatched",
  EnRoute: "En route",
  OnScene: "On scene",
  Transporting: "Transporting",
  Hospital: "At hospital",
  OutofService: "Out of service",
  OffDuty: "Off duty",
  Active: "Pending",
  ResourcesAssigned: "Assigned",
  ResourcesEnroute: "En route",
  ResourcesOnscene: "On scene",
  Closed: "Closed",
  Cancelled: "Cancelled",
  ReOpened: "Reopened",
};

export function flagBadges(flags) {
  return (flags || []).map((f) => h("span", { class: `flag flag-${f}` }, FLAG_WORDS[f] || f.toUpperCase()));
}

export function announce(text) {
  const out = document.getElementById("cmd-result");
  out.textContent = text;
}
