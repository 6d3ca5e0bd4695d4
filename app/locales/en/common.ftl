# Words every page shares: the header, error pages and boxes, the not-found page.
skip-to-main = Skip to main content
nav-label = Account
nav-display-settings = Display settings
nav-dashboard = Dashboard
nav-sign-out = Sign out
back-to-dashboard = Back to your dashboard
go-to-dashboard = Go to your dashboard
loading = Loading…
not-found-title = Page not found
not-found-text = There is no page at this address.
error-title-400 = Please check and try again
error-title-401 = Please sign in
error-title-403 = Not allowed
error-title-404 = Not found
error-title-409 = Already done or changed meanwhile
error-title-413 = Too much was sent
error-title-500 = Something went wrong
error-title-503 = The exam cannot be reached just now
error-title-other = Not done
error-server = Something went wrong on our side. Your saved answers are safe; please try again in a moment.
error-unavailable = The exam's database is not answering just now, so this was not done. Your saved answers are safe. Time the exam cannot be reached for more than a few seconds is added back to your clock. Please try again in a moment.
error-unavailable-reloads = This page tries again by itself every { $seconds } seconds.
# Completes the question page's "Not saved: …" line.
error-unavailable-short = the exam's database is not answering just now
error-cross-site = This request came from another site, so it was refused and nothing was changed. Go back to the page and try again.
attempts-left = { $n ->
    [one] 1 attempt left
   *[other] { $n } attempts left
}
date-later = a later date
