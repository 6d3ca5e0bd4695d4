# Palabras que comparten todas las páginas: el encabezado, las páginas y avisos de error, la página no encontrada.
skip-to-main = Saltar al contenido principal
nav-label = Cuenta
nav-display-settings = Ajustes de pantalla
nav-dashboard = Panel
nav-sign-out = Cerrar sesión
back-to-dashboard = Volver a su panel
go-to-dashboard = Ir a su panel
loading = Cargando…
not-found-title = Página no encontrada
not-found-text = No hay ninguna página en esta dirección.
error-title-400 = Revise e inténtelo de nuevo
error-title-401 = Inicie sesión
error-title-403 = No permitido
error-title-404 = No encontrado
error-title-409 = Ya hecho o cambiado mientras tanto
error-title-413 = Se envió demasiado
error-title-500 = Algo salió mal
error-title-503 = No se puede acceder al examen en este momento
error-title-other = No realizado
error-server = Algo salió mal de nuestro lado. Sus respuestas guardadas están seguras; inténtelo de nuevo en un momento.
error-unavailable = La base de datos del examen no responde en este momento, así que esto no se hizo. Sus respuestas guardadas están seguras. El tiempo en que no se puede acceder al examen por más de unos segundos se le devuelve a su reloj. Inténtelo de nuevo en un momento.
error-unavailable-reloads = Esta página lo intenta de nuevo sola cada { $seconds } segundos.
# Completes the question page's "Not saved: …" line.
error-unavailable-short = la base de datos del examen no responde en este momento
error-cross-site = Esta solicitud llegó desde otro sitio, así que se rechazó y no se cambió nada. Vuelva a la página e inténtelo de nuevo.
attempts-left = { $n ->
    [one] Le queda 1 intento
   *[other] Le quedan { $n } intentos
}
date-later = una fecha posterior
