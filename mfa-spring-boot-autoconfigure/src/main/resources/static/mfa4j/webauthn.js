// mfa4j: runs the passkey ceremonies of the second step and of enrollment. The server's options
// arrive in data-options; the browser's response goes back as JSON in the form's passkeyResponse.
(function () {
  function run(form, create) {
    var options = JSON.parse(form.dataset.options);
    var publicKey = create
      ? PublicKeyCredential.parseCreationOptionsFromJSON(options.publicKey || options)
      : PublicKeyCredential.parseRequestOptionsFromJSON(options.publicKey || options);
    var call = create ? navigator.credentials.create({ publicKey: publicKey })
      : navigator.credentials.get({ publicKey: publicKey });
    call.then(function (credential) {
      form.querySelector('.passkey-response').value = JSON.stringify(credential.toJSON());
      form.submit();
    }).catch(function () {
      var p = document.createElement('p');
      p.className = 'message';
      p.textContent = 'The passkey was not used. Please try again.';
      form.appendChild(p);
    });
  }
  document.querySelectorAll('form.passkey-get, form.passkey-create').forEach(function (form) {
    form.querySelector('.passkey-go').addEventListener('click', function () {
      run(form, form.classList.contains('passkey-create'));
    });
  });
})();
