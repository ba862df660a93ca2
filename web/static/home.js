// The landing page: "my booking day" from a birth date, without signing in.
"use strict";

VB.$("day-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const birth = VB.$("birth").value;
  const r = await VB.call("GET", VB.api + "/eligibility?birth=" + encodeURIComponent(birth));
  const out = VB.$("day-out");
  out.textContent = "";
  if (r.status !== 200) {
    out.append(VB.el("p", { class: "error" }, VB.problem(r.data)));
    return;
  }
  const e = r.data;
  if (!e.in_cohort) {
    out.append(VB.el("p", { class: "error" }, VB.t("home.outside")));
    return;
  }
  const own = (e.windows || []).find((w) => w.group === e.group);
  const open = (e.windows || []).find((w) => w.group === null);
  if (own) out.append(VB.el("p", { class: "big" }, VB.t("home.group", { group: e.group, opens: VB.when(own.opens), closes: VB.when(own.closes) })));
  if (open) out.append(VB.el("p", {}, VB.t("home.open", { opens: VB.when(open.opens), closes: VB.when(open.closes) })));
  out.append(VB.el("p", {}, VB.t(e.open_now ? "home.now" : "home.notnow")));
});
