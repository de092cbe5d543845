/* Box office seat map: click (or Enter/Space) a free seat to select it; the chosen ids go into
   every form's hidden "seats" input. Also runs the cart countdown. No dependencies. */
(function () {
  "use strict";
  function init(map) {
    var chosen = new Map();
    var targets = document.querySelectorAll(map.dataset.targets || "input[name=seats]");
    var list = document.querySelector(map.dataset.list || "#chosen");
    function sync() {
      var ids = Array.from(chosen.keys()).join(",");
      targets.forEach(function (input) { input.value = ids; });
      if (list) {
        list.textContent = chosen.size ? Array.from(chosen.values()).join("; ") : list.dataset.empty || "";
      }
      document.querySelectorAll("[data-needs-seats]").forEach(function (b) { b.disabled = chosen.size === 0; });
    }
    function toggle(seat) {
      var id = seat.dataset.id;
      if (chosen.has(id)) { chosen.delete(id); seat.classList.remove("selected"); seat.setAttribute("aria-checked", "false"); }
      else { chosen.set(id, seat.dataset.label); seat.classList.add("selected"); seat.setAttribute("aria-checked", "true"); }
      sync();
    }
    map.addEventListener("click", function (e) {
      var seat = e.target.closest(".seat.pick");
      if (seat) { toggle(seat); }
    });
    map.addEventListener("keydown", function (e) {
      var seat = e.target.closest && e.target.closest(".seat.pick");
      if (seat && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(seat); }
    });
    sync();
  }
  function countdown(el) {
    var end = Date.parse(el.dataset.expires);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) { window.location.reload(); return; }
      setTimeout(tick, 1000);
    }
    tick();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-seatmap]").forEach(init);
    document.querySelectorAll("[data-expires]").forEach(countdown);
  });
})();
