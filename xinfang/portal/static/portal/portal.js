// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // One click, one submission: a second click while the first is on its way does nothing.
  document.querySelectorAll("form[data-once]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (f.dataset.sent) { e.preventDefault(); return; }
      f.dataset.sent = "1";
      f.querySelectorAll("button[type=submit],button:not([type])").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
        b.classList.add("busy");
      });
    });
  });
});
