// Roll call: every tap is saved at once in the background, so nothing is lost when the phone goes offline or
// the page is left; taps that fail wait and are sent again. Taps not saved yet are also kept on the device
// (localStorage, per meeting: person ids and marks only, never a name), so they survive the staff session
// ending: after signing in again the person comes back here and they are sent. The form still works on its own
// (one Save button) when this script does not run.
(function () {
  "use strict";
  var form = document.querySelector("form.rollcall");
  // Without data-mark-url (a change after the edit window, which needs the reason in the form) only the form saves.
  var url = form && form.getAttribute("data-mark-url");
  if (!url || !window.fetch) { return; }
  var csrf = form.querySelector("input[name=_csrf]").value;
  var counts = document.getElementById("counts");
  var state = form.querySelector(".sync-state");
  var key = "vh-rollcall-" + form.getAttribute("data-session");
  var pending = {};
  var busy = false;
  var signedOut = false;
  var kept = true; // false when the device refuses to store (private mode): then leaving the page warns

  function say(text) { if (state) { state.textContent = text; } }

  // keep writes the taps not saved yet to the device, or clears them when there are none.
  function keep() {
    try {
      if (Object.keys(pending).length === 0) { localStorage.removeItem(key); } else { localStorage.setItem(key, JSON.stringify(pending)); }
      kept = true;
    } catch (e) { kept = false; }
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  // saySignedOut: the session ended, so retrying cannot help. Say so, with the way back in; the taps stay on the device.
  function saySignedOut() {
    if (!state) { return; }
    state.textContent = (form.getAttribute("data-signedout") || "") + " ";
    var link = document.createElement("a");
    link.href = "/beheer/login?verlopen=1&terug=" + encodeURIComponent(location.pathname);
    link.textContent = form.getAttribute("data-signin") || "→";
    state.appendChild(link);
  }

  function flush() {
    if (busy) { return; }
    var people = Object.keys(pending);
    if (people.length === 0) { say(form.getAttribute("data-saved") || "✓"); return; }
    busy = true;
    var person = people[0];
    var mark = pending[person];
    var body = new URLSearchParams();
    body.set("person", person);
    body.set("mark", mark);
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } })
      .then(function (resp) {
        if (resp.status === 401) { signedOut = true; throw new Error("signed out"); }
        if (!resp.ok) { throw new Error(String(resp.status)); }
        return resp.json();
      })
      .then(function (data) {
        signedOut = false;
        if (pending[person] === mark) { delete pending[person]; keep(); }
        var row = document.getElementById("p-" + person);
        if (row) { row.classList.add("saved"); row.setAttribute("data-mark", mark); }
        if (counts && data.summary) { counts.textContent = data.summary; }
        document.dispatchEvent(new CustomEvent("staff:activity"));
        busy = false;
        flush();
      })
      .catch(function () {
        busy = false;
        if (signedOut) {
          // Tried again on the next tap, or when the page gets the focus back (signed in in another tab).
          saySignedOut();
          return;
        }
        say(form.getAttribute("data-retry") || "…");
        setTimeout(flush, 3000);
      });
  }

  function choose(person, mark) {
    pending[person] = mark;
    keep();
    var row = document.getElementById("p-" + person);
    if (row) { row.classList.remove("saved"); }
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.indexOf("mark-") !== 0) { return; }
    choose(input.name.slice(5), input.value);
    flush();
  });
  // Taps kept on the device from before (the session ended, the page was closed) are put back and sent, unless
  // the roll call already holds them or can no longer be changed.
  var before = stored();
  Object.keys(before).forEach(function (person) {
    var row = document.getElementById("p-" + person);
    var input = row && row.querySelector("input[value=\"" + String(before[person]).replace(/[^a-z]/g, "") + "\"]");
    if (!input || input.disabled || row.getAttribute("data-mark") === before[person]) { return; }
    input.checked = true;
    pending[person] = before[person];
  });
  // Taps made before this script ran (on a slow phone) are found and sent now.
  Array.prototype.forEach.call(form.querySelectorAll(".mark-row"), function (row) {
    var checked = row.querySelector("input:checked");
    if (checked && checked.value !== row.getAttribute("data-mark")) {
      pending[checked.name.slice(5)] = checked.value;
    }
  });
  keep();
  flush();
  window.addEventListener("online", flush);
  window.addEventListener("focus", function () { if (signedOut) { flush(); } });
  window.addEventListener("beforeunload", function (event) {
    if (!kept && Object.keys(pending).length > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
