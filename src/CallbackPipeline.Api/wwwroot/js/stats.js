import { api } from "./api.js";
import { labels } from "./kinds.js";
import { state, showError } from "./main.js";
import { addDays, BOUNDS, categories, country, decimal, duration, element, LAST_BOUND, number, percent, percentile, today } from "./format.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 15000;
// The stats and the three insight routes, each polled with its own ETag.
const ROUTES = { stats: "stats", failures: "stats/failures", latency: "stats/latency", countries: "stats/countries" };
// loads: how many loads started, so that only the newest one draws (a slow poll never overwrites a newer range).
const view = { providerId: null, etags: {}, timer: null, charts: {}, data: {}, loads: 0 };
window.callbackPipelineCharts = view.charts;

function range() {
  const choice = $("range").value;
  if (choice === "custom") return { from: $("from").value, to: $("to").value };
  const to = today(state.me.timeZone);
  return { from: addDays(to, 1 - Number(choice)), to };
}

export async function showStats(providerId) {
  if (view.providerId !== providerId) {
    view.providerId = providerId;
    view.etags = {};
    view.data = {};
  }
  const provider = (await api("GET", `/v1/providers/${encodeURIComponent(providerId)}`)).json;
  $("provider-title").textContent = `${provider.name} · ${labels[provider.kind] ?? provider.kind}${provider.status === "archived" ? " (archived)" : ""}`;
  $("zone").textContent = `Days in ${state.me.timeZone}`;
  await load(true);
}

export function stopStats() {
  clearTimeout(view.timer);
  view.providerId = null;
}

async function load(showLoading) {
  clearTimeout(view.timer);
  const { from, to } = range();
  if (!from || !to) return;
  const loadNumber = ++view.loads;
  if (showLoading) $("stats-status").textContent = "Loading stats…";
  try {
    const query = `from=${from}&to=${to}`;
    const base = `/v1/providers/${encodeURIComponent(view.providerId)}`;
    const results = await Promise.all(Object.entries(ROUTES).map(async ([name, route]) =>
      [name, await api("GET", `${base}/${route}?${query}`, { etag: showLoading ? null : view.etags[name] })]));
    if (loadNumber !== view.loads) return;
    showError(null);
    for (const [name, result] of results) {
      if (result.notModified) continue;
      view.etags[name] = result.etag;
      view.data[name] = result.json;
      renderers[name](result.json);
    }
    const t = view.data.stats.totals;
    $("stats-status").textContent = t.sent + t.delivered + t.failed + t.clicks === 0
      ? "No messages in this range yet." : `Updated ${new Date(view.data.stats.asOf).toLocaleTimeString()}`;
  } catch (error) {
    if (loadNumber !== view.loads) return;
    $("stats-status").textContent = "";
    showError(error);
  }
  view.timer = setTimeout(() => { if (view.providerId) load(false); }, POLL_MS);
}

function render(stats) {
  const t = stats.totals;
  const figures = {
    sent: number.format(t.sent), delivered: number.format(t.delivered), clicks: number.format(t.clicks),
    failed: number.format(t.failed), errors: number.format(t.failed), clicked: number.format(t.clicked),
    deliveryRate: percent(stats.deliveryRate), ctr: percent(stats.ctr),
    dailyAvgSent: decimal.format(stats.dailyAvgSent), dailyAvgDelivered: decimal.format(stats.dailyAvgDelivered),
  };
  for (const node of document.querySelectorAll("#stats [data-figure]")) node.textContent = figures[node.dataset.figure];
  $("no-callbacks").hidden = stats.deliveryCallbacks;

  const x = stats.series.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
  const column = (name) => stats.series.map((d) => d[name]);
  chart("delivery", [x, column("sent"), column("failed"), column("clicks")],
    [["Total Sent", "#2563eb"], ["Total Errors", "#dc2626"], ["Total Clicks", "#059669"]]);
  chart("ctr", [x, column("ctr")], [["CTR %", "#7c3aed"]]);
  chart("rate", [x, column("deliveryRate")], [["Delivery Rate %", "#0891b2"]]);
  for (const box of document.querySelectorAll("[data-series]")) toggle(box);
}

// A panel shows its "none" line or its figures.
function filled(panel, any) {
  $(panel).querySelector("[data-empty]").hidden = any;
  $(panel).querySelector("[data-filled]").hidden = !any;
}

const cell = (text, className) => element("td", { class: className, text });

