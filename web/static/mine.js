// My reservation: both doses, and change and cancel, each explained in plain words when
// a rule blocks it (the deadlines come from the reservation itself).
"use strict";

let resv = null;

function blocked(now) {
  const change = VB.$("change");
  const cancel = VB.$("cancel");
  const active = resv.status === "booked" || resv.status === "confirmed";
  const canChange = active && Date.parse(now) < Date.parse(resv.change_until);
  const canCancel = active && Date.parse(now) < Date.parse(resv.cancel_until);
  change.hidden = !canChange;
  cancel.disabled = !canCancel;
  let why = "";
  if (!active) why = VB.t("mine.why.status");
  else if (!canChange) why = VB.t("mine.why.change", { t: VB.when(resv.change_until), c: VB.when(resv.cancel_until) });
  VB.say("change-why", why);
  VB.say("cancel-why", active && !canCancel ? VB.t("mine.why.cancel", { t: VB.when(resv.cancel_until) }) : "");
}

async function load() {
  const r = await VB.call("GET", VB.api + "/me");
  const box = VB.$("resv");
  box.textContent = "";
  if (r.status === 401) {
    VB.$("actions").hidden = true;
    box.append(VB.el("p", {}, VB.t("mine.signin")), VB.el("a", { href: "/wait", class: "button" }, VB.t("nav.book")));
    return;
  }
  if (r.status !== 200) return VB.say("error", VB.problem(r.data));
  resv = r.data.reservation;
  if (!resv) {
    VB.$("actions").hidden = true;
    box.append(VB.el("p", {}, VB.t("mine.none")));
    return;
  }
  box.append(VB.reservation(resv));
  // The server's clock, not the device's, decides: --now may run in the past.
  blocked(r.data.eligibility.now);
}

VB.$("cancel").addEventListener("click", () => {
  VB.$("cancel-confirm").hidden = false;
  VB.$("cancel-yes").focus();
});

VB.$("cancel-yes").addEventListener("click", async () => {
  const r = await VB.call("DELETE", VB.api + "/reservation");
  VB.$("cancel-confirm").hidden = true;
  if (r.status !== 200) {
    VB.say("error", VB.problem(r.data));
    if (r.data.code === "pass_required") setTimeout(() => { location.href = "/wait"; }, 1500);
    return;
  }
  VB.say("state", VB.t("mine.cancelled"));
  await load();
});

load();
