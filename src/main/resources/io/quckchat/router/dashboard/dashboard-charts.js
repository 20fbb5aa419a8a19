// QuckChat Router dashboard charts: the last hour of the router's own meters (<base>/api/charts),
// one uPlot chart per group, re-read every sampling interval. Draws into the element with id
// "charts"; does nothing on a page without one. uPlot and its stylesheet come from the router's jar
// (/webjars/uplot/<version>/dist/, loaded here if the page has not), so the page's strict CSP
// (script-src 'self', style-src 'self') holds: no inline script or style, no innerHTML of data.
(function () {
  'use strict';
  var UPLOT = '/webjars/uplot/1.6.30/dist/';
  var script = document.currentScript;
  // <base>/assets/dashboard-charts.js, or the page's data-base
  var base = script && script.src.indexOf('/assets/dashboard-charts.js') > 0
    ? new URL(script.src).pathname.replace(/\/assets\/dashboard-charts\.js$/, '')
    : document.body.getAttribute('data-base');
  var GROUPS = [
    { chart: 'events', title: 'Events in, per topic' },
    { chart: 'legs', title: 'Legs delivered, per destination/target' },
    { chart: 'latency', title: 'Leg latency p50 / p99, per destination' },
    { chart: 'lag', title: 'Consumer lag, per topic' },
    { chart: 'failures', title: 'Retries and dead letters' }
  ];
  var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  var container;
  var status;
  var plots = {}; // chart -> {plot, names}
  var timer;

  function ready(then) {
    if (window.uPlot) {
      then();
      return;
    }
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = UPLOT + 'uPlot.min.css';
    document.head.appendChild(css);
    var js = document.createElement('script');
    js.src = UPLOT + 'uPlot.iife.min.js';
    js.onload = then;
    js.onerror = function () {
      say('Could not load the charting library');
    };
    document.head.appendChild(js);
  }

  function say(text) {
    status.textContent = text;
  }

  function width() {
    return Math.max(320, Math.min(container.clientWidth || 800, 1200));
  }

  function options(group, series, unit) {
    return {
      title: group.title,
      width: width(),
      height: 220,
      scales: { x: { time: true } },
      axes: [
        { label: 'time' },
        { label: unit, size: 70 }
      ],
      series: [{ label: 'time' }].concat(series.map(function (s, i) {
        return {
          label: s.name,
          stroke: COLOURS[i % COLOURS.length],
          width: 1.5,
          spanGaps: false,
          value: function (u, v) {
            return v == null ? '-' : v.toLocaleString() + ' ' + unit;
          }
        };
      }))
    };
  }

  function draw(answer) {
    var seconds = answer.timestamps.map(function (ms) {
      return ms / 1000;
    });
    GROUPS.forEach(function (group) {
      var series = answer.series.filter(function (s) {
        return s.chart === group.chart;
      });
      var names = series.map(function (s) {
        return s.name;
      }).join('\n');
      var data = [seconds].concat(series.map(function (s) {
        return s.values;
      }));
      var unit = series.length ? series[0].unit : '';
      var drawn = plots[group.chart];
      var points = series.reduce(function (n, s) {
        return n + s.values.filter(function (v) {
          return v !== null;
        }).length;
      }, 0);
      var figure = document.getElementById('chart-' + group.chart);
      if (figure) {
        figure.setAttribute('data-points', String(points)); // what a test (or a curious operator) can read
      }
      if (drawn && drawn.names === names) {
        drawn.plot.setData(data);
        return;
      }
      var holder = document.getElementById('chart-' + group.chart);
      if (!holder) {
        holder = document.createElement('figure');
        holder.id = 'chart-' + group.chart;
        holder.className = 'chart';
        holder.setAttribute('data-chart', group.chart);
        holder.setAttribute('data-points', String(points));
        container.appendChild(holder);
      }
      if (drawn) {
        drawn.plot.destroy();
      }
      holder.textContent = '';
      if (!series.length) {
        var none = document.createElement('figcaption');
        none.textContent = group.title + ': no data yet';
        holder.appendChild(none);
        delete plots[group.chart];
        return;
      }
      plots[group.chart] = { plot: new window.uPlot(options(group, series, unit), data, holder), names: names };
    });
    var note = answer.droppedSeries > 0
      ? ' (' + answer.droppedSeries + ' series over the cap of ' + answer.maxSeries + ' not shown)'
      : '';
    say('Last hour, one point every ' + answer.interval + ' s' + note);
  }

  function refresh() {
    clearTimeout(timer);
    fetch(location.origin + base + '/api/charts', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.json();
    }).then(function (answer) {
      draw(answer);
      timer = setTimeout(refresh, Math.max(1, answer.interval) * 1000);
    }).catch(function (e) {
      say('Charts not refreshed: ' + e.message + '; trying again in 10 s');
      timer = setTimeout(refresh, 10000);
    });
  }

  function start() {
    container = document.getElementById('charts');
    if (!container) {
      return;
    }
    status = document.createElement('p');
    status.className = 'charts-status';
    status.setAttribute('role', 'status');
    container.appendChild(status);
    window.addEventListener('resize', function () {
      Object.keys(plots).forEach(function (chart) {
        plots[chart].plot.setSize({ width: width(), height: 220 });
      });
    });
    ready(refresh);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
