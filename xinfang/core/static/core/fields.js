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
  // Type-ahead for long pickers (units, places): a filter box before the list narrows it to
  // the names containing what is typed; one match is chosen at once, Enter takes the first.
  document.querySelectorAll("select[data-filter]").forEach(function (sel) {
    if (sel.multiple || sel.options.length < 12) return;
    var en = (document.documentElement.lang || "").indexOf("en") === 0;
    var label = sel.id ? document.querySelector('label[for="' + sel.id + '"]') : null;
    var name = label ? label.textContent.replace(/[*＊]/g, "").trim().split(/\s/)[0] : "";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "pick-filter";
    box.autocomplete = "off";
    box.placeholder = en ? "Type to filter" : "输入名称筛选";
    box.setAttribute("aria-label", (en ? "Filter: " : "筛选") + name);
    if (sel.id) box.setAttribute("aria-controls", sel.id);
    sel.insertAdjacentElement("beforebegin", box);
    var choose = function (opt) {
      if (!opt || opt.selected) return;
      opt.selected = true;
      sel.dispatchEvent(new Event("change", { bubbles: true }));
    };
    var visible = function () {
      return Array.prototype.filter.call(sel.options, function (o) { return o.value && !o.hidden; });
    };
    box.addEventListener("input", function () {
      var q = box.value.trim();
      Array.prototype.forEach.call(sel.options, function (o) {
        o.hidden = !!q && !!o.value && o.textContent.indexOf(q) < 0;
      });
      sel.querySelectorAll("optgroup").forEach(function (g) {
        g.hidden = !Array.prototype.some.call(g.children, function (o) { return !o.hidden; });
      });
      var left = visible();
      if (q && left.length === 1) choose(left[0]);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();  // not a submit of the form
        choose(visible()[0]);
        sel.focus();
      } else if (e.key === "ArrowDown") {
        e.preventDefault();
        sel.focus();
      }
    });
  });
  // A table wider than the screen scrolls inside its frame: the frame takes keyboard focus
  // (arrow keys scroll it) and is named after its table, so it is reachable without a mouse.
  var frames = document.querySelectorAll(".table-wrap");
  var fit = function () {
    frames.forEach(function (w) {
      var scrolls = w.scrollWidth > w.clientWidth + 1;
      if (scrolls && !w.hasAttribute("tabindex")) {
        var t = w.querySelector("table");
        var cap = t && (t.querySelector("caption") || (t.getAttribute("aria-labelledby") &&
          document.getElementById(t.getAttribute("aria-labelledby"))));
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", cap ? cap.textContent.trim() : (t && t.getAttribute("aria-label")) || document.title);
      } else if (!scrolls && w.getAttribute("role") === "region") {
        w.removeAttribute("tabindex");
        w.removeAttribute("role");
        w.removeAttribute("aria-label");
      }
    });
  };
  if (frames.length) {
    fit();
    window.addEventListener("resize", fit);
  }
});
