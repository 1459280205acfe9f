// Every page: the theme (the system's, or the one chosen and remembered), large type for projectors, and
// the "/" key that focuses the page's search box. Loaded in <head> so that the page is drawn in its theme.
"use strict";

(function () {
  const root = document.documentElement;
  const THEME_KEY = "qa.theme";  // "dark" | "light"; absent: follow the system
  const LARGE_KEY = "qa.large";  // "1" when large type is on
  const dark = window.matchMedia("(prefers-color-scheme: dark)");

  function stored(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;  // storage refused (private modes): the system setting still applies
    }
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (error) {
      // not remembered, but applied to this page
    }
  }

  function theme() {
    const chosen = stored(THEME_KEY);
    return chosen === "dark" || chosen === "light" ? chosen : dark.matches ? "dark" : "light";
  }

  function apply() {
    root.dataset.theme = theme();
    root.dataset.size = stored(LARGE_KEY) === "1" ? "large" : "normal";
    const large = document.getElementById("toggle-large");
    const night = document.getElementById("toggle-dark");
    if (large) large.setAttribute("aria-pressed", String(root.dataset.size === "large"));
    if (night) night.setAttribute("aria-pressed", String(root.dataset.theme === "dark"));
  }

  // Focus the page's search box on "/", unless the user is typing somewhere.
  function slash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const box = document.querySelector("[data-slash]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    if (box.select) box.select();
  }

  apply();
  if (dark.addEventListener) dark.addEventListener("change", apply);
  document.addEventListener("keydown", slash);
  document.addEventListener("DOMContentLoaded", () => {
    apply();
    const large = document.getElementById("toggle-large");
    const night = document.getElementById("toggle-dark");
    if (!large || !night) return;  // a page without the toggles still gets the theme
    large.addEventListener("click", () => {
      save(LARGE_KEY, root.dataset.size === "large" ? null : "1");
      apply();
    });
    night.addEventListener("click", () => {
      const next = root.dataset.theme === "dark" ? "light" : "dark";
      // Choosing what the system shows anyway forgets the choice, so the page follows the system again.
      save(THEME_KEY, next === (dark.matches ? "dark" : "light") ? null : next);
      apply();
    });
  });
  window.addEventListener("storage", apply);  // another tab changed the setting
})();
