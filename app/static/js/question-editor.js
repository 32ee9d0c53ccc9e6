// The event form's question editor, enhanced. Without JavaScript the page already works: it shows
// every input of a row, blank rows for new questions, a "删除此题" box and a "再加一题" button that
// posts the form back with one more blank row. With it: a row shows only the inputs its type uses,
// "再加一题" adds a row in place, and "删除" takes a row away (ticking its remove box for the server).
(function () {
  "use strict";
  var editor = document.querySelector("[data-question-editor]");
  if (!editor) { return; }
  var list = editor.querySelector(".qeditor__rows");
  var addButton = editor.querySelector(".qeditor__add");
  var max = parseInt(editor.getAttribute("data-max"), 10) || 10;

  function visibleRows() {
    return Array.prototype.filter.call(list.querySelectorAll("[data-question-row]"), function (row) {
      return !row.hidden;
    });
  }

  function showForType(row) {
    var select = row.querySelector("select[name$='-type']");
    var kind = select ? select.value : "text";
    row.querySelectorAll("[data-for-types]").forEach(function (part) {
      var types = part.getAttribute("data-for-types").split(" ");
      part.hidden = types.indexOf(kind) === -1;
    });
  }

  function enhance(row) {
    showForType(row);
    var removeBox = row.querySelector("input[name$='-remove']");
    var holder = row.querySelector(".qrow__remove");
    if (removeBox && holder && !row.querySelector(".qrow__drop")) {
      holder.hidden = true;
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "weui-btn weui-btn_mini weui-btn_warn qrow__drop";
      drop.textContent = editor.getAttribute("data-remove-label") || "删除";
      drop.addEventListener("click", function () {
        removeBox.checked = true;
        row.hidden = true;
        updateAdd();
      });
      row.appendChild(drop);
    }
  }

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^questions-\d+-/, "questions-" + index + "-")); }
      });
    });
  }

  function blank(row) {
    row.hidden = false;
    row.querySelectorAll("input, select").forEach(function (el) {
      if (el.type === "checkbox") { el.checked = false; }
      else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      else { el.value = ""; }
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".field__error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".field--error").forEach(function (el) { el.classList.remove("field--error"); });
    var drop = row.querySelector(".qrow__drop");
    if (drop) { drop.remove(); }
  }

  function updateAdd() {
    if (addButton) { addButton.hidden = visibleRows().length >= max; }
  }

  list.querySelectorAll("[data-question-row]").forEach(enhance);
  list.addEventListener("change", function (event) {
    if (event.target.matches("select[name$='-type']")) { showForType(event.target.closest("[data-question-row]")); }
  });
  if (addButton) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var rows = list.querySelectorAll("[data-question-row]");
      var copy = rows[rows.length - 1].cloneNode(true);
      blank(copy);
      renumber(copy, rows.length);
      list.appendChild(copy);
      enhance(copy);
      updateAdd();
      var label = copy.querySelector("input[name$='-label']");
      if (label) { label.focus(); }
    });
  }
  updateAdd();
})();
