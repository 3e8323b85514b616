// Keeps a live session's page in step with the session. The page works without this
// script (it reloads itself while waiting); with it, an event stream says when the
// session moves, and the part of the page inside #live is fetched again and swapped in.
// EventSource reconnects by itself after a lost connection or a server restart, and
// the server sends the current phase on every connection, so a phone that slept
// catches up as soon as it wakes.
//
// On the presenter's pages it also answers the keyboard: each button of the control bar
// names its keys in data-keys (N, → or PageDown for the main move, B or ← to go back,
// X to skip, O to reopen), and a key press sends the form as a click on that button
// would. Without this script the buttons work the same.
(function () {
  'use strict';
  var sending = false;
  window.addEventListener('pageshow', function () { sending = false; });
  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var form = document.querySelector('form[data-moves]');
    if (!form) return;
    var buttons = form.querySelectorAll('button[data-keys]');
    for (var index = 0; index < buttons.length; index++) {
      var button = buttons[index];
      if (button.getAttribute('data-keys').split(' ').indexOf(event.key) < 0) continue;
      event.preventDefault();
      // A second press while the first is on its way would be refused as stale
      // anyway; not sending it keeps the "moved on" notice for real conflicts.
      if (sending) return;
      sending = true;
      if (form.requestSubmit) form.requestSubmit(button); else button.click();
      return;
    }
  });
  // After a step of the explanation, the projector shows what was just revealed.
  function showLatest() {
    var latest = document.getElementById('shown-last');
    if (latest) latest.scrollIntoView({ block: 'start' });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', showLatest);
  else showLatest();
})();
(function () {
  'use strict';
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;
  var source = null;
  var latest = 0;
  var busy = false;

  function root() { return document.getElementById('live'); }
  function shownVersion() { var live = root(); return live ? Number(live.getAttribute('data-version')) : 0; }

  function refresh(quiet) {
    if (busy) return;
    busy = true;
    fetch(location.href, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        var page = new DOMParser().parseFromString(text, 'text/html');
        var fresh = page.getElementById('live');
        var live = root();
        if (!fresh || !live) { location.reload(); return; }
        live.replaceWith(fresh);
        document.title = page.title;
        var heading = fresh.querySelector('h1');
        // A list of nicknames that grew is no news to move the focus for.
        if (heading && !quiet) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: false }); }
        var newest = fresh.querySelector('#shown-last');
        if (newest && !quiet) newest.scrollIntoView({ block: 'start' });
        if (!fresh.getAttribute('data-events') && source) { source.close(); source = null; }
      })
      .then(function () { return true; }, function () { return false; })
      .then(function (fetched) {
        busy = false;
        // Offline for now (a lost connection, a server restarting): try again in a
        // second rather than at once, and the stream's next event also tries.
        if (latest > shownVersion()) setTimeout(function () { refresh(); }, fetched ? 0 : 1000);
      });
  }

  function counts(data) {
    var live = root();
    var shown = document.querySelector('[data-count="joined"]');
    // The lobby lists who joined: fetch it again when the count changes.
    if (live && live.hasAttribute('data-roster') && shown && data.joined !== undefined &&
        String(data.joined) !== shown.textContent) {
      refresh(true);
      return;
    }
    ['joined', 'answered'].forEach(function (name) {
      if (data[name] === undefined) return;
      document.querySelectorAll('[data-count="' + name + '"]').forEach(function (element) {
        element.textContent = String(data[name]);
      });
    });
  }

  function connect() {
    var live = root();
    var url = live && live.getAttribute('data-events');
    if (!url || source) return;
    source = new EventSource(url);
    source.addEventListener('state', function (event) {
      var data = JSON.parse(event.data);
      latest = data.version;
      // A participant the facilitator removed: their page says so.
      if (data.removed) { source.close(); source = null; location.reload(); return; }
      if (data.version !== shownVersion()) refresh(); else counts(data);
    });
    source.addEventListener('error', function () {
      // A refused connection (not only a dropped one) closes the source for good: try
      // again in a while rather than give up.
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        setTimeout(connect, 2000);
      }
    });
  }

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') connect();
  });
  connect();
})();
