// Site search by province, district and name with the places left per date, and the
// booking itself (or, with ?change=1, the change of an existing reservation).
"use strict";

const districts = JSON.parse(VB.$("districts").textContent);
const changing = new URLSearchParams(location.search).get("change") === "1";
if (changing) VB.say("mode", VB.t("sites.change"));

VB.$("province").addEventListener("change", () => {
  const sel = VB.$("district");
  sel.length = 1; // keep "all"
  for (const d of districts[VB.$("province").value] || []) sel.append(VB.el("option", { value: d }, d));
});

// addDays adds n days to a YYYY-MM-DD date.
function addDays(d, n) {
  const t = new Date(d + "T00:00:00Z");
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

async function book(site, date) {
  VB.say("error", "");
  const r = await VB.call(changing ? "PUT" : "POST", VB.api + "/reservation", { site_id: site.id, date });
  if (r.status === 200 || r.status === 201) {
    location.href = "/done";
    return;
  }
  VB.say("error", VB.problem(r.data));
  if (r.data.code === "pass_required") setTimeout(() => { location.href = "/wait"; }, 1500);
}

function results(sites) {
  const box = VB.$("results");
  box.textContent = "";
  VB.say("count", sites.length ? VB.t("sites.count", { n: sites.length }) : VB.t("sites.none"));
  for (const s of sites) {
    const art = VB.el("article", { class: "site" });
    art.append(VB.el("h2", {}, s.name));
    art.append(VB.el("p", {}, s.province + " " + s.district + " · " + s.address));
    const ul = VB.el("ul", { class: "dates" });
    for (const d of s.dates) {
      const li = VB.el("li");
      if (d.remaining > 0) {
        const b = VB.el("button", { type: "button", "aria-label": VB.t("sites.book", { site: s.name, date: d.date, n: d.remaining }), "data-date": d.date },
          VB.t("sites.remaining", { date: d.date, n: d.remaining }));
        b.addEventListener("click", () => book(s, d.date));
        li.append(b);
      } else {
        li.append(VB.el("span", { class: "full" }, d.date + " · " + VB.t("sites.full")));
      }
      ul.append(li);
    }
    art.append(ul);
    box.append(art);
  }
}

VB.$("search").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.say("error", "");
  const q = new URLSearchParams({ from: VB.$("from").value, to: VB.$("to").value, limit: "10" });
  for (const [k, id] of [["province", "province"], ["district", "district"], ["name", "sname"]]) {
    if (VB.$(id).value) q.set(k, VB.$(id).value);
  }
  const r = await VB.call("GET", VB.api + "/sites?" + q);
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  results(r.data.sites || []);
});

// The date picker is bounded by the campaign's vaccination dates and starts with a week.
async function start() {
  const r = await VB.call("GET", VB.api);
  if (r.status !== 200) return;
  for (const id of ["from", "to"]) {
    VB.$(id).min = r.data.vaccination_from;
    VB.$(id).max = r.data.vaccination_to;
  }
  if (!VB.$("from").value) VB.$("from").value = r.data.vaccination_from;
  if (!VB.$("to").value) VB.$("to").value = addDays(r.data.vaccination_from, 6);
}
start();
