// The warning before a staff session ends for lack of use (WCAG 2.2.1 Timing Adjustable). The server ends a
// session data-idle seconds after its last request, and records a request at most once a minute, so the end is
// reckoned from the last request seen minus that minute. Five minutes before, a dialog offers "Blijf aangemeld"
// (one request renews the session); at the end it says the person was signed out, with the way back to this
// page. The last request is shared between tabs (localStorage), so a tab in use keeps the others quiet.
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || !window.fetch || typeof dialog.showModal !== "function") { return; }
  var idle = Number(dialog.getAttribute("data-idle")) * 1000;
  if (!(idle > 0)) { return; }
  var KEY = "vh-staff-seen";
  var WARN = 5 * 60 * 1000;
  var SLACK = 60 * 1000;
  var stay = dialog.querySelector(".session-warning-stay");
  var ended = dialog.querySelector(".session-warning-ended");
  var at = dialog.querySelector(".session-at");
  var form = stay.querySelector("form");
  var lastSeen = Date.now();
  var dismissed = null; // the part closed with Escape: not opened again until something changes

  // seen is the last request of any tab (touched writes it on every page and every saved roll-call tap).
  function seen() {
    try {
      var shared = localStorage.getItem(KEY);
      return shared === null ? lastSeen : Number(shared) || 0;
    } catch (e) { return lastSeen; }
  }

  function touched() {
    lastSeen = Date.now();
    try { localStorage.setItem(KEY, String(lastSeen)); } catch (e) { /* this tab alone then */ }
    check();
  }

  function open(which) {
    if (dismissed === which) { return; }
    stay.hidden = which !== stay;
    ended.hidden = which !== ended;
    dialog.setAttribute("aria-labelledby", which.querySelector("h2").id);
    if (!dialog.open) { dialog.showModal(); }
    var target = which === stay ? form.querySelector("button") : ended.querySelector("a");
    if (target && document.activeElement !== target) { target.focus(); }
  }

  function close() { dismissed = null; if (dialog.open) { dialog.close(); } }

  function check() {
    var end = seen() - SLACK + idle;
    var left = end - Date.now();
    if (left <= 0) {
      open(ended);
    } else if (left <= WARN) {
      at.textContent = new Date(end).toLocaleTimeString(document.documentElement.lang || "nl-BE",
        { hour: "2-digit", minute: "2-digit" });
      if (stay.hidden || !dialog.open) { open(stay); }
    } else {
      close();
    }
  }

  function signedOut() { try { localStorage.setItem(KEY, "0"); } catch (e) { /* nothing to share */ } lastSeen = 0; open(ended); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin",
      headers: { "Accept": "application/json" } })
      .then(function (resp) {
        if (resp.status === 401) { signedOut(); return; }
        if (resp.ok) { touched(); }
      })
      .catch(function () { /* no connection: the dialog stays, the button can be pressed again */ });
  });
  // Escape closes the dialog, which then stays closed until the state changes (the warning becomes the notice
  // that the session ended; a tab renews the session).
  dialog.addEventListener("cancel", function () { dismissed = stay.hidden ? ended : stay; });
  document.addEventListener("staff:activity", touched);
  window.addEventListener("storage", function (event) { if (event.key === KEY) { check(); } });
  touched();
  setInterval(check, 5000);
})();
