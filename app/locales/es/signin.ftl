# La página de inicio de sesión (src/pages/signin.rs).
signin-title = Iniciar sesión
signin-failed = El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo.
signin-held = Demasiados intentos con una contraseña incorrecta para esta cuenta. Espere { $minutes ->
    [one] un minuto
   *[other] { $minutes } minutos
} e inténtelo de nuevo, o inicie sesión con una llave de acceso.
signin-email = Correo electrónico
signin-password = Contraseña
signin-busy = Iniciando sesión…
signin-slow = Muchos candidatos están iniciando sesión a la vez, así que esto puede tardar uno o dos minutos. Mantenga esta página abierta y no vuelva a pulsar Iniciar sesión. El tiempo del examen empieza solo cuando usted comienza el examen.
signin-submit = Iniciar sesión
signin-passkey-intro = O inicie sesión con una llave de acceso guardada en este dispositivo o en su teléfono: escriba su correo electrónico arriba y luego
signin-passkey-button = Iniciar sesión con una llave de acceso
signin-new = ¿Es la primera vez que presenta el examen?
signin-create-account = Crear una cuenta de candidato
signin-to-continue = Inicie sesión para continuar. Volverá a la página que abrió.
