// The admin's screen: the users of the centre (add one with roles, disable, enable, sign out everywhere). Each
// change is an audited event; what the server refuses is said in its words.

import { get, post } from "./api.js";
import { announce, fill, h } from "./dom.js";

const ROLES = ["call_taker", "dispatcher", "supervisor", "analyst", "outreach", "field_unit", "admin"];

export class AdminScreen {
  constructor(root) {
    this.root = root;
    this.result = h("p", { id: "adm-result", role: "status", "aria-live": "polite" });
    this.list = h("tbody", { id: "adm-users" });
    const field = (id, label, input) => h("div", { class: "field" }, h("label", { for: id }, label), input);
    this.username = h("input", { id: "adm-username", autocomplete: "off", maxlength: "64" });
    this.name = h("input", { id: "adm-name", autocomplete: "off", maxlength: "200" });
    this.password = h("input", { id: "adm-password", type: "password", autocomplete: "new-password", maxlength: "200" });
    this.roles = ROLES.map((r) => h("input", { type: "checkbox", value: r, id: `adm-role-${r}` }));
    fill(root,
      h("h3", {}, "Users"),
      h("table", { class: "users" }, h("thead", {}, h("tr", {}, ["User", "Name", "Roles", "State", ""].map((t) => h("th", { scope: "col" }, t)))), this.list),
      h("form", { id: "adm-add", onsubmit: (e) => { e.preventDefault(); this.add(); } },
        h("h3", {}, "Add a user"),
        h("div", { class: "row" }, field("adm-username", "User name", this.username), field("adm-name", "Full name", this.name),
          field("adm-password", "Password (8 or more characters)", this.password)),
        h("fieldset", {}, h("legend", {}, "Roles"), this.roles.map((box) => h("label", { class: "check" }, box, ` ${box.value}`))),
        h("button", { type: "submit", id: "adm-add-button" }, "Add user")),
      this.result);
  }

  async load() {
    let users;
    try { users = await get("/users"); } catch (err) { this.result.textContent = `Cannot load the users: ${err.message}`; return; }
    fill(this.list, users.map((u) => h("tr", { dataset: { user: u.username } },
      h("td", {}, u.username), h("td", {}, u.display_name), h("td", {}, u.roles.join(", ")),
      h("td", { class: u.active ? "" : "disabled-user" }, u.active ? "active" : "DISABLED"),
      h("td", {},
        u.active
          ? h("button", { type: "button", class: "adm-disable", onclick: () => this.act(u.username, "disable", `${u.username} disabled; signed out everywhere`) }, `Disable ${u.username}`)
          : h("button", { type: "button", class: "adm-enable", onclick: () => this.act(u.username, "enable", `${u.username} enabled`) }, `Enable ${u.username}`),
        " ",
        h("button", { type: "button", class: "adm-revoke", onclick: () => this.act(u.username, "revoke", `${u.username} signed out everywhere`) }, `Sign ${u.username} out everywhere`)))));
  }

  async act(username, what, said) {
    try {
      await post(`/users/${encodeURIComponent(username)}/${what}`, {});
      this.say(said);
    } catch (err) {
      this.say(`Not done: ${err.message}`);
    }
    await this.load();
  }

  async add() {
    const roles = this.roles.filter((b) => b.checked).map((b) => b.value);
    try {
      await post("/users", { username: this.username.value.trim(), display_name: this.name.value.trim() || null,
        password: this.password.value, roles });
      this.say(`${this.username.value.trim()} added (${roles.join(", ")})`);
      for (const el of [this.username, this.name, this.password]) el.value = "";
      for (const b of this.roles) b.checked = false;
    } catch (err) {
      this.say(`Not added: ${err.message}`);
    }
    await this.load();
  }

  say(text) {
    this.result.textContent = text;
    announce(text);
  }
}
