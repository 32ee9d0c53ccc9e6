// The scanner page (/events/<id>/checkin): continuous scanning, one big result, sound and vibration.
//
// Each scan is POSTed to /api/v1/checkins with a fresh nonce; a dropped connection is retried with the
// SAME nonce, so the server answers the retry like the first request instead of "already checked in".
// The counts and the recent list are polled from the event's check-in feed every 3 s.
(function () {
  "use strict";
  var root = document.querySelector("[data-checkin-scanner]");
  if (!root) { return; }
  var msg = function (key) { return root.getAttribute("data-msg-" + key) || ""; };
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var apiUrl = root.getAttribute("data-api");
  var feedUrl = root.getAttribute("data-feed");
  var eventId = parseInt(root.getAttribute("data-event-id"), 10);
  var box = root.querySelector("[data-result]");
  var title = root.querySelector("[data-result-title]");
  var detail = root.querySelector("[data-result-detail]");
  var torch = root.querySelector("[data-torch]");
  var confirmBox = root.querySelector("[data-confirm-day]");
  var undoBox = root.querySelector("[data-undo-box]");
  var undoButton = root.querySelector("[data-undo-button]");
  var undoUrl = root.getAttribute("data-undo");
  var pending = null;  // a check-in on another day, waiting for the staff member's answer
  var undoable = null; // {id, until, who}: the check-in this phone just made, which it may take back
  var undoTimer = null;
  var methods = msg("methods").split("|");
  var methodNames = { scan: methods[0], link: methods[1], search: methods[2], walk_in: methods[3], self: methods[4] };

  function randomId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One id per phone, so the history says which device scanned.
  var device = (function () {
    var id = null;
    try { id = window.localStorage.getItem("checkin-device"); } catch (e) { /* private mode */ }
    if (!id) {
      id = randomId().slice(0, 8);
      try { window.localStorage.setItem("checkin-device", id); } catch (e) { /* keep it for this page only */ }
    }
    return "scanner " + id;
  })();

  // Sound: a short tone per result; browsers allow audio only after the first touch on the page.
  var audio = null;
  function unlockAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) { audio = new Ctx(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }
  document.addEventListener("pointerdown", unlockAudio, { passive: true });
  function tone(freq, start, length) {
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = freq;
    osc.type = "sine";
    gain.gain.setValueAtTime(0.25, audio.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + start + length);
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + start);
    osc.stop(audio.currentTime + start + length + 0.02);
  }
  function signal(kind) {
    if (audio && audio.state === "running") {
      if (kind === "ok") { tone(880, 0, 0.09); tone(1320, 0.1, 0.12); }
      else if (kind === "warn") { tone(660, 0, 0.25); }
      else { tone(220, 0, 0.4); }
    }
    if (navigator.vibrate) {
      try { navigator.vibrate(kind === "ok" ? 80 : kind === "warn" ? [60, 60, 60] : 400); } catch (e) { /* ignore */ }
    }
  }

  function show(kind, head, text) {
    confirmBox.hidden = true;
    undoBox.hidden = true;
    box.className = "scan-result scan-result--" + kind;
    box.setAttribute("data-state", kind);
    title.textContent = head;
    detail.textContent = text || "";
  }

  function people(n) { return msg("people").replace("{n}", n); }
  function clock(iso) { return iso ? iso.substring(11, 16) : ""; }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function post(body, url) {
    return fetch(url || apiUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  // Network failures (not HTTP errors) are retried with the same body, nonce included.
  function attempt(body, n) {
    return post(body).catch(function (error) {
      if (n >= 3) { throw error; }
      show("busy", msg("retry"), "");
      return wait(500 * (n + 1)).then(function () { return attempt(body, n + 1); });
    });
  }

  function handle(res) {
    var data = res.data || {};
    var reg = data.registration || {};
    if (res.status === 201) {
      show("ok", msg("ok"), reg.masked_name + " · " + people(reg.party_size));
      signal("ok");
      offerUndo(data, reg);
      refreshFeed();
    } else if (res.status === 409 && data.result === "not_event_day") {
      // Not the event's day: nothing was written; ask before checking in.
      pending = res.body;
      show("warn", msg("other-day"), (data.error && data.error.message) || "");
      confirmBox.hidden = false;
      signal("warn");
    } else if (res.status === 200) {
      show("warn", msg("already") + " " + clock(data.checked_in_at),
           reg.masked_name + " · " + people(reg.party_size) + " · " + msg("already-at") + " " + clock(data.checked_in_at));
      signal("warn");
    } else if (res.status === 401) {
      show("bad", msg("fail"), msg("login"));
      signal("bad");
    } else {
      show("bad", msg("fail"), (data.error && data.error.message) || ("HTTP " + res.status));
      signal("bad");
    }
  }

  function send(body) {
    show("busy", msg("busy"), "");
    return attempt(body, 0).then(function (res) { res.body = body; handle(res); }, function () {
      show("bad", msg("fail"), msg("offline"));
      signal("bad");
    });
  }

  function submit(text) {
    if (pending) { return Promise.resolve(); }  // answer the question on screen first
    return send({ ticket: text, nonce: randomId(), device: device, event_id: eventId, method: "scan" });
  }

  root.querySelector("[data-confirm-yes]").addEventListener("click", function () {
    var body = pending;
    pending = null;
    if (!body) { return; }
    body.confirm_outside_day = true;
    send(body);
  });
  root.querySelector("[data-confirm-no]").addEventListener("click", function () {
    pending = null;
    show("idle", msg("ready"), msg("ready-detail"));
  });

  // Taking back the check-in just made (a wrong ticket, the wrong person), while the server allows it.
  function offerUndo(data, reg) {
    clearTimeout(undoTimer);
    undoable = null;
    if (!data.checkin_id || !data.undo_until) { return; }
    var left = Date.parse(data.undo_until) - Date.now();
    if (!(left > 0)) { return; }
    undoable = { id: data.checkin_id, who: reg.masked_name + " · " + people(reg.party_size) };
    undoBox.hidden = false;
    undoTimer = setTimeout(function () { undoBox.hidden = true; undoable = null; }, Math.min(left, 120000));
  }
  undoButton.addEventListener("click", function () {
    if (!undoable) { return; }
    var target = undoable;
    undoable = null;
    show("busy", msg("busy"), "");
    post({ device: device }, undoUrl.replace(/\/0\/undo$/, "/" + target.id + "/undo")).then(function (res) {
      if (res.status === 200) {
        show("warn", msg("undone"), target.who);
        refreshFeed();
      } else {
        show("bad", msg("undo-fail"), (res.data.error && res.data.error.message) || "");
      }
    }, function () { show("bad", msg("undo-fail"), msg("offline")); });
  });

  // The live counts and the recent check-ins.
  var lastId = 0;
  var list = root.querySelector("[data-feed-list]");
  function row(item) {
    var li = document.createElement("li");
    li.className = "list__row scan-feed__row" + (item.kind === "undo" ? " scan-feed__row--undo" : "");
    var who = document.createElement("span");
    who.textContent = item.masked_name + " · " + people(item.party_size);
    var meta = document.createElement("small");
    meta.className = "muted";
    meta.textContent = clock(item.at) + " " + (item.kind === "undo" ? msg("undo") : (methodNames[item.method] || item.method)) +
      (item.user ? " · " + item.user : "");
    li.appendChild(who);
    li.appendChild(meta);
    return li;
  }
  function refreshFeed() {
    if (document.hidden || !window.fetch) { return; }
    fetch(feedUrl + "?since=" + lastId + "&limit=10", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.counts || {}).forEach(function (key) {
          root.querySelectorAll('[data-count="' + key + '"]').forEach(function (el) { el.textContent = data.counts[key]; });
        });
        var empty = list.querySelector("[data-feed-empty]");
        if (data.items.length && empty) { empty.remove(); }
        data.items.slice().reverse().forEach(function (item) { list.insertBefore(row(item), list.firstChild); });
        while (list.children.length > 8) { list.removeChild(list.lastChild); }
        if (data.last_id) { lastId = data.last_id; }
      })
      .catch(function () { /* offline for a moment: keep the last numbers */ });
  }
  refreshFeed();
  setInterval(refreshFeed, 3000);
  document.addEventListener("visibilitychange", refreshFeed);

  // Typing a ticket code (a torn or unreadable QR).
  var manual = root.querySelector("[data-manual]");
  manual.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = manual.querySelector("input");
    if (input.value.trim()) { submit(input.value.trim()); input.value = ""; }
  });

  // A camera that cannot be used is not a refused ticket: a neutral panel says why in words staff
  // can act on (never the browser's English), and offers the look-up check-in instead.
  function cameraFailed(error) {
    var name = (error && error.name) || "";
    var text = String((error && error.message) || error || "");
    var advice = !window.isSecureContext ? msg("insecure")
      : name === "NotAllowedError" || name === "SecurityError" || /permission|denied/i.test(text) ? msg("denied")
      : name === "NotReadableError" || name === "AbortError" ? msg("camera-busy") : msg("no-camera");
    show("info", msg("camera-off"), advice);
    root.querySelector("[data-camera-help]").hidden = false;
    root.querySelector(".scan__stage").hidden = true;
    root.setAttribute("data-camera", "off");
  }

  var video = root.querySelector("video");
  if (!window.isSecureContext || !navigator.mediaDevices || !window.QrScanner || !window.BranchScanner) {
    cameraFailed(null);
    return;
  }
  var scanner = window.BranchScanner.start(video, submit, { repeatMs: 6000 });
  scanner.started.then(function () {
    show("idle", msg("ready"), msg("ready-detail"));
    return scanner.hasFlash();
  }).then(function (hasFlash) {
    if (!hasFlash) { return; }
    torch.hidden = false;
    torch.addEventListener("click", function () {
      scanner.toggleFlash().then(function () {
        var on = scanner.isFlashOn();
        torch.textContent = on ? msg("torch-on") : msg("torch-off");
        torch.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  }).catch(cameraFailed);
})();
