// The answer card, built from the structured JSON of /api/ask (the reply text is for WeChat and the
// command line): the direct answer first, then the one clause it rests on, then the related ones folded.
// Each unit appears once. A refusal is one line and the questions the plans do answer.
import { el, link, highlighted } from "./dom.js";

const ROLE_LABELS = { lead: "牵头单位", cooperate: "配合单位" };
const INTENT_LABELS = { lead: "牵头单位", cooperate: "配合单位", who: "责任单位" };
const TASK_LABELS = { lead: "牵头的任务", cooperate: "配合的任务", any: "承担的任务" };
// The responsibility block at the end of a clause: its units are shown as chips, not quoted again.
const DUTY_BLOCK = /\s*[(（](?:责任单位|牵头单位|配合单位)[^)）]*[)）]。?\s*$/;
const READ_AS = /^按(?:“[^”]*”)+理解：/;  // how a slip was read: shown apart, from understood_as
const SNIPPET = 60;
const SET_LISTED = 12;  // a set of more tasks than this is listed folded, under its count

let config = { unitsUrl: "/units", sections: {} };

export function configure(options) {
  config = Object.assign({}, config, options);
}

export function kindOf(response) {
  const citations = response.citations || [];
  if (!response.found) return "refusal";
  if (response.intent === "unit_tasks" && citations.length) return "tasks";
  // tasks of units combined (both, either, one but not the other) or compared: the set in words, then its tasks
  if ((response.intent === "set" || response.intent === "compare") && citations.length) return "set";
  if (response.intent === "yes_no" && citations.length) return "verdict";
  if (INTENT_LABELS[response.intent]) return "units";
  if (response.intent === "content" && citations.length) return "content";
  return citations.length ? "fact" : "text";
}

export function unitUrl(name) {
  return `${config.unitsUrl}/${encodeURIComponent(name)}`;
}

function citationUrl(url, terms) {
  const params = new URLSearchParams();
  for (const term of (terms || []).slice(0, 12)) params.append("hl", term);
  const query = params.toString();
  return query ? `${url}?${query}` : url;
}

function chip(name, role, large) {
  const node = link(unitUrl(name), `chip chip-${role}${large ? " is-answer" : ""}`, name);
  node.title = `${name}的全部任务`;
  return node;
}

export function quoteText(citation) {
  return (citation.text || "").replace(DUTY_BLOCK, "").trim() || citation.text || "";
}

function firstLine(answer) {
  return (answer || "").split("\n")[0].replace(READ_AS, "").trim();
}

function firstSentence(answer) {
  const line = firstLine(answer);
  const end = line.indexOf("。");
  return end >= 0 ? line.slice(0, end + 1) : line;
}

function clauseName(citation) {
  const path = citation.path || (citation.kind === "letter" ? "来函" : "");
  return [path, citation.title].filter(Boolean).join(" ");
}

// The units of an answer by role, in the order the plan names them: [[role, [unit, …]], …].
function roleGroups(response) {
  const groups = new Map();
  for (const { unit, role } of response.roles || []) {
    if (!groups.has(role)) groups.set(role, []);
    if (!groups.get(role).includes(unit)) groups.get(role).push(unit);
  }
  const answered = response.units || [];
  const missing = answered.filter((u) => !Array.from(groups.values()).some((units) => units.includes(u)));
  if (missing.length) {
    const role = response.intent === "lead" ? "lead" : "cooperate";
    groups.set(role, (groups.get(role) || []).concat(missing));
  }
  return Array.from(groups.entries());
}

// The group answering the question first (shown in large type), the other role after it.
function answeredFirst(groups, answered) {
  const answers = (units) => Number(units.some((u) => answered.has(u)));
  return groups.slice().sort(([, a], [, b]) => answers(b) - answers(a));
}

function clauseGroups(citation) {
  return [["lead", citation.lead || []], ["cooperate", citation.cooperate || []]].filter(([, u]) => u.length);
}

// Each row says its role in words (牵头单位 / 配合单位), not by colour alone, unless the heading above already
// names that role ("牵头单位 1 个" over the lead units).
function chipRows(groups, answered, className, heading) {
  const block = el("div", className);
  for (const [role, units] of groups) {
    const main = units.some((u) => answered.has(u));
    const named = main && heading === ROLE_LABELS[role];
    const row = el("p", `role-group role-${role}${main ? " is-answer" : ""}${named ? " is-named" : ""}`);
    row.append(el("span", "role-label", ROLE_LABELS[role] || "单位"));
    for (const unit of units) row.append(chip(unit, role, main));
    block.append(row);
  }
  return block;
}

