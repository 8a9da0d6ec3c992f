// Passkeys for the mfa4j demo: the only script on the site. It reads the options mfa4j made
// (a JSON data block on the page), asks the browser for a passkey, and posts the browser's answer
// back in an ordinary form, so the server-rendered flow stays the same as for a typed code.
// Each page says how things went in data attributes, so the browser tests can see it.
(() => {
  'use strict';

  const fromB64u = (s) => {
    const b = atob(s.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(s.length / 4) * 4, '='));
    return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
  };
  const toB64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromB64u(c.id) }));

  // Standard parsers where the browser has them; a small fallback otherwise.
  const creationOptions = (o) => PublicKeyCredential.parseCreationOptionsFromJSON
    ? PublicKeyCredential.parseCreationOptionsFromJSON(o)
    : { ...o, challenge: fromB64u(o.challenge), user: { ...o.user, id: fromB64u(o.user.id) },
        excludeCredentials: withIds(o.excludeCredentials) };
  const requestOptions = (o) => PublicKeyCredential.parseRequestOptionsFromJSON
    ? PublicKeyCredential.parseRequestOptionsFromJSON(o)
    : { ...o, challenge: fromB64u(o.challenge), allowCredentials: withIds(o.allowCredentials) };

  const asJson = (cred) => {
    if (typeof cred.toJSON === 'function') {
      return cred.toJSON();
    }
    const r = cred.response;
    const response = { clientDataJSON: toB64u(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64u(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64u(r.authenticatorData);
      response.signature = toB64u(r.signature);
      if (r.userHandle) {
        response.userHandle = toB64u(r.userHandle);
      }
    }
    return { id: cred.id, rawId: toB64u(cred.rawId), type: cred.type, response,
      clientExtensionResults: cred.getClientExtensionResults() };
  };

  // The options in a data block; mfa4j's may be wrapped as {publicKey: …}.
  const optionsIn = (blockId) => {
    const options = JSON.parse(document.getElementById(blockId).textContent);
    return options.publicKey || options;
  };

  const submit = (form, credential) => {
    form.querySelector('.passkey-response').value = JSON.stringify(asJson(credential));
    form.submit();
  };

  const showError = (form, e) => {
    const error = form.querySelector('.passkey-error');
    error.textContent = e.name === 'NotAllowedError'
      ? 'No passkey was used. Try again, or pick another way.'
      : 'The passkey did not work here (' + e.name + '). Try again, or pick another way.';
    error.hidden = false;
  };

  async function run(form, blockId, create) {
    try {
      const options = optionsIn(blockId);
      const credential = create
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
      submit(form, credential);
    } catch (e) {
      showError(form, e);
    }
  }

  document.querySelectorAll('form.passkey-create .passkey-go').forEach((b) =>
    b.addEventListener('click', () => run(b.form, 'passkey-create', true)));
  document.querySelectorAll('form.passkey-get .passkey-go').forEach((b) =>
    b.addEventListener('click', () => run(b.form, 'passkey-request', false)));

  // After a change: tell the browser's passkey manager (the WebAuthn Signal API), where the
  // browser has it, which passkeys still work, the user's current name, or that a passkey is
  // unknown here. Done before the sign-in page's autofill starts, so it offers no removed passkey.
  const signalled = (async () => {
    const signals = document.getElementById('client-signals');
    if (!signals) {
      return;
    }
    const sent = [];
    for (const s of JSON.parse(signals.textContent)) {
      if (window.PublicKeyCredential && typeof PublicKeyCredential[s.method] === 'function') {
        try {
          await PublicKeyCredential[s.method](s.args);
          sent.push(s.method + ':sent');
        } catch (e) {
          sent.push(s.method + ':' + e.name);
        }
      } else {
        sent.push(s.method + ':unsupported');
      }
    }
    document.body.dataset.signals = sent.join(' ');
  })();

  // The sign-in page: the browser's autofill offers the user's passkeys in the e-mail field
  // (conditional mediation), started when the page loads; the button opens the browser's dialog
  // instead. Both answer the same request, so the autofill one is stopped first.
  const signin = document.getElementById('passkey-signin');
  if (signin) {
    let autofill = null;
    let clicked = false;
    const startAutofill = async () => {
      const available = window.PublicKeyCredential
        && PublicKeyCredential.isConditionalMediationAvailable
        && await PublicKeyCredential.isConditionalMediationAvailable();
      if (clicked) {
        return;
      }
      if (!available) {
        signin.dataset.autofill = 'unavailable';
        return;
      }
      autofill = new AbortController();
      signin.dataset.autofill = 'pending';
      try {
        const credential = await navigator.credentials.get({ mediation: 'conditional',
          publicKey: requestOptions(optionsIn('passwordless-request')), signal: autofill.signal });
        signin.dataset.autofill = 'answered';
        submit(signin, credential);
      } catch (e) {
        signin.dataset.autofill = autofill.signal.aborted ? 'stopped' : 'failed: ' + e.name;
      }
    };
    const started = signalled.then(startAutofill);
    signin.querySelector('.passkey-go').addEventListener('click', async () => {
      clicked = true;
      if (autofill) {
        autofill.abort();
      }
      await started; // the browser takes one request at a time
      try {
        const credential = await navigator.credentials.get(
          { publicKey: requestOptions(optionsIn('passwordless-request')) });
        submit(signin, credential);
      } catch (e) {
        showError(signin, e);
      }
    });
  }

  // After a password sign-in: where the browser can save a passkey without a dialog (its
  // password manager holds the password just used), ask the server for options and do so.
  const upgrade = document.getElementById('passkey-upgrade');
  if (upgrade) {
    (async () => {
      const caps = window.PublicKeyCredential && PublicKeyCredential.getClientCapabilities
        ? await PublicKeyCredential.getClientCapabilities() : {};
      if (!caps.conditionalCreate) {
        upgrade.dataset.state = 'unsupported';
        return;
      }
      const post = (url, body) => fetch(url, { method: 'POST', body, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json',
          'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content } })
        .then((r) => r.json());
      try {
        upgrade.dataset.state = 'asking';
        const begun = await post(upgrade.dataset.begin, '{}');
        if (!begun.options) {
          upgrade.dataset.state = 'not now';
          return;
        }
        upgrade.dataset.state = 'waiting for the browser';
        const credential = await navigator.credentials.create(
          { mediation: 'conditional', publicKey: creationOptions(begun.options.publicKey || begun.options) });
        const done = await post(upgrade.dataset.confirm, JSON.stringify(asJson(credential)));
        upgrade.dataset.state = done.ok ? 'created' : 'refused';
        if (done.ok) {
          const status = document.getElementById('passkey-upgrade-status');
          status.textContent = 'A passkey was saved for this site. Next time, sign in with it.';
          status.hidden = false;
        }
      } catch (e) {
        upgrade.dataset.state = 'declined: ' + e.name;
      }
    })();
  }
})();
