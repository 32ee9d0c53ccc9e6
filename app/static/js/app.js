// Small progressive enhancements shared by all pages. Every page works without it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      var text = source ? (source.value || source.textContent).trim() : copy.getAttribute("data-copy-text");
      if (text && navigator.clipboard) {
        navigator.clipboard.writeText(text).then(function () {
          copy.setAttribute("data-copied", "1");
          var label = copy.textContent;
          copy.textContent = copy.getAttribute("data-copied-label") || "已复制";
          setTimeout(function () { copy.textContent = label; }, 1500);
        });
      }
    }
    var confirmer = event.target.closest("[data-confirm]");
    if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
