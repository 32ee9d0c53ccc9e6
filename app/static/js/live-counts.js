// Live counts on the event page: poll the event's JSON every 5 s and update the numbers.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-counts]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-live-counts");
  function refresh() {
    if (document.hidden) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.counts) { return; }
        box.querySelectorAll("[data-count]").forEach(function (el) {
          var key = el.getAttribute("data-count");
          if (key in data.counts) { el.textContent = data.counts[key]; }
        });
      })
      .catch(function () { /* offline for a moment: keep the last numbers */ });
  }
  setInterval(refresh, 5000);
  document.addEventListener("visibilitychange", refresh);
})();
