// The operator dashboard: polls the queue and the congestion lights every 2 s, draws the
// last samples as SVG line charts, and sets the admission rate, pauses and resumes. The
// It also shows the campaign's booking windows (ops-campaigns.js edits them), uploads CSV files (sites,
// capacities, delivery plans, eligible counts), charts booking rates every 10 s and lists
// dead notifications with a retry button. The
// operator token is kept in this tab's sessionStorage only (a stopgap until operator
// accounts exist) and sent as a bearer token.
"use strict";

const KEY = "vb_operator_token";
const N = 90; // samples kept: 3 minutes at one per 2 s
const samples = [];
const SVG = "http://www.w3.org/2000/svg";
let timer = null;

const auth = () => ({ Authorization: "Bearer " + sessionStorage.getItem(KEY) });

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// chart draws series (each {key, cls}) of samples into an svg 600×160 with a y-axis max.
function chart(id, series, legend) {
  const el = VB.$(id);
  el.textContent = "";
  const max = Math.max(1, ...samples.flatMap((s) => series.map((k) => s[k.key] || 0)));
  const x = (i) => 40 + (i * 550) / (N - 1);
  const y = (v) => 140 - (v / max) * 125;
  el.append(svg("line", { x1: 40, y1: 140, x2: 590, y2: 140, class: "axis" }));
  el.append(svg("line", { x1: 40, y1: 15, x2: 40, y2: 140, class: "axis" }));
  const top = svg("text", { x: 36, y: 20, "text-anchor": "end", class: "tick" });
  top.textContent = String(Math.round(max * 10) / 10);
  const zero = svg("text", { x: 36, y: 140, "text-anchor": "end", class: "tick" });
  zero.textContent = "0";
  el.append(top, zero);
  for (const k of series) {
    const pts = samples.map((s, i) => x(i + N - samples.length) + "," + y(s[k.key] || 0)).join(" ");
    el.append(svg("polyline", { points: pts, class: "series " + k.cls, fill: "none" }));
  }
  const t = svg("title", {});
  t.textContent = legend;
  el.prepend(t);
  const l = svg("text", { x: 45, y: 156, class: "tick" });
  l.textContent = legend;
  el.append(l);
}

async function tick() {
  const [q, m] = await Promise.all([VB.call("GET", "/api/v1/admin/queue", undefined, auth()), VB.call("GET", "/api/v1/identity/methods")]);
  if (q.status === 401 || q.status === 403) return signout(VB.problem(q.data));
  if (q.status !== 200) return VB.say("error", VB.problem(q.data));
  VB.say("error", "");
  const s = q.data;
  samples.push(s);
  if (samples.length > N) samples.shift();
  VB.say("s-waiting", String(s.waiting));
  VB.say("s-active", s.active + " / " + s.max_active);
  VB.say("s-rate", (s.rate || 0).toFixed(1));
  VB.say("s-measured", (s.measured_rate || 0).toFixed(1));
  VB.say("state", s.paused ? VB.t("ops.state.paused") : VB.t("ops.state.running", { mode: VB.t(s.auto ? "ops.mode.auto" : "ops.mode.manual") }));
  document.body.dataset.paused = s.paused ? "1" : "0";
  chart("chart-queue", [{ key: "waiting", cls: "a" }, { key: "active", cls: "b" }], VB.t("ops.legend.queue"));
  chart("chart-rate", [{ key: "rate", cls: "a" }, { key: "measured_rate", cls: "b" }], VB.t("ops.legend.rate"));
  if (m.status === 200) {
    const ul = VB.$("methods");
    ul.textContent = "";
    for (const l of m.data.methods) {
      const li = VB.el("li", { class: "method light-" + l.color });
      li.append(VB.el("span", { class: "dot", "aria-hidden": "true" }), VB.el("strong", {}, VB.t("method." + l.method)),
        VB.el("span", { class: "badge" }, VB.t("light." + l.color)),
        VB.el("span", {}, VB.t("verify.wait", { wait: VB.duration(l.wait_seconds) }) + " · " + l.in_flight + "/" + l.capacity));
      ul.append(li);
    }
  }
}

const ADMIN = "/api/v1/admin/campaigns/" + VB.campaign;
let slow = null;

