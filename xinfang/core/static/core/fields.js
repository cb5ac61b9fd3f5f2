// Shared by the staff pages and the portal; progressive enhancement only.
document.addEventListener("DOMContentLoaded", function () {
  // A live count under long fields, so a long text is shortened before it is sent.
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
  // A print button where a page is meant to be printed (shown only when this script runs).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
});
