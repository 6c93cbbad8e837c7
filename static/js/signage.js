// Signage screens: rotate the slides, run the clock, poll for new content and urgent notices.
// Every word shown comes from the server (data-* attributes and /signage.json). Without this file the
// page shows all its slides at once and reloads itself every five minutes (<noscript> refresh).
//
// State for tests and monitoring, on the page itself:
//   #signage-slides  data-slide-count, data-current-slide (index), data-current-id (slide id)
//   .slide           data-slide-id ("event-12"), data-current="true" on the one shown; .slide-qr its QR code
//   #signage-urgent  data-urgent-count, hidden when empty; body[data-urgent="true"] while one is shown
//   body             data-state ("ok" or "offline"), data-poll-count, data-last-poll (ISO time)
// window.signage.next() / .show(i) / .poll() drive it by hand.
(function () {
  "use strict";

  var FETCH_TIMEOUT_MS = 10000;
  var body, slidesBox, urgentBox, statusBox, dateBox, timeBox;
  var seconds, pollSeconds, feedUrl;
  var rotateTimer = null;
  var pollTimer = null;
  var lastSlides = null;
  var lastUrgent = null;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function slides() {
    return Array.prototype.slice.call(slidesBox.querySelectorAll(".slide"));
  }

  function currentIndex() {
    return parseInt(slidesBox.getAttribute("data-current-slide") || "0", 10) || 0;
  }

  function show(index) {
    var all = slides();
    slidesBox.setAttribute("data-slide-count", String(all.length));
    if (!all.length) {
      slidesBox.setAttribute("data-current-slide", "0");
      slidesBox.removeAttribute("data-current-id");
      return;
    }
    index = ((index % all.length) + all.length) % all.length;
    all.forEach(function (slide, i) {
      slide.hidden = i !== index;
      if (i === index) slide.setAttribute("data-current", "true");
      else slide.removeAttribute("data-current");
    });
    slidesBox.setAttribute("data-current-slide", String(index));
    slidesBox.setAttribute("data-current-id", all[index].getAttribute("data-slide-id") || "");
  }

  function next() {
    show(currentIndex() + 1);
  }

  function startRotation() {
    if (rotateTimer) clearInterval(rotateTimer);
    rotateTimer = setInterval(next, seconds * 1000);
  }

  // The QR code of the item's page, its words and its address shortened for reading (as screen.html has it).
  function qrFigure(item) {
    var figure = make("figure", "slide-qr");
    var image = make("img", "slide-qr-code");
    image.src = item.qr;
    image.alt = item.qr_alt || "";
    image.width = 300;
    image.height = 300;
    figure.appendChild(image);
    var caption = make("figcaption");
    caption.appendChild(make("span", "slide-qr-label", item.qr_label));
    caption.appendChild(document.createTextNode(" "));
    caption.appendChild(make("span", "slide-qr-url", item.url_label));
    figure.appendChild(caption);
    return figure;
  }

  function renderSlides(list) {
    var signature = JSON.stringify(list);
    if (signature === lastSlides) return; // unchanged: the rotation goes on where it was
    lastSlides = signature;
    var shownId = slidesBox.getAttribute("data-current-id");
    var start = 0;
    clear(slidesBox);
    if (!list.length) {
      slidesBox.appendChild(make("p", "slides-empty", body.getAttribute("data-text-empty")));
    }
    list.forEach(function (item, i) {
      var slide = make("article", "slide slide-" + item.kind);
      slide.setAttribute("data-slide-id", item.id);
      slide.setAttribute("data-kind", item.kind);
      var text = make("div", "slide-text");
      text.appendChild(make("p", "slide-kind", item.kind_label));
      text.appendChild(make("h2", "slide-title", item.title));
      (item.lines || []).forEach(function (line) {
        text.appendChild(make("p", "slide-line", line));
      });
      slide.appendChild(text);
      if (item.qr) slide.appendChild(qrFigure(item));
      slidesBox.appendChild(slide);
      if (item.id === shownId) start = i;
    });
    show(start);
  }

  function renderUrgent(list) {
    var signature = JSON.stringify(list);
    if (signature === lastUrgent) return;
    lastUrgent = signature;
    clear(urgentBox);
    list.forEach(function (notice) {
      var article = make("article", "urgent-notice");
      article.setAttribute("data-urgent-id", String(notice.id));
      article.appendChild(make("p", "urgent-label", body.getAttribute("data-text-urgent") + " · " + notice.area));
      article.appendChild(make("h2", "urgent-title", notice.title));
      if (notice.body) article.appendChild(make("p", "urgent-body", notice.body));
      article.appendChild(make("p", "urgent-until", notice.until));
      urgentBox.appendChild(article);
    });
    urgentBox.hidden = !list.length;
    urgentBox.setAttribute("data-urgent-count", String(list.length));
    body.setAttribute("data-urgent", list.length ? "true" : "false");
  }

  function setState(state) {
    body.setAttribute("data-state", state);
    statusBox.textContent = state === "offline" ? body.getAttribute("data-text-offline") : "";
  }

  function fetchJson(url) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, FETCH_TIMEOUT_MS) : null;
    var options = { cache: "no-store", credentials: "omit", headers: { Accept: "application/json" } };
    if (controller) options.signal = controller.signal;
    return fetch(url, options).then(function (response) {
      if (timer) clearTimeout(timer);
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  function poll() {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    return fetchJson(feedUrl).then(function (data) {
      if (!data || !Array.isArray(data.slides) || !Array.isArray(data.urgent)) throw new Error("bad data");
      renderUrgent(data.urgent);
      renderSlides(data.slides);
      setState("ok");
      body.setAttribute("data-last-poll", new Date().toISOString());
    }).catch(function () {
      setState("offline"); // keep showing what we had: a screen in a station must never go blank
    }).then(function () {
      body.setAttribute("data-poll-count", String((parseInt(body.getAttribute("data-poll-count") || "0", 10) || 0) + 1));
      pollTimer = setTimeout(poll, pollSeconds * 1000);
    });
  }

  function tick() {
    var now = new Date();
    var lang = document.documentElement.lang === "en" ? "en-GB" : "ja-JP";
    try {
      dateBox.textContent = new Intl.DateTimeFormat(lang, {
        timeZone: "Asia/Tokyo", year: "numeric", month: "long", day: "numeric", weekday: "short"
      }).format(now);
      timeBox.textContent = new Intl.DateTimeFormat(lang, {
        timeZone: "Asia/Tokyo", hour: "numeric", minute: "2-digit", hourCycle: "h23"
      }).format(now);
    } catch (error) {
      // An old browser without time zones keeps the server's time from the page.
    }
  }

  function start() {
    body = document.body;
    slidesBox = document.getElementById("signage-slides");
    urgentBox = document.getElementById("signage-urgent");
    statusBox = document.getElementById("signage-status");
    dateBox = document.getElementById("signage-date");
    timeBox = document.getElementById("signage-time");
    if (!body || !slidesBox || !urgentBox || !statusBox) return;
    seconds = Math.max(3, parseInt(body.getAttribute("data-seconds"), 10) || 15);
    pollSeconds = Math.max(5, parseInt(body.getAttribute("data-poll-seconds"), 10) || 30);
    feedUrl = body.getAttribute("data-feed-url");
    document.documentElement.classList.add("signage-js");
    show(0);
    startRotation();
    tick();
    setInterval(tick, 1000);
    // The page came with fresh content: the first poll waits one interval.
    if (feedUrl && window.fetch) pollTimer = setTimeout(poll, pollSeconds * 1000);
    window.signage = { next: next, show: show, poll: poll };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
