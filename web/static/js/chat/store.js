// What the chat keeps in the browser: the conversation (session id and transcript) for this tab in
// sessionStorage, so a reload or a visit to a cited clause loses nothing; and the questions asked in this
// browser in localStorage, for re-asking. A browser that refuses storage still works, without memory.

const SESSION_KEY = "qa.session";
const TRANSCRIPT_KEY = "qa.transcript";
const HISTORY_KEY = "qa.history";
const VOTES_KEY = "qa.votes";
const KEPT = 40;  // exchanges kept across reloads; older ones drop off
const HISTORY_KEPT = 30;  // questions kept in the history
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
  if (!store) return;
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, JSON.stringify(value));
  } catch (error) {
    // storage full: it works on, it just won't be remembered
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
  write("session", TRANSCRIPT_KEY, transcript().concat([entry]).slice(-KEPT));
}

export function forgetConversation() {
  const store = storage("session");
  if (store) {
    store.removeItem(SESSION_KEY);
    store.removeItem(TRANSCRIPT_KEY);
  }
  memorySession = "";
}

// This browser's questions, newest first, each once.
export function history() {
  const questions = read("local", HISTORY_KEY, []);
  return Array.isArray(questions) ? questions.filter((q) => typeof q === "string") : [];
}

export function addToHistory(question) {
  const others = history().filter((q) => q !== question);
  write("local", HISTORY_KEY, [question].concat(others).slice(0, HISTORY_KEPT));
}

export function clearHistory() {
  write("local", HISTORY_KEY, null);
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
