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

  // Subscribe boxes: rewrite the addresses while the options change (the form's GET does the same without
  // JavaScript; web/subscribe.py builds the same query in the same order), and say so when "Subscribe" opened
  // nothing.
  document.querySelectorAll("[data-subscribe-base]").forEach(function (box) {
    var form = document.querySelector('[data-subscribe-options="' + box.id + '"]');
    var webcal = box.querySelector('[data-feed="webcal"]');
    var google = box.querySelector('[data-feed="google"]');
    var https = box.querySelector('[data-feed="https"]');
    var tooLong = box.querySelector("[data-too-long-message]");
    var qr = box.querySelector("[data-qr]");
    var fallback = box.querySelector("[data-webcal-fallback]");
    var maxLength = parseInt(box.getAttribute("data-max-length"), 10);
    var maxGoogle = parseInt(box.getAttribute("data-max-google"), 10);
    var kindCount = form ? form.querySelectorAll('input[name="kind"]').length : 0;

    var address = function () {
      var query = new URLSearchParams(box.getAttribute("data-fixed"));
      var data = new FormData(form);
      var kinds = data.getAll("kind").sort();
      if (kinds.length && kinds.length < kindCount) { query.append("kind", kinds.join(",")); }
      if (data.get("include") === "children") { query.append("include", "children"); }
      ["since", "alarm"].forEach(function (name) { if (data.get(name)) { query.append(name, data.get(name)); } });
      if (data.get("prefix") === "1") {
        query.append("prefix", "1");
        if (box.getAttribute("data-lang") !== "vi") { query.append("lang", box.getAttribute("data-lang")); }
      }
      if (data.get("expand") === "1") { query.append("expand", "1"); }
      var text = query.toString().replace(/%2C/g, ",");
      return box.getAttribute("data-subscribe-base") + (text ? "?" + text : "");
    };

    var update = function () {
      var url = address();
      var webcalUrl = url.replace(/^https?:/, "webcal:");
      // As links.feed_links writes it: only & escaped inside the query value.
      var googleUrl = "https://calendar.google.com/calendar/render?cid=" + encodeURIComponent(webcalUrl)
        .replace(/%3A/g, ":").replace(/%2F/g, "/").replace(/%3F/g, "?").replace(/%3D/g, "=").replace(/%2C/g, ",");
      var long = url.length > maxLength || webcalUrl.length > maxLength || googleUrl.length > maxGoogle;
      tooLong.hidden = !long;
      tooLong.textContent = long ? box.getAttribute("data-too-long") : "";
      if (long) { return; }
      https.value = url;
      webcal.href = webcalUrl;
      if (google) { google.href = googleUrl; }
      var path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
      var image = document.createElement("img");
      image.src = "/subscribe/qr.svg?path=" + encodeURIComponent(path);
      image.alt = qr.querySelector("figcaption").textContent;
      image.className = "qr-code";
      var old = qr.querySelector(".qr-code");
      qr.replaceChild(image, old);
    };
    if (form) {
      form.addEventListener("change", update);
      form.addEventListener("input", update);
    }

    // Nothing handles webcal: links on this device when the page keeps the focus after the click.
    if (fallback && webcal) {
      fallback.hidden = true;
      webcal.addEventListener("click", function () {
        var left = false;
        var leave = function () { left = true; };
        window.addEventListener("blur", leave, { once: true });
        document.addEventListener("visibilitychange", leave, { once: true });
        setTimeout(function () {
          window.removeEventListener("blur", leave);
          document.removeEventListener("visibilitychange", leave);
          if (!left && document.visibilityState === "visible") {
            fallback.hidden = false;
            fallback.setAttribute("role", "alert");
            var copy = box.querySelector("button[data-copy]");
            if (copy) { copy.focus(); }
          }
        }, 1500);
      });
    }
  });

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
