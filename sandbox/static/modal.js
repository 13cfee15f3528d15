// The modal layer: the view on top of the person's stack, with what they typed kept per view
// (as Slack keeps input values across views.update when block and action ids stay the same).
import { renderBlocks } from "./blocks.js";
import { clear, h } from "./dom.js";
import { emojify } from "./mrkdwn.js";

const plain = (object, fallback) => emojify((object && object.text) || fallback);

// What an input starts with, as the page sends it back: a string or a list of strings.
function initialValue(element) {
  switch (element.type) {
    case "plain_text_input": return element.initial_value;
    case "static_select": return element.initial_option?.value;
    case "checkboxes": return element.initial_options?.map((option) => option.value);
    case "multi_users_select": return element.initial_users;
    case "users_select": return element.initial_user;
    default: return undefined;
  }
}

export class Modals {
  // hooks: { action(viewId, block, element, value, values), submit(viewId, values), close(viewId) }
  constructor(layer, hooks) {
    this.layer = layer;
    this.hooks = hooks;
    this.values = new Map();
    this.shown = "";
    this.problem = "";
  }

  reset() {
    this.values.clear();
    this.problem = "";
    this.show(null, new Map());
  }

  show(modal, people) {
    const view = modal && modal.view;
    const key = modal ? JSON.stringify([view.id, view.hash, modal.errors, this.problem]) : "";
    if (key === this.shown) return;
    this.shown = key;
    clear(this.layer);
    this.layer.hidden = !modal;
    if (modal) {
      this.layer.append(this.dialog(modal, people));
    } else {
      this.values.clear();
      this.problem = "";
    }
  }

  valuesOf(view) {
    const values = this.values.get(view.id) || {};
    this.values.set(view.id, values);
    for (const block of view.blocks || []) {
      if (block.type !== "input" || !block.element || block.block_id in values) continue;
      const initial = initialValue(block.element);
      if (initial !== undefined && initial !== null) values[block.block_id] = initial;
    }
    return values;
  }

  dialog(modal, people) {
    const view = modal.view;
    const values = this.valuesOf(view);
    const ctx = {
      people,
      errors: modal.errors || {},
      input: (blockId) => values[blockId],
      setInput: (blockId, value) => { values[blockId] = value; },
      act: (block, element, value) => this.hooks.action(view.id, block, element, value, values),
    };
    const title = plain(view.title, "App");
    const close = () => this.hooks.close(view.id);
    const submit = view.submit
      ? h("button", { type: "submit", class: "bk-button primary" }, plain(view.submit))
      : null;
    const form = h("form", { class: "modal", role: "dialog", "aria-modal": "true", "aria-label": title },
      h("header", { class: "modal-head" }, h("h2", { text: title }),
        h("button", { type: "button", class: "modal-x", "aria-label": "Close", onclick: close }, "×")),
      h("div", { class: "modal-body" }, renderBlocks(view.blocks, ctx)),
      h("footer", { class: "modal-foot" },
        this.problem ? h("div", { class: "bk-error", role: "alert", text: this.problem }) : null,
        h("button", { type: "button", class: "bk-button", onclick: close }, plain(view.close, "Cancel")),
        submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      const answer = await this.hooks.submit(view.id, values);
      this.problem = answer.ok ? "" : answer.error || "Something went wrong.";
      submit.disabled = false;
      if (!answer.ok) { this.shown = ""; this.show(modal, people); }
    });
    return form;
  }
}
