# The sign-in page (src/pages/signin.rs).
signin-title = Sign in
signin-failed = The email address or password is not right. Check them and try again.
signin-held = Too many sign-ins with a wrong password for this account. Wait { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
} and try again, or sign in with a passkey.
signin-email = Email address
signin-password = Password
signin-busy = Signing in…
signin-slow = Many candidates are signing in at once, so this can take a minute or two. Please keep this page open and do not press Sign in again. The exam time starts only when you start the exam.
signin-submit = Sign in
signin-passkey-intro = Or sign in with a passkey saved on this device or your phone: enter your email address above, then
signin-passkey-button = Sign in with a passkey
signin-new = New to the exam?
signin-create-account = Create a candidate account
signin-to-continue = Please sign in to continue. You will be taken back to the page you opened.
