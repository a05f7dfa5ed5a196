// On-demand wake-up on the device page (#on-demand, docs/on-demand.md): while a wake-up is in progress
// (data-in-progress="true") it asks the portal every second how far it got (GET data-wake-url, JSON) and shows the
// steps (SMS sent, dialling in, online) with their times, the time left of the estimate, and a failure in words.
// It also keeps Connect and Send offline in step with the device's live status (#device-status, which gangway.js
// updates from the portal's events).
(function () {
  'use strict';

  var POLL_MS = 1000;

  function start() {
    var panel = document.getElementById('on-demand');
    var status = document.getElementById('device-status');
    if (!panel || !status || !window.fetch) {
      return;
    }
    var url = panel.getAttribute('data-wake-url');
    var inProgress = panel.getAttribute('data-in-progress') === 'true';

    function buttons() {
      var current = status.getAttribute('data-status');
      var connect = document.getElementById('wake-device');
      var offline = document.getElementById('send-offline');
      if (connect) {
        connect.disabled = inProgress || current === 'online' || current === 'site-disabled';
      }
      if (offline) {
        offline.disabled = current !== 'online';
      }
    }

    function showStatus(wire, label) {
      if (typeof wire !== 'string' || typeof label !== 'string') {
        return;
      }
      var before = status.getAttribute('data-status');
      status.textContent = label;
      status.setAttribute('data-status', wire);
      // a device page opened before the agent ever reported its services shows them once it comes online
      if (before !== wire && wire === 'online' && status.getAttribute('data-reload-on-online') === 'true') {
        window.location.reload();
      }
    }

    function step(name, at) {
      var item = panel.querySelector('.wake-step[data-step="' + name + '"]');
      if (!item) {
        return;
      }
      item.setAttribute('data-done', at ? 'true' : 'false');
      var time = item.querySelector('time');
      if (at && !time) {
        time = document.createElement('time');
        item.appendChild(document.createTextNode(' '));
        item.appendChild(time);
      }
      if (time) {
        time.textContent = at || '';
        time.setAttribute('datetime', at || '');
      }
    }

    function showWake(wake) {
      var steps = document.getElementById('wake-steps');
      if (steps) {
        steps.setAttribute('data-state', wake.state);
      }
      panel.setAttribute('data-wake-state', wake.state);
      step('sms-sent', wake.smsSentAt);
      step('dialling', wake.diallingAt);
      step('online', wake.onlineAt);
      var message = document.getElementById('wake-message');
      if (message && typeof wake.message === 'string') {
        message.textContent = wake.message;
        message.classList.toggle('error', wake.state === 'failed');
      }
      var remaining = document.getElementById('wake-remaining');
      if (remaining) {
        if (wake.inProgress) {
          var left = wake.estimateSeconds - wake.elapsedSeconds;
          remaining.textContent = left > 0 ? 'About ' + left + ' s left.' : 'Taking longer than usual.';
          remaining.hidden = false;
        } else {
          remaining.hidden = true;
        }
      }
    }

    function poll() {
      fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            showStatus(data.status, data.statusLabel);
            if (data.wake) {
              showWake(data.wake);
            }
            inProgress = !!(data.wake && data.wake.inProgress);
            panel.setAttribute('data-in-progress', inProgress ? 'true' : 'false');
            buttons();
          }
          if (inProgress) {
            window.setTimeout(poll, POLL_MS);
          }
        })
        .catch(function () {
          window.setTimeout(poll, POLL_MS * 5);
        });
    }

    if (window.MutationObserver) {
      new MutationObserver(buttons).observe(status, {attributes: true, attributeFilter: ['data-status']});
    }
    buttons();
    if (inProgress) {
      window.setTimeout(poll, POLL_MS);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
