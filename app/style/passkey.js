// Passkeys in the browser: passes the WebAuthn options from the server to
// navigator.credentials and the device's answer back, converting binary fields to and from
// base64url (unpadded) as the server's JSON carries them. Controls marked `data-passkey`
// stay hidden unless this browser can use passkeys. The words it shows come from the page, in
// its language, as `data-msg-*` attributes of the status line; English if one is missing.

(() => {
  const supported = typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

  const toBytes = (b64url) => {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  };
  const toText = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  // A message in the page's language: `name` is the attribute's dataset name (msgWaiting for
  // data-msg-waiting).
  const message = (name, fallback) => {
    const status = document.getElementById('passkey-status');
    return (status && status.dataset[name]) || fallback;
  };

  async function post(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const template = message('msgServer', 'The server answered {status}. Please try again.');
      throw new Error(data.error || template.replace('{status}', String(response.status)));
    }
    return data;
  }

  // What the device says when the person cancels or the request times out.
  const deviceMessage = (e) =>
    e && e.name === 'NotAllowedError'
      ? message('msgCancelled', 'The passkey request was cancelled or timed out. You can try again.')
      : e && e.message ? e.message : message('msgFailed', 'Something went wrong. Please try again.');

  function say(status, text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  async function signIn(status) {
    const email = document.getElementById('email')?.value || '';
    // The page to return to, as the password form would (the server checks it).
    const next = document.querySelector('input[name=next]')?.value || '';
    say(status, message('msgWaiting', 'Waiting for your passkey…'));
    const options = await post('/passkeys/sign-in/start', { email, next });
    const pk = options.publicKey;
    const credential = await navigator.credentials.get({
      publicKey: { ...pk, challenge: toBytes(pk.challenge), allowCredentials: withIds(pk.allowCredentials) },
    });
    const r = credential.response;
    const done = await post('/passkeys/sign-in/finish', {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toText(r.authenticatorData),
        clientDataJSON: toText(r.clientDataJSON),
        signature: toText(r.signature),
        userHandle: r.userHandle ? toText(r.userHandle) : null,
      },
      extensions: {},
    });
    window.location.assign(done.go || '/dashboard');
  }

  async function register(status, name, code) {
    say(status, message('msgCreate', 'Follow your device\u2019s prompt to create the passkey…'));
    const options = await post('/passkeys/register/start', { name, code });
    const pk = options.publicKey;
    const credential = await navigator.credentials.create({
      publicKey: {
        ...pk,
        challenge: toBytes(pk.challenge),
        user: { ...pk.user, id: toBytes(pk.user.id) },
        excludeCredentials: withIds(pk.excludeCredentials),
      },
    });
    const r = credential.response;
    await post('/passkeys/register/finish', {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toText(r.attestationObject),
        clientDataJSON: toText(r.clientDataJSON),
      },
      extensions: {},
    });
    window.location.assign('/settings/passkeys?added=1');
  }

  document.addEventListener('DOMContentLoaded', () => {
    const status = document.getElementById('passkey-status');
    for (const el of document.querySelectorAll('[data-passkey]')) el.hidden = !supported;
    if (!supported) {
      say(status, message('msgUnsupported', 'This browser cannot use passkeys. You can sign in with your password.'));
      return;
    }
    document.getElementById('passkey-sign-in')?.addEventListener('click', () => {
      signIn(status).catch((e) => say(status, deviceMessage(e), true));
    });
    document.getElementById('passkey-add')?.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = document.getElementById('passkey-name')?.value || '';
      const code = document.getElementById('passkey-code')?.value || '';
      register(status, name, code).catch((e) => say(status, deviceMessage(e), true));
    });
  });
})();
