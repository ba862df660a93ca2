// The confirmation page: the reservation as the server holds it, both doses.
"use strict";

(async () => {
  const r = await VB.call("GET", VB.api + "/reservation");
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  const box = VB.$("resv");
  box.append(VB.el("p", { class: "big" }, VB.t("done.ok")), VB.reservation(r.data));
})();
