# Una página de pregunta (las palabras del formulario de respuesta están en src/i18n/island_words.rs).
item-bad-number = { $position } no es un número de pregunta
item-title = Pregunta { $n } de { $total }
item-title-adaptive = Pregunta { $n }
item-scenario = Caso
item-scenario-hint = Varias preguntas seguidas tratan sobre este caso.
item-list-summary = Todas las preguntas: ir a cualquier pregunta
item-list-hint = Las preguntas respondidas llevan ●; las marcadas, ⚑.
item-list-question = Pregunta
item-list-answered-flagged = , respondida, marcada
item-list-answered = , respondida
item-list-unanswered-flagged = , sin responder, marcada
item-list-unanswered = , sin responder
item-progress = Pregunta { $n } de { $total } · { $answered } { $answered ->
    [one] respondida
   *[other] respondidas
}
item-progress-practice = Examen de práctica · Pregunta { $n } de { $total } · { $answered } { $answered ->
    [one] respondida
   *[other] respondidas
}
item-progress-adaptive = Pregunta { $n } · este examen adaptativo tiene de { $min } a { $max } preguntas
item-progress-practice-adaptive = Examen de práctica · Pregunta { $n } de { $total } · cada pregunta se elige según sus respuestas anteriores, como en el examen real
