// Progressive enhancement only: every page works without this file.
import { initAll } from "govuk-frontend";
import { pointParts, showPointParts } from "./location_point.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// On a kiosk: the GOV.UK timeout-warning pattern. After a while with nothing done, a modal dialog
// asks "Are you still there?" and counts down; Continue (or Escape) keeps the session, and at
// zero the page presses "Finish and clear". Without JavaScript the server clears the session
// after the same time anyway (app/kiosk). Activity on the page tells the server, at most once a
// minute, so someone typing a long answer is not cleared.
function startTimeoutWarning(root) {
  const dialog = root.querySelector("dialog");
  const finishForm = document.getElementById("kiosk-finish-form");
  if (!dialog || typeof dialog.showModal !== "function" || !finishForm) return;
  const idleSeconds = Number(root.dataset.idleSeconds);
  const warningSeconds = Number(root.dataset.warningSeconds);
  const countdown = root.querySelector("[data-countdown]");
  const announce = root.querySelector("[data-announce]");
  const text = document.getElementById("timeout-warning-text");
  let warnTimer;
  let tick;
  let endsAt = 0;
  let lastPing = Date.now();

  const stillHere = () => {
    lastPing = Date.now();
    const body = new FormData();
    body.append("csrf_token", root.dataset.csrfToken);
    fetch(root.dataset.stillHereUrl, { method: "POST", body, credentials: "same-origin" }).catch(() => {});
  };
  const schedule = () => {
    clearTimeout(warnTimer);
    clearInterval(tick);
    warnTimer = setTimeout(show, Math.max(0, idleSeconds - warningSeconds) * 1000);
  };
  const update = () => {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    countdown.textContent = String(left);
    if (left % 20 === 0 || left <= 10) announce.textContent = text.textContent.replace(/\s+/g, " ").trim();
    if (left === 0) {
      clearInterval(tick);
      finishForm.submit();
    }
  };
  function show() {
    endsAt = Date.now() + warningSeconds * 1000;
    dialog.showModal();
    update();
    tick = setInterval(update, 1000);
  }
  const carryOn = () => {
    if (dialog.open) dialog.close();
    announce.textContent = "";
    stillHere();
    schedule();
  };
  root.querySelector("[data-continue]").addEventListener("click", carryOn);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    carryOn();
  });
  for (const name of ["keydown", "pointerdown", "input"]) {
    document.addEventListener(
      name,
      () => {
        if (dialog.open) return;
        schedule();
        if (Date.now() - lastPing > 60000) stillHere();
      },
      { passive: true },
    );
  }
  schedule();
}

const timeoutWarning = document.querySelector('[data-module="doorstep-timeout-warning"]');
if (timeoutWarning) startTimeoutWarning(timeoutWarning);

for (const button of document.querySelectorAll("[data-print-page]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// The location question's map (map.mjs: Leaflet) is fetched only when the person asks for it with
// "Show the map", or at once when a pin is already on it: most people use the search, and the
// map's script is heavier than the rest of the page. Without this, the search does everything.
function offerMap(root) {
  const show = root.querySelector("[data-map-show]");
  if (!show || !root.dataset.mapScript) return;
  root.hidden = false;
  let loading = null;
  const load = (focus) => {
    if (!loading) {
      show.disabled = true;
      const styles = document.createElement("link");
      styles.rel = "stylesheet";
      styles.href = root.dataset.mapStyles;
      loading = new Promise((resolve) => {
        styles.addEventListener("load", resolve);
        styles.addEventListener("error", resolve);
        document.head.append(styles);
      })
        .then(() => import(root.dataset.mapScript))
        .catch(() => {
          loading = null;
          show.disabled = false;
        });
    }
    loading.then((map) => map && map.startMap(root, focus));
  };
  show.addEventListener("click", () => load(true));
  if ("showNow" in root.dataset) load(false);
}

for (const root of document.querySelectorAll('[data-module="doorstep-location-map"]')) offerMap(root);

// A location question's point (from the map or the device) and the list of places are two ways
// of answering: choosing from the list takes the point away, and the map (if started) hears of it.
function clearPointOnChoice(form, name) {
  const select = form.querySelector(`select[name="${name}-place"]`);
  if (!select) return;
  select.addEventListener("change", () => {
    for (const input of pointParts(form)) {
      if (!input) continue;
      input.value = "";
      input.disabled = true;
    }
    form.dispatchEvent(new CustomEvent("doorstep:point-cleared"));
  });
}

// "Use my current location": only where the browser offers geolocation. The device's point fills
// in the same hidden parts as the map's pin, with source "device", and the server checks it the
// same way (the ward, whose area). Refusing permission, or no fix in time, says so and leaves the
// search, which always works.
function offerCurrentLocation(root) {
  const form = root.closest("form");
  const button = root.querySelector("[data-locate]");
  const status = root.querySelector("[data-locate-status]");
  const [latitude, longitude, source] = pointParts(form);
  if (!("geolocation" in navigator) || !button || !latitude || !longitude || !source) return;
  root.hidden = false;
  const select = form.querySelector(`select[name="${root.dataset.name}-place"]`);
  const use = (lat, lng) => {
    latitude.value = lat.toFixed(6);
    longitude.value = lng.toFixed(6);
    source.value = "device";
    for (const input of [latitude, longitude, source]) input.disabled = false;
    if (select) select.value = "";
    showPointParts(form);
  };
  if (source.value === "device" && latitude.value && longitude.value) {
    use(Number(latitude.value), Number(longitude.value));
    status.textContent = root.dataset.located;
  }
  button.addEventListener("click", () => {
    button.disabled = true;
    status.textContent = root.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        button.disabled = false;
        use(position.coords.latitude, position.coords.longitude);
        status.textContent = root.dataset.located;
        const detail = { latitude: Number(latitude.value), longitude: Number(longitude.value) };
        form.dispatchEvent(new CustomEvent("doorstep:located", { detail }));
      },
      (error) => {
        button.disabled = false;
        status.textContent = error.code === error.PERMISSION_DENIED ? root.dataset.denied : root.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  });
}

for (const root of document.querySelectorAll('[data-module="doorstep-current-location"]')) {
  const form = root.closest("form");
  if (!form) continue;
  clearPointOnChoice(form, root.dataset.name);
  offerCurrentLocation(root);
}
