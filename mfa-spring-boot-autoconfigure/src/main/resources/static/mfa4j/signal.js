// mfa4j: tells the browser's passkey manager about a passkey this site does not know (WebAuthn
// Signal API), from <script id="mfa4j-signal" data-method="signalUnknownCredential"
// data-options="{...}">: the page needs no inline script under a strict Content-Security-Policy.
(function () {
  var script = document.getElementById('mfa4j-signal');
  if (!script || !window.PublicKeyCredential) {
    return;
  }
  var method = script.dataset.method;
  if (!/^signal[A-Za-z]+$/.test(method || '') || !PublicKeyCredential[method]) {
    return;
  }
  var options;
  try {
    options = JSON.parse(script.dataset.options);
  } catch (e) {
    return;
  }
  PublicKeyCredential[method](options).catch(function () {});
})();
