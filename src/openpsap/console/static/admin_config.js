// The admin's configuration documents (response plans, care settings): edited as their YAML, checked by the
// server with the same rules as the shipped files, recorded as an event with a version; export downloads the YAML.

import { get, put } from "./api.js";
import { announce, fill, h } from "./dom.js";

export class ConfigurationScreen {
  constructor(root) {
    this.root = root;
    this.choice = h("select", { id: "cfg-key", onchange: () => this.show() });
    this.meta = h("p", { id: "cfg-meta" });
    this.text = h("textarea", { id: "cfg-yaml", rows: "18", cols: "90", spellcheck: "false", autocomplete: "off" });
    this.result = h("p", { id: "cfg-result", role: "status", "aria-live": "polite" });
    fill(root,
      h("h3", {}, "Response plans and care settings"),
      h("div", { class: "field" }, h("label", { for: "cfg-key" }, "Document"), this.choice),
      this.meta,
      h("div", { class: "field" }, h("label", { for: "cfg-yaml" }, "The document (YAML)"), this.text),
      h("button", { type: "button", id: "cfg-save", onclick: () => this.save() }, "Check and save"), " ",
      h("button", { type: "button", id: "cfg-export", onclick: () => this.download() }, "Export (download YAML)"),
      this.result);
  }

  async load() {
    try {
      this.documents = await get("/configuration");
    } catch (err) {
      this.say(`Cannot load the configuration: ${err.message}`);
      return;
    }
    const chosen = this.choice.value || this.documents[0]?.key;
    fill(this.choice, this.documents.map((d) => h("option", { value: d.key, selected: d.key === chosen }, d.title)));
    this.show();
  }

  current() {
    return this.documents.find((d) => d.key === this.choice.value) || this.documents[0];
  }

  show() {
    const d = this.current();
    this.text.value = d.yaml;
    this.meta.textContent = d.version
      ? `Version ${d.version}, set by ${d.changed_by} at ${new Date(d.changed_at).toLocaleString()}.`
      : "Never changed here: the agency's file is in use (version 0).";
  }

  async save() {
    const d = this.current();
    try {
      const saved = await put(`/configuration/${d.key}`, { yaml: this.text.value, expected_version: d.version });
      this.say(saved.version === d.version ? `${d.title}: no change` : `${d.title} saved as version ${saved.version}; every server uses it now`);
    } catch (err) {
      this.say(`Not saved: ${err.message}`);
      return; // keep the admin's text to fix
    }
    await this.load();
  }

  download() {
    const d = this.current();
    const link = h("a", { href: URL.createObjectURL(new Blob([d.yaml], { type: "application/yaml" })), download: `${d.key}.yaml` });
    link.click();
    URL.revokeObjectURL(link.href);
  }

  say(text) {
    this.result.textContent = text;
    announce(text);
  }
}
