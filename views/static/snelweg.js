// Leave at once: go to a neutral site without leaving this page in the back button's reach,
// on a click of the button or on pressing Shift three times in a row. The button is a plain link, so it also
// works without this script.
(function () {
  "use strict";
  var link = document.getElementById("snelweg");
  if (!link) { return; }
  var target = link.href;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.title = "";
    document.body.style.visibility = "hidden";
    window.location.replace(target);
  }
  link.addEventListener("click", leave);
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1500);
    if (presses >= 3) { leave(); }
  });
})();
