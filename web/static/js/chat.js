// The chat page: asks /api/ask, shows each answer as a card, and keeps the conversation for this tab
// (follow-ups keep their context; a reload or a visit to a cited clause loses nothing).
import { answerCard, configure as configureCards, copyText, kindOf } from "./chat/card.js";
import { button, el } from "./chat/dom.js";
import { configure as configureFeedback, feedbackControls } from "./chat/feedback.js";
import { historyPanel, recallKeys } from "./chat/history.js";
import { exportButton } from "./chat/export.js";
import { chosenPlan, plansBlock } from "./chat/plans.js";
import { forgetConversation, forgetVotes, openConversation, remember, sessionId, transcript } from "./chat/store.js";

const root = document.getElementById("main");
const log = document.getElementById("log");
const intro = document.getElementById("intro");
const form = document.getElementById("composer");
const input = document.getElementById("question");
const send = document.getElementById("send");
let pending = false;

function sections() {
  try {
    return JSON.parse(root.dataset.sections || "{}");
  } catch (error) {
    return {};
  }
}

configureCards({ unitsUrl: root.dataset.unitsUrl, sections: sections() });
configureFeedback(root.dataset.feedbackUrl);

async function copyToClipboard(text, target) {
  let copied = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      copied = true;
    }
  } catch (error) {
    copied = false;
  }
  if (!copied) {  // plain http has no Clipboard API: copy through a selected, off-screen textarea
    const area = el("textarea", "copy-buffer");
    area.value = text;
    area.readOnly = true;
    area.setAttribute("aria-hidden", "true");
    document.body.append(area);
    area.select();
    try {
      copied = document.execCommand("copy");
    } catch (error) {
      copied = false;
    }
    area.remove();
  }
  target.textContent = copied ? "已复制" : "无法复制，请手动选择文字";
  setTimeout(() => { target.textContent = "复制回答"; }, 2000);
}

// Print one exchange (the question and its answer) and nothing else of the page.
function printExchange(question, reply) {
  document.body.classList.add("print-one");
  question.classList.add("to-print");
  reply.classList.add("to-print");
  const done = () => {
    document.body.classList.remove("print-one");
    question.classList.remove("to-print");
    reply.classList.remove("to-print");
    window.removeEventListener("afterprint", done);
  };
  window.addEventListener("afterprint", done);
  window.print();
}

// Long quotes are folded to a few lines; only those that overflow get a button that unfolds them.
function foldLongQuotes(scope) {
  for (const quote of scope.querySelectorAll(".quote-text:not([data-checked])")) {
    if (!quote.offsetParent) continue;
    quote.dataset.checked = "1";
    if (quote.scrollHeight <= quote.clientHeight + 2) continue;
    const toggle = button("展开全文", "link-button unfold", { "aria-expanded": "false" });
    toggle.addEventListener("click", () => {
      const open = quote.classList.toggle("is-open");
      toggle.textContent = open ? "收起" : "展开全文";
      toggle.setAttribute("aria-expanded", String(open));
    });
    quote.parentElement.after(toggle);
  }
}

function userMessage(question) {
  const item = el("li", "msg msg-user");
  item.append(el("p", "bubble", question));
  return item;
}

function answerMessage(entry, questionItem) {
  const response = entry.response;
  const item = el("li", `msg msg-bot is-${kindOf(response)}`);
  const card = answerCard(response, ask);
  const several = plansBlock(response);  // a topic several plans hold: each plan's own units and clause
  if (several) card.insertBefore(several, card.querySelector(":scope > .source") || card.querySelector(":scope > .next"));
  const actions = el("div", "actions");
  if (kindOf(response) !== "refusal") {
    const copy = button("复制回答", "copy", { title: "复制为文字，便于写入会议纪要" });
    copy.addEventListener("click", () => copyToClipboard(copyText(response, entry.question), copy));
    const print = button("打印", "print", { title: "只打印这个问题和回答" });
    print.addEventListener("click", () => printExchange(questionItem, item));
    actions.append(copy, print);
  }
  if (response.answer_id) actions.append(feedbackControls(response.answer_id));
  if (actions.childElementCount) card.append(actions);
  item.append(card);
  return item;
}

function errorMessage(text) {
  const item = el("li", "msg msg-bot is-error");
  item.append(el("p", "bubble", text));
  item.setAttribute("role", "alert");
  return item;
}

function showExchange(entry) {
  const question = userMessage(entry.question);
  const reply = entry.error ? errorMessage(entry.error) : answerMessage(entry, question);
  log.append(question, reply);
  intro.hidden = true;
  foldLongQuotes(reply);
  return question;
}

async function ask(question) {
  question = question.trim();
  if (!question || pending) return;
  pending = true;
  send.disabled = true;
  intro.hidden = true;
  recent.close();
  const waiting = el("li", "msg msg-bot is-waiting");
  waiting.append(el("p", "bubble", "正在查找…"));
  const echo = userMessage(question);
  log.append(echo, waiting);
  echo.scrollIntoView({ block: "start" });
  let entry;
  try {
    const reply = await fetch(root.dataset.askUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, session_id: sessionId(), plan: chosenPlan() || undefined }),
    });
    const body = await reply.json().catch(() => ({}));
    entry = reply.ok
      ? { question, response: body }
      : { question, error: body.error || `出错了（${reply.status}），请重试。` };
  } catch (error) {
    entry = { question, error: "无法连接到服务器，请检查网络后重试。" };
  }
  echo.remove();
  waiting.remove();
  showExchange(entry).scrollIntoView({ block: "start" });
  if (!entry.error) {
    remember(entry);
    recent.refresh();
    minutes.refresh();
  }
  pending = false;
  send.disabled = false;
  input.focus({ preventScroll: true });
}

function autosize() {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

function reset() {
  forgetConversation();
  forgetVotes();
  log.replaceChildren();
  recent.refresh();
  minutes.refresh();
  intro.hidden = false;
  input.value = "";
  autosize();
  input.focus();
}

// A past conversation, opened from the history: its exchanges shown again, its session continued.
function openPast(id) {
  const entries = openConversation(id);
  if (!entries) return;
  log.replaceChildren();
  for (const entry of entries) showExchange(entry);
  intro.hidden = entries.length > 0;
  recent.refresh();
  minutes.refresh();
  if (log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "end" });
  input.focus({ preventScroll: true });
}

const recent = historyPanel({
  panel: document.getElementById("history-panel"),
  list: document.getElementById("history-list"),
  toggle: document.getElementById("history-toggle"),
  clear: document.getElementById("history-clear"),
  onOpen: openPast,
});
// 导出本次问答: this conversation's questions, answered again by the server into a Word file for the minutes.
const minutes = exportButton({
  button: document.getElementById("export"),
  url: root.dataset.exportUrl,
  questions: () => transcript().filter((entry) => !entry.error).map((entry) => entry.question),
  plan: () => chosenPlan() || "",
});

input.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter breaks the line; an Enter that confirms an IME candidate does neither.
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    form.requestSubmit();
  }
});
recallKeys(input);
input.addEventListener("input", autosize);
input.addEventListener("resize-needed", autosize);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (pending || !input.value.trim()) return;
  const question = input.value;
  input.value = "";
  autosize();
  ask(question);
});
document.getElementById("new-chat").addEventListener("click", reset);
for (const example of document.querySelectorAll(".example")) {
  example.addEventListener("click", () => ask(example.dataset.question));
}
for (const entry of transcript()) showExchange(entry);
if (log.lastElementChild) log.lastElementChild.scrollIntoView({ block: "end" });
input.focus({ preventScroll: true });
