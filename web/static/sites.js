// Site search by province, district, name and dates, with the places left per date, a
// review step before anything is booked (site, both doses with weekdays, what to
// bring, and a warning inside the 14-day fixing period), and the booking itself (or,
// with ?change=1, the change of the current reservation, shown first).
"use strict";

const PAGE = 20;
const FIX_DAYS = 14;
const districts = JSON.parse(VB.$("districts").textContent);
const changing = new URLSearchParams(location.search).get("change") === "1";
let campaign = null;
// today is the service's date (the demo replays 2021), not the device's.
let today = (VB.served || new Date().toISOString()).slice(0, 10);
let current = null; // the reservation being changed
let elig = null; // the verified person's eligibility, for telling their own window
let shown = 0;
let lastQuery = null;
let lastID = 0;
let picked = null; // the date button that opened the review

if (changing) VB.say("mode", VB.t("sites.change"));

VB.$("province").addEventListener("change", () => {
  const sel = VB.$("district");
  sel.length = 0;
  const list = districts[VB.$("province").value] || [];
  sel.append(VB.el("option", { value: "" }, VB.t(list.length ? "field.any" : "field.district.first")));
  for (const d of list) sel.append(VB.el("option", { value: d }, d));
  sel.disabled = !list.length;
});

// review shows what will be booked and waits for the person to say yes.
function review(site, date, button) {
  VB.clearErrors();
  picked = button;
  const second = VB.addDays(date, campaign ? campaign.second_dose_days : 42);
  VB.say("review-h", VB.t(changing ? "review.title.change" : "review.title"));
  const cur = VB.$("review-current");
  cur.textContent = "";
  if (changing && current) {
    cur.append(VB.el("h3", {}, VB.t("review.current")), VB.reservation(current, "", true));
    cur.append(VB.el("h3", {}, VB.t("review.new")));
  }
  const dl = VB.$("review-body");
  dl.textContent = "";
  VB.row(dl, VB.t("resv.site"), site.name);
  VB.row(dl, VB.t("resv.address"), site.address);
  if (site.phone) VB.row(dl, VB.t("resv.phone"), site.phone);
  VB.row(dl, VB.t("resv.first"), VB.date(date));
  VB.row(dl, VB.t("resv.second"), VB.date(second) + " " + VB.t("review.second.same"));
  VB.row(dl, VB.t("review.vaccine"), VB.t("review.vaccine.later"));
  VB.row(dl, VB.t("review.bring"), VB.t("review.bring.what"));
  const days = VB.daysBetween(today, date);
  const warn = VB.$("review-warn");
  warn.textContent = "";
  warn.hidden = days > FIX_DAYS;
  if (days <= FIX_DAYS) {
    warn.append(VB.el("strong", {}, VB.t("review.fixed.h")), " ", VB.t("review.fixed", { cancel: VB.date(VB.addDays(date, -2)) }));
  }
  VB.say("review-note", VB.t(changing ? "review.note.change" : "review.note"));
  const ok = VB.$("review-ok");
  ok.textContent = VB.t(changing ? "review.ok.change" : "review.ok");
  ok.onclick = () => book(site, date);
  VB.$("finder").hidden = true;
  VB.$("current").hidden = true;
  VB.$("review").hidden = false;
  VB.$("review").scrollIntoView({ block: "start" });
  VB.$("review-h").focus({ preventScroll: true });
}

function back() {
  VB.clearErrors();
  VB.$("review").hidden = true;
  VB.$("finder").hidden = false;
  VB.$("current").hidden = !(changing && current);
  if (picked && document.body.contains(picked)) picked.focus();
}
VB.$("review-back").addEventListener("click", back);

// next steps for a refused booking: where the summary's link leads.
const hrefOf = { pass_in_use: "/wait", pass_required: "/wait", already_booked: "/mine", window_closed: "/", not_eligible: "/", change_locked: "/mine", no_reservation: "/sites" };

async function book(site, date) {
  VB.clearErrors();
  const ok = VB.$("review-ok");
  ok.disabled = true;
  const r = await VB.call(changing ? "PUT" : "POST", VB.api + "/reservation", { site_id: site.id, date });
  ok.disabled = false;
  if (r.status === 200 || r.status === 201) {
    location.href = changing ? "/done?changed=1" : "/done";
    return;
  }
  const code = r.data && r.data.code;
  if (code === "unauthorized") {
    VB.store.set("return", changing ? "/sites?change=1" : "/sites");
    return VB.errors([{ text: VB.problem(r.data), href: "/wait" }]);
  }
  let text = VB.problem(r.data, r.retryAfter);
  if (code === "window_closed" && elig) text += " " + ownWindow(elig);
  if (hrefOf[code]) return VB.errors([{ text, href: hrefOf[code] }]);
  VB.fail(r, code === "share_full" || code === "not_bookable" ? "review-back" : undefined);
}

// ownWindow says when the person may book next, from their eligibility.
function ownWindow(e) {
  const now = Date.parse(e.now);
  const next = (e.windows || []).filter((w) => w.group === null || w.group === e.group)
    .sort((a, b) => Date.parse(a.opens) - Date.parse(b.opens)).find((w) => Date.parse(w.opens) > now);
  return next ? VB.t("home.notyet", { opens: VB.datetime(next.opens) }) : VB.t("home.over");
}

