// 👍 / 👎 on an answer, with an optional comment, sent to POST /api/feedback as
// {answer_id, vote: "up" | "down", comment?}. Shown only for answers that carry an answer_id.
import { el, button } from "./dom.js";
import { vote as storedVote, rememberVote } from "./store.js";

const COMMENT_LIMIT = 500;
let feedbackUrl = "/api/feedback";

export function configure(url) {
  feedbackUrl = url || feedbackUrl;
}

async function send(body) {
  try {
    const reply = await fetch(feedbackUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return reply.ok;
  } catch (error) {
    return false;
  }
}

// A thumb drawn as SVG (no emoji font is needed), from the page's <template id="thumb-icon">: up, or turned
// over for down.
function thumb(down) {
  const template = document.getElementById("thumb-icon");
  const svg = template ? template.content.firstElementChild.cloneNode(true) : document.createElement("span");
  if (down) svg.classList.add("is-down");
  return svg;
}

function commentForm(answerId, getVote, status) {
  const form = el("form", "feedback-comment");
  form.hidden = true;
  const id = `comment-${answerId}`;
  const label = el("label", "", "补充说明（可选）");
  label.htmlFor = id;
  const box = el("textarea");
  box.id = id;
  box.rows = 2;
  box.maxLength = COMMENT_LIMIT;
  box.placeholder = "哪里不对，或缺了什么？";
  const submit = el("button", "", "发送说明");
  submit.type = "submit";
  form.append(label, box, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const comment = box.value.trim().slice(0, COMMENT_LIMIT);
    if (!comment) return;
    submit.disabled = true;
    const ok = await send({ answer_id: answerId, vote: getVote(), comment });
    submit.disabled = false;
    status.textContent = ok ? "说明已收到，谢谢。" : "没有发送成功，请稍后再试。";
    if (ok) form.hidden = true;
  });
  return form;
}

export function feedbackControls(answerId) {
  const block = el("div", "feedback");
  const prompt = el("span", "feedback-prompt", "有帮助吗？");
  const up = button("", "vote vote-up", { "aria-pressed": "false", title: "这个回答有帮助" });
  const down = button("", "vote vote-down", { "aria-pressed": "false", title: "这个回答没帮助" });
  up.append(thumb(false), el("span", "vote-text", "有用"));
  down.append(thumb(true), el("span", "vote-text", "没用"));
  const status = el("span", "feedback-status");
  status.setAttribute("role", "status");
  let current = storedVote(answerId);
  const form = commentForm(answerId, () => current, status);

  function show() {
    up.setAttribute("aria-pressed", String(current === "up"));
    down.setAttribute("aria-pressed", String(current === "down"));
  }

  async function choose(value) {
    up.disabled = down.disabled = true;
    const ok = await send({ answer_id: answerId, vote: value });
    up.disabled = down.disabled = false;
    if (!ok) {
      status.textContent = "没有发送成功，请稍后再试。";
      return;
    }
    current = value;
    rememberVote(answerId, value);
    show();
    status.textContent = "谢谢反馈。";
    form.hidden = false;
  }

  up.addEventListener("click", () => choose("up"));
  down.addEventListener("click", () => choose("down"));
  show();
  block.append(prompt, up, down, status, form);
  return block;
}
