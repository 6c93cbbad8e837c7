// Maps (Leaflet, shipped under static/vendor): an item's place, a listing's markers and the place picker of the
// editing forms, set up from each map container's data-* attributes. Every page works without this file: the
// address and a link to OpenStreetMap stay, and the coordinates can be typed.
(function () {
  "use strict";

  function point(text) {
    var parts = (text || "").split(",");
    return [parseFloat(parts[0]), parseFloat(parts[1])];
  }

  function baseMap(el, options) {
    var map = L.map(el, Object.assign({ zoomControl: false, attributionControl: false }, options));
    L.control.zoom({ zoomInTitle: el.dataset.textZoomIn, zoomOutTitle: el.dataset.textZoomOut }).addTo(map);
    L.control.attribution({ prefix: '<a href="https://leafletjs.com/">Leaflet</a>' }).addTo(map);
    var tiles = L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.attribution, maxZoom: 19 });
    tiles.once("tileerror", function () {
      el.dataset.tiles = "failed";
      var status = el.parentNode.querySelector(".map-status");
      if (status && !status.textContent) { status.textContent = el.dataset.textTilesFailed; }
    });
    tiles.on("load", function () { if (el.dataset.tiles !== "failed") { el.dataset.tiles = "loaded"; } });
    tiles.addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) { close.setAttribute("aria-label", el.dataset.textClose); close.setAttribute("title", el.dataset.textClose); }
    });
    el.dataset.ready = "true";
    return map;
  }

  // An item's page: its place, a marker that does nothing (the page says the rest).
  function pointMap(el) {
    var place = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var map = baseMap(el, { center: place, zoom: 16, scrollWheelZoom: false });
    L.marker(place, { alt: el.dataset.title, title: el.dataset.title, interactive: false, keyboard: false }).addTo(map);
  }

  function popup(marker) {
    var box = document.createElement("div");
    var title = document.createElement("p");
    var link = document.createElement("a");
    title.className = "popup-title";
    link.href = marker.url;
    link.textContent = marker.title;
    title.appendChild(link);
    box.appendChild(title);
    if (marker.meta) {
      var meta = document.createElement("p");
      meta.textContent = marker.meta;
      box.appendChild(meta);
    }
    return box;
  }

  // A listing on the map: its markers (from the listing's JSON), in clusters that open with a click or Enter.
  function markersMap(el) {
    var map = baseMap(el, { center: point(el.dataset.center), zoom: 11 });
    var status = document.getElementById(el.dataset.status);
    var suffix = el.dataset.textCluster;
    var clusters = L.markerClusterGroup({
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return L.divIcon({
          html: "<div><span>" + count + '<span class="visually-hidden">' + suffix.replace(/[<>&"]/g, "") + "</span></span></div>",
          className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40)
        });
      }
    });
    status.textContent = "";
    fetch(el.dataset.markersUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        data.markers.forEach(function (item) {
          var marker = L.marker([item.lat, item.lon], { alt: item.title, title: item.title });
          marker.bindPopup(popup(item));
          clusters.addLayer(marker);
        });
        map.addLayer(clusters);
        if (data.markers.length) {
          map.fitBounds(clusters.getBounds(), { maxZoom: 16, padding: [24, 24] });
          status.textContent = el.dataset.textCount.replace("{n}", data.markers.length) + (data.note ? " " + data.note : "");
        } else {
          status.textContent = el.dataset.textEmpty;
        }
        el.dataset.markerCount = String(data.markers.length);
      })
      .catch(function () { status.textContent = el.dataset.textFailed; });
  }

  // The editing forms: a click on the map, or the address button, fills in latitude and longitude.
  function pickerMap(el) {
    var tools = el.closest("[data-location-tools]");
    var form = el.closest("form");
    var lat = document.getElementById(el.dataset.latField);
    var lon = document.getElementById(el.dataset.lonField);
    var status = tools.querySelector(".map-status");
    tools.hidden = false;
    var typed = function () { return [parseFloat(lat.value), parseFloat(lon.value)]; };
    var start = typed();
    var known = isFinite(start[0]) && isFinite(start[1]);
    var map = baseMap(el, { center: known ? start : point(el.dataset.center), zoom: known ? 16 : 12 });
    var marker = null;

    function show(place, pan) {
      if (marker) { marker.setLatLng(place); } else {
        marker = L.marker(place, { alt: el.dataset.textMarker, title: el.dataset.textMarker, keyboard: false }).addTo(map);
      }
      if (pan) { map.setView(place, Math.max(map.getZoom(), 15)); }
    }

    function fill(latitude, longitude) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      show([latitude, longitude], false);
    }

    if (known) { show(start, false); }
    map.on("click", function (event) {
      fill(event.latlng.lat, event.latlng.lng);
      status.textContent = el.dataset.textClicked;
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var place = typed();
        if (isFinite(place[0]) && isFinite(place[1])) { show(place, true); }
      });
    });
    tools.querySelector("[data-locate]").addEventListener("click", function () {
      var address = form.querySelector("#" + el.dataset.addressField);
      var area = form.querySelector("#" + el.dataset.areaField);
      var query = new URLSearchParams({ address: address ? address.value : "", area: area ? area.value : "" });
      fetch(el.dataset.placeUrl + "?" + query.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (data) {
          if (data.found) {
            fill(data.latitude, data.longitude);
            show([data.latitude, data.longitude], true);
          }
          status.textContent = data.message;
        })
        .catch(function () { status.textContent = el.dataset.textFailed; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    var kinds = { point: pointMap, markers: markersMap, picker: pickerMap };
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var setUp = kinds[el.dataset.map];
      if (setUp) { setUp(el); }
    });
  });
})();