function dateButton(s, d) {
  const li = VB.el("li");
  if (d.remaining > 0) {
    const b = VB.el("button", { type: "button", "data-date": d.date, "aria-label": VB.t("sites.book", { site: s.name, date: VB.date(d.date), n: d.remaining }) });
    b.append(VB.el("span", { class: "d" }, VB.date(d.date)), VB.el("span", { class: "n" }, VB.t("sites.remaining", { n: d.remaining })));
    if (VB.daysBetween(today, d.date) <= FIX_DAYS) {
      b.classList.add("fixed");
      b.append(VB.el("span", { class: "f" }, VB.t("sites.fixed")));
    }
    b.addEventListener("click", () => review(s, d.date, b));
    li.append(b);
  } else {
    li.append(VB.el("span", { class: "full" }, VB.date(d.date) + " · " + VB.t("sites.full")));
  }
  return li;
}

function results(sites, more) {
  const box = VB.$("results");
  for (const s of sites) {
    const art = VB.el("article", { class: "site" });
    art.append(VB.el("h2", {}, s.name));
    art.append(VB.el("p", {}, s.address));
    if (s.phone) {
      const tel = VB.el("p", {}, VB.t("resv.phone") + " ");
      tel.append(VB.el("a", { href: "tel:" + s.phone.replace(/[^0-9+]/g, "") }, s.phone));
      art.append(tel);
    }
    art.append(VB.el("p", { class: "hint" }, VB.t("sites.kind." + s.kind)));
    const ul = VB.el("ul", { class: "dates" });
    for (const d of s.dates) ul.append(dateButton(s, d));
    art.append(ul);
    box.append(art);
    lastID = s.id;
  }
  shown += sites.length;
  VB.$("more").hidden = !more;
  VB.say("count", !shown ? VB.t("sites.none") : more ? VB.t("sites.count.more", { n: shown }) : VB.t("sites.count", { n: shown }));
}

async function fetchPage(after) {
  const q = new URLSearchParams(lastQuery);
  if (after) q.set("after", String(after));
  const r = await VB.call("GET", VB.api + "/sites?" + q);
  if (r.status !== 200) return VB.fail(r, r.data && r.data.code === "invalid_input" ? "from" : undefined);
  const sites = r.data.sites || [];
  results(sites, sites.length === PAGE);
}

VB.$("search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.clearErrors();
  const from = VB.$("from").value;
  const to = VB.$("to").value;
  const errs = [];
  if (!from) errs.push({ text: VB.t("err.from_missing"), field: "from" });
  if (!to) errs.push({ text: VB.t("err.to_missing"), field: "to" });
  else if (from && to < from) errs.push({ text: VB.t("err.to_before"), field: "to" });
  if (errs.length) return VB.errors(errs);
  lastQuery = new URLSearchParams({ from, to, limit: String(PAGE) });
  for (const [k, id] of [["province", "province"], ["district", "district"], ["name", "sname"]]) {
    if (VB.$(id).value) lastQuery.set(k, VB.$(id).value);
  }
  VB.$("results").textContent = "";
  shown = 0;
  lastID = 0;
  await fetchPage(0);
  // On a phone the results start below the form: take the eye (and focus) there.
  if (VB.$("error-summary").hidden) {
    VB.$("count").scrollIntoView({ block: "start" });
    VB.$("count").focus();
  }
});

// The date-first search: one day, every region, the same results and paging.
VB.$("datefirst").addEventListener("submit", (ev) => {
  ev.preventDefault();
  VB.clearErrors();
  const d = VB.$("oneday").value;
  if (!d) return VB.errors([{ text: VB.t("err.from_missing"), field: "oneday" }]);
  VB.$("province").value = "";
  VB.$("province").dispatchEvent(new Event("change"));
  VB.$("sname").value = "";
  VB.$("from").value = d;
  VB.$("to").value = d;
  VB.$("search").requestSubmit();
});

VB.$("more").addEventListener("click", async () => {
  const before = VB.$("results").children.length;
  await fetchPage(lastID);
  const first = VB.$("results").children[before];
  if (first) {
    const h = first.querySelector("h2");
    h.setAttribute("tabindex", "-1");
    h.focus();
  }
});

// The dates start after the fixing period when the campaign allows, so a first choice
// can still be changed; earlier dates stay searchable.
async function start() {
  const [c, me] = await Promise.all([VB.call("GET", VB.api), VB.call("GET", VB.api + "/me")]);
  if (me.status === 200) {
    today = me.data.eligibility.now.slice(0, 10);
    elig = me.data.eligibility;
    current = me.data.reservation;
  }
  if (changing) {
    const box = VB.$("current");
    box.className = "card";
    if (current) box.append(VB.el("h2", {}, VB.t("review.current")), VB.reservation(current, me.data.eligibility.now));
    else box.append(VB.el("p", {}, VB.t("mine.none")));
    box.hidden = false;
  }
  if (c.status !== 200) return;
  campaign = c.data;
  for (const id of ["from", "to", "oneday"]) {
    VB.$(id).min = campaign.vaccination_from;
    VB.$(id).max = campaign.vaccination_to;
  }
  let from = VB.addDays(today, FIX_DAYS + 1);
  if (from < campaign.vaccination_from) from = campaign.vaccination_from;
  if (from > campaign.vaccination_to) from = today > campaign.vaccination_from ? today : campaign.vaccination_from;
  if (from > campaign.vaccination_to) from = campaign.vaccination_to;
  let to = VB.addDays(from, 6);
  if (to > campaign.vaccination_to) to = campaign.vaccination_to;
  if (!VB.$("from").value) VB.$("from").value = from;
  if (!VB.$("to").value) VB.$("to").value = to;
  if (!VB.$("oneday").value) VB.$("oneday").value = from;
}
start();
