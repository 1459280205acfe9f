// The plan page: bring the cited clause into view, and keep the contents out of the way on a phone.
"use strict";

(function () {
  const plan = document.getElementById("plan");
  const toc = document.getElementById("toc");
  const narrow = window.matchMedia("(max-width: 60rem)");
  if (toc && narrow.matches) toc.open = false;
  if (toc) {
    toc.addEventListener("click", (event) => {
      if (narrow.matches && event.target.closest("a")) toc.open = false;
    });
  }
  const focus = plan.dataset.focus && document.getElementById(plan.dataset.focus);
  const current = toc && toc.querySelectorAll("a[aria-current]");
  if (current && current.length && !narrow.matches) {
    current[current.length - 1].scrollIntoView({ block: "center" });  // the contents show where we are
  }
  if (focus && !window.location.hash) {
    focus.tabIndex = -1;  // so keyboard and screen-reader users start at the cited clause too
    focus.focus({ preventScroll: true });
    focus.scrollIntoView({ block: "center" });
  }
})();
