/* Alt+<letter> shortcuts for elements with an accesskey, the same in every browser
   (browsers differ in the modifier they use for accesskey, and some ignore it). */
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    var m = /^Key([A-Z])$/.exec(e.code || "");
    if (!m) return;
    var el = document.querySelector('[accesskey="' + m[1].toLowerCase() + '"]');
    if (!el) return;
    e.preventDefault();
    if (el.tagName === "A" || el.tagName === "BUTTON") el.click();
    else { el.focus(); if (el.select && el.tagName === "INPUT") el.select(); }
  });
})();
