// Slack's mrkdwn as DOM: *bold*, _italics_, ~strike~, `code`, ```blocks```, > quotes,
// <url|links>, <@U…> mentions, <#C…|channels>, :emoji:. Text is only ever set as text.
import { h, safeUrl } from "./dom.js";

const EMOJI = {
  white_check_mark: "✅", tada: "🎉", warning: "⚠️", hourglass_flowing_sand: "⏳",
  hourglass: "⌛", wave: "👋", link: "🔗", sparkles: "✨", star: "⭐", x: "❌",
  information_source: "ℹ️", lock: "🔒", raised_hands: "🙌", clap: "👏", bulb: "💡",
  rocket: "🚀", heart: "❤️", "+1": "👍", thumbsup: "👍", trophy: "🏆", medal: "🏅",
  point_right: "👉", mag: "🔍", bust_in_silhouette: "👤", gift: "🎁", no_entry: "⛔",
};
const INLINE = new RegExp(
  [
    "(<[^<>\\n]+>)", // links, mentions, channels
    "(`[^`\\n]+`)", // code
    "((?<![\\w*])\\*[^*\\n]+\\*(?![\\w*]))", // bold
    "((?<![\\w_])_[^_\\n]+_(?![\\w_]))", // italics
    "((?<![\\w~])~[^~\\n]+~(?![\\w~]))", // strike
    "(:[a-z0-9_+-]+:)", // emoji
  ].join("|"),
  "g",
);

export function decode(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function emojify(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function reference(inside, people) {
  const [target, label] = inside.split("|", 2);
  if (target.startsWith("@")) {
    const person = people.get(target.slice(1));
    const name = person ? person.name : label || target.slice(1);
    return h("span", { class: "mention", text: `@${name}` });
  }
  if (target.startsWith("#")) {
    const channel = people.get(target.slice(1));
    return h("span", { class: "mention", text: `#${label || (channel && channel.name) || "channel"}` });
  }
  if (target.startsWith("!")) return h("span", { class: "mention", text: `@${label || target.slice(1)}` });
  const url = safeUrl(decode(target), { allowMailto: true });
  const text = decode(label || target);
  if (!url) return document.createTextNode(text);
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text });
}

function inline(text, people) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) nodes.push(emojify(decode(text.slice(last, match.index))));
    const token = match[0];
    const inner = token.slice(1, -1);
    if (match[1]) nodes.push(reference(inner, people));
    else if (match[2]) nodes.push(h("code", { text: decode(inner) }));
    else if (match[3]) nodes.push(h("strong", {}, inline(inner, people)));
    else if (match[4]) nodes.push(h("em", {}, inline(inner, people)));
    else if (match[5]) nodes.push(h("s", {}, inline(inner, people)));
    else nodes.push(EMOJI[inner] || token);
    last = match.index + token.length;
  }
  if (last < text.length) nodes.push(emojify(decode(text.slice(last))));
  return nodes;
}

function lines(text, people) {
  const out = [];
  let quote = null;
  text.split("\n").forEach((line, i, all) => {
    const quoted = line.startsWith("&gt;") || line.startsWith(">");
    const body = quoted ? line.replace(/^(&gt;|>) ?/, "") : line;
    const target = quoted ? (quote ||= h("blockquote")) : null;
    if (!quoted && quote) { out.push(quote); quote = null; }
    const parts = inline(body, people);
    if (target) {
      if (target.childNodes.length) target.append(h("br"));
      target.append(...parts);
    } else {
      out.push(...parts);
      if (i < all.length - 1) out.push(h("br"));
    }
  });
  if (quote) out.push(quote);
  return out;
}

// mrkdwn text → a <div> of nodes; `people` maps Slack user and channel ids to {name}.
export function mrkdwn(text, people) {
  const box = h("div", { class: "mrkdwn" });
  String(text || "").split("```").forEach((part, i) => {
    if (i % 2 === 1) box.append(h("pre", { text: decode(part.replace(/^\n/, "")) }));
    else box.append(...lines(part, people));
  });
  return box;
}

// A text object (plain_text or mrkdwn) → nodes.
export function textObject(object, people) {
  if (!object) return h("span");
  if (object.type === "mrkdwn") return mrkdwn(object.text, people);
  return h("span", { text: object.emoji === false ? object.text : emojify(object.text || "") });
}
