// The operator dashboard: polls the queue and the congestion lights every 2 s, draws the
// last samples as SVG line charts, and sets the admission rate, pauses and resumes. The
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
}

function signout(why) {
  sessionStorage.removeItem(KEY);
  clearInterval(timer);
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
VB.$("signout").addEventListener("click", () => signout());

if (sessionStorage.getItem(KEY)) signin();
