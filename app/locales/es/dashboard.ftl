# El panel del candidato: la solicitud, las adaptaciones, el examen y sus intentos, el examen de práctica, los resultados anteriores; y el mensaje del formulario de inicio de sesión.
dashboard-title = Panel
dashboard-welcome = Le damos la bienvenida, { $name }
dashboard-passkey = Inicie sesión de forma más rápida y segura con una llave de acceso
dashboard-application = Su solicitud
dashboard-application-approved = Su solicitud está aprobada: puede presentar el examen.
dashboard-application-submitted = Su solicitud está en espera de una decisión del personal del programa. Podrá comenzar el examen una vez que sea aprobada.
dashboard-application-returned = Su solicitud fue devuelta para correcciones.
dashboard-application-none = Primero solicite la certificación: podrá comenzar el examen una vez que su solicitud sea aprobada.
dashboard-apply = Solicitar la certificación
dashboard-application-correct = Ver el motivo y corregir su solicitud
dashboard-application-see = Ver su solicitud
dashboard-accommodations = Adaptaciones
dashboard-accommodations-link = Ver o pedir adaptaciones
dashboard-wait-for-approval = Podrá comenzar el examen una vez que su solicitud sea aprobada.
dashboard-resume = Continuar su examen
dashboard-attempts-used-up-until = Por ahora ha usado todos sus intentos. Su próximo intento puede comenzar el { $day }.
dashboard-attempts-used-up = Ha usado todos sus intentos para este examen.
dashboard-start = Leer las instrucciones y comenzar
dashboard-exam-facts = { $questions ->
    [one] 1 pregunta
   *[other] { $questions } preguntas
} · { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
} · intentos usados: { $used } de { $max }
dashboard-exam-facts-year = { $questions ->
    [one] 1 pregunta
   *[other] { $questions } preguntas
} · { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
} · intentos usados: { $used } de { $max } en los últimos 12 meses
dashboard-exam-facts-days = { $questions ->
    [one] 1 pregunta
   *[other] { $questions } preguntas
} · { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
} · intentos usados: { $used } de { $max } en { $days ->
    [one] el último día
   *[other] los últimos { $days } días
}
dashboard-results = Sus resultados
dashboard-attempt-result = Intento { $number }: { $outcome } ({ $score })
dashboard-passed = aprobado
dashboard-not-passed = no aprobado
dashboard-scaled-score = puntuación escalada { $score }
dashboard-percent = { $percent } %
dashboard-practice = Examen de práctica
dashboard-practice-intro = { $questions ->
    [one] 1 pregunta de muestra
   *[other] { $questions } preguntas de muestra
} en { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}, con las mismas pantallas, herramientas, descanso y reglas de tiempo que el examen real. Se aplican sus adaptaciones aprobadas. No cuenta para sus intentos y puede presentarlo tantas veces como quiera.
dashboard-practice-resume = Continuar el examen de práctica
dashboard-practice-start = Comenzar un examen de práctica
dashboard-practice-result = Práctica { $number }: { $percent } % de respuestas correctas
dashboard-sign-in-incomplete = escriba tanto su correo electrónico como su contraseña
dashboard-attempt-under-review = Intento { $number }: enviado; el personal del programa está revisando el resultado
dashboard-attempt-invalidated = Intento { $number }: anulado por el personal del programa
dashboard-certification = Su certificación
dashboard-certification-text = Certificado { $number }: { $status }, emitido el { $issued }, válido hasta el { $expires }.
dashboard-certification-registry = Verlo en el registro público
account-changes-heading = Cambios en el inicio de sesión de su cuenta desde la última vez que inició sesión
account-change-passkey-added = Se agregó una llave de acceso llamada “{ $name }” el { $day }.
account-change-passkey-removed = Se quitó la llave de acceso llamada “{ $name }” el { $day }.
account-change-enrolment-code = Un administrador emitió un código de inscripción de llave de acceso para su cuenta el { $day }.
account-changes-not-you = Si no fue usted, quite esa llave de acceso en su página de llaves de acceso y avise de inmediato a su administrador.
