// やさしい日本語 hints while the editor types: the text goes to the server (Sudachi runs there) and the hints
// come back as JSON into the form's hint list. Without this file the 「やさしい日本語をチェック」 button shows the
// same hints after a round trip. Hints are advice: nothing here blocks saving.
(function () {
  "use strict";

  var DELAY_MS = 700;

  function setUp(box) {
    var form = box.closest("form");
    var title = document.getElementById(box.getAttribute("data-title-field"));
    var body = document.getElementById(box.getAttribute("data-body-field"));
    var list = box.querySelector(".easy-hints-list");
    var url = box.getAttribute("data-hints-url");
    if (!form || !title || !body || !list || !url || !window.fetch) return;
    var timer = null;
    var asked = 0;

    function render(hints) {
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!hints.length) {
        if (!title.value.trim() && !body.value.trim()) return;
        var none = document.createElement("p");
        none.textContent = box.getAttribute("data-text-none");
        list.appendChild(none);
        return;
      }
      var ul = document.createElement("ul");
      hints.forEach(function (hint) {
        var li = document.createElement("li");
        li.setAttribute("data-hint-kind", hint.kind);
        li.textContent = hint.message;
        ul.appendChild(li);
      });
      list.appendChild(ul);
    }

    function ask() {
      var token = form.querySelector("input[name=csrf_token]");
      var data = new URLSearchParams();
      data.append("title", title.value);
      data.append("body", body.value);
      var mine = ++asked;
      fetch(url, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (answer) {
        if (mine === asked && answer && Array.isArray(answer.hints)) render(answer.hints);
      }).catch(function () {
        // The check button still works; a failed request changes nothing on the page.
      });
    }

    function later() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    }

    title.addEventListener("input", later);
    body.addEventListener("input", later);
    box.setAttribute("data-live", "true");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-easy-hints]"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
