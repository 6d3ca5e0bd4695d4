# Presentar el examen: la página de instrucciones, la pantalla de revisión, el descanso y los mensajes del servidor sobre un intento (respuestas, el descanso, el envío, el comienzo).
exam-instructions-title = Instrucciones
exam-before-you-begin = Antes de comenzar
exam-accommodations-apply = Sus adaptaciones aprobadas se aplican cuando comience: { $accommodations }.
exam-resume = Continuar el examen
exam-no-attempts-until = Por ahora no le quedan intentos. Su próximo intento puede comenzar el { $day }.
exam-no-attempts = No le quedan intentos para este examen.
exam-attempts-left = { $n ->
    [one] Le queda 1 intento.
   *[other] Le quedan { $n } intentos.
} El reloj empieza cuando presione el botón.
exam-question-language = Idioma de las preguntas
exam-question-language-hint = Puede cambiarlo en cualquier pregunta.
exam-start = Comenzar el examen
exam-review-title = Revise sus respuestas
exam-review-counts = Respondidas: { $answered } · Sin responder: { $unanswered } · Marcadas para revisión: { $flagged }
exam-review-table-label = Las preguntas y su estado
exam-review-caption = Cada pregunta y su estado. Elija una pregunta para volver a ella.
exam-review-question = Pregunta
exam-review-answer = Respuesta
exam-review-flag = Marca
exam-review-question-n = Pregunta { $n }
exam-review-flagged = Marcada para revisión
exam-review-not-answered = Sin responder
exam-review-chosen = { $chosen } de { $select } respuestas elegidas
exam-review-answered = Respondida
exam-submit-heading = Envíe su examen
exam-review-unanswered-warning = { $n ->
    [one] Tiene 1 pregunta sin responder.
   *[other] Tiene { $n } preguntas sin responder.
} Las preguntas sin responder se califican como incorrectas.
exam-review-incomplete-warning = { $n ->
    [one] 1 pregunta pide más respuestas de las que eligió.
   *[other] { $n } preguntas piden más respuestas de las que eligió.
} Una pregunta así se califica como correcta solo si elige todas sus respuestas correctas.
exam-submit-confirm = Deseo enviar mi examen ahora. Entiendo que después no podré cambiar mis respuestas.
exam-submit = Enviar el examen
exam-break-title = Descanso
exam-break-offered = Es hora de un descanso
exam-break-offer = Ahora puede tomar un descanso de { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}. El reloj del examen se detiene mientras está en el descanso. Si se ausenta por más tiempo, el tiempo adicional se descuenta de su tiempo de examen.
exam-break-anytime = Su adaptación le permite tomarlo en cualquier momento: si vuelve al examen ahora, el descanso sigue disponible.
exam-break-time-left = Tiempo restante del examen: { $time }
exam-break-start = Comenzar mi descanso
exam-break-not-now = Ahora no: volver al examen
exam-break-skip = Omitir el descanso y continuar
exam-on-break = Está en su descanso
exam-on-break-clock = El reloj de su examen está detenido; le quedan { $time }. Vuelva cuando lo desee.
exam-break-return = Volver al examen
exam-no-break = No hay descanso en este momento
exam-no-break-text = El descanso se ofrece una sola vez, después de la pregunta del medio.
exam-back-to-exam = Volver a su examen
exam-back-to-question = Volver a la pregunta
exam-back-to-review = Volver a la pantalla de revisión
exam-error-not-yours = este intento no existe o no es suyo
exam-error-submitted = este examen ya se envió; las respuestas ya no pueden cambiar
exam-error-time-up = se acabó el tiempo de este examen: la respuesta no se guardó, y su examen se está enviando con las respuestas guardadas antes de la hora límite
exam-error-break-unavailable = el descanso está disponible una sola vez, después de la pregunta { $n }, y todavía no se ha llegado a ella o ya se usó
exam-error-break-started = el descanso ya comenzó
exam-error-not-on-break = usted no está en un descanso
exam-error-on-break-answer = está en su descanso: continúe el examen para responder
exam-error-on-break-strike = está en su descanso: primero continúe el examen
exam-error-one-answer = la pregunta { $n } admite una sola respuesta; se { $chosen ->
    [one] eligió 1
   *[other] eligieron { $chosen }
}
exam-error-too-many-answers = la pregunta { $n } pide { $select } respuestas; se { $chosen ->
    [one] eligió 1
   *[other] eligieron { $chosen }
}
exam-error-answer-final = la pregunta { $n } ya se respondió y se confirmó; en este examen adaptativo una respuesta es definitiva una vez que avanza
exam-error-out-of-date = esta página estaba desactualizada, así que su respuesta a la pregunta { $n } no se cambió; vuelva a cargar la pregunta para ver lo que está guardado
exam-error-choose-first = primero elija una respuesta a la pregunta { $n }: en este examen adaptativo cada pregunta se responde antes de elegir la siguiente
exam-error-not-submitted-yet = este examen todavía no se ha enviado
exam-error-attempts-used-window = ha usado { $max ->
    [one] el único intento permitido
   *[other] los { $max } intentos permitidos
} en { $days ->
    [one] 1 día
   *[other] { $days } días
}; su próximo intento puede comenzar el { $day }
exam-error-attempts-used = ha usado { $max ->
    [one] el único intento permitido
   *[other] los { $max } intentos permitidos
} para este examen
exam-error-no-practice-questions = el examen { $exam } todavía no tiene preguntas de práctica
exam-error-start-race = se estaba comenzando un intento; inténtelo de nuevo
exam-error-question-missing = la pregunta { $n } no está en este examen (tiene las preguntas 1 a { $total })
exam-error-no-break-here = no se puede tomar un descanso desde esta pregunta ahora
exam-error-not-confirmed = su examen no se envió: marque la casilla para confirmar que desea enviarlo
