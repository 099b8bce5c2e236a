/*
 * Region picker: fills the regency/city and district lists in place when the
 * province or regency changes, from /wilayah/<code>. The form works without
 * this script (its refresh button re-sends the form); the script only saves
 * that round trip. Focus stays where the person put it and nothing is
 * announced: the next list simply has its options when they reach it.
 */
(function () {
  "use strict";

  var lists = {};

  function childrenOf(url, code) {
    if (lists[code]) {
      return Promise.resolve(lists[code]);
    }
    return fetch(url.replace("CODE", encodeURIComponent(code)), {
      headers: { Accept: "application/json" },
      // The lists are public: without cookies one cached copy serves everyone.
      credentials: "omit"
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("region list " + code + ": HTTP " + response.status);
      }
      return response.json();
    }).then(function (regions) {
      lists[code] = regions;
      return regions;
    });
  }

  // Keep the first option (the prompt), replace the rest.
  function fill(select, regions) {
    var prompt = select.options[0];
    var options = document.createDocumentFragment();
    prompt.textContent = select.getAttribute(
      regions.length ? "data-prompt" : "data-prompt-empty"
    );
    regions.forEach(function (region) {
      options.appendChild(new Option(region.name, region.code));
    });
    select.length = 1;
    select.appendChild(options);
    select.value = "";
  }

  function init(fieldset) {
    if (fieldset.hasAttribute("data-region-ready")) {
      return;
    }
    fieldset.setAttribute("data-region-ready", "");
    var url = fieldset.getAttribute("data-children-url");
    var province = fieldset.querySelector('[data-region-level="province"]');
    var regency = fieldset.querySelector('[data-region-level="regency"]');
    var district = fieldset.querySelector('[data-region-level="district"]');
    var refresh = fieldset.querySelector("[data-region-refresh]");
    if (!url || !province || !regency || !district) {
      return;
    }
    // Removed rather than hidden: a hidden submit button would still be the
    // one that Enter in a text box presses. It comes back if a list fails.
    var slot = document.createComment("region refresh");
    if (refresh) {
      refresh.replaceWith(slot);
    }
    var latest = new WeakMap();

    function restoreRefresh() {
      if (refresh && slot.parentNode) {
        slot.replaceWith(refresh);
      }
    }

    function load(select, parentCode) {
      var request = {};
      latest.set(select, request);
      if (!parentCode) {
        fill(select, []);
        select.removeAttribute("aria-busy");
        return;
      }
      select.setAttribute("aria-busy", "true");
      childrenOf(url, parentCode).then(function (regions) {
        if (latest.get(select) === request) {
          fill(select, regions);
        }
      }, function () {
        if (latest.get(select) === request) {
          fill(select, []);
          restoreRefresh();
        }
      }).then(function () {
        if (latest.get(select) === request) {
          select.removeAttribute("aria-busy");
        }
      });
    }

    province.addEventListener("change", function () {
      load(regency, province.value);
      load(district, "");
    });
    regency.addEventListener("change", function () {
      load(district, regency.value);
    });
  }

  document.querySelectorAll("[data-region-picker]").forEach(init);
})();
