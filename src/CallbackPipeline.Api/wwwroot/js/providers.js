import { api } from "./api.js";
import { kinds, labels } from "./kinds.js";
import { state, showError } from "./main.js";
import { addDays, categories, element, percent, percentile, today } from "./format.js";

const $ = (id) => document.getElementById(id);

const PAGE = 100;

export async function showProviders() {
  const status = $("providers-status");
  status.textContent = "Loading providers…";
  $("provider-rows").replaceChildren();
  state.providers = [];
  await loadPage(null);
  status.textContent = state.providers.length === 0 ? "No providers yet. Create one with POST /v1/providers." : "";
  $("comparison-range").textContent = `Last 7 days in ${state.me.timeZone}`;
}

// One page of providers and the same page of the overview: both lists share the providers' order and cursor.
async function loadPage(cursor) {
  const to = today(state.me.timeZone);
  const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
  const [providers, overview] = await Promise.all([
    api("GET", `/v1/providers?limit=${PAGE}${after}`),
    api("GET", `/v1/stats?from=${addDays(to, -6)}&to=${to}&limit=${PAGE}${after}`),
  ]);
  state.providers.push(...providers.json);
  const figures = new Map(overview.json.providers.map((p) => [p.providerId, p]));
  $("provider-rows").append(...providers.json.map((p) => row(p, figures.get(p.id))));
  const more = $("more-providers");
  more.hidden = !providers.next;
  more.disabled = false;
  more.onclick = () => {
    more.disabled = true;
    loadPage(providers.next).then(() => showError(null), (error) => { more.disabled = false; showError(error); });
  };
}

// The comparison columns: delivery rate, time to deliver and the largest failure category over the last 7 days.
function comparison(figures) {
  if (!figures) return [element("td", { text: "–" }), element("td", { text: "–" }), element("td", { text: "–" })];
  const time = figures.timeToDeliver;
  const top = figures.topFailure;
  return [
    element("td", { class: "number", "data-figure": "deliveryRate", text: percent(figures.deliveryRate) }),
    element("td", { "data-figure": "timeToDeliver", text: time.messages ? `${percentile(time.p50, time.messages)} / ${percentile(time.p90, time.messages)}` : "–" }),
    element("td", { "data-figure": "topFailure", text: top ? `${categories[top.category] ?? top.category} (${percent(top.share)})` : "None" }),
  ];
}

function row(provider, figures) {
  const badges = element("td", {},
    element("span", { class: `badge ${provider.status}`, text: provider.status === "archived" ? "Archived" : "Active" }),
    provider.isDefault ? element("span", { class: "badge default", text: "Default" }) : "");
  const actions = element("td", { class: "actions" });
  if (state.me.role === "admin") {
    actions.append(element("button", {
      type: "button", class: "icon", "aria-haspopup": "menu", "aria-expanded": "false",
      "aria-label": `Actions for ${provider.name}`, text: "⋯",
      onclick: (event) => openMenu(event.currentTarget, provider),
    }));
  }
  return element("tr", { "data-provider": provider.id },
    element("th", { scope: "row" }, element("a", { href: `#/providers/${encodeURIComponent(provider.id)}`, text: provider.name })),
    element("td", { text: labels[provider.kind] ?? provider.kind }),
    badges,
    ...comparison(figures),
    actions);
}

function openMenu(button, provider) {
  const menu = $("menu");
  const archived = provider.status === "archived";
  const items = [
    ["Edit settings", () => openEdit(provider), archived],
    ["Mark as Default", () => act(() => api("POST", `/v1/providers/${provider.id}/default`)), archived || provider.isDefault],
    ["Archive", () => confirmThen(`Archive ${provider.name}?`,
      "Archiving cannot be undone. The provider takes no new messages, cannot be edited or made default, and its stats stay available.",
      "Archive", () => api("POST", `/v1/providers/${provider.id}/archive`)), archived],
    ["Delete", () => confirmThen(`Delete ${provider.name}?`,
      "Deleting removes the provider and all its data: stats, counters and queued events. Its callback URL stops working. This cannot be undone.",
      "Delete", () => api("DELETE", `/v1/providers/${provider.id}`)), false],
  ];
  menu.replaceChildren(...items.map(([label, action, disabled]) => element("button", {
    type: "button", role: "menuitem", disabled, text: label,
    onclick: () => { closeMenu(); action(); },
  })));
  const box = button.getBoundingClientRect();
  menu.style.top = `${box.bottom + window.scrollY + 4}px`;
  menu.style.left = `${Math.max(8, box.right + window.scrollX - 200)}px`;
  menu.hidden = false;
  button.setAttribute("aria-expanded", "true");
  menu.opener = button;
  menu.querySelector("button:not([disabled])")?.focus();
}

