/* Risk point forms: show only the score inputs of the chosen grading method, the new values
   of a review only when the point is "changed", and fill the coordinates from the phone's
   position. Without it every input is shown and the server uses those of the method. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function checkedValue(form, name) {
    var inputs = form.querySelectorAll("input[name='" + name + "']");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) return inputs[i].value;
    }
    return "";
  }

  function toggle(form, selector, attribute, value) {
    var groups = form.querySelectorAll(selector);
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute(attribute) !== value;
    }
  }

  ready(function () {
    var forms = document.querySelectorAll("[data-risk-point-form]");
    for (var f = 0; f < forms.length; f++) {
      (function (form) {
        function update() {
          toggle(form, "[data-method-group]", "data-method-group", checkedValue(form, "method"));
          if (form.querySelector("input[name='outcome']")) {
            toggle(form, "[data-outcome-group]", "data-outcome-group", checkedValue(form, "outcome"));
          }
        }
        form.addEventListener("change", function (event) {
          if (event.target && (event.target.name === "method" || event.target.name === "outcome")) update();
        });
        update();

        var locate = form.querySelector("[data-locate]");
        var status = form.querySelector("[data-locate-status]");
        var latitude = form.querySelector("input[name='latitude']");
        var longitude = form.querySelector("input[name='longitude']");
        if (locate && latitude && longitude && navigator.geolocation) {
          var label = locate.textContent;
          locate.hidden = false;
          locate.addEventListener("click", function () {
            locate.disabled = true;
            locate.textContent = locate.getAttribute("data-busy-label") || label;
            navigator.geolocation.getCurrentPosition(
              function (position) {
                latitude.value = position.coords.latitude.toFixed(6);
                longitude.value = position.coords.longitude.toFixed(6);
                locate.disabled = false;
                locate.textContent = label;
                if (status) status.textContent = "±" + Math.round(position.coords.accuracy) + " m";
              },
              function (error) {
                locate.disabled = false;
                locate.textContent = label;
                if (status) status.textContent = error.message;
              },
              { enableHighAccuracy: true, timeout: 15000 }
            );
          });
        }
      })(forms[f]);
    }
  });
})();
