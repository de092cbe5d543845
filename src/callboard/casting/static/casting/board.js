// The casting board with a keyboard: ArrowDown from a name field moves into the list of
// dancers, ArrowUp/ArrowDown move within it, Escape goes back to the field. An empty name
// field lists every candidate when it is clicked or ArrowDown is pressed in it (the
// "cb:candidates" event its hx-trigger listens for; htmx trigger filters would need eval,
// which the content security policy forbids).
(function () {
  function showAll(field) {
    if (!field.value && window.htmx) { window.htmx.trigger(field, "cb:candidates"); }
  }
  document.addEventListener("click", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLInputElement && el.matches("td.cell input[name=q]")) { showAll(el); }
  });
  document.addEventListener("keyup", function (ev) {
    var el = ev.target;
    if (ev.key === "ArrowDown" && el instanceof HTMLInputElement && el.matches("td.cell input[name=q]")) {
      showAll(el);
    }
  });
  function list(el) {
    var cell = el.closest("td.cell");
    return cell ? Array.prototype.slice.call(cell.querySelectorAll(".cands button.cand:not([disabled])")) : [];
  }
  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLElement) || !el.closest("td.cell")) return;
    var items = list(el);
    if (el.matches("input[name=q]") && ev.key === "ArrowDown" && items.length) {
      items[0].focus(); ev.preventDefault();
    } else if (el.matches("button.cand")) {
      var i = items.indexOf(el);
      if (ev.key === "ArrowDown" && i < items.length - 1) { items[i + 1].focus(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") {
        if (i > 0) items[i - 1].focus(); else el.closest("td.cell").querySelector("input[name=q]").focus();
        ev.preventDefault();
      } else if (ev.key === "Escape") {
        el.closest("td.cell").querySelector("input[name=q]").focus(); ev.preventDefault();
      }
    } else if (el.matches("input[name=q]") && ev.key === "Escape") {
      var c = el.closest("td.cell").querySelector(".cands"); if (c) c.innerHTML = "";
    }
  });
})();
