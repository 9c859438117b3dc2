// Formatting shared by the pages: numbers, rates, days, times to deliver, failure categories and countries.
export const number = new Intl.NumberFormat();
export const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 0 });
export const percent = (value) => `${decimal.format(value)}%`;

export function today(timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

// Seconds in the largest unit that keeps the figure at least 1 (a bucket bound or an axis tick).
export function duration(seconds) {
  if (seconds < 60) return `${oneDecimal.format(seconds)} s`;
  if (seconds < 3600) return `${oneDecimal.format(seconds / 60)} min`;
  if (seconds < 86400) return `${oneDecimal.format(seconds / 3600)} h`;
  return `${oneDecimal.format(seconds / 86400)} d`;
}

// The time-to-deliver buckets' upper bounds, in seconds; an open bucket follows the last.
export const BOUNDS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 259200];
export const LAST_BOUND = BOUNDS.at(-1);

// A percentile as the API gives it: the bound of its bucket, null for the open bucket or for no messages.
export function percentile(value, messages) {
  if (!messages) return "–";
  return value == null ? `> ${duration(LAST_BOUND)}` : `≤ ${duration(value)}`;
}

export const categories = {
  invalid_number: "Invalid number",
  unreachable: "Unreachable",
  blocked: "Blocked or filtered",
  opted_out: "Opted out",
  rejected: "Rejected",
  expired: "Expired",
  provider_error: "Provider error",
  unknown: "Unknown",
};

const regions = new Intl.DisplayNames(undefined, { type: "region", fallback: "code" });

export function country(code) {
  if (code === "unknown") return "Unknown";
  try {
    return `${regions.of(code)} (${code})`;
  } catch {
    return code;
  }
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}
