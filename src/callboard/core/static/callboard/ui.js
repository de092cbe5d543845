// Small behaviours shared by every page, declared in the markup with data attributes so that
// no page needs inline script (the content security policy forbids it):
//   <button data-print>            prints the page
//   <form data-confirm="Question?"> asks before submitting
//   <input data-select-on-click>   selects its whole value when clicked (addresses to copy)
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    var field = target.closest("[data-select-on-click]");
    if (field && typeof field.select === "function") { field.select(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
    if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
  }, true);
})();
