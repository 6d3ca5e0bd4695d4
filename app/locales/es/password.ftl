# Contraseñas: cambiar la propia, el cambio obligatorio de una contraseña temporal del administrador, la recuperación por correo.
password-title = Cambiar su contraseña
password-changed = Su contraseña se cambió. Se cerró la sesión en cualquier otro navegador conectado a su cuenta.
password-must-change = Su administrador eligió su contraseña. Elija la suya antes de continuar.
password-current = Contraseña actual
password-temporary = La contraseña que le dio su administrador
password-new = Contraseña nueva
password-repeat = Repita la contraseña nueva
password-rules = Al menos { $n } caracteres. Unas palabras sin relación entre sí son fáciles de recordar y difíciles de adivinar.
password-change = Cambiar la contraseña
password-others-signed-out = Al cambiar su contraseña se cierra la sesión en todos los demás navegadores conectados a su cuenta.
password-error-current = La contraseña actual no es correcta. Inténtelo de nuevo.
password-error-short = La contraseña nueva debe tener al menos { $n } caracteres.
password-error-long = La contraseña nueva puede tener como máximo 128 caracteres.
password-error-mismatch = Las dos contraseñas nuevas no coinciden. Escríbalas de nuevo.
password-error-same = La contraseña nueva es la actual. Elija otra.
password-error-link = Este enlace no funciona: ya se usó, venció o está incompleto. Pida uno nuevo.
password-error-email = Indique el correo con el que inicia sesión.
password-forgot-link = ¿Olvidó su contraseña?
password-forgot-title = Olvidó su contraseña
password-forgot-intro = Indique el correo con el que inicia sesión. Si tiene una cuenta, le enviamos un enlace para elegir una contraseña nueva.
password-forgot-send = Enviar el enlace
password-forgot-sent = Si ese correo tiene una cuenta, el enlace va en camino. Funciona una vez, durante { $minutes } minutos. Revise la carpeta de correo no deseado si no llega.
password-back-to-signin = Volver a iniciar sesión
password-reset-title = Elegir una contraseña nueva
password-reset-intro = Elija su contraseña nueva. Se cerrará la sesión en todos los navegadores conectados a su cuenta y luego iniciará sesión con la contraseña nueva.
password-reset-submit = Guardar la contraseña nueva
password-reset-ask-again = Pedir un enlace nuevo
signin-password-reset = Su contraseña se cambió. Inicie sesión con la nueva.
mail-password-changed-subject = Se cambió su contraseña de Certamen
mail-password-changed-body =
    Hola, { $name }:

    Se acaba de cambiar la contraseña de su cuenta de Certamen y se cerró la sesión en todos los demás navegadores conectados a ella.

    Si no fue usted, elija una contraseña nueva de inmediato aquí: { $recover }
    Después avise al programa de certificación.
mail-password-reset-body =
    Hola, { $name }:

    Se acaba de cambiar la contraseña de su cuenta de Certamen con un enlace de recuperación y se cerró la sesión en todos los navegadores conectados a ella.

    Si no fue usted, elija una contraseña nueva de inmediato aquí: { $recover }
    Después avise al programa de certificación.
mail-reset-link-subject = Elija una contraseña nueva de Certamen
mail-reset-link-body =
    Hola, { $name }:

    Alguien (esperamos que usted) pidió elegir una contraseña nueva para su cuenta de Certamen. Para hacerlo, abra este enlace:

    { $link }

    Funciona una vez, durante { $minutes } minutos. Si no lo pidió, ignore este mensaje: su contraseña sigue igual.
