// Passkeys (WebAuthn), sign-in part: "Add a passkey" on My account (#add-passkey-form) and "Use a passkey" at the
// second step of signing in (#passkey-sign-in). Both forms carry the CSRF token (hidden _csrf field) and the URL of
// their options endpoint (data-options-url); the server answers JSON: options, {"error": "..."} or
// {"redirect": "/path"}. Binary WebAuthn values travel as base64url. No inline script anywhere (strict CSP).
(function () {
  'use strict';

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) {
      base64 += '=';
    }
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function csrf(form) {
    var field = form.querySelector('input[name="_csrf"]');
    return field ? field.value : '';
  }

  // POSTs JSON with the form's CSRF token; resolves to {ok, status, body} (body parsed, or {} when not JSON)
  function post(form, url, payload) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-TOKEN': csrf(form)},
      body: JSON.stringify(payload || {})
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (body) {
        return {ok: response.ok, status: response.status, body: body};
      });
    });
  }

  function show(element, message) {
    element.textContent = message;
    element.hidden = false;
  }

  function go(path) {
    // only paths of the portal itself
    if (typeof path === 'string' && path.charAt(0) === '/' && path.charAt(1) !== '/') {
      window.location.assign(path);
      return true;
    }
    return false;
  }

  function descriptors(list) {
    return (list || []).map(function (credential) {
      var copy = {type: credential.type, id: toBytes(credential.id)};
      if (credential.transports) {
        copy.transports = credential.transports;
      }
      return copy;
    });
  }

  function browserError(error) {
    if (error && error.name === 'NotAllowedError') {
      return 'The passkey request was cancelled or timed out: try again.';
    }
    if (error && error.name === 'InvalidStateError') {
      return 'This authenticator already holds a passkey of yours.';
    }
    return 'The browser could not use a passkey' + (error && error.message ? ' (' + error.message + ')' : '') + '.';
  }

  function supported() {
    return window.PublicKeyCredential && navigator.credentials && navigator.credentials.create;
  }

  function setUpRegistration(form) {
    var label = document.getElementById('passkey-label');
    var error = document.getElementById('passkey-label-error');
    var button = document.getElementById('add-passkey');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.hidden = true;
      if (!supported()) {
        show(error, 'This browser does not support passkeys.');
        return;
      }
      var name = label.value;
      button.disabled = true;
      post(form, form.getAttribute('data-options-url'), {label: name}).then(function (answer) {
        if (!answer.ok) {
          throw new Error(answer.body.error || 'The portal refused the request (' + answer.status + ').');
        }
        var options = answer.body;
        var publicKey = {
          rp: options.rp,
          user: {id: toBytes(options.user.id), name: options.user.name, displayName: options.user.displayName},
          challenge: toBytes(options.challenge),
          pubKeyCredParams: options.pubKeyCredParams,
          timeout: options.timeout,
          excludeCredentials: descriptors(options.excludeCredentials),
          authenticatorSelection: options.authenticatorSelection,
          attestation: options.attestation,
          extensions: options.extensions
        };
        return navigator.credentials.create({publicKey: publicKey}).catch(function (failure) {
          throw new Error(browserError(failure));
        });
      }).then(function (credential) {
        var response = credential.response;
        return post(form, form.getAttribute('action'), {
          label: name,
          credential: {
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            response: {
              attestationObject: toBase64url(response.attestationObject),
              clientDataJSON: toBase64url(response.clientDataJSON),
              transports: response.getTransports ? response.getTransports() : []
            },
            clientExtensionResults: credential.getClientExtensionResults(),
            authenticatorAttachment: credential.authenticatorAttachment
          }
        });
      }).then(function (answer) {
        if (!answer.ok || !go(answer.body.redirect)) {
          throw new Error(answer.body.error || 'The portal refused the passkey (' + answer.status + ').');
        }
      }).catch(function (failure) {
        show(error, failure.message);
        button.disabled = false;
      });
    });
  }

  function setUpSignIn(form) {
    var error = document.getElementById('passkey-error');
    var button = document.getElementById('use-passkey');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.hidden = true;
      if (!supported()) {
        show(error, 'This browser does not support passkeys: enter a code instead.');
        return;
      }
      button.disabled = true;
      post(form, form.getAttribute('data-options-url'), {}).then(function (answer) {
        if (!answer.ok) {
          throw new Error(answer.body.error || 'The portal refused the request (' + answer.status + ').');
        }
        var options = answer.body;
        var publicKey = {
          challenge: toBytes(options.challenge),
          timeout: options.timeout,
          rpId: options.rpId,
          allowCredentials: descriptors(options.allowCredentials),
          userVerification: options.userVerification,
          extensions: options.extensions
        };
        return navigator.credentials.get({publicKey: publicKey}).catch(function (failure) {
          throw new Error(browserError(failure));
        });
      }).then(function (credential) {
        var response = credential.response;
        var remember = document.getElementById('remember-browser');
        return post(form, form.getAttribute('action'), {
          remember: !!(remember && remember.checked),
          credential: {
            id: credential.id,
            rawId: toBase64url(credential.rawId),
            type: credential.type,
            response: {
              authenticatorData: toBase64url(response.authenticatorData),
              clientDataJSON: toBase64url(response.clientDataJSON),
              signature: toBase64url(response.signature),
              userHandle: response.userHandle ? toBase64url(response.userHandle) : null
            },
            clientExtensionResults: credential.getClientExtensionResults(),
            authenticatorAttachment: credential.authenticatorAttachment
          }
        });
      }).then(function (answer) {
        if (answer.body && go(answer.body.redirect)) {
          return;
        }
        throw new Error(answer.body.error || 'The portal refused the passkey (' + answer.status + ').');
      }).catch(function (failure) {
        show(error, failure.message);
        button.disabled = false;
      });
    });
  }

  function start() {
    var registration = document.getElementById('add-passkey-form');
    if (registration) {
      setUpRegistration(registration);
    }
    var signIn = document.getElementById('passkey-sign-in');
    if (signIn) {
      setUpSignIn(signIn);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
