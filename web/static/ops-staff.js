// Clinic staff sessions on the operator dashboard: end every session of an account at
// once, or disable it (which ends them too), or enable it again.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const auth = () => ({ Authorization: "Bearer " + sessionStorage.getItem("vb_operator_token") });

  VB.$("sa-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const act = ev.submitter ? ev.submitter.dataset.act : "end";
    const login = VB.$("sa-login").value.trim();
    const path = "/api/v1/admin/staff/" + encodeURIComponent(login);
    const r = act === "end"
      ? await VB.call("DELETE", path + "/sessions", undefined, auth())
      : await VB.call("PUT", path + "/status", { disabled: act === "disable" }, auth());
    const out = VB.$("sa-result");
    if (r.status !== 200) {
      out.className = "error";
      return VB.say("sa-result", VB.problem(r.data));
    }
    out.className = "ok";
    VB.say("sa-result", VB.t("ops.staff.done", {
      login: r.data.login, t: VB.when(r.data.sessions_revoked_at),
      state: VB.t(r.data.disabled ? "ops.staff.state.disabled" : "ops.staff.state.enabled"),
    }));
  });
});
