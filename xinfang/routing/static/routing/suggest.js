// Routing suggestions beside the registration form: refreshed when topic, area, category
// or work-order type change. The panel is rendered by the server (routing/_suggestions.html).
(function () {
  "use strict";
  var panel = document.getElementById("routing-suggest");
  var form = document.getElementById("register");
  if (!panel || !form) return;
  var fields = ["topic", "area", "category", "hotline_type"];
  var body = panel.querySelector("[data-body]");
  function refresh() {
    var q = new URLSearchParams();
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) q.set(name, el.value);
    });
    if (!q.get("topic") || !q.get("area")) {
      body.textContent = panel.getAttribute("data-empty");
      return;
    }
    fetch(panel.getAttribute("data-url") + "?" + q.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { body.innerHTML = html; });
  }
  fields.forEach(function (name) {
    var el = form.elements[name];
    if (el) el.addEventListener("change", refresh);
  });
  refresh();
})();
