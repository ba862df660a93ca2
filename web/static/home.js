// The landing page: the person's own booking window from the birth date they type, told
// before any waiting room or verification. Only someone who may book now is offered the
// way in; everyone else learns their day and what to do.
"use strict";

// windowsOf returns the person's windows (their group's and everyone's), in order.
function windowsOf(e) {
  return (e.windows || []).filter((w) => w.group === null || w.group === e.group)
    .sort((a, b) => Date.parse(a.opens) - Date.parse(b.opens));
}

// verdict renders what the eligibility answer means for this person now.
function verdict(e, out) {
  const now = Date.parse(e.now);
  const ws = windowsOf(e);
  const own = ws.find((w) => w.group === e.group);
  const open = ws.find((w) => w.group === null);
  const card = VB.el("div", { class: "verdict " + (e.open_now ? "verdict-ok" : "verdict-wait"), id: "verdict" });
  if (e.open_now) {
    card.append(VB.el("p", { class: "big" }, VB.t("home.now")));
    const w = e.window || ws.find((x) => Date.parse(x.opens) <= now && now < Date.parse(x.closes));
    if (w) card.append(VB.el("p", {}, VB.t("home.now.until", { closes: VB.datetime(w.closes) })));
    const go = VB.el("a", { class: "button", href: "/wait", id: "start" }, VB.t("home.start"));
    card.append(go);
    card.append(VB.el("p", { class: "hint" }, VB.t("home.start.hint")));
  } else {
    const next = ws.find((w) => Date.parse(w.opens) > now);
    if (next) {
      card.append(VB.el("p", { class: "big" }, VB.t("home.notyet", { opens: VB.datetime(next.opens) })));
      card.append(VB.el("p", {}, VB.t("home.notyet.next")));
    } else {
      card.append(VB.el("p", { class: "big" }, VB.t("home.over")));
      card.append(VB.el("p", {}, VB.t("home.over.next")), VB.el("a", { class: "button secondary", href: "/standby" }, VB.t("home.standby")));
    }
  }
  const dl = VB.el("dl", { class: "resv" });
  if (own) VB.row(dl, VB.t("home.own", { group: e.group }), VB.t("home.span", { opens: VB.datetime(own.opens), closes: VB.datetime(own.closes) }));
  if (open) VB.row(dl, VB.t("home.openperiod"), VB.t("home.span", { opens: VB.datetime(open.opens), closes: VB.datetime(open.closes) }));
  card.append(dl);
  out.append(card);
}

VB.$("day-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.clearErrors();
  const out = VB.$("day-out");
  out.textContent = "";
  const birth = VB.birth(VB.$("birth").value);
  if (!birth) return VB.errors([{ text: VB.t("err.birth_format"), field: "birth" }]);
  const r = await VB.call("GET", VB.api + "/eligibility?birth=" + encodeURIComponent(birth));
  if (r.status !== 200) return VB.fail(r, "birth");
  if (!r.data.in_cohort) {
    VB.store.set("birth", "");
    out.append(VB.el("div", { class: "verdict verdict-wait", id: "verdict" }, VB.t("home.outside")));
  } else {
    VB.store.set("birth", birth);
    verdict(r.data, out);
  }
  const v = VB.$("verdict");
  v.setAttribute("tabindex", "-1");
  v.scrollIntoView({ block: "nearest" });
  v.focus();
});

// A birth date given earlier in this tab is filled in again.
const known = VB.store.get("birth");
if (known) VB.$("birth").value = known.replace(/-/g, "");
