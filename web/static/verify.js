// Choosing a verification method by its congestion light (text and colour, never colour
// alone), and the mobile-phone flow: consent, details, then the one-time code with a
// three-minute countdown and a resend. The list is built once and then updated in
// place, inside a polite live region, so focus never jumps and a screen reader hears
// only what changed. After verification the person goes back where they came from.
"use strict";

// ORDER puts the phone, the method most people use, first.
const ORDER = ["phone", "kakao", "naver", "pass", "cert", "ipin"];
const OIDC = ["kakao", "naver", "pass", "ipin"];
const CODE_SECONDS = 180;

// fieldOf says which field a problem of the phone flow is about, for the summary's link.
const fieldOf = { invalid_input: "name", verify_failed: "name", code_mismatch: "code", code_expired: "code" };

function fail(r) {
  VB.fail(r, fieldOf[r.data && r.data.code]);
}

const rows = new Map();

function action(m) {
  const label = VB.t("verify.use.n", { method: VB.t("method." + m) });
  if (m === "phone") {
    const b = VB.el("button", { type: "button", id: "use-phone", "aria-label": label }, VB.t("verify.use"));
    b.addEventListener("click", () => {
      VB.$("phone").hidden = false;
      VB.$("phone-h").focus();
    });
    return b;
  }
  if (m === "cert") return VB.$("cert-demo") ? VB.el("a", { href: "/demo/cert.html", class: "button", "aria-label": label }, VB.t("verify.use")) : null;
  if (OIDC.includes(m)) return VB.el("a", { href: "/api/v1/identity/oidc/" + m + "/start", class: "button", "aria-label": label }, VB.t("verify.use"));
  return null;
}

// claimedLights returns the lights the waiting room's claim brought, once, while they
// are a few seconds old: the first paint after admission costs no request.
function claimedLights() {
  const raw = sessionStorage.getItem("vb-lights");
  sessionStorage.removeItem("vb-lights");
  try {
    const c = JSON.parse(raw);
    if (c && Date.now() - c.at < 5000 && c.methods.length > 0) return c.methods;
  } catch (e) { /* nothing usable: ask */ }
  return null;
}

async function lights() {
  let methods = claimedLights();
  if (!methods) {
    const r = await VB.call("GET", "/api/v1/identity/methods");
    if (r.status !== 200) return;
    methods = r.data.methods;
  }
  const ms = methods.slice().sort((a, b) => (ORDER.indexOf(a.method) + 1 || 99) - (ORDER.indexOf(b.method) + 1 || 99));
  const ul = VB.$("methods");
  for (const m of ms) {
    let row = rows.get(m.method);
    if (!row) {
      const li = VB.el("li", { class: "method", "data-method": m.method });
      const dot = VB.el("span", { class: "dot", "aria-hidden": "true" });
      const name = VB.el("strong", {}, VB.t("method." + m.method));
      const badge = VB.el("span", { class: "badge" });
      const wait = VB.el("span", { class: "wait" });
      li.append(dot, name, badge, wait);
      const a = action(m.method);
      if (a) li.append(a);
      ul.append(li);
      row = { li, badge, wait };
      rows.set(m.method, row);
    }
    // Only what changed is touched, so the live region announces only that.
    const cls = "method light-" + m.color;
    if (row.li.className !== cls) row.li.className = cls;
    const badge = VB.t("light." + m.color);
    if (row.badge.textContent !== badge) row.badge.textContent = badge;
    const wait = m.wait_seconds < 5 ? VB.t("verify.nowait") : VB.t("verify.wait", { wait: VB.duration(m.wait_seconds) });
    if (row.wait.textContent !== wait) row.wait.textContent = wait;
  }
}

VB.$("consent-yes").addEventListener("click", () => {
  VB.$("consent").hidden = true;
  VB.$("phone-form").hidden = false;
  VB.$("name").focus();
});

// check validates the phone form in the page, so simple slips are named at once.
function check() {
  const errs = [];
  if (!VB.$("name").value.trim()) errs.push({ text: VB.t("err.name_missing"), field: "name" });
  if (!VB.birth(VB.$("pbirth").value)) errs.push({ text: VB.t("err.birth_format"), field: "pbirth" });
  if (!/^[1-8]$/.test(VB.$("digit7").value.trim())) errs.push({ text: VB.t("err.digit7_format"), field: "digit7" });
  if (!VB.$("carrier").value) errs.push({ text: VB.t("err.carrier_missing"), field: "carrier" });
  if (VB.$("pnum").value.replace(/\D/g, "").length < 10) errs.push({ text: VB.t("err.phone_format"), field: "pnum" });
  return errs;
}

let timer = 0;

function countdown() {
  clearInterval(timer);
  const end = Date.now() + CODE_SECONDS * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    VB.say("countdown", left > 0 ? VB.t("verify.left", { m: Math.floor(left / 60), s: String(left % 60).padStart(2, "0") }) : VB.t("verify.timeup"));
    if (!left) clearInterval(timer);
  };
  tick();
  timer = setInterval(tick, 1000);
}

async function send() {
  VB.clearErrors();
  const errs = check();
  if (errs.length) return VB.errors(errs);
  const body = {
    name: VB.$("name").value.trim(), birth: VB.birth(VB.$("pbirth").value), digit7: VB.$("digit7").value.trim(),
    carrier: VB.$("carrier").value, phone: VB.$("pnum").value.trim(),
  };
  const r = await VB.call("POST", "/api/v1/identity/phone/start", body);
  if (r.status !== 200) return fail(r);
  VB.$("code-form").hidden = false;
  VB.info(VB.t("verify.sent", { phone: body.phone }));
  countdown();
  VB.$("code").value = "";
  VB.$("code").focus();
}

VB.$("phone-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  send();
});
VB.$("resend").addEventListener("click", send);

VB.$("code-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.clearErrors();
  const code = VB.$("code").value.trim();
  if (!/^[0-9]{6}$/.test(code)) return VB.errors([{ text: VB.t("err.code_format"), field: "code" }]);
  const r = await VB.call("POST", "/api/v1/identity/phone/confirm", { code });
  if (r.status !== 200 || !r.data.verified) return fail(r);
  clearInterval(timer);
  VB.info(VB.t("verify.done", { name: r.data.name || "" }));
  location.href = next();
});

// next is where the person goes after verification: the page they came from.
function next() {
  const back = VB.store.get("return");
  VB.store.set("return", "");
  return back === "/mine" || back === "/standby" || back === "/sites?change=1" ? back : "/sites";
}

async function start() {
  const known = VB.store.get("birth");
  if (known) VB.$("pbirth").value = known.replace(/-/g, "");
  const s = await VB.call("GET", "/api/v1/session");
  if (s.status === 200 && s.data.verified) {
    const box = VB.$("already");
    box.className = "notice-box";
    const back = VB.store.get("return") || "/sites";
    box.append(VB.el("p", {}, VB.t("verify.already")), VB.el("a", { href: back, class: "button" }, VB.t(back === "/mine" ? "mine.title" : "sites.title")));
    box.hidden = false;
  }
  await lights();
  setInterval(lights, 5000);
}
start();
