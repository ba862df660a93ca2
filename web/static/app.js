// Shared helpers of vaxbook's pages: messages from the page's catalog block, JSON calls
// to the API with the session cookies, and problem codes turned into plain words.
"use strict";

const VB = (() => {
  const msgs = JSON.parse(document.getElementById("msgs").textContent);
  const campaign = document.getElementById("page-script").dataset.campaign;

  // t returns message id in the page's language with {name} placeholders filled.
  function t(id, vars) {
    let s = msgs[id] || id;
    for (const [k, v] of Object.entries(vars || {})) s = s.split("{" + k + "}").join(String(v));
    return s;
  }

  // call sends a JSON request and returns {status, data, retryAfter}; it never throws
  // for HTTP errors, so each page decides what a problem means there.
  async function call(method, path, body, headers) {
    const init = { method, credentials: "same-origin", headers: Object.assign({ Accept: "application/json" }, headers || {}) };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      return { status: 0, data: { code: "network" }, retryAfter: 5 };
    }
    const text = await resp.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = {}; }
    return { status: resp.status, data, retryAfter: Number(resp.headers.get("Retry-After")) || 0 };
  }

  // when formats an RFC 3339 time from the API (already in Asia/Seoul) as "YYYY-MM-DD HH:MM".
  const when = (s) => (s ? s.slice(0, 10) + " " + s.slice(11, 16) : "");

  // problem returns the plain-language message for an API problem.
  function problem(data) {
    const code = (data && data.code) || "generic";
    const id = "err." + code;
    return msgs[id] ? t(id, { retry: when(data.retry_at) || "10" }) : t("err.generic");
  }

  // duration says seconds as "N s" or "N min".
  const duration = (s) => (s < 90 ? t("time.s", { n: Math.max(0, Math.round(s)) }) : t("time.m", { n: Math.round(s / 60) }));

  const $ = (id) => document.getElementById(id);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  // say puts text in an element; empty text clears it.
  const say = (id, text) => { const el = $(id); if (el) el.textContent = text || ""; };

  // el builds an element with text and attributes, never parsing HTML.
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // row adds "label: value" as a dt/dd pair to a dl.
  function row(dl, label, value) {
    const d = el("div");
    d.append(el("dt", {}, label), el("dd", {}, value));
    dl.append(d);
  }

  // reservation renders a reservation (both doses, the site, the rules' deadlines).
  function reservation(r) {
    const dl = el("dl", { class: "resv" });
    if (r.site) row(dl, t("resv.site"), r.site.name + " (" + r.site.address + ")");
    row(dl, t("resv.first"), r.date);
    row(dl, t("resv.second"), r.second_date);
    row(dl, t("resv.status"), t("resv.status." + r.status));
    row(dl, t("resv.change_until"), t("resv.until", { t: when(r.change_until) }));
    row(dl, t("resv.cancel_until"), t("resv.until", { t: when(r.cancel_until) }));
    return dl;
  }

  return { t, call, when, problem, duration, $, sleep, say, el, reservation, campaign, api: "/api/v1/campaigns/" + campaign };
})();
