// Print buttons: hidden without script (the browser's own print still works), shown and wired with it.
document.querySelectorAll("[data-print]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});
