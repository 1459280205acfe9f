// Several plans at once: the picker (all plans, or one), remembered in this browser and sent with each
// question; and, under an answer several plans give, each plan's own units and clause, headed by its short title.
import { el } from "./dom.js";

const KEY = "qa.plan";
const picker = document.getElementById("plan-picker");

function stored() {
  try {
    return window.localStorage.getItem(KEY) || "";
  } catch (error) {  // a browser that refuses storage still works, without memory
    return "";
  }
}

function store(value) {
  try {
    if (value) window.localStorage.setItem(KEY, value);
    else window.localStorage.removeItem(KEY);
  } catch (error) {
    // nothing kept: the choice lasts while the page is open
  }
}

if (picker) {
  const kept = stored();
  if ([...picker.options].some((option) => option.value === kept)) picker.value = kept;
  picker.addEventListener("change", () => store(picker.value));
}

// The plan chosen in the picker ("" for all plans, or when the page shows no picker).
export function chosenPlan() {
  return picker ? picker.value : "";
}

function unitsLine(label, units) {
  const line = el("p", "plan-units");
  line.append(el("span", "role-word", `${label}：`), document.createTextNode(units.length ? units.join("、") : "未列明"));
  return line;
}

// Each plan's section of an answer several plans give: its short title, its own units by role, its clause.
export function plansBlock(response) {
  const plans = response.plans || [];
  // a unit's tasks in several plans are listed under each plan's title in the card itself
  if (plans.length < 2 || response.intent === "unit_tasks") return null;
  const block = el("section", "plans-block");
  block.setAttribute("aria-label", "各方案的回答");
  block.append(el("p", "plans-head", `${plans.length} 个方案都涉及这个问题：`));
  for (const plan of plans) {
    const citation = (response.citations || []).find((c) => c.plan === plan.id);
    if (!citation) continue;
    const part = el("div", "plan-part");
    const head = el("h3", "plan-title", plan.short);
    head.title = plan.title;
    part.append(head, unitsLine("牵头单位", citation.lead || []), unitsLine("配合单位", citation.cooperate || []));
    const link = el("a", "plan-clause", `《${plan.title}》${citation.path || ""}“${citation.title || ""}”`);
    link.href = citation.url;
    part.append(link);
    block.append(part);
  }
  return block;
}
