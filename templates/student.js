// "My classes": says each due time again in the browser's own time zone and words
// ("due tomorrow, 18:59"). Without this script the page says it in UTC.
(function () {
  "use strict";
  var now = new Date();
  var startOfDay = function (date) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate());
  };
  var time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
  var weekday = new Intl.DateTimeFormat(undefined, { weekday: "long" });
  var day = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });
  document.querySelectorAll("time.due[datetime]").forEach(function (element) {
    var due = new Date(element.getAttribute("datetime"));
    if (isNaN(due.getTime())) {
      return;
    }
    var days = Math.round((startOfDay(due) - startOfDay(now)) / 86400000);
    var at = time.format(due);
    var words;
    if (due < now) {
      words = "was due " + day.format(due) + ", " + at;
    } else if (days === 0) {
      words = "due today, " + at;
    } else if (days === 1) {
      words = "due tomorrow, " + at;
    } else if (days < 7) {
      words = "due on " + weekday.format(due) + ", " + at;
    } else {
      words = "due " + day.format(due) + ", " + at;
    }
    element.title = element.textContent;
    element.textContent = words;
  });
})();
