/* The risk map ("电子一张图"): risk points as circles in their grade colour and open major hazards
   as diamonds, loaded as GeoJSON from the platform, over the configured tile server or, with
   none, over a plain latitude/longitude grid. Filters reload the data without leaving the page.
   Plain ES5 and XMLHttpRequest: government intranets still run old browsers. */
(function () {
  "use strict";

  var COLOURS = { red: "#c62828", orange: "#ef6c00", yellow: "#f9a825", blue: "#1565c0" };
  // Degrees between grid lines, tried from fine to coarse.
  var GRID_STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30];

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return values.hasOwnProperty(name) ? String(values[name]) : match;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /* A canvas grid layer: lines every "step" degrees (chosen from the zoom so that they are about
     150 px apart) with their latitude or longitude written beside them. */
  function graticule(labels) {
    var Grid = L.GridLayer.extend({
      createTile: function (coords) {
        var tile = document.createElement("canvas");
        var size = this.getTileSize();
        tile.width = size.x;
        tile.height = size.y;
        var map = this._map;
        var ctx = tile.getContext("2d");
        ctx.fillStyle = "#eef2f6";
        ctx.fillRect(0, 0, size.x, size.y);
        var origin = coords.scaleBy(size);
        var northWest = map.unproject(origin, coords.z);
        var southEast = map.unproject(origin.add(size), coords.z);
        var degreesPerPixel = 360 / (size.x * Math.pow(2, coords.z));
        var step = GRID_STEPS[GRID_STEPS.length - 1];
        for (var i = 0; i < GRID_STEPS.length; i++) {
          if (GRID_STEPS[i] / degreesPerPixel >= 150) { step = GRID_STEPS[i]; break; }
        }
        var decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log(step) / Math.LN10));
        ctx.strokeStyle = "rgba(60, 80, 110, .28)";
        ctx.lineWidth = 1;
        ctx.fillStyle = "rgba(40, 55, 80, .75)";
        ctx.font = "11px sans-serif";
        var lon, lat, x, y, point;
        for (lon = Math.ceil(northWest.lng / step) * step; lon <= southEast.lng; lon += step) {
          point = map.project([0, lon], coords.z);
          x = Math.round(point.x - origin.x) + 0.5;
          ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, size.y); ctx.stroke();
          ctx.fillText(Math.abs(lon).toFixed(decimals) + "°" + (lon >= 0 ? labels.lon : "W"), x + 3, 12);
        }
        for (lat = Math.ceil(southEast.lat / step) * step; lat <= northWest.lat; lat += step) {
          point = map.project([lat, 0], coords.z);
          y = Math.round(point.y - origin.y) + 0.5;
          ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(size.x, y); ctx.stroke();
          ctx.fillText(Math.abs(lat).toFixed(decimals) + "°" + (lat >= 0 ? labels.lat : "S"), 3, y - 3);
        }
        return tile;
      }
    });
    return new Grid({ maxZoom: 19 });
  }

  function popupContent(properties, labels) {
    var box = element("div", "map-popup");
    box.appendChild(element("h3", null, properties.name));
    if (properties.kind === "risk_point") {
      box.appendChild(element("p", null, labels.grade + ": " + properties.grade_label));
      if (properties.management_level_label) box.appendChild(element("p", "muted", properties.management_level_label));
    } else {
      box.appendChild(element("p", null, labels.majorHazard + " " + (properties.code || "")));
      box.appendChild(element("p", null, labels.status + ": " + properties.status_label));
      if (properties.deadline) {
        box.appendChild(element("p", properties.overdue ? "" : "muted",
          labels.deadline + ": " + properties.deadline + (properties.overdue ? " (" + labels.overdue + ")" : "")));
      }
    }
    if (properties.enterprise) box.appendChild(element("p", null, labels.enterprise + ": " + properties.enterprise));
    var place = [properties.jurisdiction, properties.sector].filter(Boolean).join(" · ");
    if (place) box.appendChild(element("p", "muted", place));
    if (properties.url) {
      var link = element("a", null, labels.open + " ›");
      link.href = properties.url;
      var line = element("p");
      line.appendChild(link);
      box.appendChild(line);
    }
    return box;
  }

  function queryString(form) {
    var parts = [];
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.name || field.disabled || field.value === "") continue;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) continue;
      parts.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value));
    }
    return parts.join("&");
  }

  function focusId() {
    var match = /[?&]focus=(\d+)/.exec(window.location.search);
    return match ? parseInt(match[1], 10) : null;
  }

  ready(function () {
    var container = document.getElementById("risk-map");
    var configNode = document.getElementById("risk-map-config");
    if (!container || !configNode || !window.L) return;
    var config = JSON.parse(configNode.textContent);
    var labels = config.labels;
    var form = document.querySelector("[data-map-form]");
    var status = document.querySelector("[data-map-status]");
    var download = document.querySelector("[data-map-download]");
    var filters = document.querySelector("[data-map-filters]");

    // On a phone the filters start folded so the map is on screen.
    if (filters && window.matchMedia && window.matchMedia("(max-width: 639.98px)").matches) filters.open = false;

    // Leaflet's own zoom buttons carry English titles: replaced by translated ones.
    var map = L.map(container, { preferCanvas: true, worldCopyJump: true, zoomControl: false }).setView([30, 110], 4);
    L.control.zoom({ zoomInTitle: labels.zoomIn, zoomOutTitle: labels.zoomOut }).addTo(map);
    map.attributionControl.setPrefix("Leaflet");
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || "", maxZoom: 18 }).addTo(map);
    } else {
      graticule(labels).addTo(map);
    }

    var legendNode = document.querySelector("[data-map-legend]");
    if (legendNode) {
      var Legend = L.Control.extend({
        onAdd: function () {
          L.DomEvent.disableClickPropagation(legendNode);
          return legendNode;
        }
      });
      new Legend({ position: "bottomright" }).addTo(map);
    }

    var layer = L.featureGroup().addTo(map);
    var request = null;

    function setStatus(text, kind) {
      if (!status) return;
      status.textContent = text;
      status.className = "map-status small" + (kind ? " is-" + kind : "");
    }

    function draw(collection) {
      layer.clearLayers();
      var features = collection.features || [];
      var wanted = focusId();
      var focused = null;
      // The server sends the most severe first; drawing them last keeps them on top.
      for (var i = features.length - 1; i >= 0; i--) {
        var feature = features[i];
        var p = feature.properties;
        var latlng = L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]);
        var marker;
        if (p.kind === "risk_point") {
          marker = L.circleMarker(latlng, {
            radius: p.grade === "red" ? 8 : 7, color: "#ffffff", weight: 1.5,
            fillColor: COLOURS[p.grade] || "#607080", fillOpacity: 0.92
          });
        } else {
          marker = L.marker(latlng, {
            icon: L.divIcon({ className: "hazard-marker" + (p.overdue ? " is-overdue" : ""), html: "<span><b>!</b></span>", iconSize: [20, 20] }),
            title: p.name, zIndexOffset: 1000, keyboard: true
          });
        }
        marker.bindPopup(popupContent(p, labels));
        marker.addTo(layer);
        if (wanted !== null && p.kind === "risk_point" && p.id === wanted) focused = marker;
      }
      var counts = collection.counts || {};
      var text = format(labels.summary, { points: counts.risk_points || 0, hazards: counts.major_hazards || 0 });
      if (!features.length) {
        setStatus(labels.noData);
      } else if (collection.capped) {
        setStatus(text + " " + format(labels.capped, { limit: collection.limit }), "capped");
      } else {
        setStatus(text);
      }
      if (focused) {
        map.setView(focused.getLatLng(), 15);
        focused.openPopup();
      } else if (features.length) {
        map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 15 });
      }
    }

    function load() {
      var query = form ? queryString(form) : "";
      if (download) download.href = config.dataUrl + "?" + (query ? query + "&" : "") + "download=1";
      if (request) request.abort();
      setStatus(labels.loading);
      var xhr = new XMLHttpRequest();
      request = xhr;
      xhr.open("GET", config.dataUrl + (query ? "?" + query : ""));
      xhr.setRequestHeader("Accept", "application/geo+json, application/json");
      xhr.onload = function () {
        request = null;
        if (xhr.status === 200) {
          try { draw(JSON.parse(xhr.responseText)); } catch (error) { setStatus(labels.failed, "error"); }
        } else if (xhr.status === 400) {
          setStatus(labels.invalid, "error");
        } else {
          setStatus(labels.failed, "error");
        }
      };
      xhr.onerror = function () { request = null; setStatus(labels.failed, "error"); };
      xhr.send();
      return query;
    }

    function apply() {
      var query = load();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
    }

    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply();
      });
      form.addEventListener("change", apply);
    }
    load();
  });
})();
