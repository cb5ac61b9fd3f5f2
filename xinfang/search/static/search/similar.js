/* Registration form: the "maybe the same matter" panel, refreshed as the registrar types. */
(function () {
  "use strict";
  var form = document.getElementById("register");
  var panel = document.getElementById("similar-panel");
  var rows = document.getElementById("similar-rows");
  if (!form || !panel || !rows || !window.fetch) return;
  var timer = null;
  var last = "";
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");

  function payload() {
    var data = new FormData();
    ["title", "content", "facts", "area", "topic"].forEach(function (name) {
      var el = form.elements[name];
      if (el) data.append(name, el.value || "");
    });
    for (var i = 0; i < 20; i++) {
      ["name", "phone"].forEach(function (f) {
        var el = form.elements["p" + i + "_" + f];
        if (el && el.value) data.append("p" + i + "_" + f, el.value);
      });
    }
    return data;
  }

  function key(data) {
    var parts = [];
    data.forEach(function (v, k) { parts.push(k + "=" + v); });
    return parts.join("&");
  }

  function refresh() {
    var data = payload();
    var k = key(data);
    if (k === last) return;
    last = k;
    fetch(panel.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (r) {
      return r.ok ? r.text() : "";
    }).then(function (html) {
      if (k === last) rows.innerHTML = html;  // a server-rendered, escaped fragment
    }).catch(function () { /* the form works without the panel */ });
  }

  form.addEventListener("input", function (e) {
    var n = e.target.name || "";
    if (!/^(title|content|facts|p\d+_(name|phone))$/.test(n)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
  form.addEventListener("change", function (e) {
    if (e.target.name === "area" || e.target.name === "topic") refresh();
  });
})();
