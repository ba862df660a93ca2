// The waiting room: take a place (the first join only sets the device cookie, the
// second after Retry-After gives the place), poll the status as often as the server
// says, and claim the pass once admitted. The position at first sight is kept in
// sessionStorage, so the progress bar survives a refresh; the place itself lives in the
// ticket cookie, so the server keeps it too.
"use strict";

const FIRST = "vb_wait_first";

async function join() {
  for (let i = 0; i < 20; i++) {
    const r = await VB.call("POST", "/api/v1/queue/join");
    if (r.status === 200) return r.data;
    if (r.status !== 202 && r.status !== 429 && r.status !== 0) {
      VB.say("error", VB.problem(r.data));
    }
    await VB.sleep(Math.max(1, r.retryAfter || 1) * 1000);
  }
  throw new Error("join");
}

function show(s) {
  const pos = s.position || 0;
  let first = Number(sessionStorage.getItem(FIRST)) || 0;
  if (pos > first) {
    first = pos;
    sessionStorage.setItem(FIRST, String(first));
  }
  VB.say("position", s.admitted ? "0" : pos > 0 ? String(pos) : "…");
  VB.say("waiting", String(s.waiting || 0));
  // While paused no estimate is honest, so none is shown.
  VB.say("expected", s.paused ? VB.t("wait.unknown") : VB.t("wait.range", { min: VB.duration(s.wait_min_s || 0), max: VB.duration(s.wait_max_s || 0) }));
  const pct = s.admitted ? 100 : first > 0 && pos > 0 ? Math.round((100 * (first - pos)) / first) : 0;
  const bar = VB.$("bar");
  bar.value = pct;
  bar.textContent = pct + "%";
  let state = "";
  if (s.pre_opening) state = VB.t("wait.preopening", { opens: VB.when(s.opens_at) });
  else if (s.paused) state = VB.t("wait.paused");
  if (s.admitted) state = VB.t("wait.admitted");
  VB.say("state", state);
  document.body.dataset.paused = s.paused ? "1" : "0";
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
        location.href = "/verify";
        return;
      }
      VB.say("error", VB.problem(c.data));
    }
    // The server spreads polls over time; never ask sooner than it says.
    await VB.sleep(Math.max(1, s.poll_after_s || 2) * 1000);
    const r = await VB.call("GET", "/api/v1/queue/status");
    if (r.status === 200) {
      VB.say("error", "");
      s = r.data;
    } else if (r.status === 401 || r.status === 404 || r.status === 400) {
      s = await join(); // the ticket expired or was lost: joining again keeps the place if it can
    } else {
      VB.say("error", VB.problem(r.data));
    }
  }
}

run().catch(() => VB.say("error", VB.t("err.generic")));
