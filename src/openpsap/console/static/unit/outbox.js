// What the crew did on the unit's screen, kept on the device until the server has it: status changes, notes,
// outcomes and follow-ups, sent in the order they were made, each with its own Idempotency-Key (sent twice, applied
// once) and the time it was made. In a dead zone they wait (and survive a reload); back in coverage they go. A
// change the server refuses (the unit was reassigned, the incident closed meanwhile) is kept with the server's words.

const BOOT = JSON.parse(document.getElementById("boot").textContent);
const RETRY_MS = 4000;

export class Outbox extends EventTarget {
  constructor(unitId) {
    super();
    this.storeKey = `openpsap-outbox-${unitId}`;
    const saved = JSON.parse(localStorage.getItem(this.storeKey) || "{}");
    this.waiting = saved.waiting || [];
    this.refused = saved.refused || [];
    this.sending = false;
    this.reachable = true;
    setInterval(() => { if (this.waiting.length || !this.reachable) this.flush(); }, RETRY_MS);
  }

  save() {
    localStorage.setItem(this.storeKey, JSON.stringify({ waiting: this.waiting, refused: this.refused.slice(-20) }));
  }

  changed(detail) {
    this.save();
    this.dispatchEvent(new CustomEvent("change", { detail }));
  }

  /** Queue a command; `body` may be a function of the time it was made (so it carries that time). */
  add(label, method, path, body) {
    const madeAt = new Date().toISOString();
    const item = { key: crypto.randomUUID(), label, method, path, made_at: madeAt,
      body: typeof body === "function" ? body(madeAt) : body };
    this.waiting.push(item);
    this.changed({ queued: item });
    this.flush();
    return item;
  }

  async flush() {
    if (this.sending) return;
    this.sending = true;
    try {
      if (!this.waiting.length && !this.reachable) { // nothing to send: is the server back?
        this.setReachable(await fetch("/api/v1/health", { cache: "no-store" }).then((r) => r.ok, () => false));
      }
      while (this.waiting.length) {
        const item = this.waiting[0];
        let r;
        try {
          r = await fetch(`/api/v1${item.path}`, {
            method: item.method, credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": BOOT.csrf_token,
              "Idempotency-Key": item.key },
            body: item.body === undefined ? undefined : JSON.stringify(item.body),
          });
        } catch {
          this.setReachable(false); // no network: everything waits, in order
          return;
        }
        this.setReachable(true);
        if (r.status === 401 || r.status >= 500 || r.status === 429) {
          this.changed({ stalled: item, status: r.status }); // log in again / server trouble: wait, keep the order
          return;
        }
        const data = await r.json().catch(() => null);
        this.waiting.shift();
        if (r.ok) {
          this.changed({ sent: item, result: data });
        } else {
          const refused = { ...item, reason: data?.message || `refused (${r.status})`, refused_at: new Date().toISOString() };
          this.refused.push(refused);
          this.changed({ refused });
        }
      }
    } finally {
      this.sending = false;
    }
  }

  setReachable(ok) {
    if (ok !== this.reachable) {
      this.reachable = ok;
      this.changed({ reachable: ok });
    }
  }

  dismiss() {
    this.refused = [];
    this.changed({});
  }
}
