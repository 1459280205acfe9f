// The responsibility matrix: filter tasks by text and by unit as you type, by task or by unit. A row matches
// as Assistant.select_tasks does, so the Excel and CSV links (which carry the filter) download what is shown.
"use strict";

(function () {
  const form = document.getElementById("filters");
  const text = document.getElementById("filter-text");
  const unit = document.getElementById("filter-unit");
  const table = document.getElementById("matrix");
  const count = document.getElementById("filter-count");
  const links = [document.getElementById("xlsx-link"), document.getElementById("csv-link")];
  const empty = document.getElementById("matrix-empty");
  const views = { task: document.getElementById("view-task"), unit: document.getElementById("view-unit") };
  const rows = Array.from(table.querySelectorAll("tr.task"));
  const items = Array.from(table.querySelectorAll("tr.item-row"));
  const columns = Array.from(table.querySelectorAll("thead th[data-unit]"), (th) => th.dataset.unit);
  const cells = Array.from(table.querySelectorAll("[data-unit]"));
  const blocks = Array.from(views.unit.querySelectorAll(".unit-block"));
  const bases = links.map((a) => a.getAttribute("href").split("?")[0]);

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
    for (const cell of cells) cell.hidden = !shown.has(cell.dataset.unit);
    let visible = 0;
    const itemsShown = new Set();
    for (const row of rows) {
      const match = (!chosen || row.dataset.units.split("|").includes(chosen)) && matches(row, query);
      row.hidden = !match;
      if (match) {
        visible += 1;
        itemsShown.add(row.dataset.item);
      }
    }
    for (const item of items) item.hidden = !itemsShown.has(item.dataset.item);
    for (const body of table.tBodies) body.hidden = !body.querySelector("tr.task:not([hidden])");
    for (const block of blocks) {
      let any = false;
      for (const task of block.querySelectorAll("li[data-search]")) {
        task.hidden = !matches(task, query);
        any = any || !task.hidden;
      }
      for (const list of block.querySelectorAll(".unit-role-list")) {
        list.hidden = !list.querySelector("li:not([hidden])");
      }
      block.hidden = !any || !shown.has(block.dataset.unit);
    }
    count.textContent = visible === rows.length
      ? `共 ${rows.length} 项任务`
      : `显示 ${visible} / ${rows.length} 项任务`;
    const current = view();
    views.task.hidden = current !== "task";
    views.unit.hidden = current !== "unit";
    empty.hidden = current === "task" ? visible > 0 : blocks.some((b) => !b.hidden);
    const params = new URLSearchParams();
    if (chosen) params.set("unit", chosen);
    if (typed) params.set("q", typed);
    const suffix = params.toString() ? `?${params}` : "";
    links.forEach((a, i) => { a.href = bases[i] + suffix; });
    if (current === "unit") params.set("view", "unit");
    const address = params.toString() ? `?${params}` : "";
    // a filtered view can be shared by its address
    window.history.replaceState(null, "", window.location.pathname + address);
  }

  text.addEventListener("input", apply);
  unit.addEventListener("change", apply);
  for (const radio of form.querySelectorAll("input[name=view]")) radio.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("print").addEventListener("click", () => window.print());
  apply();
})();
