// This browser's questions: listed for re-asking (with a button that clears them), and recalled into the
// question box with ↑ / ↓, as a terminal does.
import { el } from "./dom.js";
import { addToHistory, clearHistory, history } from "./store.js";

export function historyPanel({ panel, list, toggle, clear, onAsk }) {
  function render() {
    const questions = history();
    list.replaceChildren();
    for (const question of questions) {
      const item = el("li");
      const again = el("button", "history-item", question);
      again.type = "button";
      again.title = "再问一次";
      again.addEventListener("click", () => {
        close();
        onAsk(question);
      });
      item.append(again);
      list.append(item);
    }
    toggle.textContent = questions.length ? `历史（${questions.length}）` : "历史";
    toggle.disabled = !questions.length;
    if (!questions.length) close();
  }

  function close() {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  }

  toggle.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) {
      const first = list.querySelector("button");
      if (first) first.focus();
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
  return {
    add(question) {
      addToHistory(question);
      render();
    },
    close,
  };
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
