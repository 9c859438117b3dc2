import { api } from "./api.js";
import { labels } from "./kinds.js";
import { state, showError } from "./main.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 15000;
const view = { providerId: null, etag: null, timer: null, charts: {}, stats: null };
window.callbackPipelineCharts = view.charts;

const number = new Intl.NumberFormat();
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 0 });

function today(timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function range() {
  const choice = $("range").value;
  if (choice === "custom") return { from: $("from").value, to: $("to").value };
  const to = today(state.me.timeZone);
  return { from: addDays(to, 1 - Number(choice)), to };
}

export async function showStats(providerId) {
  if (view.providerId !== providerId) {
    view.providerId = providerId;
    view.etag = null;
    view.stats = null;
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
  if (showLoading) $("stats-status").textContent = "Loading stats…";
  try {
    const query = `from=${from}&to=${to}`;
    const result = await api("GET", `/v1/providers/${encodeURIComponent(view.providerId)}/stats?${query}`, { etag: showLoading ? null : view.etag });
    if (!result.notModified) {
      view.etag = result.etag;
      view.stats = result.json;
      render(result.json);
    }
    $("stats-status").textContent = view.stats.totals.sent + view.stats.totals.delivered + view.stats.totals.failed + view.stats.totals.clicks === 0
      ? "No messages in this range yet." : `Updated ${new Date(view.stats.asOf).toLocaleTimeString()}`;
  } catch (error) {
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
    deliveryRate: `${decimal.format(stats.deliveryRate)}%`,
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

function chart(name, data, series) {
  const host = $(`chart-${name}`);
  view.charts[name]?.destroy();
  const width = Math.max(280, host.clientWidth);
  view.charts[name] = new uPlot({
    width, height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: { x: { time: true } },
    axes: [
      { stroke: "#334155", incrs: [86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400], space: 56, values: (u, ticks) => ticks.map(dayLabel) },
      { stroke: "#334155" },
    ],
    series: [{ label: "Date", value: (u, v) => v == null ? "" : new Date(v * 1000).toISOString().slice(0, 10) },
      ...series.map(([label, stroke]) => ({ label, stroke, width: 2, points: { show: data[0].length <= 31 } }))],
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
  resizeTimer = setTimeout(() => { if (view.stats) render(view.stats); }, 150);
});
