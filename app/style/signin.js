// The password sign-in while the server works on it. When an exam opens, many candidates
// sign in at once and the server checks their passwords in turn, so an answer can take a
// minute or more. Without word from the page a candidate presses the button again, which
// sends them to the back of that line. So: the button says the sign-in is under way and a
// second press sends nothing; after a few seconds without an answer, the status line (a
// polite live region, so screen readers read it) says why it is taking a while and that the
// exam's time has not started. The words come from the page, in its language, as
// `data-msg-*` attributes of the status line; English if one is missing.
// Without script the form posts as before and the browser shows its own loading state.

(() => {
  const form = document.getElementById('signin-form');
  const status = document.getElementById('signin-status');
  if (!form || !status) return;
  const button = form.querySelector('button[type="submit"]');
  const label = button ? button.textContent : '';
  // How long before the status line speaks up, and how long a second press is held back:
  // as long as a browser waits for an answer (after that the candidate may have stopped the
  // page's loading, and the button is theirs again).
  const SLOW_MS = 3000;
  const HOLD_MS = 120000;
  let sent = false;
  let slowTimer = 0;
  let holdTimer = 0;

  // The status line holds one notice, or nothing (an empty live region draws no box).
  const say = (text) => {
    status.replaceChildren();
    if (!text) return;
    const notice = document.createElement('p');
    notice.className = 'notice';
    notice.textContent = text;
    status.append(notice);
  };

  // The button as it was: a press sends the form again.
  const release = () => {
    sent = false;
    clearTimeout(holdTimer);
    if (button) {
      button.textContent = label;
      button.removeAttribute('aria-disabled');
    }
  };

  const reset = () => {
    release();
    clearTimeout(slowTimer);
    say('');
  };

  form.addEventListener('submit', (event) => {
    if (sent) {
      event.preventDefault();
      return;
    }
    sent = true;
    holdTimer = setTimeout(release, HOLD_MS);
    if (button) {
      button.textContent = status.dataset.msgBusy || 'Signing in…';
      button.setAttribute('aria-disabled', 'true');
    }
    clearTimeout(slowTimer);
    slowTimer = setTimeout(() => {
      say(
        status.dataset.msgSlow ||
          'Many candidates are signing in at once, so this can take a minute or two. Please keep this page open and do not press Sign in again. The exam time starts only when you start the exam.',
      );
    }, SLOW_MS);
  });

  // Back on this page from the browser's history: ready for a new sign-in.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) reset();
  });
})();
