// The map on the location question: an enhancement only. Without this file (JavaScript off, or no
// tile address set) the person finds the place by postcode or street name, which is complete on
// its own. app.mjs fetches this file when the person presses "Show the map" (or when a pin is
// already on the map), and calls startMap.
//
// A click or tap on the map, or "Use the centre of the map" (for keyboards: Leaflet moves the map
// with the arrow keys and zooms with + and -), puts the pin there and fills in the question's
// latitude and longitude, which the server checks as it checks a street's point (the ward, and
// whose area it is). Choosing from the list of places instead takes the pin away (app.mjs clears
// the point and tells this file); "Use my current location" (app.mjs) moves the pin to the device. Every word shown
// comes from the page's data- attributes, so it is translated with the rest.
import { circleMarker, control, latLng, latLngBounds, map as leafletMap, tileLayer } from "leaflet/dist/leaflet-src.esm.js";
import "leaflet/dist/leaflet.css";
import "./map.css";
import { pointParts, showPointParts } from "./location_point.mjs";

const PIN = { radius: 11, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1, interactive: false };

function escapeHtml(text) {
  const element = document.createElement("span");
  element.textContent = text;
  return element.innerHTML;
}

function pointFrom(value) {
  const [latitude, longitude] = String(value || "").split(",").map(Number);
  return Number.isFinite(latitude) && Number.isFinite(longitude) ? latLng(latitude, longitude) : null;
}

let started = false;

export function startMap(root, focus) {
  if (started) return;
  started = true;
  const form = root.closest("form");
  const container = root.querySelector("[data-map]");
  const [latitude, longitude, source] = form ? pointParts(form) : [];
  const status = root.querySelector("[data-map-status]");
  const select = form && form.querySelector(`select[name="${root.dataset.name}-place"]`);
  const panel = root.querySelector("[data-map-panel]");
  const show = root.querySelector("[data-map-show]");
  if (!form || !container || !latitude || !longitude || !panel) return;

  panel.hidden = false;
  let map;
  try {
    map = leafletMap(container, { zoomControl: false, attributionControl: false, scrollWheelZoom: false });
    control.zoom({ zoomInTitle: root.dataset.zoomIn, zoomOutTitle: root.dataset.zoomOut }).addTo(map);
    control.attribution({ prefix: false }).addTo(map);
    tileLayer(root.dataset.tileUrl, { attribution: escapeHtml(root.dataset.attribution), maxZoom: 19 }).addTo(map);
    const centre = pointFrom(root.dataset.centre);
    if (centre) {
      map.setView(centre, Number(root.dataset.zoom) || 17);
    } else {
      const [south, west, north, east] = String(root.dataset.bounds).split(",").map(Number);
      map.fitBounds(latLngBounds([south, west], [north, east]));
    }
  } catch (error) {
    panel.hidden = true; // the search still works
    throw error;
  }
  if (show) show.hidden = true;
  showPointParts(form);

  let pin = null;
  const put = (point, announce) => {
    if (pin) pin.setLatLng(point);
    else pin = circleMarker(point, PIN).addTo(map);
    latitude.value = point.lat.toFixed(6);
    longitude.value = point.lng.toFixed(6);
    latitude.disabled = false;
    longitude.disabled = false;
    if (source) {
      source.value = "";
      source.disabled = true;
    }
    if (select) select.value = "";
    if (announce) status.textContent = root.dataset.pinPlaced;
  };
  const takeAway = () => {
    if (pin) pin.remove();
    pin = null;
    status.textContent = "";
  };

  map.on("click", (event) => put(event.latlng, true));
  // "Use my current location" (app.mjs) has filled in the point: show it as the pin, already placed.
  form.addEventListener("doorstep:located", (event) => {
    const point = latLng(event.detail.latitude, event.detail.longitude);
    if (pin) pin.setLatLng(point);
    else pin = circleMarker(point, PIN).addTo(map);
    map.setView(point, Number(root.dataset.zoom) || 17);
    status.textContent = "";
  });
  form.addEventListener("doorstep:point-cleared", takeAway);
  root.querySelector("[data-map-centre]").addEventListener("click", () => put(map.getCenter(), true));
  if (select) {
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      const point = option && pointFrom(option.dataset.point);
      if (point) map.setView(point, Number(root.dataset.zoom) || 17);
    });
  }
  const given = pointFrom(`${latitude.value},${longitude.value}`);
  if (latitude.value && longitude.value && given) {
    pin = circleMarker(given, PIN).addTo(map);
    latitude.disabled = false;
    longitude.disabled = false;
    if (source && source.value) source.disabled = false; // a point from the device stays one
    status.textContent = root.dataset.pinPlaced;
  }
  if (focus) container.focus();
}
