// Certificate sign-in for the demo: the browser imports a development key (PKCS#8) and
// signs the server's challenge with WebCrypto, as a certificate program would.
"use strict";

const out = document.getElementById("out");
const say = (msg) => { out.textContent += msg + "\n"; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const text = await resp.text();
  const data = text ? JSON.parse(text) : {};
  if (!resp.ok && resp.status !== 202) {
    throw new Error(resp.status + " " + (data.code || "") + ": " + (data.detail || text));
  }
  return { status: resp.status, data };
}

// enterQueue joins the waiting room, waits for admission and claims the pass.
async function enterQueue() {
  for (;;) {
    const j = await call("POST", "/api/v1/queue/join");
    if (j.status === 200) break;
    await sleep(1100);
  }
  for (;;) {
    const s = await call("GET", "/api/v1/queue/status");
    say("대기 순번 position " + s.data.position + (s.data.admitted ? " — 입장 admitted" : ""));
    if (s.data.admitted) break;
    await sleep(Math.min(s.data.poll_after_s, 5) * 1000);
  }
  await call("POST", "/api/v1/queue/claim");
}

function pemBody(pem) {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function signIn(phone) {
  out.textContent = "";
  try {
    await enterQueue();
    const issued = await call("GET", "/demo/cert?phone=" + encodeURIComponent(phone));
    const key = await crypto.subtle.importKey("pkcs8", pemBody(issued.data.private_key),
      { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    const ch = await call("POST", "/api/v1/identity/cert/challenge");
    const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key,
      new TextEncoder().encode(ch.data.challenge));
    const b64 = btoa(String.fromCharCode(...new Uint8Array(sig)));
    const sess = await call("POST", "/api/v1/identity/cert/verify",
      { challenge: ch.data.challenge, chain: issued.data.certificate, signature: b64 });
    say("인증 완료 verified: " + sess.data.name + " (" + sess.data.birth + ")");
  } catch (e) {
    say("오류 error: " + e.message);
  }
}

document.getElementById("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  signIn(document.getElementById("phone").value);
});

// ?phone=010… fills the form and signs in at once, for links from the demo page.
const preset = new URLSearchParams(location.search).get("phone");
if (preset) {
  document.getElementById("phone").value = preset;
  signIn(preset);
}
