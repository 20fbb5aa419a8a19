// QuckChat Router operations console: posts the buttons' actions as JSON to <base>/api (after the
// operator confirms each), re-reads the live panels (server-rendered, already escaped HTML) every
// 3 s, and puts the live figures on the flow map. No inline script; no innerHTML of data.
(function () {
  'use strict';
  var base = document.body.getAttribute('data-base');
  var api = location.origin + base + '/api';
  var deadLetterApi = location.origin + '/admin/dead-letters';
  var LIVE = ['search', 'queues', 'failed', 'jobs', 'rabbitmq', 'routes'];
  var ALL = LIVE.concat(['dead-letters']);
  var status = document.getElementById('status');
  var auto = document.getElementById('auto-refresh');
  var busy = false;

  function say(text) {
    status.textContent = text;
  }

  function refresh(panels) {
    var present = panels.filter(function (p) {
      return document.getElementById('panel-' + p);
    });
    if (!present.length) {
      return Promise.resolve();
    }
    var params = new URLSearchParams(location.search);
    params.set('panels', present.join(','));
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
      var focused = document.activeElement && document.activeElement.getAttribute('aria-label');
      var chosen = {}; // what the operator picked in a refreshed panel stays picked
      document.querySelectorAll('section[data-panel] select[id], section[data-panel] input.dl-select:checked')
        .forEach(function (input) {
          chosen[input.id || ('dl:' + input.value)] = input.type === 'checkbox' ? true : input.value;
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
      Object.keys(chosen).forEach(function (key) {
        if (key.indexOf('dl:') === 0) {
          var box = document.querySelector('input.dl-select[value="' + CSS.escape(key.substring(3)) + '"]');
          if (box) {
            box.checked = true;
          }
        } else if (document.getElementById(key)) {
          document.getElementById(key).value = chosen[key];
        }
      });
      if (focused) { // keyboard users keep their place across a refresh
        var again = document.querySelector('[aria-label="' + CSS.escape(focused) + '"]');
        if (again) {
          again.focus();
        }
      }
    });
  }

  function send(url, method, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (json) {
        if (!response.ok) {
          throw new Error(json.error || json.detail || ('HTTP ' + response.status));
        }
        return json;
      });
    });
  }

  function post(path, body) {
    return send(api + path, 'POST', body);
  }

  var CANCELLED = 'Cancelled';

  /** A redrive: a dry run first, its answer shown, then the redrive itself if the operator agrees. */
  function redrive(request, what) {
    var dry = Object.assign({ dryRun: true }, request);
    var shown = document.getElementById('dl-dry-run');
    return send(deadLetterApi + '/redrive', 'POST', dry).then(function (plan) {
      var counts = Object.keys(plan.counts).map(function (k) {
        return plan.counts[k] + ' ' + k;
      }).join(', ') || 'nothing';
      var text = 'Dry run for ' + what + ': ' + plan.count + ' letter(s) would be redriven (' + counts + ')';
      if (shown) {
        shown.textContent = text;
      }
      if (plan.count === 0 || !window.confirm(text + '. Redrive them now?')) {
        return CANCELLED + ' after the dry run: ' + text;
      }
      return send(deadLetterApi + '/redrive', 'POST', request).then(function (done) {
        var result = 'Redrove ' + done.count + ' letter(s) of ' + what;
        if (shown) {
          shown.textContent = result;
        }
        return result;
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
    promote: function (b) {
      return post('/jobs/promote', { queue: b.dataset.queue, id: b.dataset.id }).then(function () {
        return 'Job ' + b.dataset.id + ' of ' + b.dataset.queue + ' promoted: it runs now';
      });
    },
    pause: function (b) {
      return post('/queues/pause', { queue: b.dataset.queue }).then(function () {
        return 'Queue ' + b.dataset.queue + ' paused';
      });
    },
    resume: function (b) {
      if (b.dataset.route) {
        return post('/routes/resume', { route: b.dataset.route }).then(function (r) {
          return 'Route ' + r.id + ': ' + r.status;
        });
      }
      return post('/queues/resume', { queue: b.dataset.queue }).then(function () {
        return 'Queue ' + b.dataset.queue + ' resumed';
      });
    },
    clean: function (b) {
      var age = document.getElementById('clean-age');
      return post('/queues/clean', {
        queue: b.dataset.queue, state: b.dataset.state, olderThanSeconds: Number(age ? age.value : 3600), limit: 1000
      }).then(function (r) {
        return r.cleaned + ' ' + b.dataset.state + ' job(s) of ' + b.dataset.queue + ' removed';
      });
    },
    suspend: function (b) {
      return post('/routes/suspend', { route: b.dataset.route }).then(function (r) {
        return 'Route ' + r.id + ': ' + r.status;
      });
    },
    redrive: function (b) {
      return redrive({ letters: [b.dataset.letter] }, 'dead letter ' + b.dataset.letter);
    },
    'redrive-selected': function () {
      var ids = Array.prototype.map.call(document.querySelectorAll('input.dl-select:checked'), function (c) {
        return c.value;
      });
      if (!ids.length) {
        return Promise.resolve('Tick the letters to redrive first');
      }
      return redrive({ letters: ids }, ids.length + ' selected letter(s)');
    },
    'redrive-filter': function (b) {
      var filter = {};
      [['topic', 'topic'], ['leg', 'leg'], ['error', 'errorClass'], ['event', 'eventId']].forEach(function (pair) {
        if (b.dataset[pair[0]]) {
          filter[pair[1]] = b.dataset[pair[0]];
        }
      });
      return Object.keys(filter).length
        ? redrive({ filter: filter }, 'the letters matching the filter')
        : redrive({ all: true }, 'every letter not yet redriven');
    }
  };

  document.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button || !actions[button.dataset.action]) {
      return;
    }
    var name = button.dataset.action;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      say(CANCELLED);
      return;
    }
    button.disabled = true;
    busy = true;
    say('Working…');
    actions[name](button).then(function (message) {
      say(message);
      if (button.dataset.after === 'reload' && message.indexOf(CANCELLED) !== 0) {
        location.reload();
        return undefined;
      }
      return refresh(name.indexOf('redrive') === 0 || name === 'refresh' ? ALL : LIVE);
    }).catch(function (error) {
      say('Failed: ' + error.message);
    }).then(function () {
      button.disabled = false;
      busy = false;
    });
  });

  // The flow map's live figures: rates on the lines, lag on topics, depth on queues, red for trouble.
  var map = document.getElementById('flow-map');
  function perSecond(value) {
    return value >= 10 ? Math.round(value) + '/s' : (Math.round(value * 10) / 10) + '/s';
  }
  function updateMap() {
    if (!map || !document.body.contains(map)) {
      return Promise.resolve();
    }
    return send(api + '/flow', 'GET').then(function (flow) {
      map.querySelectorAll('g.edge').forEach(function (g) {
        var edge = flow.edges[g.dataset.edge];
        var text = edge ? perSecond(edge.perSecond) : '';
        g.querySelector('text.edge-rate').textContent = text;
        g.classList.toggle('trouble', !!(edge && edge.trouble));
        g.classList.toggle('idle', !edge || edge.perSecond === 0);
        var row = document.querySelector('tr[data-edge-row="' + CSS.escape(g.dataset.edge) + '"] td.edge-rate-cell');
        if (row) {
          row.textContent = text + (edge && edge.trouble ? ' (' + edge.trouble + ')' : '');
        }
      });
      map.querySelectorAll('a.node').forEach(function (a) {
        var node = flow.nodes[a.dataset.node];
        var figure = a.querySelector('text.node-figure');
        figure.textContent = node ? node.figure : a.dataset.kind;
        a.classList.toggle('trouble', !!(node && node.trouble));
      });
    });
  }

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

  updateMap().catch(function (error) {
    say('Flow figures not available: ' + error.message);
  });
  setInterval(function () {
    if (auto.checked && !busy && !document.hidden) {
      refresh(LIVE).then(updateMap).catch(function (error) {
        say('Refresh failed: ' + error.message);
      });
    }
  }, 3000);
})();
