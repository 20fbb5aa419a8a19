// QuckChat Router queue dashboard: posts the buttons' actions as JSON to <base>/api and re-reads the
// live panels (server-rendered, already escaped HTML) every 3 s. No inline script; no innerHTML of data.
(function () {
  'use strict';
  var base = document.body.getAttribute('data-base');
  var api = location.origin + base + '/api';
  var LIVE = ['search', 'queues', 'failed', 'jobs', 'rabbitmq', 'routes'];
  var ALL = LIVE.concat(['dead-letters']);
  var status = document.getElementById('status');
  var auto = document.getElementById('auto-refresh');
  var busy = false;

  function say(text) {
    status.textContent = text;
  }

  function refresh(panels) {
    var params = new URLSearchParams(location.search);
    params.set('panels', panels.join(','));
    return fetch(location.origin + location.pathname + '?' + params.toString(), {
      credentials: 'same-origin',
      headers: { Accept: 'text/html' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, 'text/html');
      var open = Array.prototype.map.call(document.querySelectorAll('details[open][id]'), function (d) {
        return d.id;
      });
      fresh.querySelectorAll('section[data-panel]').forEach(function (section) {
        var old = document.getElementById(section.id);
        if (old) {
          old.replaceWith(document.importNode(section, true));
        }
      });
      open.forEach(function (id) {
        var details = document.getElementById(id);
        if (details) {
          details.open = true;
        }
      });
    });
  }

  function post(path, body) {
    return fetch(api + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (json) {
        if (!response.ok) {
          throw new Error(json.error || ('HTTP ' + response.status));
        }
        return json;
      });
    });
  }

  var actions = {
    refresh: function () {
      return Promise.resolve('Refreshed');
    },
    retry: function (b) {
      return post('/jobs/retry', { queue: b.dataset.queue, id: b.dataset.id }).then(function () {
        return 'Job ' + b.dataset.id + ' of ' + b.dataset.queue + ' moved back to waiting';
      });
    },
    'retry-all': function (b) {
      return post('/jobs/retry-failed', { queue: b.dataset.queue }).then(function (r) {
        return r.retried + ' failed job(s) of ' + r.queue + ' retried, ' + r.remaining + ' still failed';
      });
    },
    suspend: function (b) {
      return post('/routes/suspend', { route: b.dataset.route }).then(function (r) {
        return 'Route ' + r.id + ': ' + r.status;
      });
    },
    resume: function (b) {
      return post('/routes/resume', { route: b.dataset.route }).then(function (r) {
        return 'Route ' + r.id + ': ' + r.status;
      });
    },
    redrive: function (b) {
      return post('/dead-letters/redrive', { letter: b.dataset.letter, scope: 'LEG' }).then(function (r) {
        return 'Dead letter ' + b.dataset.letter + ': ' + (r.length ? r[0].action : 'nothing done');
      });
    }
  };

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button || !actions[button.dataset.action]) {
      return;
    }
    var name = button.dataset.action;
    button.disabled = true;
    busy = true;
    say('Working…');
    actions[name](button).then(function (message) {
      say(message);
      return refresh(name === 'redrive' || name === 'refresh' ? ALL : LIVE);
    }).catch(function (error) {
      say('Failed: ' + error.message);
    }).then(function () {
      button.disabled = false;
      busy = false;
    });
  });

  setInterval(function () {
    if (auto.checked && !busy && !document.hidden) {
      refresh(LIVE).catch(function (error) {
        say('Refresh failed: ' + error.message);
      });
    }
  }, 3000);
})();
