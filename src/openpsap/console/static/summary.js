// A supervisor's (public-information officer's) summary of a closed incident for the public page:
// draft -> preview (redacted by the server) -> approve. The server redacts again on approval.

import { enc, post } from "./api.js";
import { announce, fill, h } from "./dom.js";

export class PublicSummaryBox {
  constructor(incidentId) {
    this.id = incidentId;
    this.draft = h("textarea", { id: "ps-draft", rows: "3", maxlength: "4000", "aria-describedby": "ps-help" });
    this.preview = h("div", { id: "ps-preview", "aria-live": "polite" });
    this.element = h("section", { id: "public-summary", class: "public-summary", "aria-labelledby": "ps-h" },
      h("h4", { id: "ps-h" }, "Public summary"),
      h("p", { id: "ps-help", class: "muted small" },
        "Names, numbers, addresses, ages, plates and e-mails are removed by the server before anything is public."),
      h("div", { class: "field" }, h("label", { for: "ps-draft" }, "Summary draft"), this.draft),
      h("div", { class: "row" },
        h("button", { type: "button", id: "ps-preview-button", onclick: () => this.showPreview() }, "Preview redacted"),
        h("button", { type: "button", id: "ps-approve", class: "primary", onclick: () => this.approve() }, "Approve for the public"),
        h("a", { href: "/public", target: "_blank", rel: "noopener", id: "ps-public-link" }, "Public page")),
      this.preview);
  }

  async showPreview() {
    if (!this.draft.value.trim()) { fill(this.preview, h("p", { class: "error" }, "Write a draft first.")); return; }
    try {
      const r = await post("/public-summary/preview", { draft: this.draft.value });
      fill(this.preview, h("p", {}, h("strong", {}, "PREVIEW (not yet public): "), h("span", { id: "ps-preview-text" }, r.text)), removedWords(r.removed));
    } catch (err) {
      fill(this.preview, h("p", { class: "error" }, `No preview: ${err.message}`));
    }
  }

  async approve() {
    if (!this.draft.value.trim()) { fill(this.preview, h("p", { class: "error" }, "Write a draft first.")); return; }
    try {
      const r = await post(`/incidents/${enc(this.id)}/public-summary`, { draft: this.draft.value });
      fill(this.preview, h("p", {}, h("strong", {}, "APPROVED, now on the public page: "), h("span", { id: "ps-approved-text" }, r.text)), removedWords(r.removed));
      announce(`${this.id}: public summary approved`);
    } catch (err) {
      fill(this.preview, h("p", { class: "error" }, `Not approved: ${err.message}`));
    }
  }
}

function removedWords(removed) {
  const parts = Object.entries(removed || {}).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`);
  return h("p", { class: "muted small" }, parts.length ? `Removed: ${parts.join(", ")}.` : "Nothing private found.");
}
