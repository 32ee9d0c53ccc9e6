// The partner's scanner page: scan a voucher QR (shared BranchScanner component) → redeem through
// /api/v1/partner/redemptions → show the answer large: green 核销成功, amber 已使用, red for any refusal.
// Text from the server is put in with textContent only; titles come translated in data-titles.
(function () {
  "use strict";
  var root = document.getElementById("partner-scan");
  if (!root) { return; }
  var api = root.getAttribute("data-api");
  var titles = JSON.parse(root.getAttribute("data-titles") || "{}");
  var video = document.getElementById("scan-video");
  var status = document.getElementById("scan-status");
  var box = document.getElementById("scan-result");
  var amount = document.getElementById("scan-amount");
  var meta = document.querySelector('meta[name="csrf-token"]');

  function line(cls, text) {
    var p = document.createElement(cls === "title" ? "strong" : "p");
    p.className = "redeem-result__" + cls;
    p.textContent = text;
    return p;
  }

  function show(kind, title, lines) {
    var div = document.createElement("div");
    div.className = "redeem-result redeem-result--" + kind;
    div.setAttribute("role", kind === "ok" ? "status" : "alert");
    div.appendChild(line("title", title));
    lines.forEach(function (l) { if (l[1]) { div.appendChild(line(l[0], l[1])); } });
    box.replaceChildren(div);
    if (navigator.vibrate) { navigator.vibrate(kind === "ok" ? 80 : [60, 60, 60]); }
  }

  function time(iso) {
    return iso ? iso.slice(0, 16).replace("T", " ") : "";
  }

  function answer(statusCode, body) {
    body = body || {};
    if (statusCode === 201 && body.voucher) {
      var v = body.voucher;
      var spent = v.amount_spent !== null && v.amount_spent !== undefined
        ? (titles.spent || "{a}").replace("{a}", Number(v.amount_spent).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2})) : "";
      show("ok", titles.redeemed, [["offer", v.offer_title], ["who", v.customer + " · " + v.phone],
        ["meta", [v.code, time(v.redeemed_at).slice(11), spent].filter(Boolean).join(" · ")]]);
      if (amount) { amount.value = ""; }
      return;
    }
    var result = body.result || "error";
    var message = (body.error && body.error.message) || "";
    if (body.error && body.error.fields) {
      message = Object.keys(body.error.fields).map(function (k) { return body.error.fields[k]; }).join(";");
    }
    show(result === "already_redeemed" ? "used" : "bad", titles[result] || titles.error, [["offer", message]]);
  }

  function redeem(text) {
    var payload = { code: text };
    if (amount && amount.value.trim()) { payload.amount_spent = amount.value.trim(); }
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": meta ? meta.getAttribute("content") : "" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        answer(response.status, body);
      });
    }).catch(function () {
      show("bad", titles.network, []);
    });
  }

  if (!window.BranchScanner || !window.QrScanner) {
    status.textContent = titles.camera;
    return;
  }
  var handle = window.BranchScanner.start(video, redeem);
  handle.started.then(function () {
    status.textContent = titles.scanning;
    root.setAttribute("data-scanning", "1");
  }).catch(function () {
    status.textContent = titles.camera;
    status.classList.add("partner-scan__status--error");
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { handle.stop(); } else { handle.scanner.start(); }
  });
})();