function closeMenu() {
  const menu = $("menu");
  if (menu.hidden) return;
  menu.hidden = true;
  menu.opener?.setAttribute("aria-expanded", "false");
  menu.opener?.focus();
}

$("menu").addEventListener("keydown", (event) => {
  const items = [...$("menu").querySelectorAll("button:not([disabled])")];
  const index = items.indexOf(document.activeElement);
  if (event.key === "Escape") closeMenu();
  else if (event.key === "ArrowDown") items[(index + 1) % items.length]?.focus();
  else if (event.key === "ArrowUp") items[(index - 1 + items.length) % items.length]?.focus();
  else return;
  event.preventDefault();
});
document.addEventListener("click", (event) => {
  if (!$("menu").hidden && !$("menu").contains(event.target) && event.target !== $("menu").opener) closeMenu();
});

async function act(call) {
  try {
    await call();
    await showProviders();
    showError(null);
  } catch (error) {
    showError(error);
  }
}

function confirmThen(title, text, verb, call) {
  const dialog = $("confirm");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = verb;
  dialog.returnValue = "";
  dialog.onclose = () => { if (dialog.returnValue === "ok") act(call); };
  dialog.showModal();
}

function openEdit(provider) {
  const spec = kinds[provider.kind];
  $("edit-title").textContent = `Provider credentials · ${provider.name}`;
  $("edit-error").hidden = true;
  $("edit-name").value = provider.name;
  $("edit-callbacks").checked = provider.deliveryCallbacks;
  $("edit-callback-url").value = provider.callbackUrl;
  $("test-result").textContent = "";
  const field = (section, name, value, placeholder) => element("div", { class: "field" },
    element("label", { for: `edit-${section}-${name}`, text: name }),
    element("input", { id: `edit-${section}-${name}`, "data-section": section, "data-name": name, value: value ?? "", placeholder: placeholder ?? "", type: section === "secrets" ? "password" : "text", autocomplete: "off" }));
  $("edit-settings").replaceChildren(element("legend", { text: "Settings" }),
    ...spec.settings.map((name) => field("settings", name, provider.settings[name])));
  $("edit-secrets").replaceChildren(element("legend", { text: "Secrets (write-only: leave blank to keep)" }),
    ...spec.secrets.map((name) => field("secrets", name, "", provider.secretsSet.includes(name) ? "•••••• (set)" : "not set")));
  $("test-send").onclick = () => sendTest(provider);
  $("edit-form").onsubmit = (event) => { event.preventDefault(); save(provider); };
  $("edit-cancel").onclick = () => $("edit").close();
  $("edit").showModal();
}

async function save(provider) {
  const settings = {};
  const secrets = {};
  for (const input of $("edit-form").querySelectorAll("input[data-section]")) {
    const value = input.value.trim();
    if (input.dataset.section === "settings") settings[input.dataset.name] = value === "" ? null : value;
    else if (value !== "") secrets[input.dataset.name] = value;
  }
  try {
    await api("PUT", `/v1/providers/${provider.id}/settings`, {
      body: { name: $("edit-name").value.trim(), deliveryCallbacks: $("edit-callbacks").checked, settings, secrets },
    });
    $("edit").close();
    await showProviders();
  } catch (error) {
    $("edit-error").textContent = error.message;
    $("edit-error").hidden = false;
  }
}

async function sendTest(provider) {
  const result = $("test-result");
  result.textContent = "Sending…";
  try {
    const { json } = await api("POST", `/v1/providers/${provider.id}/test-sms`, { body: { to: $("test-to").value.trim(), body: $("test-body").value } });
    result.textContent = json.ok ? `Sent. Provider message id: ${json.providerMessageId}` : `The provider refused it: ${json.error}`;
  } catch (error) {
    result.textContent = error.message;
  }
}
