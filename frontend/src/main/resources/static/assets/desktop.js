// Remote desktop viewer (templates/desktop/viewer.html, docs/desktop.md) on guacamole-common-js 1.6.0.
//
// Reads its settings from the data- attributes of main#desktop (the CSP allows no inline script): data-tunnel-url
// (context path of the WebSocket), data-connect (device=…&service=…), data-view-only, data-service, and
// data-unavailable (why this desktop cannot be shown: then nothing connects).
//
// - Connects a Guacamole.WebSocketTunnel to ws(s)://<this host><tunnel url>?<connect>&width=&height=&dpi= (the size
//   of the display area in CSS pixels, 96 dpi) and shows the remote screen in #desktop-display, scaled to fit.
// - #desktop-status says what happens in words; its data-state is connecting | waiting (a password is asked) |
//   connected | reconnecting | ended. An `error` from the server ends the session with its message; a WebSocket
//   that drops without one is reconnected (at most 3 attempts in a row, short pauses), then ends "connection lost".
// - Input (not in view-only mode): mouse and touch on the display (touch acts as a touchscreen: tap clicks where
//   you tap, long press right-clicks, tap-and-drag drags), the keyboard anywhere on the page except while a text
//   field of the page has the focus, the key combinations menu, and the clipboard panel.
// - "Fit remote" (VNC, control mode; off by default): sends the display area's size (`size,W,H`) now and after each
//   window resize; a remote that keeps its size (an HMI panel, a server that does not allow it) is named in the status.
(function () {
  'use strict';

  /** Reconnect attempts in a row after the WebSocket dropped, and the pause before each. */
  var RECONNECT_PAUSES_MS = [1000, 2000, 4000];
  /** Automatic reconnects per page without the user asking (a server that drops every session stops here). */
  var RECONNECT_BUDGET = 10;
  /** Window resizes settle this long before the new size is sent to the remote desktop. */
  var RESIZE_SETTLE_MS = 400;
  /** After a size was sent, the remote has this long to take it before the status says it keeps its own. */
  var FIT_CHECK_MS = 3000;

  /** X11 keysyms of the combinations a browser keeps for itself: pressed in order, released in reverse. */
  var CONTROL_L = 0xFFE3;
  var ALT_L = 0xFFE9;
  var KEY_COMBINATIONS = {
    'ctrl-alt-del': [CONTROL_L, ALT_L, 0xFFFF],
    'ctrl-esc': [CONTROL_L, 0xFF1B],
    'alt-tab': [ALT_L, 0xFF09],
    'win': [0xFFEB],
    'alt-f4': [ALT_L, 0xFFC1],
    'print': [0xFF61]
  };

  /** Words for a status the server sent without a message. */
  var STATUS_WORDS = {
    0x0200: 'The portal failed (internal error).',
    0x0201: 'The portal is busy: try again later.',
    0x0202: 'The remote desktop did not answer in time.',
    0x0203: 'The remote desktop failed.',
    0x0204: 'This desktop is not known (any more).',
    0x0205: 'This desktop is in use.',
    0x0206: 'The remote desktop closed the connection.',
    0x0207: 'The remote desktop cannot be reached.',
    0x0208: 'The remote desktop is unavailable.',
    0x0209: 'The session was taken over elsewhere.',
    0x020A: 'The session timed out.',
    0x020B: 'The session was closed.',
    0x0300: 'The portal refused the request.',
    0x0301: 'Sign in again to open this desktop.',
    0x0303: 'You may not open this desktop.',
    0x0308: 'The browser did not answer in time.',
    0x030D: 'The browser sent too much data.',
    0x031D: 'Too many sessions.'
  };

  var ARGUMENT_NAMES = ['username', 'password', 'domain'];

  function start() {
    var root = document.getElementById('desktop');
    var statusEl = document.getElementById('desktop-status');
    var displayEl = document.getElementById('desktop-display');
    if (!root || !statusEl || !displayEl) {
      return;
    }
    var serviceName = root.getAttribute('data-service') || 'the desktop';
    var viewOnly = root.getAttribute('data-view-only') === 'true';
    var reconnectButton = document.getElementById('desktop-reconnect');
    var passwordForm = document.getElementById('desktop-password-form');
    var clipboardPanel = document.getElementById('desktop-clipboard');
    var clipboardToggle = document.getElementById('desktop-clipboard-toggle');
    var clipboardText = document.getElementById('clipboard-text');
    var clipboardNote = document.getElementById('clipboard-note');
    displayEl.setAttribute('data-view-only', viewOnly ? 'true' : 'false');

    /** The current connection: {client, tunnel, display, done, connected}; null before the first. */
    var session = null;
    /** Display elements of earlier connections, kept (dimmed) until a new one connects. */
    var staleElements = [];
    var attempt = 0;
    var budget = RECONNECT_BUDGET;
    var reconnectTimer = null;
    var resizeTimer = null;
    var fitCheckTimer = null;
    /** "Fit remote" is on: the display area's size is sent to the remote desktop. */
    var fitRemote = false;
    /** The remote did not take the size last sent. */
    var sizeKept = false;
    var leaving = false;
    var unstable = false;
    var state = statusEl.getAttribute('data-state');
    var statusText = statusEl.textContent;
    var requiredNames = [];
    /** Whether a text field of the page (clipboard, password) has the keyboard, not the remote desktop. */
    var typingLocally = false;
    var keyboard = null;

    function setStatus(newState, text) {
      state = newState;
      statusText = text;
      if (newState !== 'connected') {
        unstable = false;
      }
      statusEl.setAttribute('data-state', newState);
      displayEl.setAttribute('data-state', newState);
      showStatusText();
      if (reconnectButton) {
        reconnectButton.hidden = newState !== 'ended';
      }
    }

    function showStatusText() {
      var text = statusText;
      if (sizeKept && state === 'connected') {
        text += ' (its screen keeps its size)';
      }
      if (unstable && state === 'connected') {
        statusEl.setAttribute('data-unstable', 'true');
        statusEl.textContent = text + ' (connection unstable)';
      } else {
        statusEl.removeAttribute('data-unstable');
        statusEl.textContent = text;
      }
    }

    if (typeof Guacamole === 'undefined' || !Guacamole.Client || !Guacamole.WebSocketTunnel) {
      setStatus('ended', 'The desktop viewer could not be loaded (guacamole-common-js is missing).');
      if (reconnectButton) {
        reconnectButton.hidden = true;
      }
      return;
    }
    if (root.hasAttribute('data-unavailable')) {
      // the server already says why in #desktop-status; nothing connects and there is nothing to retry
      setStatus('ended', root.getAttribute('data-unavailable') || statusText);
      if (reconnectButton) {
        reconnectButton.hidden = true;
      }
      return;
    }

    function tunnelUrl() {
      var path = root.getAttribute('data-tunnel-url') || '/desktop/tunnel';
      if (/^wss?:/.test(path)) {
        return path;
      }
      var scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      return scheme + '//' + window.location.host + (path.charAt(0) === '/' ? '' : '/') + path;
    }

    /** The display area in CSS pixels (the remote desktop may take it as its screen size). */
    function areaSize() {
      var width = displayEl.clientWidth || window.innerWidth || 1024;
      var height = displayEl.clientHeight || window.innerHeight || 768;
      return { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
    }

    // ---- scaling ----

    /**
     * Fits the remote screen into the display area, keeping its aspect ratio: shrunk as much as needed, never
     * enlarged, except a tiny screen (at most half the area both ways, e.g. a 320×240 panel) shown at 2×.
     */
    function rescale() {
      if (!session) {
        return;
      }
      var display = session.display;
      var width = display.getWidth();
      var height = display.getHeight();
      var areaWidth = displayEl.clientWidth;
      var areaHeight = displayEl.clientHeight;
      if (!width || !height || !areaWidth || !areaHeight) {
        return;
      }
      var fit = Math.min(areaWidth / width, areaHeight / height);
      var scale = fit >= 2 ? 2 : Math.min(fit, 1);
      display.scale(scale);
      // centred on whole CSS pixels of the page, so a click maps to the remote pixel under it
      var area = displayEl.getBoundingClientRect();
      var element = display.getElement();
      element.style.left = (Math.round(area.left + (areaWidth - width * scale) / 2) - area.left) + 'px';
      // portrait (a phone upright): at the top, so the on-screen keyboard leaves it where it is
      var top = areaHeight > areaWidth ? 0 : Math.max(0, (areaHeight - height * scale) / 2);
      element.style.top = (Math.round(area.top + top) - area.top) + 'px';
      displayEl.setAttribute('data-scale', String(scale));
      displayEl.setAttribute('data-remote-width', String(width));
      displayEl.setAttribute('data-remote-height', String(height));
    }

    function areaResized() {
      rescale();
      if (viewOnly || !fitRemote || !session || !session.connected) {
        return;
      }
      window.clearTimeout(resizeTimer);
      var current = session;
      resizeTimer = window.setTimeout(function () {
        if (current === session && current.connected) {
          sendAreaSize(current);
        }
      }, RESIZE_SETTLE_MS);
    }

    /** Asks the remote desktop for the display area's size; the status says so when it keeps its own. */
    function sendAreaSize(current) {
      var size = areaSize();
      current.client.sendSize(size.width, size.height);
      window.clearTimeout(fitCheckTimer);
      fitCheckTimer = window.setTimeout(function () {
        if (current === session && fitRemote && current.connected && !current.done) {
          sizeKept = current.display.getWidth() !== size.width || current.display.getHeight() !== size.height;
          showStatusText();
        }
      }, FIT_CHECK_MS);
    }

    var fitButton = document.getElementById('desktop-fit');
    if (fitButton && !viewOnly && root.getAttribute('data-kind') === 'vnc') {
      fitButton.hidden = false;
      fitButton.addEventListener('click', function () {
        fitRemote = !fitRemote;
        fitButton.setAttribute('aria-pressed', fitRemote ? 'true' : 'false');
        sizeKept = false;
        showStatusText();
        if (fitRemote && session && session.connected && !session.done) {
          sendAreaSize(session);
        }
        displayEl.focus();
      });
    }

    window.addEventListener('resize', areaResized);
    if (window.ResizeObserver) {
      new ResizeObserver(areaResized).observe(displayEl);
    }

    // ---- connection ----

    function messageOf(status) {
      var message = status && typeof status.message === 'string' ? status.message.trim() : '';
      if (message) {
        return message;
      }
      var code = status ? status.code : undefined;
      return STATUS_WORDS[code] || ('The session ended (status ' + code + ').');
    }

    function connect() {
      window.clearTimeout(reconnectTimer);
      reconnectTimer = null;
      retire(session);
      hidePasswordForm();

      var tunnel = new Guacamole.WebSocketTunnel(tunnelUrl());
      var client = new Guacamole.Client(tunnel);
      var display = client.getDisplay();
      var current = { client: client, tunnel: tunnel, display: display, done: false, connected: false };
      session = current;

      var element = display.getElement();
      element.classList.add('desktop-screen');
      if (staleElements.length) {
        element.hidden = true;
      }
      displayEl.appendChild(element);
      display.onresize = function () {
        if (current === session) {
          rescale();
        }
      };

      client.onstatechange = function (clientState) {
        current.clientState = clientState;
        if (current !== session || current.done) {
          return;
        }
        if (clientState === Guacamole.Client.State.CONNECTED) {
          current.connected = true;
          attempt = 0;
          dropStaleElements();
          element.hidden = false;
          rescale();
          sizeKept = false;
          setStatus('connected', 'Connected to ' + serviceName);
          if (fitRemote) {
            sendAreaSize(current); // a reconnected session fits again
          }
        } else if (clientState === Guacamole.Client.State.DISCONNECTED) {
          // the server sent "disconnect": it ended the session on purpose
          end(current, 'The remote desktop ended the session.');
        }
      };

      // an "error" instruction: the session is over, in the server's words
      client.onerror = function (status) {
        if (current === session && !current.done) {
          end(current, messageOf(status));
        }
      };

      // the WebSocket failed, dropped or went silent, without an "error" from the server (guacamole-common-js
      // 1.6.0's Client does not watch its tunnel: this page does)
      tunnel.onerror = function () {
        if (current === session && !current.done) {
          lost(current);
        }
      };
      tunnel.onstatechange = function (tunnelState) {
        if (current !== session || current.done) {
          return;
        }
        if (tunnelState === Guacamole.Tunnel.State.UNSTABLE) {
          unstable = true;
          showStatusText();
        } else if (tunnelState === Guacamole.Tunnel.State.OPEN) {
          unstable = false;
          showStatusText();
        } else if (tunnelState === Guacamole.Tunnel.State.CLOSED) {
          if (current.clientState === Guacamole.Client.State.DISCONNECTING
              || current.clientState === Guacamole.Client.State.DISCONNECTED) {
            // the server sent "disconnect" (the client closes its tunnel before it says DISCONNECTED)
            end(current, 'The remote desktop ended the session.');
          } else {
            // closed normally by the server, but with neither "error" nor "disconnect": treat as a drop
            lost(current);
          }
        }
      };

      client.onrequired = function (names) {
        if (current === session && !current.done) {
          askFor(current, names);
        }
      };
      client.onclipboard = function (stream, mimetype) {
        receiveClipboard(current, stream, mimetype);
      };

      attachInput(current);

      var size = areaSize();
      setStatus(attempt > 0 ? 'reconnecting' : 'connecting', attempt > 0
          ? 'Connection lost: reconnecting to ' + serviceName + ' (attempt ' + attempt + ' of '
            + RECONNECT_PAUSES_MS.length + ')…'
          : 'Connecting to ' + serviceName + '…');
      try {
        client.connect((root.getAttribute('data-connect') || '') + '&width=' + size.width + '&height=' + size.height
            + '&dpi=96');
      } catch (e) {
        end(current, 'The viewer could not open the connection: ' + (e && e.message ? e.message : e));
      }
    }

    /** Stops a connection this page no longer wants (its display stays, dimmed, until a new one connects). */
    function retire(old) {
      if (!old) {
        return;
      }
      old.done = true;
      if (old.mouse) {
        old.mouse.reset();
      }
      try {
        old.client.disconnect();
      } catch (e) {
        // already closed
      }
      var element = old.display.getElement();
      if (element.parentNode === displayEl && staleElements.indexOf(element) < 0) {
        staleElements.push(element);
      }
    }

    function dropStaleElements() {
      staleElements.forEach(function (element) {
        if (element.parentNode) {
          element.parentNode.removeChild(element);
        }
      });
      staleElements = [];
    }

    function end(current, message) {
      current.done = true;
      releaseKeys();
      try {
        current.client.disconnect();
      } catch (e) {
        // already closed
      }
      hidePasswordForm();
      setStatus('ended', message);
    }

    function lost(current) {
      current.done = true;
      releaseKeys();
      // after the tunnel finished closing (it reports the error first): stops the client's keep-alive, sends nothing
      window.setTimeout(function () {
        try {
          current.client.disconnect();
        } catch (e) {
          // already closed
        }
      }, 0);
      if (leaving) {
        return;
      }
      if (attempt >= RECONNECT_PAUSES_MS.length || budget <= 0) {
        setStatus('ended', 'Ended: connection lost (reconnecting failed ' + attempt + ' times).');
        return;
      }
      var pause = RECONNECT_PAUSES_MS[attempt];
      attempt++;
      budget--;
      setStatus('reconnecting', 'Connection lost: reconnecting to ' + serviceName + ' (attempt ' + attempt + ' of '
          + RECONNECT_PAUSES_MS.length + ')…');
      reconnectTimer = window.setTimeout(function () {
        reconnectTimer = null;
        if (!leaving && current === session) {
          connect();
        }
      }, pause);
    }

    if (reconnectButton) {
      reconnectButton.addEventListener('click', function () {
        attempt = 0;
        budget = RECONNECT_BUDGET;
        connect();
      });
    }

    // leaving the page (tab closed, link followed) ends the session at once; back from the cache reconnects
    window.addEventListener('pagehide', function () {
      leaving = true;
      window.clearTimeout(reconnectTimer);
      if (session && !session.done) {
        session.done = true;
        try {
          session.client.disconnect();
        } catch (e) {
          // closing anyway
        }
      }
    });
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) {
        leaving = false;
        attempt = 0;
        budget = RECONNECT_BUDGET;
        connect();
      }
    });

    // ---- password (and other arguments the server asks for) ----

    function askFor(current, names) {
      requiredNames = (names || []).filter(function (name) {
        return ARGUMENT_NAMES.indexOf(name) >= 0;
      });
      if (!passwordForm || !requiredNames.length) {
        end(current, serviceName + ' asks for ' + (names || []).join(', ') + ', which this page cannot send.');
        return;
      }
      var first = null;
      ARGUMENT_NAMES.forEach(function (name) {
        var label = passwordForm.querySelector('[data-argument="' + name + '"]');
        var input = document.getElementById('desktop-' + name);
        var wanted = requiredNames.indexOf(name) >= 0;
        if (label) {
          label.hidden = !wanted;
        }
        if (input) {
          input.value = '';
          input.required = wanted;
          if (wanted && !first) {
            first = input;
          }
        }
      });
      passwordForm.hidden = false;
      var what = requiredNames.length === 1 && requiredNames[0] === 'password' ? 'its password'
          : requiredNames.map(function (name) {
            return name === 'username' ? 'user name' : name;
          }).join(', ');
      setStatus('waiting', serviceName + ' asks for ' + what + '.');
      if (first) {
        first.focus();
      }
    }

    function hidePasswordForm() {
      if (!passwordForm) {
        return;
      }
      passwordForm.hidden = true;
      ARGUMENT_NAMES.forEach(function (name) {
        var input = document.getElementById('desktop-' + name);
        if (input) {
          input.value = '';
        }
      });
    }

    if (passwordForm) {
      passwordForm.addEventListener('submit', function (event) {
        event.preventDefault();
        if (!session || session.done) {
          hidePasswordForm();
          return;
        }
        var client = session.client;
        requiredNames.forEach(function (name) {
          var input = document.getElementById('desktop-' + name);
          var writer = new Guacamole.StringWriter(client.createArgumentValueStream('text/plain', name));
          writer.sendText(input ? input.value : '');
          writer.sendEnd();
        });
        requiredNames = [];
        hidePasswordForm();
        displayEl.focus();
        setStatus('connecting', 'Connecting to ' + serviceName + '…');
      });
    }

    // ---- clipboard ----

    function note(text) {
      if (clipboardNote) {
        clipboardNote.textContent = text;
      }
    }

    function receiveClipboard(current, stream, mimetype) {
      if (!/^text\//.test(mimetype || '')) {
        return;
      }
      var reader = new Guacamole.StringReader(stream);
      var text = '';
      reader.ontext = function (part) {
        text += part;
      };
      reader.onend = function () {
        if (current === session && clipboardText) {
          clipboardText.value = text;
          note('Copied on the remote desktop.');
        }
      };
    }

    function showClipboard(show) {
      if (!clipboardPanel) {
        return;
      }
      clipboardPanel.hidden = !show;
      if (clipboardToggle) {
        clipboardToggle.setAttribute('aria-expanded', show ? 'true' : 'false');
      }
      if (show && clipboardText) {
        clipboardText.focus();
      } else if (!show) {
        displayEl.focus();
      }
    }

    if (clipboardToggle) {
      clipboardToggle.addEventListener('click', function () {
        showClipboard(clipboardPanel && clipboardPanel.hidden);
      });
    }
    var clipboardClose = document.getElementById('clipboard-close');
    if (clipboardClose) {
      clipboardClose.addEventListener('click', function () {
        showClipboard(false);
      });
    }
    var clipboardSend = document.getElementById('clipboard-send');
    if (clipboardSend && !viewOnly) {
      clipboardSend.addEventListener('click', function () {
        if (!session || !session.connected || session.done) {
          note('Not connected: nothing sent.');
          return;
        }
        var writer = new Guacamole.StringWriter(session.client.createClipboardStream('text/plain'));
        writer.sendText(clipboardText ? clipboardText.value : '');
        writer.sendEnd();
        note('Sent to the remote clipboard: paste it there.');
      });
    }
    var clipboardCopy = document.getElementById('clipboard-copy');
    if (clipboardCopy && navigator.clipboard && navigator.clipboard.writeText) {
      clipboardCopy.hidden = false;
      clipboardCopy.addEventListener('click', function () {
        navigator.clipboard.writeText(clipboardText ? clipboardText.value : '').then(function () {
          note('Copied to this computer\'s clipboard.');
        }, function () {
          note('The browser did not allow copying: select the text and copy it.');
        });
      });
    }

    // ---- input: mouse, touch, keyboard, key combinations ----

    function attachInput(current) {
      var display = current.display;
      if (viewOnly) {
        display.showCursor(false);
        return;
      }
      var element = display.getElement();
      var send = function (event) {
        if (current === session && !current.done) {
          current.client.sendMouseState(remotePoint(display, event.state), false);
        }
      };
      var mouse = new Guacamole.Mouse(element);
      mouse.onEach(['mousedown', 'mouseup', 'mousemove'], send);
      // the page's text fields give the keyboard back when the remote screen is clicked
      mouse.on('mousedown', function () {
        if (document.activeElement !== displayEl) {
          displayEl.focus();
        }
      });
      current.mouse = mouse;
      var touch = new Guacamole.Mouse.Touchscreen(element);
      touch.onEach(['mousedown', 'mouseup', 'mousemove'], send);
      element.addEventListener('touchstart', function () {
        if (isLocalField(document.activeElement)) {
          displayEl.focus();
        }
      });
      // the remote cursor as the local mouse pointer (no lag); the display's own cursor layer only as fallback
      display.showCursor(false);
      display.oncursor = function (canvas, x, y) {
        if (!mouse.setCursor(canvas, x, y)) {
          display.showCursor(true);
        }
      };
    }

    /** Keys pressed on the remote (a release is sent only for those: Enter in the password field stays local). */
    var remotePressed = {};

    /**
     * The mouse state in remote pixels: the centre of the CSS pixel under the pointer, divided by the scale (a plain
     * division of its corner would hit the remote pixel above/left of the one shown there when the screen is shrunk).
     */
    function remotePoint(display, state) {
      var scale = display.getScale() || 1;
      var maxX = Math.max(0, display.getWidth() - 1);
      var maxY = Math.max(0, display.getHeight() - 1);
      return new Guacamole.Mouse.State({
        x: Math.min(maxX, Math.max(0, Math.floor((state.x + 0.5) / scale))),
        y: Math.min(maxY, Math.max(0, Math.floor((state.y + 0.5) / scale))),
        left: state.left,
        middle: state.middle,
        right: state.right,
        up: state.up,
        down: state.down
      });
    }

    function sendKey(pressed, keysym) {
      if (!session || session.done) {
        return;
      }
      if (pressed) {
        remotePressed[keysym] = session;
      } else if (remotePressed[keysym] !== session) {
        return;
      }
      if (!pressed) {
        delete remotePressed[keysym];
      }
      session.client.sendKeyEvent(pressed ? 1 : 0, keysym);
    }

    function releaseKeys() {
      if (keyboard) {
        keyboard.reset();
      }
    }

    function isLocalField(element) {
      if (!element || element === document.body) {
        return false;
      }
      if (element.classList && element.classList.contains('desktop-remote-input')) {
        return false; // the on-screen keyboard's field: its keys go to the remote desktop
      }
      var tag = element.tagName;
      return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || element.isContentEditable === true;
    }

    if (!viewOnly) {
      keyboard = new Guacamole.Keyboard(document);
      keyboard.onkeydown = function (keysym) {
        if (typingLocally) {
          return true; // the page's field gets the key
        }
        sendKey(true, keysym);
        return false;
      };
      keyboard.onkeyup = function (keysym) {
        if (!typingLocally) {
          sendKey(false, keysym);
        }
      };
      document.addEventListener('focusin', function (event) {
        if (isLocalField(event.target) && !typingLocally) {
          keyboard.reset(); // release on the remote whatever was held when the field took the keyboard
          typingLocally = true;
        }
      });
      document.addEventListener('focusout', function (event) {
        if (isLocalField(event.target) && !isLocalField(event.relatedTarget)) {
          typingLocally = false;
        }
      });
      typingLocally = isLocalField(document.activeElement);
      // keys held while the window loses the focus (Alt-Tab away) would stay pressed on the remote
      window.addEventListener('blur', releaseKeys);
    }

    // phones and tablets: "Type" opens the on-screen keyboard on a field whose input Guacamole.Keyboard sends
    var typeButton = document.getElementById('desktop-type');
    var typeInput = document.getElementById('desktop-type-input');
    if (typeButton && typeInput && !viewOnly && window.matchMedia && window.matchMedia('(pointer: coarse)').matches) {
      typeButton.hidden = false;
      typeButton.addEventListener('click', function () {
        typeInput.value = '';
        typeInput.focus();
      });
      typeInput.addEventListener('input', function (event) {
        if (!event.isComposing) {
          typeInput.value = '';
        }
      });
      typeInput.addEventListener('compositionend', function () {
        typeInput.value = '';
      });
    }

    var keysButton = document.getElementById('desktop-keys');
    var keysMenu = document.getElementById('desktop-keys-menu');

    function showKeysMenu(show) {
      if (!keysButton || !keysMenu) {
        return;
      }
      keysMenu.hidden = !show;
      keysButton.setAttribute('aria-expanded', show ? 'true' : 'false');
    }

    if (keysButton && keysMenu && !viewOnly) {
      keysButton.addEventListener('click', function (event) {
        event.stopPropagation();
        showKeysMenu(keysMenu.hidden);
      });
      keysMenu.addEventListener('click', function (event) {
        var button = event.target.closest ? event.target.closest('button[data-keys]') : null;
        if (!button) {
          return;
        }
        event.stopPropagation();
        var keys = KEY_COMBINATIONS[button.getAttribute('data-keys')];
        if (keys && session && session.connected && !session.done) {
          releaseKeys();
          keys.forEach(function (keysym) {
            sendKey(true, keysym);
          });
          keys.slice().reverse().forEach(function (keysym) {
            sendKey(false, keysym);
          });
        }
        showKeysMenu(false);
        displayEl.focus();
      });
      document.addEventListener('click', function (event) {
        if (!keysMenu.hidden && !keysMenu.contains(event.target)) {
          showKeysMenu(false);
        }
      });
    }

    // ---- full screen ----

    var fullscreenButton = document.getElementById('desktop-fullscreen');
    if (fullscreenButton && document.fullscreenEnabled && root.requestFullscreen) {
      fullscreenButton.hidden = false;
      fullscreenButton.addEventListener('click', function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
          return;
        }
        root.requestFullscreen().then(function () {
          // in full screen Chromium lets the page have Esc, Alt-Tab, the Windows key… (hold Esc to leave)
          if (!viewOnly && navigator.keyboard && navigator.keyboard.lock) {
            navigator.keyboard.lock().catch(function () {
              // not offered: the Keys menu still sends them
            });
          }
        }, function () {
          // refused (e.g. not from a click): stays in the window
        });
      });
      document.addEventListener('fullscreenchange', function () {
        fullscreenButton.textContent = document.fullscreenElement ? 'Exit full screen' : 'Full screen';
        if (!document.fullscreenElement && navigator.keyboard && navigator.keyboard.unlock) {
          navigator.keyboard.unlock();
        }
        areaResized();
      });
    }

    connect();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
