// Live device status: listens to the portal's server-sent events and updates every element that carries
// data-live-device="<device id>" (the status cells of the device list, the status on the device page), and shows
// the "remote access disabled on site" notice (data-site-disabled-notice="<device id>") while the site's key switch
// keeps the device off.
(function () {
  'use strict';

  function elementsFor(attribute, deviceId) {
    var all = document.querySelectorAll('[' + attribute + ']');
    var found = [];
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute(attribute) === deviceId) {
        found.push(all[i]);
      }
    }
    return found;
  }

  function liveElements(deviceId) {
    return elementsFor('data-live-device', deviceId);
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
      // status and label come only with site-disabled (the site's key switch is off); else online decides
      var status = typeof data.status === 'string' ? data.status : (data.online ? 'online' : 'offline');
      var label = typeof data.label === 'string' ? data.label : status;
      elementsFor('data-site-disabled-notice', data.id).forEach(function (notice) {
        notice.hidden = status !== 'site-disabled';
      });
      liveElements(data.id).forEach(function (element) {
        var before = element.getAttribute('data-status');
        element.textContent = label;
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
