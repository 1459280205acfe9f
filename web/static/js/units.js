// The responsibility matrix: filter tasks by text and by unit as you type. A row matches as
// web/matrix.py's select_tasks does, so the CSV link (which carries the filter) downloads what is shown.
"use strict";

(function () {
  const form = document.getElementById("filters");
  const text = document.getElementById("filter-text");
  const unit = document.getElementById("filter-unit");
  const table = document.getElementById("matrix");
  const count = document.getElementById("filter-count");
  const csv = document.getElementById("csv-link");
  const empty = document.getElementById("matrix-empty");
  const rows = Array.from(table.querySelectorAll("tr.task"));
  const columns = Array.from(table.querySelectorAll("thead th[data-unit]"), (th) => th.dataset.unit);
  const cells = Array.from(table.querySelectorAll("[data-unit]"));
  const csvBase = csv.getAttribute("href").split("?")[0];

  function apply() {
    const typed = text.value.trim();
    const query = typed.toLowerCase();
    const chosen = unit.value;
    // Typing part of a unit's name narrows the columns as well: "质监" leaves 盟质监局's column alone.
    const named = query ? columns.filter((name) => name.toLowerCase().includes(query)) : [];
    const shown = new Set(chosen ? [chosen] : named.length ? named : columns);
    for (const cell of cells) cell.hidden = !shown.has(cell.dataset.unit);
    let visible = 0;
    for (const row of rows) {
      const match = (!chosen || row.dataset.units.split("|").includes(chosen))
        && (!query || row.dataset.search.includes(query));
      row.hidden = !match;
      if (match) visible += 1;
    }
    for (const body of table.tBodies) body.hidden = !body.querySelector("tr.task:not([hidden])");
    count.textContent = visible === rows.length ? `共 ${rows.length} 项任务` : `显示 ${visible} / ${rows.length} 项任务`;
    empty.hidden = visible > 0;
    const params = new URLSearchParams();
    if (chosen) params.set("unit", chosen);
    if (typed) params.set("q", typed);
    const suffix = params.toString() ? `?${params}` : "";
    csv.href = csvBase + suffix;
    window.history.replaceState(null, "", window.location.pathname + suffix);  // a filtered view can be shared
  }

  text.addEventListener("input", apply);
  unit.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("print").addEventListener("click", () => window.print());
  apply();
})();
