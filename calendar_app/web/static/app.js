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

// Date entry: say the chosen moment in the page's language (not the browser's locale) as it changes,
// and let the end follow the start (same length as before; a new end never falls before the start).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.querySelector("[data-date-names]");
  if (!holder) { return; }
  var names = JSON.parse(holder.getAttribute("data-date-names"));
  var two = function (n) { return (n < 10 ? "0" : "") + n; };
  var parse = function (value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value || "");
    return m ? {y: +m[1], mo: +m[2], d: +m[3], h: m[4], mi: m[5]} : null;
  };
  var words = function (value) {
    var p = parse(value);
    if (!p) { return ""; }
    var weekday = names.weekdays[(new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay() + 6) % 7];
    var day = names.language === "vi" ? two(p.d) + "/" + two(p.mo) + "/" + p.y
      : p.d + " " + names.months[p.mo - 1] + " " + p.y;
    return weekday + ", " + day + (p.h ? " " + p.h + ":" + p.mi : "");
  };
  var minutes = function (value) {
    var p = parse(value);
    return p ? Date.UTC(p.y, p.mo - 1, p.d, +(p.h || 0), +(p.mi || 0)) / 60000 : null;
  };
  var format = function (total, timed) {
    var t = new Date(total * 60000);
    var day = t.getUTCFullYear() + "-" + two(t.getUTCMonth() + 1) + "-" + two(t.getUTCDate());
    return timed ? day + "T" + two(t.getUTCHours()) + ":" + two(t.getUTCMinutes()) : day;
  };
  holder.querySelectorAll("input[data-readback]").forEach(function (input) {
    var out = document.getElementById(input.getAttribute("data-readback"));
    var end = input.getAttribute("data-end") ? document.getElementById(input.getAttribute("data-end")) : null;
    var before = minutes(input.value);
    var show = function () { out.textContent = words(input.value); };
    input.addEventListener("input", function () {
      var now = minutes(input.value);
      if (end && now !== null) {
        var timed = input.type === "datetime-local";
        var endAt = minutes(end.value);
        var length = (before !== null && endAt !== null && endAt >= before) ? endAt - before : (timed ? 60 : 0);
        if (endAt === null || endAt < now || before !== null) {
          end.value = format(now + length, timed);
          end.dispatchEvent(new Event("change"));
          var endOut = document.getElementById(end.getAttribute("data-readback"));
          if (endOut) { endOut.textContent = words(end.value); }
        }
      }
      before = now;
      show();
    });
    input.addEventListener("change", show);
  });
});
