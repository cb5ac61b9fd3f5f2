/* Search page: the number of matches, fetched after the first page is shown. */
(function () {
  "use strict";
  var el = document.getElementById("search-count");
  if (!el || !el.dataset.url || !window.fetch) return;
  fetch(el.dataset.url, { credentials: "same-origin" }).then(function (r) {
    return r.ok ? r.text() : "";
  }).then(function (text) {
    el.textContent = text.trim();  // plain text: a number and a unit
  }).catch(function () { /* the page works without the count */ });
})();
