// Progressive enhancement only: every page works without this file.
import { initAll } from "govuk-frontend";

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
