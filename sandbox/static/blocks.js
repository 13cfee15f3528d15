// Block Kit → DOM. `ctx` = { people: Map(id → person), act(block, element, value),
// input(blockId) → the value typed so far (modals), setInput(blockId, value), errors: {} }.
import { h, safeUrl } from "./dom.js";
import { mrkdwn, textObject } from "./mrkdwn.js";

const plain = (object) => (object && object.text) || "";

// An input block's element keeps its value for the submission; any other element is an action.
function report(ctx, block, element, inInput, value) {
  if (inInput) ctx.setInput(block.block_id, value);
  else ctx.act(block, element, value);
}

function button(block, element, ctx) {
  const url = safeUrl(element.url);
  const click = () => {
    if (url) window.open(url, "_blank");
    ctx.act(block, element, null);
  };
  const style = element.style ? ` ${element.style}` : "";
  return h("button", { type: "button", class: `bk-button${style}`, onclick: click }, plain(element.text));
}

function options(element) {
  const groups = (element.option_groups || []).flatMap((group) => group.options || []);
  return [...(element.options || []), ...groups];
}

function select(block, element, ctx, inInput) {
  const label = plain(element.placeholder) || "Select an item";
  const current = inInput ? ctx.input(block.block_id) : element.initial_option?.value;
  const choices = [h("option", { value: "", disabled: true, text: label })];
  for (const option of options(element)) {
    choices.push(h("option", { value: option.value, text: plain(option.text) }));
  }
  const node = h("select", { class: "bk-select", "aria-label": label }, choices);
  node.value = current || "";
  node.addEventListener("change", () => report(ctx, block, element, inInput, node.value));
  return node;
}

function checkboxes(block, element, ctx, inInput) {
  const initial = (element.initial_options || []).map((option) => option.value);
  const checked = new Set(inInput ? ctx.input(block.block_id) ?? initial : initial);
  const box = h("div", { class: "bk-checkboxes", role: "group" });
  for (const option of options(element)) {
    const input = h("input", { type: "checkbox", value: option.value, checked: checked.has(option.value) });
    input.addEventListener("change", () => {
      const picked = [...box.querySelectorAll("input:checked")].map((item) => item.value);
      report(ctx, block, element, inInput, picked);
    });
    box.append(h("label", { class: "bk-check" }, input, textObject(option.text, ctx.people)));
  }
  return box;
}

function usersSelect(block, element, ctx, inInput) {
  const many = element.type === "multi_users_select";
  const initial = many ? element.initial_users || [] : [element.initial_user].filter(Boolean);
  const picked = new Set(inInput ? ctx.input(block.block_id) ?? initial : initial);
  const most = many ? element.max_selected_items || Infinity : 1;
  const label = plain(element.placeholder) || "Pick people";
  const box = h("div", { class: "bk-users", role: "group", "aria-label": label });
  const chips = [];
  const toggle = (id) => {
    if (picked.has(id)) picked.delete(id);
    else if (!many) { picked.clear(); picked.add(id); }
    else if (picked.size < most) picked.add(id);
    chips.forEach((chip) => chip.setAttribute("aria-pressed", String(picked.has(chip.dataset.user))));
    report(ctx, block, element, inInput, many ? [...picked] : [...picked][0] || null);
  };
  for (const person of ctx.people.values()) {
    if (!person.handle) continue; // the bot, Slackbot, the channel
    const chip = h("button", {
      type: "button", class: "bk-user", "data-user": person.id,
      "aria-pressed": String(picked.has(person.id)), onclick: () => toggle(person.id),
    }, h("img", { src: safeUrl(person.avatar), alt: "" }), person.name);
    chips.push(chip);
    box.append(chip);
  }
  return box;
}

function textInput(block, element, ctx) {
  const node = h(element.multiline ? "textarea" : "input", {
    class: "bk-input",
    placeholder: plain(element.placeholder),
    maxlength: element.max_length,
    "aria-label": plain(block.label) || "Text",
  });
  node.value = ctx.input(block.block_id) ?? element.initial_value ?? "";
  node.addEventListener("input", () => ctx.setInput(block.block_id, node.value));
  return node;
}

function image(element) {
  const src = safeUrl(element.image_url);
  return src ? h("img", { class: "bk-image-accessory", src, alt: element.alt_text || "" }) : h("span");
}

function element(block, item, ctx, inInput = false) {
  switch (item.type) {
    case "button": return button(block, item, ctx);
    case "static_select": case "overflow": return select(block, item, ctx, inInput);
    case "checkboxes": return checkboxes(block, item, ctx, inInput);
    case "multi_users_select": case "users_select": return usersSelect(block, item, ctx, inInput);
    case "plain_text_input": return textInput(block, item, ctx);
    case "image": return image(item);
    default: return h("span", { class: "bk-unsupported", text: `[${item.type}]` });
  }
}

function section(block, ctx) {
  const body = h("div", { class: "bk-section-body" });
  if (block.text) body.append(textObject(block.text, ctx.people));
  if (block.fields) {
    body.append(h("div", { class: "bk-fields" }, block.fields.map((field) => textObject(field, ctx.people))));
  }
  const node = h("div", { class: "bk-block bk-section" }, body);
  if (block.accessory) node.append(h("div", { class: "bk-accessory" }, element(block, block.accessory, ctx)));
  return node;
}

function context(block, ctx) {
  const parts = (block.elements || []).map((item) => (item.type === "image"
    ? h("img", { src: safeUrl(item.image_url), alt: item.alt_text || "" })
    : textObject(item, ctx.people)));
  return h("div", { class: "bk-block bk-context" }, parts);
}

function input(block, ctx) {
  const optional = block.optional ? h("span", { class: "bk-optional", text: " (optional)" }) : null;
  const error = ctx.errors && ctx.errors[block.block_id];
  return h("div", { class: `bk-block bk-input-block${error ? " has-error" : ""}` },
    h("label", { class: "bk-label" }, plain(block.label), optional),
    element(block, block.element, ctx, true),
    block.hint ? h("div", { class: "bk-hint", text: plain(block.hint) }) : null,
    error ? h("div", { class: "bk-error", role: "alert", text: error }) : null);
}

function imageBlock(block) {
  const title = block.title ? h("figcaption", { text: plain(block.title) }) : null;
  const picture = h("img", { src: safeUrl(block.image_url), alt: block.alt_text || "" });
  return h("figure", { class: "bk-block bk-image" }, title, picture);
}

const RENDERERS = {
  section,
  context,
  input,
  image: imageBlock,
  divider: () => h("hr", { class: "bk-divider" }),
  header: (block) => h("h3", { class: "bk-block bk-header", text: plain(block.text) }),
  actions: (block, ctx) => h("div", { class: "bk-block bk-actions" },
    (block.elements || []).map((item) => element(block, item, ctx))),
};

export function renderBlocks(blocks, ctx) {
  return h("div", { class: "bk-blocks" }, (blocks || []).map((block) => {
    const render = RENDERERS[block.type];
    return render ? render(block, ctx) : h("div", { class: "bk-unsupported", text: `[${block.type} block]` });
  }));
}

// A message: its blocks, or its text when it has none.
export function renderMessageBody(message, ctx) {
  if (message.blocks && message.blocks.length) return renderBlocks(message.blocks, ctx);
  return mrkdwn(message.text, ctx.people);
}
