# Crear una cuenta de candidato: la página y las revisiones de lo que se escribe (src/pages/account.rs, src/server/accounts.rs).
account-title = Crear una cuenta
account-heading = Cree su cuenta de candidato
account-intro = Necesita una cuenta para solicitar el examen de certificación de especialista en apoyo entre pares de Medi-Cal. Todos los campos son obligatorios.
account-have-one = ¿Ya tiene una cuenta?
account-sign-in = Iniciar sesión
account-error-summary = Hay un problema
account-name = Nombre completo
account-email = Correo electrónico
account-email-hint = Lo usará para iniciar sesión, y allí le escribiremos sobre su solicitud y sus resultados.
account-password = Contraseña
account-password-hint = Al menos 10 caracteres. Unas cuantas palabras sin relación entre sí forman una contraseña segura.
account-dob = Fecha de nacimiento
account-dob-hint = Debe tener 18 años o más. Por ejemplo, 1990-04-27 (año, mes, día).
account-county = Condado donde vive
account-county-choose = Elija su condado
account-language = Idioma preferido
account-language-hint = Las preguntas del examen empiezan en este idioma; puede cambiarlo en cualquier pregunta.
account-create = Crear cuenta
account-error-name-empty = Escriba su nombre completo.
account-error-name-long = Su nombre debe tener como máximo 100 caracteres, en una sola línea.
account-error-email-empty = Escriba su correo electrónico.
account-error-email-invalid = Escriba un correo electrónico como nombre@ejemplo.com.
account-error-password-short = { $n ->
    [one] Elija una contraseña de al menos { $n } carácter.
   *[other] Elija una contraseña de al menos { $n } caracteres.
}
account-error-password-long = Elija una contraseña de 128 caracteres como máximo.
account-error-dob-empty = Escriba su fecha de nacimiento.
account-error-dob-invalid = Escriba su fecha de nacimiento como una fecha real, año-mes-día (por ejemplo, 1990-04-27).
account-error-dob-range = Escriba su fecha de nacimiento: debe ser una fecha pasada, posterior a 1900.
account-error-too-young = { $n ->
    [one] Debe tener al menos { $n } año de edad para solicitar la certificación.
   *[other] Debe tener al menos { $n } años de edad para solicitar la certificación.
}
account-error-county = Elija el condado de California donde vive.
account-error-language = Elija inglés o español.
account-error-exists = Ya existe una cuenta con este correo electrónico. Inicie sesión.
account-back-to-accommodations = Volver a sus adaptaciones
account-check-mail-title = Revise su correo
account-check-mail = Enviamos un mensaje a { $email }. Abra el enlace que contiene antes de { $hours } horas para confirmar su dirección y terminar de crear su cuenta.
account-check-mail-none = ¿No llegó nada en unos minutos? Revise la carpeta de correo no deseado. Si la dirección ya tiene una cuenta, el mensaje lo dice: inicie sesión o elija una contraseña nueva si la olvidó.
account-confirm-title = Confirmar su cuenta
account-confirm-intro = Confirme que esta es su dirección de correo para terminar de crear su cuenta. Después quedará con la sesión iniciada.
account-confirm-submit = Confirmar y crear mi cuenta
account-confirm-link = Este enlace no funciona: ya se usó, venció o está incompleto. Vuelva a crear su cuenta, o inicie sesión si ya la confirmó.
account-confirm-exists = Esta dirección de correo ya tiene una cuenta. Inicie sesión o elija una contraseña nueva si la olvidó.
account-confirm-again = Volver a crear su cuenta
mail-register-confirm-subject = Confirme su cuenta de Certamen
mail-register-confirm-body =
    Hola, { $name }:

    Para terminar de crear su cuenta de Certamen para la certificación de Especialista en Apoyo entre Pares de Medi-Cal, abra este enlace y confirme:

    { $link }

    Funciona una vez, durante { $hours } horas. Si usted no creó una cuenta, ignore este mensaje: sin él no se crea nada.
mail-register-exists-subject = Alguien intentó crear una cuenta de Certamen con su correo
mail-register-exists-body =
    Hola, { $name }:

    Alguien (quizás usted) acaba de intentar crear una cuenta nueva de Certamen con esta dirección de correo, que ya tiene una. No se creó ninguna cuenta nueva.

    Para iniciar sesión: { $signin }
    ¿Olvidó su contraseña? Elija una nueva: { $recover }

    Si no fue usted, no tiene que hacer nada.
mail-application-decided-subject = Novedades sobre su solicitud de certificación
mail-application-decided-body =
    Hola, { $name }:

    El personal de certificación tomó una decisión sobre su solicitud para la certificación de Especialista en Apoyo entre Pares de Medi-Cal. Inicie sesión para leerla:

    { $link }
mail-accommodation-decided-subject = Novedades sobre su solicitud de adaptaciones
mail-accommodation-decided-body =
    Hola, { $name }:

    El personal de certificación tomó una decisión sobre su solicitud de adaptaciones para el examen. Inicie sesión para leerla:

    { $link }
mail-result-released-subject = Su resultado del examen está listo
mail-result-released-body =
    Hola, { $name }:

    Se publicó su resultado del examen de Especialista en Apoyo entre Pares de Medi-Cal. Inicie sesión para verlo:

    { $link }
