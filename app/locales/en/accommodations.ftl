# Accommodations: the candidate's page and request form, a request's card, an approved accommodation in words, and the server's messages about requests.
accommodations-title = Accommodations
accommodations-sent = Your request has been sent. Program staff will decide it and you will see their decision here.
accommodations-intro = If a disability or health condition affects how you take tests, you can ask for an accommodation, such as extra time, a longer break, or having the questions read aloud. Program staff decide each request. An approved accommodation applies to every exam attempt you start after the decision; it does not change an attempt already under way.
accommodations-display-settings = Colours, text size, line focus and reduced motion need no approval: choose them in
accommodations-now = Your accommodations now
accommodations-now-approved = Approved: { $profile }. These apply to your next exam attempts.
accommodations-now-none = None approved. Your exam has the standard time and break.
accommodations-requests = Your requests
accommodations-ask = Ask for an accommodation
accommodations-pending = You have a request waiting for a decision. You can ask for something else once staff have decided it.
accommodations-status-pending = Waiting for a decision
accommodations-status-approved = Approved
accommodations-status-denied = Not approved
accommodations-status-unknown = Unknown
accommodations-card-heading = Request of { $date }: { $status }
accommodations-asked-for = Asked for
accommodations-own-words = In the candidate's words
accommodations-documentation = Documentation
accommodations-approved = Approved
accommodations-decided-on = Decided on
accommodations-reason = Reason
accommodations-staff-note = Note from staff
accommodations-need-legend = What do you need? Choose all that apply.
accommodations-need-extra-time = Extra time
accommodations-need-longer-break = A longer scheduled break
accommodations-need-speech = Questions and answers read aloud (text-to-speech)
accommodations-need-other = Something else (describe it below)
accommodations-need-with-standard-break = { $label } (the standard break is { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
})
accommodations-details = Describe what you need and why
accommodations-details-hint = For example: how much extra time, or how a condition affects reading or sitting for long periods.
accommodations-your-documentation = Your documentation
accommodations-documentation-hint = The program asks for documentation from a qualified professional (for example a doctor, psychologist or counselor) that describes the condition and the accommodation it calls for. Say who wrote it, when, and what it recommends. Staff may contact you for a copy.
accommodations-send = Send the request
accommodations-time-half = time and a half
accommodations-time-double = double time
accommodations-time-percent = { $percent }% of the standard time
accommodations-time-minutes = { $time } ({ $minutes } { $minutes ->
    [one] minute
   *[other] minutes
})
accommodations-break-anytime = a { $minutes }-minute break to take at any point of the exam
accommodations-break-scheduled = a { $minutes }-minute scheduled break
accommodations-speech = questions and answers read aloud on request
accommodations-error-too-long = Keep this to at most { $max } { $max ->
    [one] character
   *[other] characters
}.
accommodations-error-need = Choose at least one thing you need.
accommodations-error-details = Describe what you need and why, in your own words.
accommodations-error-documentation = Describe your documentation: who wrote it, when, and what it says you need.
accommodations-error-pending = You already have a request waiting for a decision. Staff will decide it first; you can ask again after.
accommodations-summary-approved = Approved for your next attempts: { $profile }.
accommodations-summary-approved-pending = Approved for your next attempts: { $profile }. A newer request is waiting for a decision.
accommodations-summary-pending = Your request is waiting for a decision by program staff.
accommodations-summary-none = You have not asked for accommodations.
accommodations-breaks-anytime = { $count } breaks of { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
} each, to take at any point of the exam
accommodations-breaks-scheduled = { $count } scheduled breaks of { $minutes } { $minutes ->
    [one] minute
   *[other] minutes
} each