// campaign shows the campaign's dates and booking windows, again after each edit
// (ops-campaigns.js tells with a "vb:campaigns" event).
async function campaign() {
  const r = await VB.call("GET", VB.api);
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  const c = r.data;
  const dl = VB.$("camp-dates");
  dl.textContent = "";
  const row = (k, v) => { const d = VB.el("div"); d.append(VB.el("dt", {}, VB.t(k)), VB.el("dd", {}, v)); dl.append(d); };
  row("ops.campaign.name", c.name);
  row("ops.campaign.cohort", c.cohort_from + " – " + c.cohort_to);
  row("ops.campaign.vacc", c.vaccination_from + " – " + c.vaccination_to);
  row("ops.campaign.second", VB.t("ops.days", { n: c.second_dose_days }));
  const tb = VB.$("windows").tBodies[0];
  tb.textContent = "";
  for (const w of c.windows || []) {
    const tr = VB.el("tr");
    const g = w.group === null || w.group === undefined ? VB.t("ops.win.everyone") : VB.t("ops.win.groupn", { n: w.group });
    tr.append(VB.el("th", { scope: "row" }, g + (w.pooled ? " · " + VB.t("ops.win.pooled") : "")), VB.el("td", {}, VB.when(w.opens)), VB.el("td", {}, VB.when(w.closes)));
    tb.append(tr);
  }
}

// upload sends the chosen file's text as CSV; a 422 lists every error, nothing applied.
async function upload(ev) {
  ev.preventDefault();
  const f = VB.$("imp-file").files[0];
  const kind = VB.$("imp-kind").value;
  const ul = VB.$("imp-errors");
  ul.textContent = "";
  VB.say("imp-result", VB.t("ops.import.sending"));
  if (!f) return VB.say("imp-result", VB.t("ops.import.nofile"));
  let resp, data = {};
  try {
    resp = await fetch(ADMIN + "/imports/" + encodeURIComponent(kind), { method: "POST", credentials: "same-origin",
      headers: Object.assign({ "Content-Type": "text/csv", Accept: "application/json" }, auth()), body: await f.text() });
    data = await resp.json().catch(() => ({}));
  } catch (e) {
    return VB.say("imp-result", VB.problem({ code: "network" }));
  }
  const res = VB.$("imp-result");
  if (resp.status === 200) {
    res.className = "ok";
    VB.say("imp-result", VB.t("ops.import.applied", { n: data.applied, kind: VB.t("ops.kind." + kind) }));
    stats();
    if (kind === "sites") campaign();
    return;
  }
  res.className = "error";
  if (resp.status === 401 || resp.status === 403) return signout(VB.problem(data));
  if (resp.status === 422 && Array.isArray(data.errors)) {
    VB.say("imp-result", VB.t("ops.import.rejected", { n: data.errors.length }));
    for (const e of data.errors) ul.append(VB.el("li", {}, e));
    return;
  }
  VB.say("imp-result", VB.problem(data) + (data.detail ? " (" + data.detail + ")" : ""));
}

// bars draws one labelled bar per item ({label, pct, text}) into an svg 600×200, with
// the percentage written above each bar so no reader depends on the bar's length.
function bars(id, items) {
  const el = VB.$(id);
  el.textContent = "";
  const t = svg("title", {});
  t.textContent = items.map((i) => i.label + ": " + i.text).join(", ");
  el.append(t);
  el.append(svg("line", { x1: 30, y1: 160, x2: 595, y2: 160, class: "axis" }));
  const max = Math.max(1, ...items.map((i) => i.pct));
  const w = 565 / Math.max(1, items.length);
  items.forEach((it, i) => {
    const h = (it.pct / max) * 130;
    const x = 30 + i * w;
    const b = svg("rect", { x: x + w * 0.15, y: 160 - h, width: w * 0.7, height: Math.max(h, 0.5), class: "bar" });
    const bt = svg("title", {});
    bt.textContent = it.label + ": " + it.text;
    b.append(bt);
    const v = svg("text", { x: x + w / 2, y: 155 - h, "text-anchor": "middle", class: "tick" });
    // Without an eligible count there is no rate to write: the bar says "—" (its text,
    // read by screen readers, says why).
    v.textContent = it.rated === false ? "—" : it.pct.toFixed(1) + "%";
    const l = svg("text", { x: x + w / 2, y: 176, "text-anchor": "middle", class: "tick" });
    l.textContent = it.label;
    el.append(b, v, l);
  });
}

