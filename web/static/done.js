// The confirmation page: the reservation as the server holds it, both doses, what to
// bring, and how to change or cancel. After a change it says so.
"use strict";

(async () => {
  const r = await VB.call("GET", VB.api + "/me");
  if (r.status !== 200) return VB.fail(r);
  const resv = r.data.reservation;
  if (!resv) return VB.errors([{ text: VB.t("err.no_reservation"), href: "/sites" }]);
  const changed = new URLSearchParams(location.search).get("changed") === "1";
  const box = VB.$("resv");
  const h = VB.el("p", { class: "big ok-title", tabindex: "-1", id: "done-h" }, VB.t(changed ? "done.changed" : "done.ok"));
  box.append(h, VB.reservation(resv, r.data.eligibility.now));
  box.append(VB.el("p", {}, VB.t("done.bring")), VB.el("p", {}, VB.t("done.sms")), VB.el("p", {}, VB.t("done.how")));
  h.focus();
})();
