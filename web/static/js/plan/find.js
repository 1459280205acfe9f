// Find in the plan: every match of the typed words is marked, the current one stands out and is
// scrolled to; Enter (or ↓) goes to the next, Shift+Enter (or ↑) to the one before, Esc clears.
// Matches are found in each block's whole text, so they may span a <mark> of the cited clause's terms.

const BLOCKS = ".clause-text, .clause-heading, .doc-header h1, .clause-label";
const LIMIT = 2000;  // matches marked at most; a one-character search of a long plan stays fast

function textNodes(block) {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

// Wrap [start, end) of a block's text (offsets in its whole text) in <mark class="find-hit">, one per node.
function wrap(nodes, start, end, index, marks) {
  let offset = 0;
  for (const node of nodes) {
    const length = node.data.length;
    const from = Math.max(start, offset);
    const to = Math.min(end, offset + length);
    if (from < to) {
      const range = document.createRange();
      range.setStart(node, from - offset);
      range.setEnd(node, to - offset);
      const mark = document.createElement("mark");
      mark.className = "find-hit";
      mark.dataset.hit = String(index);
      range.surroundContents(mark);
      marks.push(mark);
    }
    offset += length;
  }
}

export function finder({ scope, input, count, prev, next, onJump }) {
  let hits = [];  // [[mark, …] per match]
  let current = -1;

  function clear() {
    for (const mark of scope.querySelectorAll("mark.find-hit")) {
      const parent = mark.parentNode;
      mark.replaceWith(...mark.childNodes);
      parent.normalize();
    }
    hits = [];
    current = -1;
  }

  function search(words) {
    clear();
    if (!words) return;
    const needle = words.toLowerCase();
    for (const block of scope.querySelectorAll(BLOCKS)) {
      if (hits.length >= LIMIT) break;
      const haystack = block.textContent.toLowerCase();
      const found = [];
      for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
        found.push(at);
      }
      // Last match first: wrapping it leaves the offsets of the earlier ones as they were.
      const start = hits.length;
      const groups = found.map(() => []);
      for (let i = found.length - 1; i >= 0; i -= 1) {
        wrap(textNodes(block), found[i], found[i] + needle.length, start + i, groups[i]);
      }
      hits.push(...groups.filter((g) => g.length));
    }
  }

  function show() {
    for (const mark of scope.querySelectorAll("mark.is-current")) mark.classList.remove("is-current");
    const words = input.value.trim();
    prev.disabled = next.disabled = hits.length === 0;
    if (!words) count.textContent = "";
    else if (!hits.length) count.textContent = "没有找到";
    else count.textContent = `${current + 1} / ${hits.length}${hits.length >= LIMIT ? "+" : ""}`;
    if (current < 0 || !hits[current]) return;
    for (const mark of hits[current]) mark.classList.add("is-current");
    const target = hits[current][0];
    if (onJump) onJump(target);
    target.scrollIntoView({ block: "center" });
  }

  function go(step) {
    if (!hits.length) return;
    current = (current + step + hits.length) % hits.length;
    show();
  }

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      search(input.value.trim());
      current = hits.length ? 0 : -1;
      show();
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.isComposing) {
      event.preventDefault();
      go(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      input.value = "";
      clear();
      show();
    }
  });
  input.form.addEventListener("submit", (event) => event.preventDefault());
  prev.addEventListener("click", () => go(-1));
  next.addEventListener("click", () => go(1));
}