// hbars draws one horizontal bar per item with its full name on the left and the
// percentage and counts written after the bar; the svg grows with the number of items.
function hbars(id, items) {
  const el = VB.$(id);
  el.textContent = "";
  const rowH = 20;
  const hgt = Math.max(1, items.length) * rowH + 10;
  el.setAttribute("viewBox", "0 0 600 " + hgt);
  const t = svg("title", {});
  t.textContent = items.map((i) => i.label + ": " + i.text).join(", ");
  el.append(t, svg("line", { x1: 130, y1: 5, x2: 130, y2: hgt - 5, class: "axis" }));
  const max = Math.max(1, ...items.map((i) => i.pct));
  items.forEach((it, i) => {
    const y = 5 + i * rowH;
    const w = (it.pct / max) * 250;
    const l = svg("text", { x: 124, y: y + 14, "text-anchor": "end", class: "tick" });
    l.textContent = it.label;
    const b = svg("rect", { x: 130, y: y + 3, width: Math.max(w, 0.5), height: rowH - 6, class: "bar" });
    const v = svg("text", { x: 136 + w, y: y + 14, class: "tick" });
    v.textContent = it.text;
    el.append(l, b, v);
  });
  if (!items.length) {
    const n = svg("text", { x: 136, y: 19, class: "tick" });
    n.textContent = VB.t("ops.stats.none");
    el.append(n);
  }
}

// hourly draws bookings per hour as a small line with the peak and the last hour as text.
function hourly(hours) {
  const el = VB.$("chart-hourly");
  el.textContent = "";
  const t = svg("title", {});
  t.textContent = VB.t("ops.chart.hourly");
  el.append(t, svg("line", { x1: 40, y1: 100, x2: 590, y2: 100, class: "axis" }));
  const max = Math.max(1, ...hours.map((h) => h.bookings));
  const n = hours.length;
  const x = (i) => 40 + (n < 2 ? 0 : (i * 550) / (n - 1));
  const y = (v) => 100 - (v / max) * 80;
  if (n) el.append(svg("polyline", { points: hours.map((h, i) => x(i) + "," + y(h.bookings)).join(" "), class: "series a", fill: "none" }));
  const top = svg("text", { x: 36, y: 24, "text-anchor": "end", class: "tick" });
  top.textContent = String(max);
  const l = svg("text", { x: 45, y: 116, class: "tick" });
  l.textContent = n ? VB.t("ops.hourly.text", { n: hours[n - 1].bookings, t: VB.when(hours[n - 1].hour), max }) : VB.t("ops.hourly.none");
  el.append(top, l);
}

async function stats() {
  const r = await VB.call("GET", ADMIN + "/stats", undefined, auth());
  if (r.status === 401 || r.status === 403) return signout(VB.problem(r.data));
  if (r.status !== 200) return VB.say("st-total", VB.problem(r.data));
  const rates = r.data.rates || [];
  // Without eligible counts a rate would read "0.0%": say the count is missing instead.
  const rate = (x) => (x.eligible > 0 ? VB.t("ops.rate.text", { p: x.percent.toFixed(1), b: x.booked, e: x.eligible }) : VB.t("ops.rate.noeligible", { b: x.booked }));
  const item = (x, label, short) => ({
    label, rated: !!x && x.eligible > 0, pct: x && x.eligible > 0 ? x.percent : 0,
    text: !x ? VB.t("ops.stats.noeligible") : x.eligible > 0 || !short ? rate(x) : VB.t("ops.rate.booked", { b: x.booked }),
  });
  const all = rates.find((x) => x.dimension === "campaign");
  let total = VB.t("ops.stats.none");
  if (all && all.eligible > 0) total = VB.t("ops.stats.total", { p: all.percent.toFixed(1), b: all.booked, e: all.eligible, c: r.data.cancellations, ns: r.data.no_shows });
  else if (all) total = VB.t("ops.stats.total.noeligible", { b: all.booked, c: r.data.cancellations, ns: r.data.no_shows });
  VB.say("st-total", total);
  const groups = [];
  for (let g = 0; g <= 9; g++) groups.push(item(rates.find((x) => x.dimension === "group" && x.key === String(g)), String(g), true));
  bars("chart-group", groups);
  hbars("chart-province", rates.filter((x) => x.dimension === "province").map((x) => item(x, x.key)));
  hourly(r.data.hourly || []);
}

