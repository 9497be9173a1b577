// A link of the error summary brings the whole field into view, not only its box: the label, hint and message
// above the box stay clear of the sticky bar at the top (a link to the box alone leaves them under the bar on a
// phone, and she sees an empty box without a name). The focus goes into the field: its box, or the chosen (else
// the first) option of a group of choices. Without this script the link still leads to the field.
(function () {
  "use strict";
  var summary = document.getElementById("fouten");
  if (!summary) { return; }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) { return; }
    var control = target.matches("input, select, textarea") ? target :
      target.querySelector("input:checked, input:not([type=hidden]), select, textarea");
    var field = target.closest(".field") || target;
    var more = field.closest("details");
    if (more) { more.open = true; }
    event.preventDefault();
    // "start" honours the page's scroll-padding-top: the field's top edge lands just below the bar.
    field.scrollIntoView({ block: "start" });
    if (control) { control.focus({ preventScroll: true }); }
  });
})();
