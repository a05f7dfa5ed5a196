'use strict';
// Live values: polled from this HMI, so moving gauges show the tunnel carries requests.
(function () {
  var gauges = document.querySelectorAll('.gauge');
  var fmt = { spindleRpm: 0, oilTempC: 1, airPressureBar: 2 };
  var lamp = document.getElementById('run-lamp');
  var state = document.getElementById('machine-state');

  function show(values) {
    gauges.forEach(function (g) {
      var key = g.dataset.key, v = values[key];
      var min = Number(g.dataset.min), max = Number(g.dataset.max);
      var pct = Math.max(0, Math.min(100, (v - min) / (max - min) * 100));
      var fill = g.querySelector('.fill');
      fill.style.strokeDasharray = pct.toFixed(1) + ' 100';
      fill.classList.toggle('high', pct > 85);
      g.querySelector('.num').textContent = v.toFixed(fmt[key]);
    });
    document.getElementById('parts-produced').textContent = values.partsProduced;
    lamp.className = 'lamp ok';
    state.textContent = values.state;
  }

  function poll() {
    fetch('/status.json', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(show)
      .catch(function () { lamp.className = 'lamp bad'; state.textContent = 'no data'; })
      .finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();

// WebSocket echo on the same host as the page (works through the HMI proxy's origin).
(function () {
  var input = document.getElementById('ws-input');
  var send = document.getElementById('ws-send');
  var output = document.getElementById('ws-output');
  var status = document.getElementById('ws-status');
  var ws, queue = [];

  function setStatus(text, cls) { status.textContent = text; status.className = 'tag ' + (cls || ''); }

  function connect() {
    ws = new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/ws/echo');
    setStatus('connecting');
    ws.onopen = function () {
      setStatus('connected', 'ok');
      while (queue.length) { ws.send(queue.shift()); }
    };
    ws.onmessage = function (e) {
      var line = document.createElement('div');
      line.textContent = typeof e.data === 'string' ? e.data : '[binary message]';
      output.appendChild(line);
      output.scrollTop = output.scrollHeight;
    };
    ws.onclose = function () { setStatus('disconnected, retrying', 'bad'); setTimeout(connect, 2000); };
  }

  function sendMessage() {
    var text = input.value;
    if (!text) { return; }
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(text); } else { queue.push(text); }
    input.value = '';
    input.focus();
  }

  send.addEventListener('click', sendMessage);
  input.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sendMessage(); } });
  connect();
})();
