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

  // The petitioner's earlier matters closed by a final 复核 (XFGZ Art. 36 para 3): asked
  // again when a petitioner's name, phone or ID number, or the area, changes. Registered
  // either way; the warning offers the not-accepted notice in the same step.
  var finalPanel = document.getElementById("final-panel");
  var finalRows = document.getElementById("final-rows");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var finalKey = null;
  function askFinal() {
    var data = new FormData();
    var area = form.elements["area"];
    data.append("area", area ? area.value : "");
    form.querySelectorAll("#pet-rows input").forEach(function (input) {
      if (/^p\d+_(name|phone|id)$/.test(input.name) && input.value.trim()) {
        data.append(input.name, input.value.trim());
      }
    });
    var parts = [];
    data.forEach(function (v, k) { parts.push(k + "=" + v); });
    var k = parts.join("&");
    if (k === finalKey) return;
    finalKey = k;
    fetch(finalPanel.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html === null || k !== finalKey) return;
      finalRows.innerHTML = html;  // a server-rendered, escaped fragment
      finalPanel.hidden = !html.trim();
    }).catch(function () { /* the form works without the warning; it is given again on registering */ });
  }
  if (finalPanel && finalRows && window.fetch) {
    form.addEventListener("change", function (e) {
      if (/^(area|p\d+_(name|phone|id))$/.test(e.target.name || "")) askFinal();
    });
  }

  // The deadlines this registration would start, refreshed as the fields they depend on
  // change (a slip in the received time shows as a date in the past before saving). Only
  // whether a petitioner can be written to is sent, never who they are.
  var preview = document.getElementById("deadline-preview");
  var previewBody = preview && preview.querySelector("[data-body]");
  var previewKey = null;
  function askDeadlines() {
    var data = new FormData();
    ["unit", "received_at", "backdate_reason", "category", "accused_unit"].forEach(function (k) {
      var el = form.elements[k];
      if (el) data.append(k, el.value);
    });
    if (form.elements["anonymous"] && form.elements["anonymous"].checked) data.append("anonymous", "1");
    var contact = false;
    form.querySelectorAll("#pet-rows input").forEach(function (input) {
      if (/^p\d+_(phone|address)$/.test(input.name) && input.value.trim()) contact = true;
    });
    var named = Array.prototype.some.call(form.querySelectorAll("#pet-rows input"), function (input) {
      return /^p\d+_name$/.test(input.name) && input.value.trim();
    });
    data.append("contact", contact || !named ? "1" : "0");
    var parts = [];
    data.forEach(function (v, k) { parts.push(k + "=" + v); });
    var k = parts.join("&");
    if (k === previewKey) return;
    previewKey = k;
    fetch(preview.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && k === previewKey) previewBody.innerHTML = html;  // server-rendered, escaped
    }).catch(function () { /* registering checks the time again */ });
  }
  if (preview && previewBody && window.fetch) {
    form.addEventListener("change", function (e) {
      if (/^(unit|received_at|backdate_reason|category|accused_unit|anonymous|p\d+_(name|phone|address))$/.test(e.target.name || "")) askDeadlines();
    });
  }
})();
