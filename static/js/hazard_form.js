/* The hazard report and edit forms: finding the enterprise while typing (the search form
   works without this too: it reloads the page with the matches), the ownerless and major
   parts shown only when they apply, and "use my location". No framework. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function fieldOf(element) {
    return element && (element.closest(".field") || element);
  }

  // --- Enterprise search -------------------------------------------------------------------
  function enterpriseSearch(form) {
    var input = form.querySelector("[data-enterprise-search]");
    var select = document.getElementById(form.getAttribute("data-target"));
    var status = form.querySelector("[data-enterprise-search-status]");
    var sector = document.getElementById("id_sector");
    if (!input || !select || !window.fetch) return;
    var timer = null;
    var lastQuery = null;
    var sectorTouched = false;
    if (sector) sector.addEventListener("change", function () { sectorTouched = true; });

    function say(text) { if (status) status.textContent = text || ""; }

    function fill(results) {
      var chosen = select.value;
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value && option.value !== chosen) option.remove();
      });
      results.forEach(function (item) {
        if (String(item.id) === chosen) return;
        var option = new Option(item.label + " · " + item.jurisdiction, item.id);
        option.setAttribute("data-sector", item.sector);
        select.add(option);
      });
      var template = results.length ? form.getAttribute("data-found-text") : form.getAttribute("data-none-text");
      say((template || "").replace("{n}", results.length));
      if (results.length === 1 && !chosen) {
        select.value = String(results[0].id);
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function search() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) { say(""); return; }
      var url = form.getAttribute("data-url") + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
        .then(function (body) { if (input.value.trim() === query) fill(body.results || []); })
        .catch(function () { lastQuery = null; form.setAttribute("data-js-failed", "1"); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 300);
    });
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-js-failed")) return; // let the page do the search
      event.preventDefault();
      lastQuery = null;
      search();
    });
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var sectorId = option && option.getAttribute("data-sector");
      if (sector && sectorId && !sectorTouched) sector.value = sectorId;
    });
  }

  // --- Ownerless and major parts -----------------------------------------------------------
  function toggles() {
    var ownerless = document.getElementById("id_ownerless");
    if (ownerless) {
      var enterpriseField = fieldOf(document.getElementById("id_enterprise"));
      var search = document.querySelector("[data-enterprise-search-form]");
      var place = document.querySelectorAll("[data-ownerless-only]");
      var sync = function () {
        place.forEach(function (el) { el.hidden = !ownerless.checked; });
        if (enterpriseField) enterpriseField.hidden = ownerless.checked;
        if (search) search.hidden = ownerless.checked;
      };
      ownerless.addEventListener("change", sync);
      sync();
    }
    var levels = document.querySelectorAll("input[name='level']");
    var majorOnly = document.querySelectorAll("[data-major-only]");
    if (levels.length && majorOnly.length) {
      var filledOrWrong = function (box) {
        if (box.querySelector(".has-error")) return true;
        return Array.prototype.some.call(box.querySelectorAll("input, textarea, select"), function (el) { return el.value; });
      };
      var syncMajor = function () {
        var major = Array.prototype.some.call(levels, function (r) { return r.checked && r.value === "major"; });
        majorOnly.forEach(function (box) { box.hidden = !major && !filledOrWrong(box); });
      };
      levels.forEach(function (r) { r.addEventListener("change", syncMajor); });
      syncMajor();
    }
  }

  // --- Use my location ---------------------------------------------------------------------
  function geolocate(button) {
    if (!navigator.geolocation) return;
    var latitude = document.getElementById(button.getAttribute("data-latitude"));
    var longitude = document.getElementById(button.getAttribute("data-longitude"));
    if (!latitude || !longitude) return;
    button.hidden = false;
    var label = button.textContent;
    var note = document.createElement("p");
    note.className = "helptext";
    note.setAttribute("role", "status");
    button.insertAdjacentElement("afterend", note);
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text") || label;
      note.textContent = "";
      navigator.geolocation.getCurrentPosition(function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        button.textContent = label;
        note.textContent = "± " + Math.round(position.coords.accuracy) + " m";
      }, function () {
        button.disabled = false;
        button.textContent = label;
        note.textContent = button.getAttribute("data-error-text") || "";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  ready(function () {
    document.querySelectorAll("[data-enterprise-search-form]").forEach(enterpriseSearch);
    toggles();
    document.querySelectorAll("[data-geolocate]").forEach(geolocate);
  });
})();
