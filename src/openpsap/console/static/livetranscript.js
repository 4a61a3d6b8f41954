// The live transcript of the open call: the caller's words as the speech model hears them (WS
// /api/v1/calls/{id}/transcript). A final stretch is added to the narrative (the server has recorded it as a
// transcript-segment event and added it to the call's narrative), so triage updates as the words arrive; the
// words still being heard show beneath the narrative in a lighter style, never stored. The call-taker corrects
// the text in the narrative as always: the correction is saved as a narrative edit, beside the machine's segments.

import { fill, h } from "./dom.js";

export class LiveTranscript {
  constructor({ onFinal }) {
    this.onFinal = onFinal;
    this.ws = null;
    this.callId = null;
    this.partial = h("span", { class: "transcript-partial" });
    this.state = h("span", { class: "muted" });
    this.element = h("p", { id: "ct-transcript", class: "transcript", "aria-live": "off", hidden: true },
      this.state, " ", this.partial);
  }

  open(callId) {
    if (this.callId === callId) return;
    this.close();
    this.callId = callId;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/v1/calls/${encodeURIComponent(callId)}/transcript`);
    this.ws = ws;
    ws.onmessage = (message) => {
      if (this.ws !== ws) return;
      let m;
      try { m = JSON.parse(message.data); } catch { return; }
      if (m.type === "partial") {
        this.element.hidden = false;
        fill(this.state, "Hearing:");
        fill(this.partial, m.text);
      } else if (m.type === "final") {
        fill(this.partial, "");
        fill(this.state, "");
        this.onFinal(m);
      } else if (m.type === "audio-ended") {
        fill(this.partial, "");
        fill(this.state, "Call audio ended.");
      }
    };
    ws.onclose = () => { if (this.ws === ws) this.ws = null; };
  }

  close() {
    const ws = this.ws;
    this.ws = null;
    this.callId = null;
    if (ws) ws.close();
    fill(this.partial, "");
    fill(this.state, "");
    this.element.hidden = true;
  }
}
