/* Etalase: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Catalogue filter: choosing a province fills its regencies without a reload.
  document.querySelectorAll("select[data-region-parent]").forEach(function (parent) {
    var child = document.getElementById(parent.getAttribute("data-region-parent"));
    if (!child) { return; }
    parent.addEventListener("change", function () {
      var first = child.options[0];
      child.length = 1;
      if (!parent.value) { return; }
      fetch("/wilayah/" + encodeURIComponent(parent.value), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) {
          items.forEach(function (item) { child.add(new Option(item.name, item.code)); });
          child.options[0] = first;
        })
        .catch(function () { /* without the list the filter still works after "Apply" */ });
    });
  });

  // Read-only link boxes: one tap selects the whole link for copying.
  document.querySelectorAll("input[readonly]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
