// Roll call: every tap is saved at once in the background, so nothing is lost when the phone goes offline or
// the page is left; taps that fail wait and are sent again. The form still works on its own (one Save button)
// when this script does not run.
(function () {
  "use strict";
  var form = document.querySelector("form.rollcall");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-mark-url");
  var csrf = form.querySelector("input[name=_csrf]").value;
  var counts = document.getElementById("counts");
  var state = form.querySelector(".sync-state");
  var pending = {};
  var busy = false;

  function say(text) { if (state) { state.textContent = text; } }

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
        if (!resp.ok) { throw new Error(String(resp.status)); }
        return resp.json();
      })
      .then(function (data) {
        if (pending[person] === mark) { delete pending[person]; }
        var row = document.getElementById("p-" + person);
        if (row) { row.classList.add("saved"); }
        if (counts && data.summary) { counts.textContent = data.summary; }
        busy = false;
        flush();
      })
      .catch(function () {
        busy = false;
        say(form.getAttribute("data-retry") || "…");
        setTimeout(flush, 3000);
      });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio" || input.name.indexOf("mark-") !== 0) { return; }
    pending[input.name.slice(5)] = input.value;
    var row = document.getElementById("p-" + input.name.slice(5));
    if (row) { row.classList.remove("saved"); }
    flush();
  });
  // Taps made before this script ran (on a slow phone) are found and sent now.
  Array.prototype.forEach.call(form.querySelectorAll(".mark-row"), function (row) {
    var checked = row.querySelector("input:checked");
    if (checked && checked.value !== row.getAttribute("data-mark")) {
      pending[checked.name.slice(5)] = checked.value;
    }
  });
  flush();
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(pending).length > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
