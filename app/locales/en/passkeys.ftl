# Passkeys: the settings page, the server's refusals, and the words passkey.js shows (passed on the status line).
passkeys-title = Passkeys
passkeys-added = Your passkey is added. Next time, sign in with it.
passkeys-removed = The passkey is removed from your account. You can also delete it from the device.
passkeys-intro = A passkey lets you sign in with your phone, fingerprint, face or device PIN instead of typing your password. Nobody can guess or steal it from this site, because the secret never leaves your device. Your password keeps working too.
passkeys-signed-in-with = You signed in with a passkey this time.
passkeys-yours = Your passkeys
passkeys-none = You have no passkey yet.
passkeys-item = { $name }: added { $added }
passkeys-item-used = { $name }: added { $added }, last used { $used }
passkeys-remove = Remove
passkeys-remove-label = Remove the passkey { $name }
passkeys-add-heading = Add a passkey
passkeys-needs-js = Adding a passkey needs JavaScript, which is off in this browser.
passkeys-name-label = A name to recognise it by
passkeys-name-placeholder = My phone
passkeys-add = Add a passkey
passkeys-unavailable-page = Passkeys are not available at this address: they need the site's domain name. Ask your administrator.
passkeys-unavailable = Passkeys are not available at this address. Sign in with your password.
passkeys-name-needed = Name the passkey (at most 60 characters), for example "My phone".
passkeys-register-expired = This passkey request has expired or was already used. Press Add a passkey again.
passkeys-register-unverified = Your device's answer could not be verified, so no passkey was added. Please try again.
passkeys-already-registered = This passkey is already registered.
passkeys-email-first = Enter your email address first, then choose Sign in with a passkey.
passkeys-none-for-email = No passkey is registered for this email address. Sign in with your password; you can add a passkey afterwards.
passkeys-sign-in-expired = This sign-in request has expired or was already used. Choose Sign in with a passkey again.
passkeys-unverified = Your passkey could not be verified. Try again, or sign in with your password.
passkeys-removed-from-account = This passkey has been removed from the account. Sign in with your password.
passkeys-not-found = you have no passkey { $id }; it may have been removed already
passkeys-js-waiting = Waiting for your passkey…
passkeys-js-create = Follow your device’s prompt to create the passkey…
passkeys-js-cancelled = The passkey request was cancelled or timed out. You can try again.
passkeys-js-failed = Something went wrong. Please try again.
passkeys-js-server = The server answered { $status }. Please try again.
passkeys-js-unsupported = This browser cannot use passkeys. You can sign in with your password.
passkeys-code-label = Enrolment code
passkeys-code-help = Your account's first passkey needs the one-time enrolment code your administrator gave you (for example K7QD-3MFX-PA9C-TW4H). It works once, within 24 hours.
passkeys-code-needed = Enter the enrolment code your administrator gave you: a staff, vendor or administrator account's first passkey needs one.
passkeys-code-wrong = This enrolment code is not valid for your account: it may be mistyped, used, replaced by a newer one or more than 24 hours old. Ask your administrator for a new one.
passkeys-sign-in-with-one = To add or remove a passkey on this account, sign out and sign in with a passkey you already have. If you lost them all, ask your administrator for an enrolment code.
passkeys-remove-needs-passkey = to remove a passkey from a staff, vendor or administrator account, sign in with one of its passkeys first
mail-passkey-added-subject = A passkey was added to your Certamen account
mail-passkey-added-body =
    Hello { $name },

    A passkey named "{ $passkey }" was just added to your Certamen account. It can sign in to your account.

    If you did not add it, remove it at once at { $settings }, change your password, and tell the certification program.
mail-passkey-removed-subject = A passkey was removed from your Certamen account
mail-passkey-removed-body =
    Hello { $name },

    The passkey named "{ $passkey }" was just removed from your Certamen account.

    If you did not remove it, check your passkeys at { $settings }, change your password, and tell the certification program.
