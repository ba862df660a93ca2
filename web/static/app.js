// Shared helpers of vaxbook's pages: messages from the page's own catalog block, JSON
// calls to the API with the session cookies, dates with weekdays, problem codes turned
// into plain words with the next step, and the error summary (GOV.UK pattern): one box
// at the top of the page that takes focus and links to each field, plus the message
// next to the field itself.
"use strict";

const VB = (() => {
  const msgs = JSON.parse(document.getElementById("msgs").textContent);
  const campaign = document.getElementById("page-script").dataset.campaign;
  // served is the service's clock when the page was served (RFC 3339, Seoul).
  const served = document.getElementById("page-script").dataset.now || "";

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

  // when formats an RFC 3339 time from the API (already in Asia/Seoul) as
  // "YYYY-MM-DD HH:MM", for tables where the compact form reads best.
  const when = (s) => (s ? s.slice(0, 10) + " " + s.slice(11, 16) : "");

  // weekday returns 0 (Sunday) to 6 of a YYYY-MM-DD date, whatever the device's zone.
  const weekday = (d) => new Date(d.slice(0, 10) + "T00:00:00Z").getUTCDay();

  // date says a YYYY-MM-DD date with its weekday: "2021년 9월 6일(월)", "Mon 6 Sep 2021".
  function date(d) {
    if (!d) return "";
    const days = t("date.days").split(",");
    const months = t("date.months").split(",");
    const m = Number(d.slice(5, 7));
    return t("date.format", { y: d.slice(0, 4), m, mon: months[m - 1], d: Number(d.slice(8, 10)), w: days[weekday(d)] });
  }

  // datetime says an RFC 3339 time as its date with weekday and the clock time.
  const datetime = (s) => (s ? t("date.at", { date: date(s.slice(0, 10)), time: s.slice(11, 16) }) : "");

  // addDays adds n days to a YYYY-MM-DD date.
  function addDays(d, n) {
    const x = new Date(d.slice(0, 10) + "T00:00:00Z");
    x.setUTCDate(x.getUTCDate() + n);
    return x.toISOString().slice(0, 10);
  }

  // daysBetween counts the days from date a to date b (both YYYY-MM-DD).
  const daysBetween = (a, b) => Math.round((Date.parse(b.slice(0, 10) + "T00:00:00Z") - Date.parse(a.slice(0, 10) + "T00:00:00Z")) / 86400000);

  // duration says seconds as "N s" or "N min".
  const duration = (s) => (s < 90 ? t("time.s", { n: Math.max(0, Math.round(s)) }) : t("time.m", { n: Math.round(s / 60) }));

  // problem returns the plain-language message for an API problem, with the time to
  // retry where the API gives one: retry_at (the server's clock, right even when the
  // device's is not) or else the Retry-After seconds.
  function problem(data, retryAfter) {
    const code = (data && data.code) || "generic";
    const id = "err." + code;
    let retry = t("time.later");
    if (data && data.retry_at) retry = t("time.after", { t: datetime(data.retry_at) });
    else if (retryAfter) retry = t("time.in", { d: duration(retryAfter) });
    return msgs[id] ? t(id, { retry }) : t("err.generic");
  }

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

  // clearErrors removes the error summary and every field's message.
  function clearErrors() {
    const box = $("error-summary");
    if (box) {
      box.hidden = true;
      box.querySelector("ul").textContent = "";
    }
    for (const p of document.querySelectorAll("p.field-error[data-for]")) {
      const input = $(p.dataset.for);
      if (input) {
        input.removeAttribute("aria-invalid");
        const rest = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== p.id);
        if (rest.length) input.setAttribute("aria-describedby", rest.join(" "));
        else input.removeAttribute("aria-describedby");
      }
      p.remove();
    }
  }

  // errors shows problems: each item is {text, field?, href?}. The summary at the top
  // takes focus (so the eye and the screen reader land on it, wherever the tap was)
  // and links to the field, whose own message sits just above it.
  function errors(items) {
    clearErrors();
    const box = $("error-summary");
    const ul = box.querySelector("ul");
    for (const it of items) {
      const li = el("li");
      const target = it.href || (it.field ? "#" + it.field : "");
      if (target) {
        const a = el("a", { href: target }, it.text);
        if (it.field) {
          a.addEventListener("click", (ev) => {
            const f = $(it.field);
            if (!f) return;
            ev.preventDefault();
            f.scrollIntoView({ block: "center" });
            f.focus();
          });
        }
        li.append(a);
      } else {
        li.textContent = it.text;
      }
      ul.append(li);
      const input = it.field && $(it.field);
      if (input) {
        const p = el("p", { class: "field-error", id: it.field + "-error", "data-for": it.field }, it.text);
        input.before(p);
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
      }
    }
    box.hidden = false;
    box.scrollIntoView({ block: "start" });
    box.focus();
  }

  // fail shows an API problem in the summary, linked to a field or a place, with the
  // waiting room offered when the pass is missing or expired.
  function fail(r, field, href) {
    const text = problem(r.data, r.retryAfter);
    if (r.data && (r.data.code === "pass_required" || r.data.code === "pass_in_use")) return errors([{ text, href: "/wait" }]);
    errors([{ text, field, href }]);
  }

  // info says something that is not a problem ("인증번호를 보냈습니다") in the notice box,
  // announced politely and never styled as an error.
  function info(text) {
    const n = $("notice");
    if (!n) return;
    n.textContent = text || "";
    n.hidden = !text;
  }

  // row adds "label: value" as a dt/dd pair to a dl.
  function row(dl, label, value) {
    const d = el("div");
    d.append(el("dt", {}, label), el("dd", {}, value));
    dl.append(d);
  }

  // reservation renders a reservation: the site, both doses with weekdays, the status
  // and the deadlines, a passed deadline said as passed (now is the server's clock);
  // compact stops after the doses.
  function reservation(r, now, compact) {
    const dl = el("dl", { class: "resv" });
    if (r.site) {
      row(dl, t("resv.site"), r.site.name);
      row(dl, t("resv.address"), r.site.address);
    }
    row(dl, t("resv.first"), date(r.date));
    row(dl, t("resv.second"), date(r.second_date));
    if (compact) return dl;
    row(dl, t("resv.status"), t("resv.status." + r.status));
    const until = (s) => (now && Date.parse(now) >= Date.parse(s) ? t("resv.passed", { t: datetime(s) }) : t("resv.until", { t: datetime(s) }));
    if (r.status === "booked" || r.status === "confirmed") {
      row(dl, t("resv.change_until"), until(r.change_until));
      row(dl, t("resv.cancel_until"), until(r.cancel_until));
    }
    return dl;
  }

  // birth turns 8 typed digits ("19810712") into "1981-07-12", or "" when they are not
  // a real date.
  function birth(s) {
    const d = (s || "").replace(/\D/g, "");
    if (d.length !== 8) return "";
    const iso = d.slice(0, 4) + "-" + d.slice(4, 6) + "-" + d.slice(6, 8);
    const x = new Date(iso + "T00:00:00Z");
    return !isNaN(x) && x.toISOString().slice(0, 10) === iso ? iso : "";
  }

  // The birth date given on the landing page and the page to return to after
  // verification live in this tab's sessionStorage only.
  const store = {
    get: (k) => { try { return sessionStorage.getItem("vb_" + k) || ""; } catch (e) { return ""; } },
    set: (k, v) => { try { if (v) sessionStorage.setItem("vb_" + k, v); else sessionStorage.removeItem("vb_" + k); } catch (e) { /* private mode */ } },
  };

  return {
    t, call, when, date, datetime, addDays, daysBetween, problem, duration, $, sleep, say, el,
    errors, clearErrors, fail, info, row, reservation, birth, store, campaign, served, api: "/api/v1/campaigns/" + campaign,
  };
})();