function renderFailures(failures) {
  filled("failures", failures.failed > 0);
  $("failure-categories").tBodies[0].replaceChildren(...failures.categories.map((c) => element("tr", { "data-category": c.category },
    element("th", { scope: "row", text: categories[c.category] ?? c.category }),
    cell(number.format(c.failed), "number"), cell(percent(c.share), "number"))));
  $("failure-codes").tBodies[0].replaceChildren(...failures.codes.map((c) => element("tr", { "data-code": c.code },
    element("th", { scope: "row", text: c.code === "none" ? "No code" : c.code === "other" ? "Other codes" : c.code }),
    cell(c.description ?? ""), cell(c.category ? categories[c.category] ?? c.category : ""),
    cell(number.format(c.failed), "number"), cell(percent(c.share), "number"))));
}

function renderLatency(latency) {
  filled("latency", latency.messages > 0);
  const figures = { messages: number.format(latency.messages), p50: percentile(latency.p50, latency.messages),
    p90: percentile(latency.p90, latency.messages), p99: percentile(latency.p99, latency.messages) };
  for (const node of document.querySelectorAll("#latency [data-latency]")) node.textContent = figures[node.dataset.latency];
  // The distribution from the first to the last bucket with messages: the empty tails say nothing.
  const used = latency.buckets.map((b, i) => b.messages > 0 ? i : -1).filter((i) => i >= 0);
  const shown = used.length ? latency.buckets.slice(used[0], used.at(-1) + 1) : [];
  const most = Math.max(1, ...shown.map((b) => b.messages));
  $("latency-buckets").tBodies[0].replaceChildren(...shown.map((b) => {
    const bar = element("span", { class: "bar" });
    bar.style.width = `${(100 * b.messages / most).toFixed(1)}%`;
    return element("tr", { "data-le": b.le ?? "open" },
      element("th", { scope: "row", text: b.le == null ? `More than ${duration(LAST_BOUND)}` : duration(b.le) }),
      cell(number.format(b.messages), "number"),
      cell(percent(Math.round(b.messages * 10000 / latency.messages) / 100), "number"),
      element("td", { class: "bar-cell" }, bar));
  }));
  if (latency.messages === 0) return;
  const x = latency.series.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
  chart("latency", [x, latency.series.map((d) => d.p50), latency.series.map((d) => d.p90)],
    [["p50", "#0891b2"], ["p90", "#b45309"]], { distr: 3, format: (v) => v == null ? "" : duration(v), splits: BOUNDS });
}

function renderCountries(result) {
  filled("countries", result.countries.length > 0);
  $("country-rows").tBodies[0].replaceChildren(...result.countries.map((c) => element("tr", { "data-country": c.country },
    element("th", { scope: "row", text: country(c.country) }),
    cell(number.format(c.sent), "number"), cell(number.format(c.delivered), "number"), cell(number.format(c.failed), "number"),
    cell(percent(c.deliveryRate), "number"))));
}

const renderers = { stats: render, failures: renderFailures, latency: renderLatency, countries: renderCountries };

function chart(name, data, series, y = {}) {
  const host = $(`chart-${name}`);
  view.charts[name]?.destroy();
  const width = Math.max(280, host.clientWidth);
  view.charts[name] = new uPlot({
    width, height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true }, y: y.distr ? { distr: y.distr } : {} },
    axes: [
      { stroke: "#334155", incrs: [86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400], space: 56, values: (u, ticks) => ticks.map(dayLabel) },
      y.format ? { stroke: "#334155", size: 64, values: (u, ticks) => ticks.map(y.format),
        ...(y.splits ? { splits: (u, axis, min, max) => y.splits.filter((b) => b >= min && b <= max), filter: (u, splits) => splits } : {}) } : { stroke: "#334155" },
    ],
    series: [{ label: "Date", value: (u, v) => v == null ? "" : new Date(v * 1000).toISOString().slice(0, 10) },
      ...series.map(([label, stroke]) => ({ label, stroke, width: 2, points: { show: data[0].length <= 31 }, ...(y.format ? { value: (u, v) => y.format(v) } : {}) }))],
  }, data, host);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });

function dayLabel(seconds) {
  return dayFormat.format(new Date(seconds * 1000));
}

function toggle(box) {
  const index = { sent: 1, failed: 2, clicks: 3 }[box.dataset.series];
  view.charts.delivery?.setSeries(index, { show: box.checked });
}

for (const box of document.querySelectorAll("[data-series]")) box.addEventListener("change", () => toggle(box));
$("range").addEventListener("change", () => {
  const custom = $("range").value === "custom";
  $("custom-range").hidden = !custom;
  if (custom) {
    const r = { to: today(state.me.timeZone) };
    $("to").value ||= r.to;
    $("from").value ||= addDays(r.to, -29);
    $("from").focus();
  } else {
    load(true);
  }
});
$("range-form").addEventListener("submit", (event) => { event.preventDefault(); load(true); });
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { for (const [name, data] of Object.entries(view.data)) renderers[name](data); }, 150);
});
