// Campaign set-up on the operator dashboard: pick a campaign (or a new one), edit its
// dates and booking windows, add rule 2's rotation days, and save. The API checks the
// whole definition with the domain's rules; a refusal names each field, and each message
// is shown next to its field in the page's language. Instants are typed in Asia/Seoul.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const KEY = "vb_operator_token";
  const auth = () => ({ Authorization: "Bearer " + sessionStorage.getItem(KEY) });
  const FIELDS = ["name", "cohort_from", "cohort_to", "vaccination_from", "vaccination_to", "second_dose_days"];
  let campaigns = [];

  // local turns an RFC 3339 instant in +09:00 into a datetime-local value, and back.
  const local = (s) => (s ? s.slice(0, 16) : "");
  const rfc3339 = (v) => (v ? v + ":00+09:00" : "");

  // row adds one window row: group (everyone or 0–9), opens, closes, remove.
  function row(w) {
    const ol = VB.$("ce-windows");
    const li = VB.el("li", { class: "ce-window" });
    const n = ol.children.length + 1;
    const group = VB.el("select", { "aria-label": VB.t("ops.ce.row", { n }) + " · " + VB.t("ops.win.group"), "data-f": "group" });
    group.append(VB.el("option", { value: "" }, VB.t("ops.win.everyone")));
    for (let g = 0; g <= 9; g++) group.append(VB.el("option", { value: String(g) }, VB.t("ops.win.groupn", { n: g })));
    group.value = w && w.group !== null && w.group !== undefined ? String(w.group) : "";
    const opens = VB.el("input", { type: "datetime-local", "aria-label": VB.t("ops.ce.row", { n }) + " · " + VB.t("ops.win.opens"), "data-f": "opens" });
    const closes = VB.el("input", { type: "datetime-local", "aria-label": VB.t("ops.ce.row", { n }) + " · " + VB.t("ops.win.closes"), "data-f": "closes" });
    opens.value = local(w && w.opens);
    closes.value = local(w && w.closes);
    const del = VB.el("button", { type: "button", class: "secondary", "aria-label": VB.t("ops.ce.remove.n", { n }) }, VB.t("ops.ce.remove"));
    del.addEventListener("click", () => { li.remove(); renumber(); });
    const err = VB.el("small", { class: "field-error" });
    li.append(group, opens, closes, del, err);
    ol.append(li);
    renumber();
  }

  // renumber gives each row's controls the ids the API's field names map to.
  function renumber() {
    const rows = [...VB.$("ce-windows").children];
    rows.forEach((li, i) => {
      for (const el of li.querySelectorAll("[data-f]")) el.id = "ce-windows-" + i + "-" + el.dataset.f;
      const err = li.querySelector(".field-error");
      err.id = "ce-windows-" + i + "-err";
      for (const el of li.querySelectorAll("[data-f]")) el.setAttribute("aria-describedby", err.id);
    });
    VB.$("ce-windows-none").hidden = rows.length > 0;
  }

  function fill(c) {
    VB.$("ce-windows").textContent = "";
    for (const f of FIELDS) VB.$("ce-" + f).value = c ? c[f] : f === "second_dose_days" ? "42" : "";
    for (const w of (c && c.windows) || []) row(w);
    VB.$("ce-rotation-first").value = VB.$("ce-rotation-last").value = "";
    renumber();
    clear();
  }

  function clear() {
    for (const el of document.querySelectorAll("#ce-form .field-error")) el.textContent = "";
    for (const el of document.querySelectorAll("#ce-form [aria-invalid]")) el.removeAttribute("aria-invalid");
    VB.say("ce-summary", "");
  }

  async function load(select) {
    const r = await VB.call("GET", "/api/v1/campaigns");
    if (r.status !== 200) return VB.say("ce-status", VB.problem(r.data));
    campaigns = r.data.campaigns || [];
    const pick = VB.$("ce-pick");
    const keep = select !== undefined ? String(select) : pick.value;
    while (pick.options.length > 1) pick.remove(1);
    for (const c of campaigns) pick.append(VB.el("option", { value: String(c.id) }, c.id + " · " + c.name));
    pick.value = keep;
    fill(campaigns.find((c) => String(c.id) === pick.value));
  }

  function body() {
    const b = {};
    for (const f of FIELDS) b[f] = VB.$("ce-" + f).value.trim();
    b.second_dose_days = b.second_dose_days === "" ? undefined : Number(b.second_dose_days);
    b.windows = [...VB.$("ce-windows").children].map((li) => {
      const v = (f) => li.querySelector('[data-f="' + f + '"]').value;
      return { group: v("group") === "" ? null : Number(v("group")), opens: rfc3339(v("opens")), closes: rfc3339(v("closes")) };
    });
    const first = VB.$("ce-rotation-first").value, last = VB.$("ce-rotation-last").value;
    if (first || last) b.rotation = { first, last };
    return b;
  }

  // show puts each field error next to its field: "windows[2].closes" goes to the
  // third row, "rotation.first" to its date, "windows" under the list.
  function show(errors) {
    let first = null;
    for (const e of errors) {
      const id = "ce-" + e.field.replace(/\[(\d+)\]\./, "-$1-").replace(/\[(\d+)\]$/, "-$1").replace(".", "-");
      const input = VB.$(id);
      const slot = VB.$(id + "-err") || VB.$(id.replace(/-(group|opens|closes)$/, "") + "-err") || VB.$("ce-summary");
      const text = VB.t("ops.ce.err." + e.reason);
      slot.textContent = (slot.textContent ? slot.textContent + " " : "") + (text === "ops.ce.err." + e.reason ? e.message : text);
      if (input && input.matches("input, select")) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    if (first) first.focus();
  }

  VB.$("ce-pick").addEventListener("change", () => fill(campaigns.find((c) => String(c.id) === VB.$("ce-pick").value)));
  VB.$("ce-add").addEventListener("click", () => { row(null); VB.$("ce-windows").lastElementChild.querySelector("select").focus(); });
  VB.$("ce-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clear();
    VB.say("ce-status", VB.t("ops.ce.saving"));
    const id = VB.$("ce-pick").value;
    const r = await VB.call(id ? "PUT" : "POST", "/api/v1/admin/campaigns" + (id ? "/" + id : ""), body(), auth());
    if (r.status === 200 || r.status === 201) {
      VB.say("ce-status", VB.t(r.status === 201 ? "ops.ce.created" : "ops.ce.saved", { id: r.data.id }));
      await load(r.data.id);
      document.dispatchEvent(new Event("vb:campaigns"));
      return;
    }
    VB.say("ce-status", "");
    const errors = Array.isArray(r.data.errors) ? r.data.errors : [];
    if (!errors.length) return VB.say("ce-summary", VB.problem(r.data));
    VB.say("ce-summary", r.data.code === "strands_reservations" ? VB.t("ops.ce.stranded") : VB.t("ops.ce.invalid", { n: errors.length }));
    show(errors);
  });

  document.addEventListener("vb:signin", () => load());
  if (sessionStorage.getItem(KEY)) load();
});
