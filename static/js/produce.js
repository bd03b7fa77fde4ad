// Produce pages: keep the price unit in step with the quantity unit; confirm deletions.
(function () {
  "use strict";
  var unit = document.querySelector("select[name=unit]");
  var priceUnit = document.querySelector("select[name=price_unit]");
  if (unit && priceUnit) {
    unit.addEventListener("change", function () {
      var wanted = "元/" + unit.value;
      for (var i = 0; i < priceUnit.options.length; i++) {
        if (priceUnit.options[i].value === wanted) { priceUnit.value = wanted; break; }
      }
    });
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
