// The plan page: bring the cited clause into view, find words in the text, keep the contents out of the way
// on a phone, and offer a way back to the top there.
import { finder } from "./plan/find.js";

const plan = document.getElementById("main");
const toc = document.getElementById("toc");
const toTop = document.getElementById("to-top");
// The width under which the contents fold above the text (wider with large type: see app.css).
const large = document.documentElement.dataset.size === "large";
const narrow = window.matchMedia(large ? "(max-width: 75rem)" : "(max-width: 60rem)");

if (toc && narrow.matches) toc.open = false;
if (toc) {
  toc.addEventListener("click", (event) => {
    if (narrow.matches && event.target.closest("a")) toc.open = false;
  });
}

const focus = plan.dataset.focus && document.getElementById(plan.dataset.focus);
const current = toc && toc.querySelectorAll("a[aria-current]");
if (current && current.length && !narrow.matches) {
  const panel = toc.closest(".toc-panel");
  const link = current[current.length - 1];
  panel.scrollTop = link.offsetTop - panel.clientHeight / 2;  // the contents show where we are
}
if (focus && !window.location.hash) {
  focus.tabIndex = -1;  // so keyboard and screen-reader users start at the cited clause too
  focus.focus({ preventScroll: true });
  focus.scrollIntoView({ block: "center" });
}

finder({
  scope: plan,
  input: document.getElementById("find-text"),
  count: document.getElementById("find-count"),
  prev: document.getElementById("find-prev"),
  next: document.getElementById("find-next"),
  onJump(mark) {
    const folded = mark.closest("details:not([open])");
    if (folded) folded.open = true;
  },
});

// Back to the top: shown once the reader is a screen or two down.
function showTop() {
  toTop.hidden = window.scrollY < window.innerHeight * 1.5;
}
window.addEventListener("scroll", showTop, { passive: true });
toTop.addEventListener("click", (event) => {
  event.preventDefault();
  window.scrollTo({ top: 0 });
  document.getElementById("find-text").focus({ preventScroll: true });
});
showTop();
