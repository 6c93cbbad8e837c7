// 「読み上げ」: reads a content page's title and body aloud with the browser's speech synthesis, in the language of
// the content (the nearest lang attribute, else the page's). The controls ([data-read-aloud], hidden in the HTML)
// are shown only when the browser has a voice for that language; voices may arrive later (voiceschanged).
(function () {
  "use strict";

  function baseLanguage(tag) {
    return String(tag || "").toLowerCase().replace("_", "-").split("-")[0];
  }

  function hasVoiceFor(lang) {
    var voices = window.speechSynthesis.getVoices() || [];
    var wanted = baseLanguage(lang);
    return voices.some(function (voice) { return baseLanguage(voice.lang) === wanted; });
  }

  function readable(node) {
    var copy = node.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".badge, .visually-hidden"), function (extra) {
      extra.parentNode.removeChild(extra);
    });
    return (copy.textContent || "").replace(/\s+/g, " ").trim();
  }

  // The title (the scope's heading) and the body (the parts marked data-read-aloud-part).
  function textOf(scope) {
    var parts = [scope.querySelector("h1")].concat(
      Array.prototype.slice.call(scope.querySelectorAll("[data-read-aloud-part]")));
    return parts.filter(Boolean).map(readable).filter(Boolean).join("\n");
  }

  function setUp(controls) {
    var synth = window.speechSynthesis;
    var scope = controls.closest("[data-read-aloud-scope]") || document.querySelector("main") || document.body;
    var holder = scope.closest("[lang]");
    var lang = (holder && holder.getAttribute("lang")) || document.documentElement.lang || "ja";

    function refresh() {
      controls.hidden = !hasVoiceFor(lang);
    }

    function play() {
      if (synth.paused && synth.speaking) {
        synth.resume();
        return;
      }
      synth.cancel();
      var utterance = new window.SpeechSynthesisUtterance(textOf(scope));
      utterance.lang = lang;
      var wanted = baseLanguage(lang);
      var voice = (synth.getVoices() || []).filter(function (v) { return baseLanguage(v.lang) === wanted; })[0];
      if (voice) utterance.voice = voice;
      synth.speak(utterance);
    }

    var actions = {
      play: play,
      pause: function () { if (synth.speaking) synth.pause(); },
      stop: function () { synth.cancel(); }
    };
    Array.prototype.forEach.call(controls.querySelectorAll("[data-read-aloud-action]"), function (button) {
      var action = actions[button.getAttribute("data-read-aloud-action")];
      if (action) button.addEventListener("click", action);
    });
    refresh();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", refresh);
    // Leaving the page stops the voice instead of reading on over the next one.
    window.addEventListener("pagehide", function () { synth.cancel(); });
  }

  function start() {
    if (!("speechSynthesis" in window) || !window.SpeechSynthesisUtterance) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-read-aloud]"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
