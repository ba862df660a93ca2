// Leftover doses (잔여백신): join a site's standby list for today, then accept or decline
// the dose offered, within the window the server gives. The server's clock decides:
// the countdown starts from its "now", not the device's.
"use strict";

const districts = JSON.parse(VB.$("districts").textContent);
let poll = null;
let tick = null;

VB.$("province").addEventListener("change", () => {
  const sel = VB.$("district");
  sel.length = 1; // keep "all"
  for (const d of districts[VB.$("province").value] || []) sel.append(VB.el("option", { value: d }, d));
});

function siteName(e) {
  return e.site ? e.site.name : "#" + e.site_id;
}

// countdown shows the time left to accept, counting down from the server's now.
function countdown(expiresAt, now) {
  clearInterval(tick);
  const end = Date.now() + (Date.parse(expiresAt) - Date.parse(now));
  const show = () => {
    const left = Math.max(0, (end - Date.now()) / 1000);
    VB.say("countdown", VB.t("standby.remaining", { s: VB.duration(left) }));
    if (left <= 0) {
      clearInterval(tick);
      load();
    }
  };
  VB.$("countdown").hidden = false;
  show();
  tick = setInterval(show, 1000);
}

function render(data) {
  const e = data.entry;
  const open = !!e && (e.state === "waiting" || e.state === "offered");
  VB.$("entry").hidden = !e;
  VB.$("find").hidden = open || (!!e && e.state === "accepted");
  VB.$("offer-actions").hidden = !e || e.state !== "offered";
  VB.$("leave").hidden = !e || e.state !== "waiting";
  VB.$("to-mine").hidden = !e || e.state !== "accepted";
  VB.$("countdown").hidden = true;
  clearInterval(tick);
  clearTimeout(poll);
  if (!e) return;
  const site = siteName(e);
  const text = {
    waiting: VB.t("standby.waiting", { site, n: e.position }),
    offered: VB.t("standby.offered", { site, t: VB.when(e.expires_at).slice(11) }),
    accepted: VB.t("standby.accepted", { site }),
    declined: VB.t("standby.declined"),
    expired: VB.t("standby.expired"),
    withdrawn: VB.t("standby.withdrawn"),
  }[e.state];
  VB.say("entry-text", text);
  if (e.state === "offered") {
    countdown(e.expires_at, data.now);
    VB.$("accept").dataset.entry = e.id;
    VB.$("decline").dataset.entry = e.id;
  }
  // While in line the page asks again now and then: an offer also comes by text message.
  if (open) poll = setTimeout(load, 10000);
}

async function load() {
  const r = await VB.call("GET", VB.api + "/standby");
  if (r.status === 401) {
    VB.$("signin").hidden = false;
    VB.$("find").hidden = false;
    return;
  }
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  VB.$("signin").hidden = true;
  VB.say("intro", VB.t("standby.intro", { m: Math.round(r.data.offer_window_seconds / 60), date: VB.date(r.data.date) }));
  render(r.data);
}

async function join(site) {
  VB.say("error", "");
  const r = await VB.call("POST", VB.api + "/standby", { site_id: site.id });
  if (r.status !== 201) return VB.say("error", VB.problem(r.data));
  VB.$("results").textContent = "";
  VB.say("count", "");
  await load();
  VB.$("entry-text").focus();
}

function results(date, sites) {
  const box = VB.$("results");
  box.textContent = "";
  VB.say("count", sites.length ? VB.t("standby.sites.count", { n: sites.length, date: VB.date(date) }) : VB.t("standby.sites.none"));
  for (const s of sites) {
    const art = VB.el("article", { class: "site" });
    art.append(VB.el("h2", {}, s.name));
    art.append(VB.el("p", {}, s.province + " " + s.district + " · " + s.address));
    art.append(VB.el("p", {}, VB.t("standby.site.line", { w: s.waiting, f: s.free })));
    const b = VB.el("button", { type: "button", "aria-label": VB.t("standby.join.label", { site: s.name }) }, VB.t("standby.join"));
    b.addEventListener("click", () => join(s));
    art.append(b);
    box.append(art);
  }
}

VB.$("search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.say("error", "");
  const q = new URLSearchParams({ limit: "10" });
  for (const [k, id] of [["province", "province"], ["district", "district"], ["name", "sname"]]) {
    if (VB.$(id).value) q.set(k, VB.$(id).value);
  }
  const r = await VB.call("GET", VB.api + "/standby/sites?" + q);
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  results(r.data.date, r.data.sites || []);
});

async function act(path, ok) {
  VB.say("error", "");
  const r = await VB.call("POST", path);
  if (r.status !== 200 && r.status !== 201) VB.say("error", VB.problem(r.data));
  else VB.say("state", ok);
  await load();
}

VB.$("accept").addEventListener("click", () => act(VB.api + "/standby/" + VB.$("accept").dataset.entry + "/accept", VB.t("standby.done")));
VB.$("decline").addEventListener("click", () => act(VB.api + "/standby/" + VB.$("decline").dataset.entry + "/decline", VB.t("standby.declined")));

VB.$("leave").addEventListener("click", async () => {
  const r = await VB.call("DELETE", VB.api + "/standby");
  if (r.status !== 200) VB.say("error", VB.problem(r.data));
  else VB.say("state", VB.t("standby.withdrawn"));
  await load();
});

VB.$("entry-text").tabIndex = -1;
load();
