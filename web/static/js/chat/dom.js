// Small DOM helpers. Every question and every piece of plan text goes into text nodes, never into HTML.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(label, className, attributes = {}) {
  const node = el("button", className, label);
  node.type = "button";
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

export function link(href, className, text) {
  const node = el("a", className, text);
  node.href = href;
  return node;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The text with the question's terms wrapped in <mark>, longest terms first (简易注销 before 注销).
export function highlighted(text, terms) {
  const fragment = document.createDocumentFragment();
  const words = Array.from(new Set((terms || []).filter(Boolean))).sort((a, b) => b.length - a.length);
  if (!words.length) {
    fragment.append(text);
    return fragment;
  }
  const pattern = new RegExp(words.map(escapeRegExp).join("|"), "g");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    fragment.append(text.slice(last, match.index), el("mark", "", match[0]));
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}
