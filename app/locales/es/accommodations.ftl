# Adaptaciones: la página y el formulario de solicitud del candidato, la tarjeta de una solicitud, una adaptación aprobada en palabras y los mensajes del servidor sobre las solicitudes.
accommodations-title = Adaptaciones
accommodations-sent = Su solicitud fue enviada. El personal del programa tomará una decisión y usted la verá aquí.
accommodations-intro = Si una discapacidad o una condición de salud afecta su manera de presentar exámenes, puede pedir una adaptación, como tiempo adicional, un descanso más largo o que se le lean las preguntas en voz alta. El personal del programa decide cada solicitud. Una adaptación aprobada se aplica a todos los intentos de examen que comience después de la decisión; no cambia un intento que ya esté en curso.
accommodations-display-settings = Los colores, el tamaño del texto, el enfoque de línea y la reducción de movimiento no necesitan aprobación: elíjalos en
accommodations-now = Sus adaptaciones actuales
accommodations-now-approved = Aprobadas: { $profile }. Se aplican a sus próximos intentos de examen.
accommodations-now-none = Ninguna aprobada. Su examen tiene el tiempo y el descanso estándar.
accommodations-requests = Sus solicitudes
accommodations-ask = Pedir una adaptación
accommodations-pending = Tiene una solicitud en espera de una decisión. Podrá pedir otra cosa cuando el personal haya decidido sobre ella.
accommodations-status-pending = En espera de una decisión
accommodations-status-approved = Aprobada
accommodations-status-denied = No aprobada
accommodations-status-unknown = Desconocido
accommodations-card-heading = Solicitud enviada el { $date }: { $status }
accommodations-asked-for = Lo solicitado
accommodations-own-words = En palabras del candidato
accommodations-documentation = Documentación
accommodations-approved = Lo aprobado
accommodations-decided-on = Fecha de la decisión
accommodations-reason = Motivo
accommodations-staff-note = Nota del personal
accommodations-need-legend = ¿Qué necesita? Elija todas las opciones que correspondan.
accommodations-need-extra-time = Tiempo adicional
accommodations-need-longer-break = Un descanso programado más largo
accommodations-need-speech = Lectura en voz alta de las preguntas y respuestas (texto a voz)
accommodations-need-other = Otra cosa (descríbala abajo)
accommodations-need-with-standard-break = { $label } (el descanso estándar es de { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
})
accommodations-details = Describa qué necesita y por qué
accommodations-details-hint = Por ejemplo: cuánto tiempo adicional necesita, o cómo una condición afecta la lectura o el estar sentado durante mucho tiempo.
accommodations-your-documentation = Su documentación
accommodations-documentation-hint = El programa pide documentación de un profesional calificado (por ejemplo, un médico, psicólogo o consejero) que describa la condición y la adaptación que requiere. Indique quién la escribió, cuándo y qué recomienda. El personal podría comunicarse con usted para pedirle una copia.
accommodations-send = Enviar la solicitud
accommodations-time-half = tiempo y medio
accommodations-time-double = tiempo doble
accommodations-time-percent = { $percent } % del tiempo estándar
accommodations-time-minutes = { $time } ({ $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
})
accommodations-break-anytime = un descanso de { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
} que puede tomar en cualquier momento del examen
accommodations-break-scheduled = un descanso programado de { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
}
accommodations-speech = lectura en voz alta de las preguntas y respuestas cuando lo solicite
accommodations-error-too-long = Escriba como máximo { $max } { $max ->
    [one] carácter
   *[other] caracteres
}.
accommodations-error-need = Elija al menos una cosa que necesite.
accommodations-error-details = Describa qué necesita y por qué, con sus propias palabras.
accommodations-error-documentation = Describa su documentación: quién la escribió, cuándo y qué dice que usted necesita.
accommodations-error-pending = Ya tiene una solicitud en espera de una decisión. El personal decidirá sobre ella primero; después podrá pedir de nuevo.
accommodations-summary-approved = Aprobado para sus próximos intentos: { $profile }.
accommodations-summary-approved-pending = Aprobado para sus próximos intentos: { $profile }. Una solicitud más reciente está en espera de una decisión.
accommodations-summary-pending = Su solicitud está en espera de una decisión del personal del programa.
accommodations-summary-none = No ha pedido adaptaciones.
accommodations-breaks-anytime = { $count } descansos de { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
} cada uno, que puede tomar en cualquier momento del examen
accommodations-breaks-scheduled = { $count } descansos programados de { $minutes } { $minutes ->
    [one] minuto
   *[other] minutos
} cada uno
