/* Safety Production Responsibility Platform: the little behaviour the pages need.
   Everything works without it; it only adds the phone menu toggle and a few conveniences. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var body = document.body;

    // Phone menu: the toggle shows and hides the navigation drawer.
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (toggle && nav) {
      var setOpen = function (open) {
        body.classList.toggle("nav-open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      toggle.addEventListener("click", function () {
        setOpen(!body.classList.contains("nav-open"));
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && body.classList.contains("nav-open")) {
          setOpen(false);
          toggle.focus();
        }
      });
      document.addEventListener("click", function (event) {
        if (body.classList.contains("nav-open") && !nav.contains(event.target) && !toggle.contains(event.target)) {
          setOpen(false);
        }
      });
    }

    // Forms with data-confirm ask before submitting.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    // Prevent double submission: disable submit buttons once a POST form is sent.
    document.querySelectorAll("form[method='post'], form[method='POST']").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        window.setTimeout(function () {
          form.querySelectorAll("button[type='submit'][data-busy-label]").forEach(function (button) {
            button.disabled = true;
            button.textContent = button.getAttribute("data-busy-label");
          });
        }, 0);
      });
    });

    // "Go back" buttons on error pages.
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      if (window.history.length > 1) {
        button.hidden = false;
        button.addEventListener("click", function () { window.history.back(); });
      }
    });
  });
})();
