// The import's progress page: asks the JSON endpoint every two seconds and moves the bar; reloads when done
// (without JavaScript the page refreshes itself).
(function () {
  var box = document.getElementById("import-status");
  if (!box) { return; }
  var bar = document.getElementById("import-progress");
  var done = document.getElementById("import-done");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.done;
        done.textContent = job.done + " / " + job.total;
        if (job.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
