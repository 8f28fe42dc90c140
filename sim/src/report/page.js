(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row[data-q]"));
  var q = document.getElementById("q");
  var only = document.getElementById("only");
  var shown = document.getElementById("shown");

  function filter() {
    var words = (q && q.value || "").toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-q");
      var flags = row.getAttribute("data-flags");
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!only || !only.checked || flags.indexOf("eventful") >= 0);
      row.classList.toggle("hidden", !ok);
      if (ok) { n += 1; }
    });
    if (shown) { shown.textContent = n + " of " + rows.length + " rows shown"; }
  }

  // The records of a row in words, from the titles of its marks, in log order.
  function fill(details) {
    var list = details.querySelector("ol.records");
    if (!list || list.getAttribute("data-filled")) { return; }
    var marks = Array.prototype.slice.call(details.parentNode.querySelectorAll("g.mk[data-i]"));
    marks.sort(function (a, b) { return a.getAttribute("data-i") - b.getAttribute("data-i"); });
    list.textContent = "";
    marks.forEach(function (g) {
      var title = g.querySelector("title");
      var li = document.createElement("li");
      li.textContent = title ? title.textContent : "";
      list.appendChild(li);
    });
    list.setAttribute("data-filled", "1");
  }

  document.querySelectorAll("details.more").forEach(function (d) {
    d.addEventListener("toggle", function () { if (d.open) { fill(d); } });
    if (d.open) { fill(d); }
  });
  if (q) { q.addEventListener("input", filter); }
  if (only) { only.addEventListener("change", filter); }
  filter();
})();
