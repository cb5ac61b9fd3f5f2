/* Registration form: small progressive enhancements; the form works without them. */
(function () {
  "use strict";
  var form = document.getElementById("register");
  if (!form) return;

  // Ctrl+Enter (or Cmd+Enter) in a text area submits, as Enter does in a one-line field.
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.tagName === "TEXTAREA") {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });

  // "Add a row" for groups larger than the rows shown.
  var rows = document.getElementById("pet-rows");
  var add = document.getElementById("add-row");
  if (rows && add) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var last = rows.lastElementChild;
      var i = rows.children.length;
      var row = last.cloneNode(true);
      row.querySelector(".n").textContent = String(i + 1);
      row.querySelectorAll("input").forEach(function (input) {
        input.name = input.name.replace(/^p\d+_/, "p" + i + "_");
        input.removeAttribute("id");
        input.removeAttribute("accesskey");
        input.removeAttribute("autofocus");
        var label = input.getAttribute("aria-label");
        if (label) input.setAttribute("aria-label", label.replace(/\d+$/, String(i + 1)));
        if (input.type === "checkbox") input.checked = false; else input.value = "";
      });
      rows.appendChild(row);
      row.querySelector("input").focus();
    });
  }

  // Look up earlier matters as soon as the first petitioner's ID number, phone or name is
  // entered (the most specific one given).
  var lookup = document.getElementById("lookup");
  var q = document.getElementById("pq");
  function lookUp(value) {
    value = (value || "").trim();
    if (!lookup || value.length < 2 || q.value === value) return;
    q.value = value;
    lookup.submit();
  }
  ["p0_id", "p0_phone", "p0_name"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("change", function () {
      var best = ["p0_id", "p0_phone", "p0_name"].map(function (k) {
        var f = document.getElementById(k);
        return f ? f.value.trim() : "";
      }).filter(function (v) { return v.length >= 2; })[0];
      lookUp(best || el.value);
    });
  });
})();
