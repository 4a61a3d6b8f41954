// The live event stream (WebSocket /api/v1/stream?after=SEQ, authenticated by the session cookie).
// It remembers the last seq it handed on; after any drop it reconnects and asks for everything after
// that seq, so nothing is missed and nothing is seen twice. A watchdog compares with /health's
// last_seq, so a connection that died silently is noticed too.

const BACKOFF_MS = [100, 250, 500, 1000, 2000];
const WATCHDOG_MS = 5000;

export class LiveStream {
  constructor({ after, onEvent, onState }) {
    this.lastSeq = after;
    this.onEvent = onEvent;
    this.onState = onState;
    this.ws = null;
    this.attempt = 0;
    this.blockedUntil = 0; // tests and drills: refuse to reconnect before this time
    this.state = "connecting";
    this.suspect = false;
  }

  start() {
    this.connect();
    setInterval(() => this.watchdog(), WATCHDOG_MS);
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      this.onState(state);
    }
  }

  connect() {
    const wait = this.blockedUntil - Date.now();
    if (wait > 0) {
      setTimeout(() => this.connect(), wait);
      return;
    }
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/v1/stream?after=${this.lastSeq}`);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setState("live");
    };
    ws.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.error) {
        if (event.error === "unauthorized") window.location.reload();
        return;
      }
      if (event.kind === "stream-at") { this.lastSeq = Math.max(this.lastSeq, event.at_seq); return; } // read past
      if (event.seq === undefined) { this.onEvent(event); return; } // live only (an AVL position): not in the log
      if (event.seq <= this.lastSeq) return; // already seen (cannot happen with one server; cheap to guard)
      this.lastSeq = event.seq;
      this.onEvent(event);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.setState("offline");
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    };
  }

  /** Close the connection now and stay offline for ms (the offline drill; the browser tests use it). */
  drop(ms = 0) {
    this.blockedUntil = Date.now() + ms;
    if (this.ws) this.ws.close();
  }

  async watchdog() {
    if (this.state !== "live") return;
    try {
      const r = await fetch("/api/v1/health", { cache: "no-store" });
      const { last_seq: head } = await r.json();
      // behind twice in a row with no progress: the socket is dead without knowing it
      const behind = head > this.lastSeq;
      if (behind && this.suspect === this.lastSeq && this.ws) this.ws.close();
      this.suspect = behind ? this.lastSeq : false;
    } catch {
      // the server is unreachable; the socket's own close will follow
    }
  }
}
