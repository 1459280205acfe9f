// The chat page: asks /api/ask and keeps the conversation (session id and transcript) in sessionStorage,
// so follow-ups keep their context and a reload or a visit to a cited clause loses nothing.
// Every question and every piece of plan text goes into text nodes, never innerHTML.
"use strict";

(function () {
  const root = document.getElementById("chat");
  const log = document.getElementById("log");
  const intro = document.getElementById("intro");
  const form = document.getElementById("composer");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const ASK_URL = root.dataset.askUrl;
  const UNITS_URL = root.dataset.unitsUrl;
  const SESSION_KEY = "qa.session";
  const TRANSCRIPT_KEY = "qa.transcript";
  const KEPT = 40;  // exchanges kept across reloads; older ones drop off
  const SHOWN_CITATIONS = 3;  // a unit's task list can cite dozens of clauses: show a few, the rest on demand
  const ROLE_LABELS = { lead: "牵头单位", cooperate: "配合单位" };
  let memorySession = "";  // used when the browser refuses storage (private modes)
  let pending = false;

  function store() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null;
    }
  }

  function newSessionId() {
    // crypto.randomUUID exists only in secure contexts, and intranet pages are often plain http.
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function sessionId() {
    const storage = store();
    let id = (storage && storage.getItem(SESSION_KEY)) || memorySession;
    if (!id) {
      id = newSessionId();
      memorySession = id;
      if (storage) storage.setItem(SESSION_KEY, id);
    }
    return id;
  }

  function transcript() {
    const storage = store();
    try {
      return JSON.parse((storage && storage.getItem(TRANSCRIPT_KEY)) || "[]");
    } catch (error) {
      return [];
    }
  }

  function remember(entry) {
    const storage = store();
    if (!storage) return;
    try {
      storage.setItem(TRANSCRIPT_KEY, JSON.stringify(transcript().concat([entry]).slice(-KEPT)));
    } catch (error) {
      // storage full: the conversation still works, it just won't survive a reload
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, className) {
    const node = el("button", className, label);
    node.type = "button";
    return node;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // The text with the question's terms wrapped in <mark>, built from text nodes.
  function highlighted(text, terms) {
    const fragment = document.createDocumentFragment();
    const words = Array.from(new Set(terms.filter(Boolean))).sort((a, b) => b.length - a.length);
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

  function citationUrl(url, terms) {
    const params = new URLSearchParams();
    for (const term of terms.slice(0, 12)) params.append("hl", term);
    const query = params.toString();
    return query ? `${url}?${query}` : url;
  }

  function unitChip(name, role, answered) {
    const chip = el("a", `chip chip-${role}${answered ? " is-answer" : ""}`, name);
    chip.href = `${UNITS_URL}/${encodeURIComponent(name)}`;
    return chip;
  }

  // Units as chips grouped by role; the group the question asked about stands out.
  function rolesBlock(response) {
    const groups = new Map();
    for (const { unit, role } of response.roles || []) {
      if (!groups.has(role)) groups.set(role, []);
      groups.get(role).push(unit);
    }
    if (!groups.size && (response.units || []).length) groups.set("unit", response.units);
    if (!groups.size) return null;
    const answered = new Set(response.units || []);
    const block = el("div", "roles");
    for (const [role, units] of groups) {
      const row = el("p", `role-group role-${role}${units.some((u) => answered.has(u)) ? " is-answer" : ""}`);
      row.append(el("span", "role-label", ROLE_LABELS[role] || "单位"));
      for (const unit of units) row.append(unitChip(unit, role, answered.has(unit)));
      block.append(row);
    }
    return block;
  }

  function citationCard(citation, terms) {
    const card = el("li", `cite${citation.related ? " is-related" : ""}`);
    const head = el("a", "cite-head");
    head.href = citationUrl(citation.url, terms);
    head.append(el("span", "cite-path", citation.path || "来函"), el("span", "cite-title", citation.title));
    if (citation.related) head.append(el("span", "cite-tag", "相关"));
    const quote = el("blockquote", "cite-text");
    quote.append(highlighted(citation.text, terms));
    card.append(head, quote);
    const duty = [];
    if (citation.lead.length) duty.push(`牵头：${citation.lead.join("、")}`);
    if (citation.cooperate.length) duty.push(`配合：${citation.cooperate.join("、")}`);
    if (citation.deadline) duty.push(`时限：${citation.deadline}`);
    if (duty.length) card.append(el("p", "cite-units", duty.join("　")));
    card.append(el("p", "cite-doc", `《${citation.doc}》`));
    return card;
  }

  // Long quotes are folded to a few lines; only those that overflow get an "expand" button.
  function foldLongQuotes(scope) {
    for (const quote of scope.querySelectorAll(".cite-text:not([data-checked])")) {
      if (!quote.offsetParent) continue;  // hidden: measured when shown
      quote.dataset.checked = "1";
      if (quote.scrollHeight <= quote.clientHeight + 2) continue;
      const toggle = button("展开全文", "link-button");
      toggle.addEventListener("click", () => {
        toggle.textContent = quote.classList.toggle("is-open") ? "收起" : "展开全文";
      });
      quote.after(toggle);
    }
  }

  async function copyText(text, target) {
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

  function userMessage(question) {
    const item = el("li", "msg msg-user");
    item.append(el("p", "bubble", question));
    return item;
  }

  function answerMessage(response) {
    const item = el("li", `msg msg-bot${response.found ? "" : " is-empty"}`);
    const bubble = el("div", "bubble");
    if (!response.found) bubble.append(el("p", "nothing", "方案中没有相关内容"));
    bubble.append(el("p", "answer-text", response.answer));
    const roles = rolesBlock(response);
    if (roles) bubble.append(roles);
    const citations = response.citations || [];
    if (citations.length) {
      bubble.append(el("h2", "cites-label", `出处（${citations.length} 条）`));
      const list = el("ol", "cites");
      citations.forEach((citation, index) => {
        const card = citationCard(citation, response.highlight || []);
        card.hidden = index >= SHOWN_CITATIONS;
        list.append(card);
      });
      bubble.append(list);
      if (citations.length > SHOWN_CITATIONS) {
        const more = button(`显示全部 ${citations.length} 条出处`, "link-button more");
        more.addEventListener("click", () => {
          for (const card of list.children) card.hidden = false;
          more.remove();
          foldLongQuotes(list);
        });
        bubble.append(more);
      }
    }
    const actions = el("div", "actions");
    const copy = button("复制回答", "copy");
    copy.addEventListener("click", () => copyText(response.answer, copy));
    actions.append(copy);
    bubble.append(actions);
    item.append(bubble);
    return item;
  }

  function errorMessage(text) {
    const item = el("li", "msg msg-bot is-error");
    item.append(el("p", "bubble", text));
    return item;
  }

  function showExchange(entry) {
    const question = userMessage(entry.question);
    const reply = entry.error ? errorMessage(entry.error) : answerMessage(entry.response);
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
    const waiting = el("li", "msg msg-bot is-waiting");
    waiting.append(el("p", "bubble", "正在查找…"));
    const echo = userMessage(question);
    log.append(echo, waiting);
    echo.scrollIntoView({ block: "start" });
    let entry;
    try {
      const reply = await fetch(ASK_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question, session_id: sessionId() }),
      });
      const body = await reply.json().catch(() => ({}));
      entry = reply.ok ? { question, response: body } : { question, error: body.error || `出错了（${reply.status}），请重试。` };
    } catch (error) {
      entry = { question, error: "无法连接到服务器，请检查网络后重试。" };
    }
    echo.remove();
    waiting.remove();
    showExchange(entry).scrollIntoView({ block: "start" });
    if (!entry.error) remember(entry);
    pending = false;
    send.disabled = false;
    input.focus();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  function reset() {
    const storage = store();
    if (storage) {
      storage.removeItem(SESSION_KEY);
      storage.removeItem(TRANSCRIPT_KEY);
    }
    memorySession = "";
    log.replaceChildren();
    intro.hidden = false;
    input.value = "";
    autosize();
    input.focus();
  }

  input.addEventListener("keydown", (event) => {
    // Enter sends, Shift+Enter breaks the line; an Enter that confirms an IME candidate does neither.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", autosize);
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
  input.focus();
})();
