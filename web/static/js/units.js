// The responsibility matrix: filter tasks by text and by unit, by task or by unit. A row matches as
// Assistant.select_tasks does, so the Excel and CSV links (which carry the filter) download what is shown.
// When the page holds every task of the plans chosen (data-paged="false"), the filter works as you type;
// otherwise the page is one of several and the server filters: a change asks it for the first page again.
"use strict";

(function () {
  const form = document.getElementById("filters");
  const paged = form.dataset.paged === "true";
  const text = document.getElementById("filter-text");
  const unit = document.getElementById("filter-unit");
  const plan = document.getElementById("filter-plan");
  const table = document.getElementById("matrix");
  const count = document.getElementById("filter-count");
  const links = [document.getElementById("xlsx-link"), document.getElementById("csv-link")];
  const empty = document.getElementById("matrix-empty");
  const views = { task: document.getElementById("view-task"), unit: document.getElementById("view-unit") };
  const rows = table ? Array.from(table.querySelectorAll("tr.task")) : [];
  const items = table ? Array.from(table.querySelectorAll("tr.item-row")) : [];
  const columns = table ? Array.from(table.querySelectorAll("thead th[data-unit]"), (th) => th.dataset.unit) : [];
  const blocks = views.unit ? Array.from(views.unit.querySelectorAll(".unit-block")) : [];
  const bases = links.map((a) => a.getAttribute("href").split("?")[0]);
  let typing = null;

  function view() {
    const checked = form.querySelector("input[name=view]:checked");
    return checked ? checked.value : "task";
  }

  function matches(node, query) {
    return !query || node.dataset.search.includes(query);
  }

  function apply() {
    const typed = text.value.trim();
    const query = typed.toLowerCase();
    const chosen = unit.value;
    // Typing part of a unit's name narrows the columns as well: "质监" leaves 盟质监局's column alone.
    const named = query ? columns.filter((name) => name.toLowerCase().includes(query)) : [];
    const shown = new Set(chosen ? [chosen] : named.length ? named : columns);
    const hidden = columns.map((name) => !shown.has(name));
    if (table) {
      table.tHead.rows[0].querySelectorAll("th[data-unit]").forEach((th, i) => { th.hidden = hidden[i]; });
    }
    let visible = 0;
    const itemsShown = new Set();
    for (const row of rows) {
      const match = (!chosen || row.dataset.units.split("|").includes(chosen)) && matches(row, query);
      row.hidden = !match;
      // cells by column (an empty cell carries no name): cell 0 is the task's
      for (let i = 0; i < hidden.length; i += 1) row.cells[i + 1].hidden = hidden[i];
      if (match) {
        visible += 1;
        itemsShown.add(row.dataset.item);
      }
    }
    for (const item of items) item.hidden = !itemsShown.has(item.dataset.item);
    if (table) {
      for (const body of table.tBodies) body.hidden = !body.querySelector("tr.task:not([hidden])");
    }
    for (const block of blocks) {
      let any = false;
      for (const task of block.querySelectorAll("li[data-search]")) {
        task.hidden = !matches(task, query);
        any = any || !task.hidden;
      }
      for (const list of block.querySelectorAll(".unit-role-list")) {
        list.hidden = !list.querySelector("li:not([hidden])");
      }
      block.hidden = !any || (!paged && !shown.has(block.dataset.unit));
    }
    if (!paged) {
      count.textContent = visible === rows.length
        ? `共 ${rows.length} 项任务`
        : `显示 ${visible} / ${rows.length} 项任务`;
    }
    const current = view();
    if (views.task) views.task.hidden = current !== "task";
    if (views.unit) views.unit.hidden = current !== "unit";
    empty.hidden = current === "task" ? visible > 0 : blocks.some((b) => !b.hidden);
    const params = filters();
    const suffix = params.toString() ? `?${params}` : "";
    links.forEach((a, i) => { a.href = bases[i] + suffix; });
    if (current === "unit") params.set("view", "unit");
    if (paged) return;  // the address is the server's: it names the page
    const address = params.toString() ? `?${params}` : "";
    // a filtered view can be shared by its address
    window.history.replaceState(null, "", window.location.pathname + address);
  }

  function filters() {
    // what the address carries: the plan, the unit, the text, and the view when it is not the first
    const params = new URLSearchParams();
    if (plan && plan.value) params.set("plan", plan.value);
    if (unit.value) params.set("unit", unit.value);
    if (text.value.trim()) params.set("q", text.value.trim());
    return params;
  }

  function reload() {
    // one page of several, or another plan: the server filters, from its first page
    const params = filters();
    if (view() === "unit") params.set("view", "unit");
    window.location.assign(form.getAttribute("action") + (params.toString() ? `?${params}` : ""));
  }

  text.addEventListener("input", () => {
    if (!paged) {
      apply();
      return;
    }
    window.clearTimeout(typing);
    typing = window.setTimeout(reload, 700);
  });
  unit.addEventListener("change", paged ? reload : apply);
  if (plan) plan.addEventListener("change", reload);  // another plan's rows are not on this page
  for (const radio of form.querySelectorAll("input[name=view]")) {
    radio.addEventListener("change", paged ? reload : apply);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (paged) reload();
  });
  document.getElementById("print").addEventListener("click", () => window.print());
  if (paged && text.value) {  // typing goes on where it stopped before the page was asked for
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }
  apply();
})();
