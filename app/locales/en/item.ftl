# A question page (the answer form's own words are in src/i18n/island_words.rs).
item-bad-number = { $position } is not a question number
item-title = Question { $n } of { $total }
item-title-adaptive = Question { $n }
item-scenario = Scenario
item-scenario-hint = Several questions in a row are about this scenario.
item-list-summary = All questions: go to any question
item-list-hint = Answered questions are marked ●, flagged ones ⚑.
item-list-question = Question
item-list-answered-flagged = , answered, flagged
item-list-answered = , answered
item-list-unanswered-flagged = , not answered, flagged
item-list-unanswered = , not answered
item-progress = Question { $n } of { $total } · { $answered } answered
item-progress-practice = Practice exam · Question { $n } of { $total } · { $answered } answered
item-progress-adaptive = Question { $n } · this adaptive exam has { $min } to { $max } questions
item-progress-practice-adaptive = Practice exam · Question { $n } of { $total } · each question is chosen from your answers so far, as on the real exam
