// Building DOM safely: text always goes in as text nodes, URLs are checked before use.

export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// A link or image URL we are willing to use: http(s), mailto for links, or our own paths.
export function safeUrl(url, { allowMailto = false } = {}) {
  if (typeof url !== "string") return null;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  try {
    const parsed = new URL(url);
    const schemes = allowMailto ? ["http:", "https:", "mailto:"] : ["http:", "https:"];
    return schemes.includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("shown"), 5000);
}

export function timeOf(ts) {
  const date = new Date(Number(ts.split(".")[0]) * 1000);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
