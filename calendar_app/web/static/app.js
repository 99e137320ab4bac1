// Small helpers for the pages; everything works without them (CSP: no inline scripts).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Copy a feed address to the clipboard.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var label = button.textContent;
      var done = function () {
        button.textContent = button.getAttribute("data-done");
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
      }
    });
  });

  // Show either the start/end times or the first/last days.
  var allDay = document.querySelector("[data-toggle-all-day]");
  if (allDay) {
    var sync = function () {
      document.querySelectorAll(".timed-only").forEach(function (el) { el.hidden = allDay.checked; });
      document.querySelectorAll(".all-day-only").forEach(function (el) { el.hidden = !allDay.checked; });
    };
    allDay.addEventListener("change", sync);
    sync();
  }

  // Ask before destructive buttons.
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});

// Filter a long list of checkboxes by what is typed (accents and case ignored); ticked ones always stay.
document.addEventListener("DOMContentLoaded", function () {
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  };
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      list.querySelectorAll("li[data-filter-text]").forEach(function (item) {
        var ticked = item.querySelector("input:checked");
        item.hidden = !ticked && wanted !== "" && fold(item.getAttribute("data-filter-text")).indexOf(wanted) === -1;
      });
    });
  });
});
