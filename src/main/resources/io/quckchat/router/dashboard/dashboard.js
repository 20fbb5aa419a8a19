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

  // "Try an event": the routing simulator. Results are built with textContent only.
  var tryForm = document.getElementById('try-form');
  if (tryForm) {
    var simulate = location.origin + tryForm.dataset.simulate;
    var topicSelect = document.getElementById('try-topic');
    var eventText = document.getElementById('try-event');
    var result = document.getElementById('try-result');
    var samples = {};

    var element = function (name, text, className) {
      var node = document.createElement(name);
      if (text !== undefined && text !== null) {
        node.textContent = text;
      }
      if (className) {
        node.className = className;
      }
      return node;
    };
    var pretty = function (value) {
      return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    };
    var fillSample = function () {
      var sample = samples[topicSelect.value];
      eventText.value = sample ? JSON.stringify(sample, null, 2) : '{}';
    };
    var show = function (answer) {
      result.replaceChildren();
      var deliveries = answer.deliveries || [];
      var summary = answer.deadLetter
        ? 'Dead-lettered to ' + answer.deadLetter.topic + ' at stage ' + answer.deadLetter.stage + ': ' + answer.deadLetter.reason
        : 'Route ' + answer.route + ': ' + deliveries.length + ' delivery(ies), event id ' + answer.eventId;
      result.appendChild(element('p', summary, answer.deadLetter ? 'error' : 'try-summary'));
      if ((answer.schemaErrors || []).length) {
        var list = element('ul', null, 'schema-errors');
        answer.schemaErrors.forEach(function (e) {
          list.appendChild(element('li', e.path + ': ' + e.message));
        });
        result.appendChild(list);
      }
      if (!deliveries.length) {
        return;
      }
      var table = element('table', null, 'try-deliveries');
      table.appendChild(element('caption', 'Deliveries, as each lane would send them'));
      var head = element('tr');
      ['Destination', 'Message or job id', 'Priority', 'Body or job data'].forEach(function (title) {
        var th = element('th', title);
        th.scope = 'col';
        head.appendChild(th);
      });
      table.appendChild(element('thead')).appendChild(head);
      var body = table.appendChild(element('tbody'));
      deliveries.forEach(function (d) {
        var row = element('tr');
        var rabbit = d.rabbitmq !== undefined;
        row.dataset.destination = rabbit ? 'rabbitmq ' + d.rabbitmq : 'bullmq ' + d.bullmq + ' / ' + d.name;
        var th = element('th', row.dataset.destination);
        th.scope = 'row';
        row.appendChild(th);
        row.appendChild(element('td', rabbit ? d.properties.message_id : d.jobId));
        row.appendChild(element('td', rabbit ? '' : String(d.priority)));
        var content = row.appendChild(element('td'));
        content.appendChild(element('pre', pretty(rabbit ? d.body : d.data)));
        body.appendChild(row);
      });
      result.appendChild(table);
    };

    fetch(simulate + '/topics', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (topics) {
        topics.forEach(function (t) {
          samples[t.topic] = t.sample;
          var option = element('option', t.topic + ' (route ' + t.route + ')');
          option.value = t.topic;
          topicSelect.appendChild(option);
        });
        fillSample();
      })
      .catch(function (error) {
        result.replaceChildren(element('p', 'Topics not available: ' + error.message, 'error'));
      });
    topicSelect.addEventListener('change', fillSample);

    tryForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = eventText.value;
      var parsed;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        parsed = text; // sent as the raw record value: the answer shows what a malformed event does
      }
      var request = { topic: topicSelect.value, event: parsed };
      var key = document.getElementById('try-key').value;
      if (key) {
        request.key = key;
      }
      result.replaceChildren(element('p', 'Working…'));
      fetch(simulate, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request)
      }).then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) {
            throw new Error(json.detail || json.title || ('HTTP ' + response.status));
          }
          return json;
        });
      }).then(show).catch(function (error) {
        result.replaceChildren(element('p', 'Failed: ' + error.message, 'error'));
      });
    });
  }

  setInterval(function () {
    if (auto.checked && !busy && !document.hidden) {
      refresh(LIVE).catch(function (error) {
        say('Refresh failed: ' + error.message);
      });
    }
  }, 3000);
})();