// -- the direct answer ----------------------------------------------------------------------------

function unitsAnswer(response) {
  const label = INTENT_LABELS[response.intent];
  const answered = new Set(response.units || []);
  const direct = el("div", "direct direct-units");
  const head = el("h2", "direct-label", label);
  if (answered.size) head.append(el("span", "count", `${answered.size} 个`));
  direct.append(head);
  if (!answered.size) direct.append(el("p", "direct-none", `方案未列出${label}。`));
  const groups = answeredFirst(roleGroups(response), answered);
  if (groups.length) direct.append(chipRows(groups, answered, "roles", label));
  return direct;
}

function sectionOf(citation) {
  const headings = config.sections[citation.source] || {};
  let best = "";
  for (const path of Object.keys(headings)) {
    if (citation.path.startsWith(path) && path.length > best.length) best = path;
  }
  return best ? headings[best] : "其他";
}

// What the asked units do in a task, in words: 盟工商局牵头，盟质监局配合.
function subjectRoles(citation, subject) {
  return subject
    .filter((u) => (citation.lead || []).includes(u) || (citation.cooperate || []).includes(u))
    .map((u) => `${u}${(citation.lead || []).includes(u) ? "牵头" : "配合"}`)
    .join("，");
}

// A plan's short title by its id, when several plans answer (a unit's tasks in each): its tasks headed by it.
function planShorts(response) {
  const plans = response.plans || [];
  return plans.length > 1 ? new Map(plans.map((p) => [p.id, p.short])) : null;
}

function taskList(citations, subject, withRoles, shorts = null) {
  const block = el("div", "task-sections");
  const bySection = new Map();
  for (const citation of citations) {
    const name = shorts ? `【${shorts.get(citation.plan) || ""}】${sectionOf(citation)}` : sectionOf(citation);
    if (!bySection.has(name)) bySection.set(name, []);
    bySection.get(name).push(citation);
  }
  for (const [name, items] of bySection) {
    const section = el("section", "task-section");
    const title = el("h4", "section-title", name);
    title.append(el("span", "count", `${items.length} 项`));
    const list = el("ol", "task-links");
    for (const citation of items) {
      const item = el("li");
      const anchor = link(citation.url, "task-link");
      anchor.append(el("span", "path", citation.path || "来函"), " ", citation.title);
      item.append(anchor);
      // the other units with the same role here: 同为牵头：盟商务局、盟工商局
      const role = subject.some((u) => (citation.lead || []).includes(u)) ? "lead" : "cooperate";
      const peers = (citation[role] || []).filter((u) => !subject.includes(u));
      const same = role === "lead" ? "同为牵头" : "同为配合";
      if (withRoles && subjectRoles(citation, subject)) {
        item.append(el("span", "task-note", subjectRoles(citation, subject)));
      }
      if (citation.deadline) item.append(el("span", "task-note", `时限 ${citation.deadline}`));
      if (peers.length && peers.length <= 3) {
        item.append(el("span", "task-note", `${same}：${peers.join("、")}`));
      }
      else if (peers.length) item.append(el("span", "task-note", `${same}：另 ${peers.length} 个单位`));
      list.append(item);
    }
    section.append(title, list);
    block.append(section);
  }
  return block;
}

function tasksAnswer(response) {
  const subject = (response.subject && response.subject.units) || [];
  const role = (response.subject && response.subject.role) || "any";
  const citations = response.citations || [];
  const direct = el("div", "direct direct-tasks");
  const head = el("h2", "direct-label");
  for (const unit of subject) head.append(chip(unit, role === "cooperate" ? "cooperate" : "lead", true));
  head.append(TASK_LABELS[role] || TASK_LABELS.any, el("span", "count", `${citations.length} 项`));
  direct.append(head);
  const has = (citation, r) => subject.some((u) => (citation[r] || []).includes(u));
  const roles = role === "any" ? ["lead", "cooperate"] : [role];
  for (const r of roles) {
    const mine = role === "any" ? citations.filter((c) => has(c, r)) : citations;
    if (!mine.length) continue;
    if (role === "any") {
      const sub = el("h3", `role-title role-${r}`, r === "lead" ? "牵头" : "配合");
      sub.append(el("span", "count", `${mine.length} 项`));
      direct.append(sub);
    }
    direct.append(taskList(mine, subject, false, planShorts(response)));
  }
  for (const unit of subject) {
    direct.append(link(unitUrl(unit), "more-link", `${unit}的分工页（牵头、配合全部任务）→`));
  }
  return direct;
}

