// Live device status: listens to the portal's server-sent events and updates every element that carries
// data-live-device="<device id>" (the status cells of the device list, the status on the device page).
(function () {
  'use strict';

  function liveElements(deviceId) {
    var all = document.querySelectorAll('[data-live-device]');
    var found = [];
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute('data-live-device') === deviceId) {
        found.push(all[i]);
      }
    }
    return found;
  }

  function start() {
    if (!window.EventSource || !document.querySelector('[data-live-device]')) {
      return;
    }
    var url = document.body.getAttribute('data-events-url') || '/devices/events';
    var source = new EventSource(url);
    source.addEventListener('device', function (event) {
      var data;
      try {
        data = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!data || typeof data.id !== 'string') {
        return;
      }
      var status = data.online ? 'online' : 'offline';
      liveElements(data.id).forEach(function (element) {
        var before = element.getAttribute('data-status');
        element.textContent = status;
        element.setAttribute('data-status', status);
        // a device page opened before the agent ever reported its services shows them once it comes online
        if (before !== status && data.online && element.getAttribute('data-reload-on-online') === 'true') {
          window.location.reload();
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
