# Creating a candidate account: the page and the checks on what is typed (src/pages/account.rs, src/server/accounts.rs).
account-title = Create an account
account-heading = Create your candidate account
account-intro = You need an account to apply for the Medi-Cal Peer Support Specialist certification exam. Every field is required.
account-have-one = Already have an account?
account-sign-in = Sign in
account-error-summary = There is a problem
account-name = Full name
account-email = Email address
account-email-hint = You sign in with it, and we write to you there about your application and results.
account-password = Password
account-password-hint = At least 10 characters. A few unrelated words make a strong one.
account-dob = Date of birth
account-dob-hint = You must be 18 or older. For example 1990-04-27 (year, month, day).
account-county = County you live in
account-county-choose = Choose your county
account-language = Preferred language
account-language-hint = The exam questions start in this language; you can switch on any question.
account-create = Create account
account-error-name-empty = Enter your full name.
account-error-name-long = Your name must be at most 100 characters, on one line.
account-error-email-empty = Enter your email address.
account-error-email-invalid = Enter an email address like name@example.com.
account-error-password-short = { $n ->
    [one] Choose a password of at least { $n } character.
   *[other] Choose a password of at least { $n } characters.
}
account-error-password-long = Choose a password of at most 128 characters.
account-error-dob-empty = Enter your date of birth.
account-error-dob-invalid = Enter your date of birth as a real date, year-month-day (for example 1990-04-27).
account-error-dob-range = Enter your date of birth: it must be a past date after 1900.
account-error-too-young = { $n ->
    [one] You must be at least { $n } year old to apply for certification.
   *[other] You must be at least { $n } years old to apply for certification.
}
account-error-county = Choose the California county you live in.
account-error-language = Choose English or Spanish.
account-error-exists = An account with this email address already exists. Sign in instead.
account-back-to-accommodations = Back to your accommodations
account-check-mail-title = Check your email
account-check-mail = We sent a message to { $email }. Open the link in it within { $hours } hours to confirm your address and finish creating your account.
account-check-mail-none = No message after a few minutes? Check your spam folder. If the address already has an account, the message says so: sign in, or choose a new password if you forgot it.
account-confirm-title = Confirm your account
account-confirm-intro = Confirm that this is your email address to finish creating your account. You are then signed in.
account-confirm-submit = Confirm and create my account
account-confirm-link = This link does not work: it was used already, it expired, or it is incomplete. Create your account again, or sign in if you already confirmed it.
account-confirm-exists = This email address already has an account. Sign in, or choose a new password if you forgot it.
account-confirm-again = Create your account again
mail-register-confirm-subject = Confirm your Certamen account
mail-register-confirm-body =
    Hello { $name },

    To finish creating your Certamen account for the Medi-Cal Peer Support Specialist certification, open this link and confirm:

    { $link }

    It works once, for { $hours } hours. If you did not create an account, ignore this message: nothing is made without it.
mail-register-exists-subject = Someone tried to create a Certamen account with your email
mail-register-exists-body =
    Hello { $name },

    Someone (perhaps you) just tried to create a new Certamen account with this email address, which already has one. No new account was made.

    To sign in: { $signin }
    Forgot your password? Choose a new one: { $recover }

    If it was not you, you need not do anything.
mail-application-decided-subject = News on your certification application
mail-application-decided-body =
    Hello { $name },

    The certification staff have decided on your application for the Medi-Cal Peer Support Specialist certification. Sign in to read the decision:

    { $link }
mail-accommodation-decided-subject = News on your accommodation request
mail-accommodation-decided-body =
    Hello { $name },

    The certification staff have decided on your request for exam accommodations. Sign in to read the decision:

    { $link }
mail-result-released-subject = Your exam result is ready
mail-result-released-body =
    Hello { $name },

    Your Medi-Cal Peer Support Specialist exam result has been released. Sign in to see it:

    { $link }
