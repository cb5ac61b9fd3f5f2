// The report filters: only the fields of the chosen kind of period are shown and sent.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form.report-filters').forEach(function (form) {
    var kind = form.querySelector('[data-period]');
    if (!kind) return;
    var show = function () {
      form.querySelectorAll('[data-for]').forEach(function (p) {
        var on = p.getAttribute('data-for').split(' ').indexOf(kind.value) >= 0;
        p.hidden = !on;
        p.querySelectorAll('input, select').forEach(function (i) { i.disabled = !on; });
      });
    };
    kind.addEventListener('change', show);
    show();
  });
});
