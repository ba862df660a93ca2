// The clinic page: staff sign in (the API sets an HttpOnly cookie for its own path, so
// this script never holds a credential), list a day's appointments of their own site,
// mark each vaccinated or no-show, and download the day as CSV.
"use strict";

const base = "/api/v1/clinic";
// today is the server's date (the service's clock), learnt from the first list.
let today = "";

async function load() {
  // Without a chosen day the server answers for its own today (Asia/Seoul, on the
  // service's clock), which the browser's clock and zone may not match.
  const day = VB.$("day").value;
  const r = await VB.call("GET", base + "/appointments" + (day ? "?date=" + encodeURIComponent(day) : ""));
  if (r.status === 401) return show(false);
  if (r.status !== 200) return VB.fail(r, "day");
  if (!day) today = r.data.date;
  VB.$("day").value = r.data.date;
  VB.say("site", r.data.site ? VB.t("clinic.site", { name: r.data.site.name + " (" + r.data.site.address + ")" }) : VB.t("clinic.site.id", { id: r.data.site_id }));
  VB.$("csv").href = base + "/appointments?format=csv&date=" + encodeURIComponent(r.data.date);
  const body = VB.$("list").tBodies[0];
  body.textContent = "";
  for (const a of r.data.appointments) {
    const tr = VB.el("tr");
    tr.append(VB.el("td", {}, a.name), VB.el("td", {}, a.birth), VB.el("td", {}, VB.t("resv.status." + a.status)));
    const td = VB.el("td");
    if (a.status === "booked" || a.status === "confirmed") {
      for (const st of ["vaccinated", "no_show"]) {
        const b = VB.el("button", { type: "button" }, VB.t("resv.status." + st));
        b.addEventListener("click", () => mark(a.id, st, r.data.date));
        td.append(b, " ");
      }
    }
    tr.append(td);
    body.append(tr);
  }
  VB.say("state", VB.t("clinic.count", { n: r.data.appointments.length, date: VB.date(r.data.date) }));
  loadStandby();
}

// loadStandby shows the site's standby list of today (the server's today) for leftover
// doses: its size, the doses and, in serving order, who is offered or waiting.
async function loadStandby() {
  const r = await VB.call("GET", base + "/standby");
  const body = VB.$("standby-list").tBodies[0];
  body.textContent = "";
  if (r.status !== 200) {
    VB.$("leftover").disabled = true;
    return VB.say("standby-count", VB.problem(r.data));
  }
  const d = r.data;
  VB.$("leftover").disabled = false;
  VB.say("standby-count", VB.t("clinic.standby.count", { w: d.waiting, o: d.offered, f: d.free, r: d.released, a: d.accepted }));
  for (const e of d.entries) {
    const tr = VB.el("tr");
    tr.append(VB.el("td", {}, e.state === "offered" ? VB.t("clinic.standby.offered") : String(e.position)),
      VB.el("td", {}, e.name), VB.el("td", {}, e.birth), VB.el("td", {}, VB.when(e.expires_at).slice(11)));
    body.append(tr);
  }
}

VB.$("leftover").addEventListener("click", async () => {
  const r = await VB.call("POST", base + "/leftovers", {});
  if (r.status !== 201) VB.fail(r, "leftover");
  else VB.say("state", VB.t("clinic.leftover.done"));
  loadStandby();
});

// mark records an attendance. A refusal (say, "vaccinated" on a future date) stays on
// screen in the error summary: the list is reloaded only after a success, so the
// message is not wiped and the click never silently does nothing.
async function mark(id, status, date) {
  VB.clearErrors();
  const r = await VB.call("POST", base + "/appointments/" + id + "/attendance", { status });
  if (r.status !== 200 && r.status < 500 && today && date > today) {
    return VB.errors([{ text: VB.t("clinic.future", { date: VB.date(date) }) }]);
  }
  if (r.status !== 200) return VB.fail(r);
  load();
}

function show(signedIn) {
  VB.$("signin").hidden = signedIn;
  VB.$("board").hidden = !signedIn;
}

VB.$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { login: VB.$("login").value, password: VB.$("password").value };
  if (VB.$("totp").value) body.totp = VB.$("totp").value;
  const r = await VB.call("POST", base + "/login", body);
  VB.$("password").value = "";
  if (r.status !== 200) return r.status === 401 ? VB.errors([{ text: VB.t("clinic.refused"), field: "login" }]) : VB.fail(r, "login");
  VB.clearErrors();
  show(true);
  load();
});

VB.$("day-form").addEventListener("submit", (e) => { e.preventDefault(); load(); });

VB.$("signout").addEventListener("click", async () => {
  await VB.call("POST", base + "/logout");
  show(false);
});

load();
