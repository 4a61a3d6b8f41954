// The protocol interview in the call panel: the chief complaint's key questions, one key per answer (Y / N / U on
// the focused question moves to the next one; Alt+P jumps to the first unanswered). The words pre-fill answers
// ("the words say: no - 'not breathing'") for the call-taker to confirm with the same key; only confirmed answers
// are sent, and only they may lower urgency below what the words demand. The determinant (urgency, type and its
// reason) comes from the server with every triage.

import { fill, h } from "./dom.js";

const WORDS = { yes: "Yes", no: "No", unknown: "Unknown" };

export class ProtocolInterview {
  constructor({ onChange }) {
    this.onChange = onChange;
    this.answers = {}; // confirmed by the call-taker: {question id: answer}
    this.element = h("section", { id: "ct-protocol", class: "protocol", "aria-labelledby": "ct-protocol-h", hidden: true });
  }

  reset() {
    this.answers = {};
    this.element.hidden = true;
    fill(this.element);
  }

  /** The answers confirmed so far (sent with every triage). */
  confirmed() {
    return { ...this.answers };
  }

  render(protocol) {
    if (!protocol) { this.element.hidden = true; fill(this.element); return; }
    this.element.hidden = false;
    const focusedId = document.activeElement?.closest?.("#ct-protocol li")?.dataset.question;
    const d = protocol.determinant;
    fill(this.element,
      h("h3", { id: "ct-protocol-h" }, `Protocol: ${protocol.label}`),
      h("p", { class: "muted small" }, "Y / N / U answers the focused question; Alt+P goes to the first unanswered."),
      h("ol", { id: "ct-protocol-questions", class: "protocol-questions" }, protocol.questions.map((q) => this.question(q))),
      h("p", { id: "ct-determinant", class: d ? "determinant" : "muted" },
        d ? `${d.urgency.toUpperCase()}: ${d.reason}${d.confirmed ? "" : " (from the words: confirm the answers)"}`
          : "No determinant yet: ask the questions."));
    if (focusedId) this.element.querySelector(`li[data-question="${focusedId}"]`)?.focus();
  }

  question(q) {
    const chosen = this.answers[q.id];
    const hint = !chosen && q.prefilled ? h("span", { class: "prefilled" }, ` the words say: ${WORDS[q.prefilled.answer] || q.prefilled.answer} - "${q.prefilled.evidence}"`) : null;
    const li = h("li", { tabindex: "0", "data-question": q.id, "aria-label": `${q.ask} ${chosen ? `answered ${chosen}` : "not answered"}` },
      h("span", { class: "ask" }, q.ask), " ",
      q.answers.map((a) => h("button", { type: "button", class: chosen === a ? "answer chosen" : "answer", "aria-pressed": String(chosen === a),
        onclick: () => this.answer(q.id, a) }, `${WORDS[a] || a} (${a[0].toUpperCase()})`)),
      hint);
    li.addEventListener("keydown", (e) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const a = q.answers.find((x) => x[0] === e.key.toLowerCase());
      if (!a) return;
      e.preventDefault();
      this.answer(q.id, a);
      const next = li.nextElementSibling;
      (next || li).focus();
    });
    return li;
  }

  answer(id, value) {
    this.answers[id] = value;
    this.onChange?.(this.confirmed());
  }

  /** Alt+P: the first unanswered question, or the first. */
  focus() {
    const items = [...this.element.querySelectorAll("li[data-question]")];
    (items.find((li) => !this.answers[li.dataset.question]) || items[0])?.focus();
  }
}
