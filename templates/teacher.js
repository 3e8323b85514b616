// The teacher's assign form: fills the hidden time zone fields from the browser, so
// that a due time means the teacher's own time, names the due date's weekday, and
// opens the form when the page is opened at #assign. Without this script the form
// still works, and the time is taken as UTC (the form says so).
(function () {
  "use strict";
  var details = document.getElementById("assign");
  function openOnHash() {
    if (details && location.hash === "#assign") details.open = true;
  }
  openOnHash();
  window.addEventListener("hashchange", openOnHash);

  var form = document.querySelector("form.assign-form");
  if (!form) return;
  var date = form.querySelector("input[name=due]");
  var time = form.querySelector("input[name=due_time]");
  var offset = form.querySelector("input[name=tz_offset]");
  var name = form.querySelector("input[name=tz_name]");
  var note = document.getElementById("assign-zone-note");
  var day = document.getElementById("assign-due-day");
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }

  // The due moment in the browser's zone, or null without a date.
  function chosen() {
    var parts = (date.value || "").split("-").map(Number);
    if (parts.length !== 3 || parts.some(isNaN)) return null;
    var clock = (time.value || "23:59").split(":").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2], clock[0] || 0, clock[1] || 0);
  }

  function update() {
    var when = chosen();
    // Minutes east of UTC on the due date itself (summer time may differ from today).
    offset.value = String(-(when || new Date()).getTimezoneOffset());
    name.value = zone;
    // As the pages write it: "Due Tuesday 1 December 2026, 17:00".
    var part = function (options) { return when.toLocaleDateString("en-GB", options); };
    day.textContent = when
      ? "Due " + part({ weekday: "long" }) + " " + when.getDate() + " " +
        part({ month: "long" }) + " " + when.getFullYear() +
        (time.value ? ", " + time.value : ", end of the day")
      : "";
  }

  note.textContent = "Times are in your time zone" +
    (zone ? " (" + zone.replace(/_/g, " ") + ")" : "") + ".";
  date.addEventListener("input", update);
  date.addEventListener("change", update);
  time.addEventListener("input", update);
  time.addEventListener("change", update);
  form.addEventListener("submit", update);
  update();
})();