// outbox lists dead notifications, each with a button that puts it back in line.
async function outbox() {
  const r = await VB.call("GET", "/api/v1/admin/outbox", undefined, auth());
  if (r.status === 401 || r.status === 403) return signout(VB.problem(r.data));
  const ul = VB.$("outbox");
  if (r.status !== 200) return VB.say("ob-count", VB.problem(r.data));
  const msgs = r.data.messages || [];
  VB.say("ob-count", VB.t("ops.outbox.count", { n: msgs.length }));
  ul.textContent = "";
  for (const m of msgs) {
    const li = VB.el("li", {}, "#" + m.id + " · " + m.kind + " · " + VB.t("ops.outbox.attempts", { n: m.attempts }) + " · " + (m.last_error || "") + " ");
    const b = VB.el("button", { type: "button", "aria-label": VB.t("ops.outbox.retry.n", { id: m.id }) }, VB.t("ops.outbox.retry"));
    b.addEventListener("click", async () => {
      b.disabled = true;
      const x = await VB.call("POST", "/api/v1/admin/outbox/" + m.id + "/retry", undefined, auth());
      if (x.status !== 200) VB.say("error", VB.problem(x.data));
      outbox();
    });
    li.append(b);
    ul.append(li);
  }
}

// auditLog shows the newest entries of the audit log on request only: reading it is
// itself recorded, so it is never polled.
async function auditLog() {
  const r = await VB.call("GET", "/api/v1/admin/audit?limit=100", undefined, auth());
  if (r.status === 401 || r.status === 403) return signout(VB.problem(r.data));
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  const table = VB.$("audit");
  const body = table.tBodies[0];
  body.textContent = "";
  for (const e of r.data.entries || []) {
    const tr = VB.el("tr");
    for (const v of [e.at, e.actor, e.action, e.site_id || "", e.detail || ""]) tr.append(VB.el("td", {}, String(v)));
    body.append(tr);
  }
  table.hidden = false;
}

VB.$("audit-load").addEventListener("click", auditLog);

function slowTick() {
  stats();
  outbox();
}

async function act(method, path, body) {
  const r = await VB.call(method, path, body, auth());
  if (r.status !== 200) VB.say("error", VB.problem(r.data));
  await tick();
}

function signin() {
  VB.$("signin").hidden = true;
  VB.$("board").hidden = false;
  tick();
  timer = setInterval(tick, 2000);
  campaign();
  slowTick();
  slow = setInterval(slowTick, 10000);
  document.dispatchEvent(new Event("vb:signin"));
}

function signout(why) {
  sessionStorage.removeItem(KEY);
  clearInterval(timer);
  clearInterval(slow);
  VB.$("board").hidden = true;
  VB.$("signin").hidden = false;
  if (why) VB.$("signin").append(VB.el("p", { role: "alert", class: "error" }, why));
}

VB.$("signin").addEventListener("submit", (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(KEY, VB.$("token").value);
  VB.$("token").value = "";
  signin();
});
VB.$("rate-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("PUT", "/api/v1/admin/queue/rate", { rate: Number(VB.$("rate").value), auto: false });
});
VB.$("auto").addEventListener("click", () => act("PUT", "/api/v1/admin/queue/rate", { auto: true }));
VB.$("pause").addEventListener("click", () => act("POST", "/api/v1/admin/queue/pause"));
VB.$("resume").addEventListener("click", () => act("POST", "/api/v1/admin/queue/resume"));
VB.$("import-form").addEventListener("submit", upload);
VB.$("signout").addEventListener("click", () => signout());
document.addEventListener("vb:campaigns", campaign);

if (sessionStorage.getItem(KEY)) signin();
