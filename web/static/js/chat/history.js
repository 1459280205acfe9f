// This browser's past conversations: listed by their first question (the latest first), each opened again
// with one click and all cleared with one; and the questions recalled into the question box with ↑ / ↓, as a
// terminal does. The panel opens inside the question box's bar, so that it is in view wherever the page is.
import { el } from "./dom.js";
import { clearHistory, conversations, history, sessionId } from "./store.js";

function when(started) {
  const date = new Date(started);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getMonth() + 1}月${date.getDate()}日 ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function historyPanel({ panel, list, toggle, clear, onOpen }) {
  function render() {
    const kept = conversations();
    const current = sessionId();
    list.replaceChildren();
    for (const conversation of kept) {
      const item = el("li");
      const open = el("button", "history-item");
      open.type = "button";
      open.append(el("span", "history-question", conversation.entries[0].question));
      const count = conversation.entries.length;
      const note = [when(conversation.started), `${count} 问`].filter(Boolean).join(" · ");
      open.append(el("span", "history-meta", conversation.id === current ? `${note} · 当前对话` : note));
      open.title = "打开这次对话";
      if (conversation.id === current) open.setAttribute("aria-current", "true");
      open.addEventListener("click", () => {
        close();
        onOpen(conversation.id);
      });
      item.append(open);
      list.append(item);
    }
    toggle.textContent = kept.length ? `历史（${kept.length}）` : "历史";
    toggle.disabled = !kept.length;
    if (!kept.length) close();
  }

  function close() {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  }

  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      render();  // another tab may have added to it
      panel.scrollIntoView({ block: "nearest" });
      const first = list.querySelector("button");
      if (first) first.focus({ preventScroll: true });
    }
  });
  clear.addEventListener("click", () => {
    clearHistory();
    render();
    toggle.focus();
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      close();
      toggle.focus();
    }
  });
  render();
  return { refresh: render, close };
}

// ↑ in the question box, when it is empty or holds a recalled question, recalls the one before; ↓ goes back.
export function recallKeys(input) {
  let position = -1;
  input.addEventListener("input", () => { position = -1; });
  input.addEventListener("keydown", (event) => {
    if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key === "Escape") {
      input.value = "";
      position = -1;
      input.dispatchEvent(new Event("resize-needed"));
      return;
    }
    if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
    const questions = history();
    const recalled = position >= 0 && input.value === questions[position];
    if (!(input.value === "" || recalled)) return;  // moving the caret through a typed question
    const next = event.key === "ArrowUp" ? position + 1 : position - 1;
    if (next >= questions.length || (next < 0 && !recalled)) return;
    event.preventDefault();
    position = next;
    input.value = next >= 0 ? questions[next] : "";
    input.setSelectionRange(input.value.length, input.value.length);
    input.dispatchEvent(new Event("resize-needed"));
  });
}
