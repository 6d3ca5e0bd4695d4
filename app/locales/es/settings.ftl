# La página de ajustes de pantalla.
settings-title = Ajustes de pantalla
settings-saved = Sus ajustes de pantalla están guardados para este navegador.
settings-intro = Estos ajustes se aplican a todas las páginas en este navegador, también durante su examen. No cambian el tiempo de su examen; las adaptaciones aprobadas, como el tiempo adicional, las establece el personal del programa.
settings-language = Idioma de las páginas
settings-colours = Colores
theme-standard = Estándar (texto oscuro sobre blanco)
theme-contrast = Alto contraste (blanco y amarillo sobre negro)
theme-dark = Oscuro (texto claro sobre gris oscuro)
settings-text-size = Tamaño del texto
settings-size-standard = 100 % (estándar)
settings-reading-aids = Ayudas de lectura
settings-line-focus = Enfoque de línea: una banda gruesa marca la opción de respuesta en la que está, y el texto de la pregunta tiene más espacio entre líneas
settings-reduce-motion = Reducir el movimiento: sin animaciones ni desplazamiento suave
settings-back = Volver sin guardar
settings-save = Guardar y volver
