// Progressive enhancement only: every page works without this file.
// On the catalog, the search box narrows the rows as you type (the form still filters on submit).
(function () {
  "use strict";
  var search = document.getElementById("search");
  var table = document.getElementById("catalog");
  var count = document.getElementById("count");
  if (!search || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var total = count ? count.textContent.replace(/^\d+ of /, "") : "";
  function norm(s) { return s.toLowerCase().replace(/[^a-z0-9.]+/g, " ").trim(); }
  search.addEventListener("input", function () {
    var words = norm(search.value).split(" ").filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = norm(row.getAttribute("data-text") || "");
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.classList.toggle("hidden", !keep);
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + total; }
  });
}());
