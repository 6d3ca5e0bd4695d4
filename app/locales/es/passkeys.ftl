# Llaves de acceso: la página de ajustes, los rechazos del servidor y las palabras que muestra passkey.js (pasadas en la línea de estado).
passkeys-title = Llaves de acceso
passkeys-added = Se agregó su llave de acceso. La próxima vez, inicie sesión con ella.
passkeys-removed = La llave de acceso se quitó de su cuenta. También puede eliminarla del dispositivo.
passkeys-intro = Una llave de acceso le permite iniciar sesión con su teléfono, su huella digital, su rostro o el PIN de su dispositivo en lugar de escribir su contraseña. Nadie puede adivinarla ni robarla de este sitio, porque el secreto nunca sale de su dispositivo. Su contraseña también sigue funcionando.
passkeys-signed-in-with = Esta vez inició sesión con una llave de acceso.
passkeys-yours = Sus llaves de acceso
passkeys-none = Todavía no tiene ninguna llave de acceso.
passkeys-item = { $name }: agregada el { $added }
passkeys-item-used = { $name }: agregada el { $added }, usada por última vez el { $used }
passkeys-remove = Quitar
passkeys-remove-label = Quitar la llave de acceso { $name }
passkeys-add-heading = Agregar una llave de acceso
passkeys-needs-js = Para agregar una llave de acceso se necesita JavaScript, que está desactivado en este navegador.
passkeys-name-label = Un nombre para reconocerla
passkeys-name-placeholder = Mi teléfono
passkeys-add = Agregar una llave de acceso
passkeys-unavailable-page = Las llaves de acceso no están disponibles en esta dirección: necesitan el nombre de dominio del sitio. Consulte a su administrador.
passkeys-unavailable = Las llaves de acceso no están disponibles en esta dirección. Inicie sesión con su contraseña.
passkeys-name-needed = Ponga un nombre a la llave de acceso (60 caracteres como máximo), por ejemplo "Mi teléfono".
passkeys-register-expired = Esta solicitud de llave de acceso venció o ya se usó. Vuelva a presionar Agregar una llave de acceso.
passkeys-register-unverified = No se pudo verificar la respuesta de su dispositivo, así que no se agregó ninguna llave de acceso. Inténtelo de nuevo.
passkeys-already-registered = Esta llave de acceso ya está registrada.
passkeys-email-first = Primero escriba su correo electrónico y luego elija Iniciar sesión con una llave de acceso.
passkeys-none-for-email = No hay ninguna llave de acceso registrada para este correo electrónico. Inicie sesión con su contraseña; después podrá agregar una llave de acceso.
passkeys-sign-in-expired = Esta solicitud de inicio de sesión venció o ya se usó. Vuelva a elegir Iniciar sesión con una llave de acceso.
passkeys-unverified = No se pudo verificar su llave de acceso. Inténtelo de nuevo o inicie sesión con su contraseña.
passkeys-removed-from-account = Esta llave de acceso se quitó de la cuenta. Inicie sesión con su contraseña.
passkeys-not-found = no tiene ninguna llave de acceso { $id }; es posible que ya se haya quitado
passkeys-js-waiting = Esperando su llave de acceso…
passkeys-js-create = Siga las indicaciones de su dispositivo para crear la llave de acceso…
passkeys-js-cancelled = La solicitud de llave de acceso se canceló o se agotó el tiempo. Puede intentarlo de nuevo.
passkeys-js-failed = Algo salió mal. Inténtelo de nuevo.
passkeys-js-server = El servidor respondió { $status }. Inténtelo de nuevo.
passkeys-js-unsupported = Este navegador no puede usar llaves de acceso. Puede iniciar sesión con su contraseña.
passkeys-code-label = Código de inscripción
passkeys-code-help = La primera llave de acceso de su cuenta necesita el código de inscripción de un solo uso que le dio su administrador (por ejemplo K7QD-3MFX-PA9C-TW4H). Sirve una vez, dentro de 24 horas.
passkeys-code-needed = Escriba el código de inscripción que le dio su administrador: la primera llave de acceso de una cuenta de personal, proveedor o administrador lo necesita.
passkeys-code-wrong = Este código de inscripción no es válido para su cuenta: puede estar mal escrito, usado, reemplazado por uno más nuevo o tener más de 24 horas. Pida uno nuevo a su administrador.
passkeys-sign-in-with-one = Para agregar o quitar una llave de acceso en esta cuenta, cierre sesión e inicie sesión con una llave de acceso que ya tenga. Si las perdió todas, pida un código de inscripción a su administrador.
passkeys-remove-needs-passkey = para quitar una llave de acceso de una cuenta de personal, proveedor o administrador, inicie sesión primero con una de sus llaves de acceso
mail-passkey-added-subject = Se agregó una llave de acceso a su cuenta de Certamen
mail-passkey-added-body =
    Hola, { $name }:

    Se acaba de agregar a su cuenta de Certamen una llave de acceso llamada "{ $passkey }". Con ella se puede iniciar sesión en su cuenta.

    Si no la agregó usted, quítela de inmediato en { $settings }, cambie su contraseña y avise al programa de certificación.
mail-passkey-removed-subject = Se quitó una llave de acceso de su cuenta de Certamen
mail-passkey-removed-body =
    Hola, { $name }:

    Se acaba de quitar de su cuenta de Certamen la llave de acceso llamada "{ $passkey }".

    Si no la quitó usted, revise sus llaves de acceso en { $settings }, cambie su contraseña y avise al programa de certificación.
