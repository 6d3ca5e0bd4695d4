# Passwords: changing one's own, the change forced on an administrator's temporary password, recovery by email.
password-title = Change your password
password-changed = Your password is changed. Any other browser signed in to your account was signed out.
password-must-change = Your administrator chose your password. Choose your own before you go on.
password-current = Current password
password-temporary = The password your administrator gave you
password-new = New password
password-repeat = New password again
password-rules = At least { $n } characters. A few unrelated words are easy to remember and hard to guess.
password-change = Change password
password-others-signed-out = Changing your password signs out every other browser signed in to your account.
password-error-current = The current password is not right. Try again.
password-error-short = The new password must have at least { $n } characters.
password-error-long = The new password can have at most 128 characters.
password-error-mismatch = The two new passwords are not the same. Type them again.
password-error-same = The new password is your current one. Choose a different one.
password-error-link = This link does not work: it was used already, it expired, or it is incomplete. Ask for a new one.
password-error-email = Give the email you sign in with.
password-forgot-link = Forgot your password?
password-forgot-title = Forgot your password
password-forgot-intro = Give the email you sign in with. If it has an account, we send a link to choose a new password.
password-forgot-send = Send the link
password-forgot-sent = If that email has an account, a link is on its way. It works once, for { $minutes } minutes. Check your spam folder if it does not arrive.
password-back-to-signin = Back to sign in
password-reset-title = Choose a new password
password-reset-intro = Choose your new password. Every browser signed in to your account will be signed out, and you then sign in with the new password.
password-reset-submit = Set the new password
password-reset-ask-again = Ask for a new link
signin-password-reset = Your password is changed. Sign in with the new one.
mail-password-changed-subject = Your Certamen password was changed
mail-password-changed-body =
    Hello { $name },

    The password of your Certamen account was just changed, and every other browser signed in to it was signed out.

    If you did not do this, choose a new password at once here: { $recover }
    Then tell the certification program.
mail-password-reset-body =
    Hello { $name },

    The password of your Certamen account was just changed with a recovery link, and every browser signed in to it was signed out.

    If you did not do this, choose a new password at once here: { $recover }
    Then tell the certification program.
mail-reset-link-subject = Choose a new Certamen password
mail-reset-link-body =
    Hello { $name },

    Someone (we hope you) asked to choose a new password for your Certamen account. To do so, open this link:

    { $link }

    It works once, for { $minutes } minutes. If you did not ask, ignore this message: your password stays as it is.