// A set of tasks (盟工商局、盟质监局都参与的任务共4项) or a comparison (盟工商局牵头的多：…): the answer's own
// first line says what the set is and its size; each task is a link with what the asked units do there.
function setAnswer(response) {
  const subject = (response.subject && response.subject.units) || [];
  const citations = response.citations || [];
  const direct = el("div", "direct direct-tasks direct-set");
  const head = el("h2", "direct-label", firstLine(response.answer).replace(/[:：]$/, ""));
  if (response.intent === "set") head.append(el("span", "count", `${citations.length} 项`));
  direct.append(head);
  if (citations.length <= SET_LISTED) direct.append(taskList(citations, subject, true));
  else {
    const details = el("details", "related");
    details.append(el("summary", "", `逐项列出 ${citations.length} 项`));
    details.append(taskList(citations, subject, true));
    direct.append(details);
  }
  return direct;
}

// A yes/no answer: 是 or 不是 first, in large type, then the task's units with their roles in words.
function verdictAnswer(response) {
  const direct = el("div", "direct direct-verdict");
  direct.append(el("p", "direct-text", firstLine(response.answer)));
  const groups = clauseGroups(response.citations[0]);
  if (groups.length) direct.append(chipRows(groups, new Set(response.units || []), "roles"));
  return direct;
}

function factAnswer(response) {
  const direct = el("div", "direct direct-fact");
  direct.append(el("p", "direct-text", firstLine(response.answer)));
  return direct;
}

// -- the source clause and the related ones -------------------------------------------------------

function sourceBlock(citation, terms, primary, withUnits) {
  const block = el("section", `source${primary ? " is-primary" : ""}`);
  const url = citationUrl(citation.url, terms);
  if (primary) {
    const title = el("h2", "source-title");
    title.append(link(url, "source-link", citation.title || clauseName(citation)));
    block.append(title);
    block.append(el("p", "source-meta", `${citation.path || "来函"} ·《${citation.doc}》`));
  } else {
    block.append(el("h3", "source-label", "出处"));
    const head = link(url, "source-link");
    head.append(el("span", "path", citation.path || "来函"), " ", el("span", "source-name", citation.title));
    block.append(head);
    block.append(el("p", "source-meta", `《${citation.doc}》`));
  }
  if (withUnits && clauseGroups(citation).length) {
    block.append(chipRows(clauseGroups(citation), new Set(), "roles roles-small"));
  }
  const quote = el("blockquote", "quote");
  const text = el("p", "quote-text");  // folded to a few lines (padding stays outside the fold)
  text.append(highlighted(quoteText(citation), terms));
  quote.append(text);
  block.append(quote);
  if (citation.deadline) block.append(el("p", "source-meta", `完成时限：${citation.deadline}`));
  return block;
}

function sameUnits(a, b) {
  const names = (c) => `${(c.lead || []).join()}/${(c.cooperate || []).join()}`;
  return names(a) === names(b);
}

function relatedBlock(citations, main, terms) {
  const details = el("details", "related");
  details.append(el("summary", "", `另有 ${citations.length} 条相关`));
  const list = el("ol", "related-list");
  for (const citation of citations) {
    const item = el("li");
    const head = link(citationUrl(citation.url, terms), "related-link");
    head.append(el("span", "path", citation.path || "来函"), " ", citation.title);
    const text = quoteText(citation);
    item.append(head, el("p", "related-text", text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text));
    if (clauseGroups(citation).length) {
      const units = sameUnits(citation, main)
        ? "单位同上"
        : clauseGroups(citation).map(([r, u]) => `${r === "lead" ? "牵头" : "配合"}：${u.join("、")}`).join("；");
      item.append(el("p", "related-units", units));
    }
    list.append(item);
  }
  details.append(list);
  return details;
}

// -- the card ---------------------------------------------------------------------------------------

function refusal(response, onAsk) {
  const block = el("div", "refusal");
  const suggestions = response.suggestions || [];
  // what the plans lack, as the answer says it (方案中没有名为税务局的单位。), before what can be asked instead
  block.append(el("p", "refusal-text", firstSentence(response.answer)));
  if (suggestions.length) block.append(el("p", "suggest-label", "可以这样问："), askButtons(suggestions, onAsk));
  return block;
}

