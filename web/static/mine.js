// My reservation: both doses, and change and cancel, each explained in plain words when
// a rule blocks it (the deadlines come from the reservation itself). Cancelling shows
// what will be cancelled and asks "예, 취소합니다" or "아니요".
"use strict";

let resv = null;
let now = "";

function blocked() {
  const change = VB.$("change");
  const cancel = VB.$("cancel");
  const active = resv.status === "booked" || resv.status === "confirmed";
  const canChange = active && Date.parse(now) < Date.parse(resv.change_until);
  const canCancel = active && Date.parse(now) < Date.parse(resv.cancel_until);
  change.hidden = !canChange;
  cancel.hidden = !canCancel;
  let why = "";
  if (!active) why = VB.t("mine.why.status");
  else if (!canChange) why = VB.t("mine.why.change", { t: VB.datetime(resv.change_until), c: VB.datetime(resv.cancel_until) });
  VB.say("change-why", why);
  VB.say("cancel-why", active && !canCancel ? VB.t("mine.why.cancel", { t: VB.datetime(resv.cancel_until) }) : "");
}

async function load() {
  const r = await VB.call("GET", VB.api + "/me");
  const box = VB.$("resv");
  box.textContent = "";
  VB.$("actions").hidden = true;
  if (r.status === 401) {
    // After verification the person comes back here, not to the site search.
    VB.store.set("return", "/mine");
    box.append(VB.el("p", {}, VB.t("mine.signin")), VB.el("a", { href: "/wait", class: "button", id: "signin" }, VB.t("mine.signin.go")));
    return;
  }
  if (r.status !== 200) return VB.fail(r);
  resv = r.data.reservation;
  now = r.data.eligibility.now;
  if (!resv) {
    box.append(VB.el("p", {}, VB.t("mine.none")), VB.el("a", { href: "/sites", class: "button" }, VB.t("mine.book")));
    return;
  }
  box.append(VB.reservation(resv, now));
  VB.$("actions").hidden = false;
  blocked();
}

VB.$("cancel").addEventListener("click", () => {
  VB.clearErrors();
  const s = VB.$("cancel-summary");
  s.textContent = "";
  s.append(VB.reservation(resv, now, true));
  VB.$("actions").hidden = true;
  VB.$("resv").hidden = true;
  VB.$("cancel-confirm").hidden = false;
  VB.$("cancel-h").focus();
});

VB.$("cancel-no").addEventListener("click", () => {
  VB.$("cancel-confirm").hidden = true;
  VB.$("resv").hidden = false;
  VB.$("actions").hidden = false;
  VB.$("cancel").focus();
});

VB.$("cancel-yes").addEventListener("click", async () => {
  VB.$("cancel-yes").disabled = true;
  const r = await VB.call("DELETE", VB.api + "/reservation");
  VB.$("cancel-yes").disabled = false;
  VB.$("cancel-confirm").hidden = true;
  VB.$("resv").hidden = false;
  if (r.status !== 200) {
    VB.$("actions").hidden = false;
    return VB.fail(r, "cancel");
  }
  await load();
  VB.info(VB.t("mine.cancelled", { date: VB.date(r.data.date) }));
  VB.$("notice").setAttribute("tabindex", "-1");
  VB.$("notice").focus();
});

load();
