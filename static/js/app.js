// HarvestLink: progressive enhancements only; every page works without this file.
(function () {
  "use strict";

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text;
    return o;
  }

  // Region picker: the six-digit code input becomes province -> prefecture -> county selects.
  function initRegionPicker(box) {
    var input = box.querySelector("input");
    var labels = (box.dataset.labels || "Province|Prefecture|County|—").split("|");
    var url = box.dataset.url;
    var anyLevel = box.dataset.levels === "any";
    var selects = [];

    function load(level, parent, selected) {
      var select = selects[level];
      select.innerHTML = "";
      select.appendChild(option("", labels[3]));
      select.hidden = true;
      if (level > 0 && !parent) { return Promise.resolve(); }
      return fetch(url + (parent ? "?parent=" + encodeURIComponent(parent) : ""), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          items.forEach(function (it) { select.appendChild(option(it.code, it.name)); });
          select.hidden = items.length === 0;
          if (selected) { select.value = selected; }
          return items;
        });
    }

    function deepestChoice() {
      for (var i = selects.length - 1; i >= 0; i--) {
        if (!selects[i].hidden && selects[i].value) { return {level: i, code: selects[i].value}; }
      }
      return null;
    }

    labels.slice(0, 3).forEach(function (label, level) {
      var s = document.createElement("select");
      s.setAttribute("aria-label", label);
      s.addEventListener("change", function () {
        var next = level + 1;
        var chain = Promise.resolve();
        for (var i = next; i < selects.length; i++) { selects[i].innerHTML = ""; selects[i].hidden = true; }
        if (next < selects.length && s.value) { chain = load(next, s.value); }
        chain.then(function () {
          var choice = deepestChoice();
          var leaf = choice && (next >= selects.length || selects[next].hidden);
          input.value = choice && (anyLevel || leaf) ? choice.code : "";
        });
      });
      selects.push(s);
      input.parentNode.insertBefore(s, input);
    });
    input.type = "hidden";

    var code = (input.value || "").trim();
    var province = code ? code.slice(0, 2) + "0000" : "";
    var prefecture = code ? code.slice(0, 4) + "00" : "";
    load(0, null, province).then(function () {
      if (!province) { return; }
      return load(1, province, prefecture !== province ? prefecture : code).then(function (items) {
        if (!items || items.length === 0 || code === prefecture) { return; }
        var parent = selects[1].value;
        if (parent) { return load(2, parent, code); }
      });
    });
  }

  document.querySelectorAll("[data-region-picker]").forEach(initRegionPicker);

  // Buttons that ask for confirmation: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) { event.preventDefault(); }
  });
})();
