// Pre-arrival instructions in the call panel: the steps to read to the caller, one at a time. Alt+G marks the
// current step given (recorded with the call) and moves on; a step for compressions shows a beat at its rate,
// with a sound the call-taker can switch on (S) to count with the caller.

import { fill, h } from "./dom.js";

export class PreArrival {
  constructor({ onGiven }) {
    this.onGiven = onGiven;
    this.set = null;
    this.current = 0;
    this.sound = false;
    this.element = h("section", { id: "ct-prearrival", class: "prearrival", "aria-labelledby": "ct-prearrival-h", hidden: true });
  }

  reset() {
    this.set = null;
    this.current = 0;
    this.stopBeat();
    this.element.hidden = true;
    fill(this.element);
  }

  render(instructions) {
    if (!instructions) { this.reset(); return; }
    if (this.set?.id !== instructions.id) this.current = 0; // a new set starts at its first step
    this.set = instructions;
    this.element.hidden = false;
    const steps = instructions.steps;
    const step = steps[this.current];
    fill(this.element,
      h("h3", { id: "ct-prearrival-h" }, `Instructions: ${instructions.label}`),
      h("ol", { id: "ct-prearrival-steps" }, steps.map((s, i) => h("li", {
        class: i < this.current ? "given" : i === this.current ? "current" : "",
        "aria-current": i === this.current ? "step" : null,
      }, i < this.current ? `GIVEN - ${s.say}` : s.say))),
      step ? h("div", { class: "row" },
        h("button", { type: "button", id: "ct-step-given", onclick: () => this.given() }, `Step ${this.current + 1} given (Alt+G)`),
        step.metronome ? h("button", { type: "button", id: "ct-beat-sound", "aria-pressed": String(this.sound),
          onclick: () => { this.sound = !this.sound; this.render(this.set); } }, `Sound ${this.sound ? "on" : "off"}`) : null,
        step.metronome ? h("span", { id: "ct-beat", class: "beat", "aria-label": `${step.metronome} a minute` }, `${step.metronome}/min`) : null)
        : h("p", { id: "ct-prearrival-done" }, "All steps given. Stay on the line until help arrives."),
      h("p", { class: "muted small" }, `Source: ${instructions.source}`));
    this.beat(step?.metronome || null);
  }

  given() {
    if (!this.set || this.current >= this.set.steps.length) return;
    this.onGiven?.(this.set.id, this.current + 1);
    this.current += 1;
    this.render(this.set);
  }

  /** A visible beat (and a short tone when sound is on) at `bpm`, for counting compressions with the caller. */
  beat(bpm) {
    if (this.bpm === bpm && this.timer) return;
    this.stopBeat();
    if (!bpm) return;
    this.bpm = bpm;
    this.timer = setInterval(() => {
      const dot = document.getElementById("ct-beat");
      dot?.classList.toggle("on");
      if (this.sound && dot?.classList.contains("on")) this.tone();
    }, 60000 / bpm / 2);
  }

  stopBeat() {
    clearInterval(this.timer);
    this.timer = null;
    this.bpm = null;
  }

  tone() {
    try {
      this.audio ||= new AudioContext();
      const osc = this.audio.createOscillator();
      osc.frequency.value = 880;
      osc.connect(this.audio.destination);
      osc.start();
      osc.stop(this.audio.currentTime + 0.05);
    } catch { /* no audio on this machine: the visible beat is enough */ }
  }
}
