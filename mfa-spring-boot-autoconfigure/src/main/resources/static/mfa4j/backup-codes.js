// mfa4j's backup-codes page (templates/mfa4j/backup-codes.html): Copy, Download (a .txt file)
// and Print for the codes, and Continue only once "I have saved these codes" is ticked. Without
// this script the page still shows the codes and Continue works.
(function () {
  'use strict';
  var codes = Array.prototype.map.call(
    document.querySelectorAll('#backup-codes code'), function (c) { return c.textContent; });
  var actions = document.getElementById('code-actions');
  var status = document.getElementById('code-actions-status');
  var saved = document.getElementById('codes-saved');
  var next = document.getElementById('continue');
  if (!codes.length || !actions || !saved || !next) {
    return;
  }

  function text() {
    var lines = ['Backup codes for ' + location.host, '',
      'Each code lets you in once, if you cannot use your usual method.', ''];
    codes.forEach(function (c, i) { lines.push((i + 1) + '. ' + c); });
    return lines.join('\n') + '\n';
  }

  function say(message) {
    status.textContent = message;
  }

  document.getElementById('copy-codes').addEventListener('click', function () {
    if (!navigator.clipboard) {
      say('Copying is not possible here. Please download or print the codes.');
      return;
    }
    navigator.clipboard.writeText(text()).then(function () {
      say('Copied.');
    }, function () {
      say('Copying did not work. Please download or print the codes.');
    });
  });

  document.getElementById('download-codes').addEventListener('click', function () {
    var url = URL.createObjectURL(new Blob([text()], { type: 'text/plain;charset=utf-8' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = 'backup-codes.txt';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    say('Downloaded as backup-codes.txt.');
  });

  document.getElementById('print-codes').addEventListener('click', function () {
    window.print();
  });

  function update() {
    next.setAttribute('aria-disabled', saved.checked ? 'false' : 'true');
  }
  next.addEventListener('click', function (e) {
    if (!saved.checked) {
      e.preventDefault();
      say('Please save the codes, then tick "I have saved these codes".');
      saved.focus();
    }
  });
  saved.addEventListener('change', update);
  update();
  actions.hidden = false;
}());
