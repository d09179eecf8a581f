// The workspace's only script: draw the charts (Chart.js) and highlight a finding's cells.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(id, type, labels, datasets, extra) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    new Chart(canvas, Object.assign({ type: type, data: { labels: labels, datasets: datasets },
      options: { animation: false, responsive: true, plugins: { legend: { display: type !== "bar" } } } }, extra || {}));
  }
  var overview = data("chart-data");
  if (overview) {
    chart("chart-rule", "bar", overview.byRule.labels, [{ label: "问题数", data: overview.byRule.values, backgroundColor: "#b3261e" }]);
    chart("chart-region", "bar", overview.byRegion.labels, [{ label: "问题数", data: overview.byRegion.values, backgroundColor: "#1f3b5c" }]);
    chart("chart-year", "bar", overview.byYear.labels, [{ label: "问题数", data: overview.byYear.values, backgroundColor: "#5b8def" }]);
    chart("chart-failing", "doughnut", overview.failing.labels, [{ data: overview.failing.values, backgroundColor: ["#b3261e", "#7bbf85"] }]);
  }
  var agency = data("agency-data");
  if (agency) {
    chart("chart-agency", "line", agency.labels, [
      { label: "错误", data: agency.error, borderColor: "#b3261e" },
      { label: "警告", data: agency.warning, borderColor: "#d08a00" }]);
  }
  // A finding chosen (a click on it or its link, or the address) frames its cell and the cells that add up to it.
  function focusFinding(finding) {
    document.querySelectorAll("td.focus").forEach(function (td) { td.classList.remove("focus"); });
    if (!finding) return;
    (finding.dataset.cell + " " + finding.dataset.parts).split(" ").forEach(function (cellId) {
      var td = cellId && document.getElementById(cellId);
      if (td) td.classList.add("focus");
    });
  }
  function fromAddress() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("f-") === 0) focusFinding(document.getElementById(id));
  }
  document.addEventListener("click", function (event) {
    var finding = event.target.closest && event.target.closest(".finding");
    if (finding && !event.target.closest("form")) focusFinding(finding);
  });
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
