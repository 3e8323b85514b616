// Keeps a live session's page in step with the session. The page works without this
// script (it reloads itself while waiting); with it, an event stream says when the
// session moves, and the part of the page inside #live is fetched again and swapped in.
// EventSource reconnects by itself after a lost connection or a server restart, and
// the server sends the current phase on every connection, so a phone that slept
// catches up as soon as it wakes.
(function () {
  'use strict';
  if (!window.EventSource || !window.fetch || !window.DOMParser) return;
  var source = null;
  var latest = 0;
  var busy = false;

  function root() { return document.getElementById('live'); }
  function shownVersion() { var live = root(); return live ? Number(live.getAttribute('data-version')) : 0; }

  function refresh() {
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
        if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: false }); }
        if (!fresh.getAttribute('data-events') && source) { source.close(); source = null; }
      })
      .then(function () { return true; }, function () { return false; })
      .then(function (fetched) {
        busy = false;
        // Offline for now (a lost connection, a server restarting): try again in a
        // second rather than at once, and the stream's next event also tries.
        if (latest > shownVersion()) setTimeout(refresh, fetched ? 0 : 1000);
      });
  }

  function counts(data) {
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