// Questions as buttons that ask them.
function askButtons(questions, onAsk) {
  const list = el("ul", "suggestions");
  for (const question of questions) {
    const item = el("li");
    const ask = el("button", "suggestion", question);
    ask.type = "button";
    ask.addEventListener("click", () => onAsk(question));
    item.append(ask);
    list.append(item);
  }
  return list;
}

// Under a found answer: the questions to ask next that the server made from it (each one checked to have an
// answer in the plans), as buttons.
function nextQuestions(response, onAsk) {
  const block = el("nav", "next");
  block.setAttribute("aria-label", "接着问");
  block.append(el("p", "suggest-label", "接着问："), askButtons(response.suggestions, onAsk));
  return block;
}

export function answerCard(response, onAsk) {
  const card = cardBody(response, onAsk);
  if (response.found && (response.suggestions || []).length) card.append(nextQuestions(response, onAsk));
  return card;
}

function cardBody(response, onAsk) {
  const card = el("article", "card");
  card.setAttribute("aria-label", "回答");
  if (response.understood_as) card.append(el("p", "understood", `已按“${response.understood_as}”理解`));
  const kind = kindOf(response);
  const citations = response.citations || [];
  const terms = response.highlight || [];
  if (kind === "refusal") {
    card.append(refusal(response, onAsk));
    return card;
  }
  if (kind === "tasks") {
    card.append(tasksAnswer(response));
    return card;
  }
  if (kind === "set") {
    card.append(setAnswer(response));
    return card;
  }
  if (kind === "units") card.append(unitsAnswer(response));
  else if (kind === "verdict") card.append(verdictAnswer(response));
  else if (kind === "fact") card.append(factAnswer(response));
  else if (kind === "text") card.append(el("p", "direct-text answer-text", response.answer));
  if (citations.length) {
    const unitsShown = kind === "units" || kind === "verdict";
    card.append(sourceBlock(citations[0], terms, kind === "content", !unitsShown));
    if (citations.length > 1) card.append(relatedBlock(citations.slice(1), citations[0], terms));
  }
  return card;
}

// -- the answer as text for minutes -----------------------------------------------------------------

function unitLines(groups) {
  return groups.map(([role, units]) => `${ROLE_LABELS[role] || "单位"}：${units.join("、")}`);
}

export function copyText(response, question) {
  const lines = [`问：${question}`];
  const kind = kindOf(response);
  const citations = response.citations || [];
  if (kind === "tasks") {
    const subject = ((response.subject && response.subject.units) || []).join("、");
    const role = (response.subject && response.subject.role) || "any";
    lines.push(`答：${subject}${TASK_LABELS[role] || TASK_LABELS.any}共 ${citations.length} 项`);
    let section = "";
    for (const citation of citations) {
      if (sectionOf(citation) !== section) {
        section = sectionOf(citation);
        lines.push(section);
      }
      const roles = role === "any"
        ? ((response.subject.units || []).some((u) => (citation.lead || []).includes(u)) ? "（牵头）" : "（配合）")
        : "";
      lines.push(`  · ${clauseName(citation)}${roles}`);
    }
    return lines.join("\n");
  }
  if (kind === "set") {
    const subject = (response.subject && response.subject.units) || [];
    lines.push(`答：${firstLine(response.answer)}`);
    for (const citation of citations) {
      const roles = subjectRoles(citation, subject);
      lines.push(`  · ${clauseName(citation)}${roles ? `（${roles}）` : ""}`);
    }
    return lines.join("\n");
  }
  if (kind === "verdict") {
    lines.push(`答：${firstLine(response.answer)}`, ...unitLines(clauseGroups(citations[0])));
  } else if (kind === "units") {
    const answered = new Set(response.units || []);
    const groups = answeredFirst(roleGroups(response), answered);
    const label = INTENT_LABELS[response.intent];
    const main = answered.size ? unitLines(groups) : [`方案未列出${label}`].concat(unitLines(groups));
    lines.push(`答：${main[0]}`, ...main.slice(1));
  } else if (kind === "content" && citations.length) {
    lines.push(`答：${citations[0].title}`, ...unitLines(clauseGroups(citations[0])));
  } else {
    lines.push(`答：${firstLine(response.answer)}`);
  }
  if (citations.length) {
    const main = citations[0];
    lines.push(`出处：《${main.doc}》${clauseName(main)}`, `原文：${quoteText(main)}`);
    if (main.deadline) lines.push(`完成时限：${main.deadline}`);
  }
  return lines.join("\n");
}
