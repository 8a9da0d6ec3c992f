// Passkeys for the mfa4j demo: the only script on the site. It reads the options mfa4j made
// (a JSON data block on the page), asks the browser for a passkey, and posts the browser's answer
// back in an ordinary form, so the server-rendered flow stays the same as for a typed code.
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

  async function run(form, blockId, create) {
    const error = form.querySelector('.passkey-error');
    try {
      let options = JSON.parse(document.getElementById(blockId).textContent);
      if (options.publicKey) {
        options = options.publicKey;
      }
      const credential = create
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
      form.querySelector('.passkey-response').value = JSON.stringify(asJson(credential));
      form.submit();
    } catch (e) {
      error.textContent = 'The passkey was not used (' + e.name + '). Try again or pick another method.';
      error.hidden = false;
    }
  }

  document.querySelectorAll('form.passkey-create .passkey-go').forEach((b) =>
    b.addEventListener('click', () => run(b.form, 'passkey-create', true)));
  document.querySelectorAll('form.passkey-get .passkey-go').forEach((b) =>
    b.addEventListener('click', () => run(b.form, 'passkey-request', false)));
})();
