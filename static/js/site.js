// Small, optional enhancements; every page works without this file.
(function () {
  "use strict";
  // Loaded in <head> without defer: marking the page as scripted before the first paint lets the stylesheet
  // fold the small-screen menu away at once. Without JavaScript the menu stays a plain list under the header.
  document.documentElement.classList.add("js");

  // The small-screen menu: the button opens and closes it; Escape closes it and puts focus back on the button.
  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.hidden = false;
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") {
        return;
      }
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      setOpen(false);
      if (inside) {
        button.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    // Move focus to the first error summary so screen-reader users hear what went wrong.
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }
  });
})();
