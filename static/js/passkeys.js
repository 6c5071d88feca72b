// Passkey ceremonies (生体認証): registration on 「🔑 セキュリティの設定」 and 「次へ」 on the
// second-factor pages. The pages carry their URLs in data-* attributes; without WebAuthn they
// keep showing the notice that points to the other methods.
//
// Options are fetched when the page opens, so the click calls the browser's ceremony at once
// (Safari wants it inside the tap). A challenge is used once: after a failure or a cancel a
// fresh one is fetched for 「再試行」.
(function () {
  "use strict";

  if (window.kosmoPasskeys) { return; }
  window.kosmoPasskeys = true;

  var STALE_MS = 240000; // the server accepts a challenge for 300 s

  function supported() {
    return Boolean(window.PublicKeyCredential && navigator.credentials && window.fetch);
  }

  // --- base64url <-> ArrayBuffer ----------------------------------------------------------------

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // --- Options (JSON from py_webauthn) -> the browser's structures ------------------------------

  function descriptors(list) {
    return (list || []).map(function (descriptor) {
      return Object.assign({}, descriptor, {id: toBuffer(descriptor.id)});
    });
  }

  function creationOptions(json) {
    if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, {id: toBuffer(json.user.id)}),
      excludeCredentials: descriptors(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      allowCredentials: descriptors(json.allowCredentials)
    });
  }

  // --- The browser's credential -> JSON (py_webauthn's parse_*_credential_json) ------------------

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      try { return credential.toJSON(); } catch (error) { /* build it by hand below */ }
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {clientDataJSON: toBase64url(response.clientDataJSON)}
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = response.userHandle ? toBase64url(response.userHandle) : null;
    }
    return json;
  }

  // --- Talking to the server --------------------------------------------------------------------

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // Resolves to {ok, status, data}; rejects only when the network fails.
  function post(url, csrf, body) {
    var headers = {"X-CSRFToken": csrf, "Accept": "application/json"};
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    });
  }

  // Options fetched ahead of the click, replaced once stale or used.
  function optionsSource(url, csrf) {
    var current = null;
    function fetchNow() {
      var promise = post(url, csrf);
      promise.catch(function () { /* reported when used */ });
      current = {at: Date.now(), promise: promise};
    }
    return {
      prefetch: fetchNow,
      take: function () {
        if (!current || Date.now() - current.at > STALE_MS) { fetchNow(); }
        var promise = current.promise;
        current = null;
        return promise.then(function (answer) {
          if (answer.status === 403 && answer.data.next) {
            window.location.assign(answer.data.next); // re-authenticate first
            return new Promise(function () {});
          }
          if (!answer.ok) { throw new Error("options refused"); }
          return answer.data;
        });
      }
    };
  }

  function enable(container, form) {
    var notice = container.querySelector("[data-passkey-unsupported]");
    if (notice) { notice.hidden = true; }
    form.hidden = false;
  }

  function showError(box) {
    box.hidden = false;
    box.focus();
  }

  // --- 「🔑 セキュリティの設定」 → 「登録」 ----------------------------------------------------------

  function setupRegistration(container) {
    var form = container.querySelector("[data-passkey-register]");
    var error = container.querySelector("[data-passkey-error]");
    var retry = container.querySelector("[data-passkey-retry]");
    var submit = form.querySelector('button[type="submit"]');
    var signOut = form.querySelector('input[name="sign_out_others"]');
    var csrf = csrfToken(form);
    var options = optionsSource(form.dataset.optionsUrl, csrf);

    function fail() {
      submit.disabled = false;
      showError(error);
      options.prefetch();
    }

    function start(event) {
      if (event) { event.preventDefault(); }
      error.hidden = true;
      submit.disabled = true;
      options.take().then(function (json) {
        return navigator.credentials.create({publicKey: creationOptions(json)});
      }).then(function (credential) {
        return post(form.dataset.registerUrl, csrf, {
          credential: credentialJSON(credential),
          sign_out_others: Boolean(signOut && signOut.checked)
        });
      }).then(function (answer) {
        if (answer.data.next && (answer.ok || answer.status === 403)) {
          window.location.assign(answer.data.next);
          return;
        }
        fail();
      }).catch(fail);
    }

    enable(container, form);
    options.prefetch();
    form.addEventListener("submit", start);
    if (retry) { retry.addEventListener("click", start); }
  }

  // --- Second-factor page → 「次へ」 -------------------------------------------------------------

  function setupAuthentication(container) {
    var form = container.querySelector("[data-passkey-form]");
    var error = container.querySelector("[data-passkey-error]");
    var input = form.querySelector('input[name="passkey_credential"]');
    var submit = form.querySelector('button[type="submit"]');
    var options = optionsSource(container.dataset.optionsUrl, csrfToken(form));

    function fail() {
      submit.disabled = false;
      showError(error);
      options.prefetch();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.hidden = true;
      submit.disabled = true;
      options.take().then(function (json) {
        return navigator.credentials.get({publicKey: requestOptions(json)});
      }).then(function (credential) {
        input.value = JSON.stringify(credentialJSON(credential));
        form.submit(); // the page's own view verifies it
      }).catch(fail);
    });

    enable(container, form);
    options.prefetch();
  }

  function setup() {
    if (!supported()) { return; }
    document.querySelectorAll("[data-passkey-registration]").forEach(setupRegistration);
    document.querySelectorAll("[data-passkey-authenticate]").forEach(setupAuthentication);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
