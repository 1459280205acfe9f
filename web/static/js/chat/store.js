// What the chat keeps in the browser: the conversation (session id and transcript) for this tab in
// sessionStorage, so a reload or a visit to a cited clause loses nothing; and this browser's past
// conversations in localStorage, to open again. A browser that refuses storage still works, without memory.

const SESSION_KEY = "qa.session";
const TRANSCRIPT_KEY = "qa.transcript";
const CONVERSATIONS_KEY = "qa.conversations";
const OLD_HISTORY_KEY = "qa.history";  // questions alone, as an earlier version kept them
const VOTES_KEY = "qa.votes";
const KEPT = 40;  // exchanges kept across reloads; older ones drop off
const CONVERSATIONS_KEPT = 20;  // past conversations kept; older ones drop off (and more when storage is full)
let memorySession = "";

function storage(kind) {
  try {
    return kind === "local" ? window.localStorage : window.sessionStorage;
  } catch (error) {
    return null;
  }
}

function read(kind, key, fallback) {
  const store = storage(kind);
  try {
    const value = store && store.getItem(key);
    return value ? JSON.parse(value) : fallback;
  } catch (error) {
    return fallback;
  }
}

function write(kind, key, value) {
  const store = storage(kind);
  if (!store) return false;
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
    return true;
  } catch (error) {
    return false;  // storage full: it works on, it just won't be remembered
  }
}

function newSessionId() {
  // crypto.randomUUID exists only in secure contexts, and intranet pages are often plain http.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function sessionId() {
  const store = storage("session");
  let id = (store && store.getItem(SESSION_KEY)) || memorySession;
  if (!id) {
    id = newSessionId();
    memorySession = id;
    if (store) store.setItem(SESSION_KEY, id);
  }
  return id;
}

export function transcript() {
  const entries = read("session", TRANSCRIPT_KEY, []);
  return Array.isArray(entries) ? entries : [];
}

export function remember(entry) {
  const entries = transcript().concat([entry]).slice(-KEPT);
  write("session", TRANSCRIPT_KEY, entries);
  keepConversation(sessionId(), entries);
}

export function forgetConversation() {
  const store = storage("session");
  if (store) {
    store.removeItem(SESSION_KEY);
    store.removeItem(TRANSCRIPT_KEY);
  }
  memorySession = "";
}

// This browser's past conversations, the latest first: {id (its session id), started, entries}.
export function conversations() {
  const kept = read("local", CONVERSATIONS_KEY, []);
  return Array.isArray(kept)
    ? kept.filter((c) => c && typeof c.id === "string" && Array.isArray(c.entries) && c.entries.length)
    : [];
}

// Keep this conversation (new, or grown by an exchange) at the top of the list; when storage is full, the
// oldest ones go until it fits.
function keepConversation(id, entries) {
  const others = conversations().filter((c) => c.id !== id);
  const started = (conversations().find((c) => c.id === id) || {}).started || Date.now();
  let kept = [{ id, started, entries }].concat(others).slice(0, CONVERSATIONS_KEPT);
  while (!write("local", CONVERSATIONS_KEY, kept) && kept.length > 1) kept = kept.slice(0, -1);
}

// Make a past conversation this tab's again (its session continues, while the server still holds it); its
// entries, or null when it is no longer kept.
export function openConversation(id) {
  const found = conversations().find((c) => c.id === id);
  if (!found) return null;
  const store = storage("session");
  memorySession = id;
  if (store) store.setItem(SESSION_KEY, id);
  write("session", TRANSCRIPT_KEY, found.entries.slice(-KEPT));
  return found.entries;
}

// The questions of this browser's conversations, newest first, each once (↑ in the question box).
export function history() {
  const questions = [];
  for (const conversation of conversations()) {
    for (const entry of conversation.entries.slice().reverse()) {
      if (typeof entry.question === "string" && !questions.includes(entry.question)) questions.push(entry.question);
    }
  }
  return questions;
}

export function clearHistory() {
  write("local", CONVERSATIONS_KEY, null);
  write("local", OLD_HISTORY_KEY, null);
}

// The vote given to each answer in this tab, so a reload shows it.
export function vote(answerId) {
  return read("session", VOTES_KEY, {})[answerId] || "";
}

export function rememberVote(answerId, value) {
  const votes = read("session", VOTES_KEY, {});
  votes[answerId] = value;
  write("session", VOTES_KEY, votes);
}

export function forgetVotes() {
  write("session", VOTES_KEY, null);
}
