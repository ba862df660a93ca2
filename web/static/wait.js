// The waiting room: take a place (the first join only sets the device cookie, the
// second after Retry-After gives the place), poll the status as often as the server
// says, and claim the pass once admitted. The position at first sight is kept in
// sessionStorage, so the progress bar survives a refresh; the place itself lives in the
// ticket cookie, so the server keeps it too. A person whose birth date is known and who
// cannot book now is told their day instead of being put in line; a place that lapsed
// (a turn missed while the screen was off) is explained, never silently replaced.
"use strict";

const FIRST = "vb_wait_first";
const JOINS = 20;

class Lapsed extends Error {}

async function join() {
  let last = null;
  for (let i = 0; i < JOINS; i++) {
    const r = await VB.call("POST", "/api/v1/queue/join");
    if (r.status === 200) return r.data;
    last = r;
    if (r.status !== 202 && r.status !== 429 && r.status !== 0) VB.say("state", VB.problem(r.data, r.retryAfter));
    await VB.sleep(Math.max(1, r.retryAfter || 1) * 1000);
  }
  const e = new Error("join");
  e.last = last;
  throw e;
}

// expected says the wait in words: a range, "soon" when under a few seconds, nothing
// honest while admission is paused.
function expected(s) {
  if (s.admitted) return VB.t("wait.now");
  if (s.paused) return VB.t("wait.unknown");
  if (s.pre_opening) return VB.t("wait.atopening");
  if ((s.wait_max_s || 0) < 10) return VB.t("wait.soon");
  return VB.t("wait.range", { min: VB.duration(s.wait_min_s || 0), max: VB.duration(s.wait_max_s || 0) });
}

function show(s) {
  const pos = s.position || 0;
  let first = Number(sessionStorage.getItem(FIRST)) || 0;
  if (pos > first) {
    first = pos;
    sessionStorage.setItem(FIRST, String(first));
  }
  VB.say("position", s.admitted ? "0" : pos > 0 ? String(pos) : "…");
  VB.say("waiting", VB.t("wait.people", { n: s.waiting || 0 }));
  VB.say("expected", expected(s));
  const pct = s.admitted ? 100 : first > 0 && pos > 0 ? Math.round((100 * (first - pos)) / first) : 0;
  const bar = VB.$("bar");
  bar.value = pct;
  bar.textContent = pct + "%";
  let state = "";
  if (s.pre_opening) state = VB.t("wait.preopening", { opens: VB.datetime(s.opens_at) });
  else if (s.paused) state = VB.t("wait.paused");
  if (s.admitted) state = VB.t("wait.admitted");
  VB.say("state", state);
  document.body.dataset.paused = s.paused ? "1" : "0";
}

// missed stops the page and explains that the place lapsed, with one button to line up
// again (at the back: the server decides, and the page says so).
function missed() {
  sessionStorage.removeItem(FIRST);
  VB.$("place").hidden = true;
  VB.say("state", "");
  VB.say("missed-text", VB.t("wait.missed"));
  VB.$("missed").hidden = false;
  VB.$("missed").setAttribute("tabindex", "-1");
  VB.$("missed").focus();
}

async function run() {
  VB.say("state", VB.t("wait.joining"));
  let s = await join();
  for (;;) {
    show(s);
    if (s.admitted) {
      const c = await VB.call("POST", "/api/v1/queue/claim");
      if (c.status === 200) {
        sessionStorage.removeItem(FIRST);
        // The lights came with the pass: the next page shows them without asking.
        sessionStorage.setItem("vb-lights", JSON.stringify({ at: Date.now(), methods: c.data.methods || [] }));
        location.href = "/verify";
        return;
      }
      if (c.status === 401) throw new Lapsed();
      if (c.status !== 409) VB.say("state", VB.problem(c.data, c.retryAfter));
    }
    // The server spreads polls over time; never ask sooner than it says. Close to the
    // turn it holds the answer until the turn comes (at most 20 s), so the page moves on
    // at once instead of at its next poll.
    await VB.sleep(Math.max(1, s.poll_after_s || 2) * 1000);
    const r = await VB.call("GET", "/api/v1/queue/status?wait=20");
    if (r.status === 200) {
      s = r.data;
    } else if (r.status === 401) {
      throw new Lapsed(); // the turn came and passed, or the ticket ran out
    } else if (r.status === 400 || r.status === 404) {
      s = await join();
    } else {
      VB.say("state", VB.problem(r.data, r.retryAfter));
    }
  }
}

function start() {
  VB.$("missed").hidden = true;
  VB.$("place").hidden = false;
  run().catch((e) => {
    if (e instanceof Lapsed) return missed();
    VB.$("place").hidden = true;
    const why = e && e.last ? VB.problem(e.last.data, e.last.retryAfter) : "";
    VB.errors([{ text: VB.t("wait.joinfailed", { n: JOINS }) + (why && e.last.status !== 202 ? " " + why : "") }]);
    VB.$("missed").hidden = false;
    VB.say("missed-text", VB.t("wait.joinfailed.next"));
  });
}

VB.$("rejoin").addEventListener("click", start);

// gate tells someone who cannot book now their own window instead of a place in line.
// Only when this tab knows the birth date and the person is not on their way to their
// existing booking (which may be seen and cancelled outside the booking windows).
async function gate() {
  const birth = VB.store.get("birth");
  if (!birth || VB.store.get("return") === "/mine") return true;
  const r = await VB.call("GET", VB.api + "/eligibility?birth=" + encodeURIComponent(birth));
  if (r.status !== 200 || (r.data.in_cohort && r.data.open_now)) return true;
  const e = r.data;
  const now = Date.parse(e.now);
  const next = (e.windows || []).filter((w) => w.group === null || w.group === e.group)
    .sort((a, b) => Date.parse(a.opens) - Date.parse(b.opens)).find((w) => Date.parse(w.opens) > now);
  const g = VB.$("gate");
  g.className = "verdict verdict-wait";
  g.append(VB.el("p", { class: "big" }, !e.in_cohort ? VB.t("home.outside") : next ? VB.t("home.notyet", { opens: VB.datetime(next.opens) }) : VB.t("home.over")));
  g.append(VB.el("a", { href: "/", class: "button secondary" }, VB.t("wait.back")));
  g.hidden = false;
  VB.$("place").hidden = true;
  VB.$("keep").hidden = true;
  VB.$("wait-hint").hidden = true;
  g.setAttribute("tabindex", "-1");
  g.focus();
  return false;
}

gate().then((ok) => { if (ok) start(); });
