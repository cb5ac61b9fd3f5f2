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

// A live count under long fields, so a long text is shortened before it is sent; a print
// button where a page is meant to be printed (shown only when this script runs).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("textarea[maxlength]").forEach(function (t) {
    var max = parseInt(t.getAttribute("maxlength"), 10);
    if (!max || max < 200) return;
    var en = (document.documentElement.lang || "").indexOf("en") === 0;
    var c = document.createElement("small");
    c.className = "charcount";
    c.setAttribute("aria-live", "polite");
    var show = function () {
      var n = t.value.length;
      c.textContent = en ? n + " / " + max + " characters" : "已输入 " + n + " / " + max + " 字";
      c.classList.toggle("near", n > max * 0.9);
    };
    t.insertAdjacentElement("afterend", c);
    t.addEventListener("input", show);
    show();
  });
});
