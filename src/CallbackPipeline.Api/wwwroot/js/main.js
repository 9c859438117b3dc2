import { api, session, ApiError } from "./api.js";
import { showProviders } from "./providers.js";
import { showStats, stopStats } from "./stats.js";

const $ = (id) => document.getElementById(id);
// notice: what the next route shows once it has cleared the last error (why the user was signed out).
export const state = { me: null, providers: [], notice: null };

export function showError(error) {
  const banner = $("error");
  banner.textContent = error ? (error instanceof ApiError ? error.message : `Something went wrong: ${error.message}`) : "";
  banner.hidden = !error;
  if (error instanceof ApiError && error.status === 401) signOut("Your key is no longer valid. Sign in again.");
}

function show(section) {
  for (const id of ["sign-in", "providers", "provider"]) $(id).hidden = id !== section;
}

async function route() {
  showError(null);
  if (state.notice) {
    $("error").textContent = state.notice;
    $("error").hidden = false;
    state.notice = null;
  }
  if (!session.key) {
    stopStats();
    show("sign-in");
    $("account").hidden = true;
    $("api-key").focus();
    return;
  }
  try {
    state.me ??= (await api("GET", "/v1/me")).json;
    $("account-name").textContent = state.me.accountName;
    $("account-role").textContent = state.me.role === "admin" ? "Admin" : "Read only";
    $("account").hidden = false;
    const match = location.hash.match(/^#\/providers\/([^/]+)$/);
    if (match) {
      show("provider");
      await showStats(decodeURIComponent(match[1]));
    } else {
      stopStats();
      show("providers");
      await showProviders();
    }
  } catch (error) {
    showError(error);
  }
}

export function signOut(message) {
  session.key = null;
  state.me = null;
  state.notice = message ?? null;
  // Leaving a provider's page routes by itself (hashchange); the list's page routes here.
  if (location.hash) location.hash = "";
  else route();
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  session.key = $("api-key").value.trim();
  $("api-key").value = "";
  try {
    state.me = (await api("GET", "/v1/me")).json;
    await route();
  } catch (error) {
    session.key = null;
    state.me = null;
    const message = error instanceof ApiError && error.status === 401 ? "That key is not valid."
      : error instanceof ApiError && error.status === 403 ? "Use an account key: the operator key has no dashboard."
      : error.message;
    $("error").textContent = message;
    $("error").hidden = false;
  }
});
$("sign-out").addEventListener("click", () => signOut());
$("back").addEventListener("click", () => { location.hash = ""; });
window.addEventListener("hashchange", route);
route();
