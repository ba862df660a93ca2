// Choosing a verification method by its congestion light (text and colour, never colour
// alone), and the mobile-phone flow: details, then the one-time code.
"use strict";

const OIDC = ["kakao", "naver", "pass", "ipin"];

function fail(r) {
  VB.say("error", VB.problem(r.data));
  if (r.data.code === "pass_required") setTimeout(() => { location.href = "/wait"; }, 1500);
}

async function lights() {
  const r = await VB.call("GET", "/api/v1/identity/methods");
  if (r.status !== 200) return;
  const ul = VB.$("methods");
  ul.textContent = "";
  for (const m of r.data.methods) {
    const li = VB.el("li", { class: "method light-" + m.color, "data-method": m.method });
    li.append(VB.el("span", { class: "dot", "aria-hidden": "true" }));
    li.append(VB.el("strong", {}, VB.t("method." + m.method)));
    li.append(VB.el("span", { class: "badge" }, VB.t("light." + m.color)));
    li.append(VB.el("span", {}, VB.t("verify.wait", { wait: VB.duration(m.wait_seconds) })));
    let action = null;
    if (m.method === "phone") {
      action = VB.el("button", { type: "button", id: "use-phone" }, VB.t("verify.use"));
      action.addEventListener("click", () => { VB.$("phone").hidden = false; VB.$("name").focus(); });
    } else if (m.method === "cert") {
      if (VB.$("cert-demo")) action = VB.el("a", { href: "/demo/cert.html" }, VB.t("verify.use"));
    } else if (OIDC.includes(m.method)) {
      action = VB.el("a", { href: "/api/v1/identity/oidc/" + m.method + "/start" }, VB.t("verify.use"));
    }
    if (action) {
      action.setAttribute("aria-label", VB.t("verify.use") + ": " + VB.t("method." + m.method));
      li.append(action);
    }
    ul.append(li);
  }
}

VB.$("phone-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  VB.say("error", "");
  const body = {
    name: VB.$("name").value.trim(), birth: VB.$("pbirth").value, digit7: VB.$("digit7").value.trim(),
    carrier: VB.$("carrier").value, phone: VB.$("pnum").value.trim(),
  };
  const r = await VB.call("POST", "/api/v1/identity/phone/start", body);
  if (r.status !== 200) return fail(r);
  VB.$("code-form").hidden = false;
  VB.say("error", VB.t("verify.sent"));
  VB.$("code").focus();
});

VB.$("code-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const r = await VB.call("POST", "/api/v1/identity/phone/confirm", { code: VB.$("code").value.trim() });
  if (r.status !== 200 || !r.data.verified) return fail(r);
  VB.say("error", VB.t("verify.done", { name: r.data.name || "" }));
  location.href = "/sites";
});

async function start() {
  const s = await VB.call("GET", "/api/v1/session");
  if (s.status === 200 && s.data.verified) {
    VB.say("error", VB.t("verify.already"));
    const a = VB.el("a", { href: "/sites", class: "button" }, VB.t("sites.title"));
    VB.$("error").append(" ", a);
  }
  await lights();
  setInterval(lights, 5000);
}
start();
