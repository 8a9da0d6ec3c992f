// mfa4j: sign-in with a passkey on the application's sign-in page. Needs a form
// <form class="mfa4j-passkey-sign-in" method="post" action="/mfa4j/passkey" data-begin="/mfa4j/api/passkey/begin">
// with the CSRF field (_csrf), a hidden input.passkey-response and a button.passkey-go (the
// Thymeleaf fragment mfa4j/fragments :: passkey-sign-in is one). An input with
// autocomplete="username webauthn" on the page gets the browser's passkey autofill.
// One ceremony per page load serves the autofill (conditional mediation) and the button (modal).
(function () {
  var form = document.querySelector('form.mfa4j-passkey-sign-in');
  if (!form || !window.PublicKeyCredential || !PublicKeyCredential.parseRequestOptionsFromJSON) {
    return;
  }
  var csrf = form.querySelector('input[name="_csrf"]');
  var pending = null;
  var options = null;

  function begin() {
    var headers = { 'Accept': 'application/json' };
    if (csrf) { headers['X-CSRF-TOKEN'] = csrf.value; }
    return fetch(form.dataset.begin, { method: 'POST', headers: headers, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) {
        var o = JSON.parse(body.clientJson);
        options = o.publicKey || o;
        return options;
      });
  }

  function get(mediation) {
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var request = { publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options), signal: pending.signal };
    if (mediation) { request.mediation = mediation; }
    return navigator.credentials.get(request).then(function (credential) {
      form.querySelector('.passkey-response').value = JSON.stringify(credential.toJSON());
      form.submit();
    });
  }

  var ready = begin();
  ready.then(function () {
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      return PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) { return get('conditional'); }
      });
    }
  }).catch(function () { /* aborted for the button, or not available */ });

  form.querySelector('.passkey-go').addEventListener('click', function () {
    ready.then(function () { return get(null); }).catch(function (e) {
      if (e && e.name === 'AbortError') { return; }
      var p = document.createElement('p');
      p.className = 'message';
      p.textContent = 'The passkey was not used. Please try again.';
      form.appendChild(p);
    });
  });
})();
