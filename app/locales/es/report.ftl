# El informe de resultados (los nombres de las competencias y de las áreas de contenido son datos del examen, no palabras de la página).
report-title = Informe de resultados
report-practice-title = Resultado del examen de práctica
report-practice-notice = Este fue un examen de práctica con preguntas de muestra. No cuenta para sus intentos ni para su certificación, y el examen real tiene preguntas diferentes.
report-passed = Aprobado
report-not-passed = No aprobado
report-practice-would-pass = Según el estándar del examen real, este resultado aprobaría
report-practice-would-not-pass = Según el estándar del examen real, este resultado todavía no aprobaría
report-exam = Examen
report-candidate = Candidato
report-submitted-on = Fecha de envío
report-reference = Referencia del informe
report-print-hint = Para guardar una copia, use el comando Imprimir de su navegador; la mayoría de los navegadores pueden guardar la impresión como PDF.
report-result = Resultado: { $outcome }
report-scaled = Su puntuación escalada es { $score } (las puntuaciones van de { $min } a { $max }). La puntuación para aprobar es { $cut }.
report-adaptive-length = Este examen adaptativo eligió cada pregunta según sus respuestas anteriores y le presentó { $n ->
    [one] 1 pregunta
   *[other] { $n } preguntas
}.
report-raw = Respondió correctamente { $correct } de { $total ->
    [one] 1 pregunta
   *[other] { $total } preguntas
} ({ $percent } %). El estándar para aprobar es { $cut } %.
report-by-deadline = Su examen se envió automáticamente cuando se acabó el tiempo.
report-by-competency = Resultados por competencia
report-by-competency-hint = Estos resultados le ayudan a ver sus fortalezas y qué estudiar. La decisión de aprobación se basa en su puntuación total.
report-band-above = Por encima del estándar
report-band-below = Por debajo del estándar
report-band-near = Cerca del estándar
report-band-label = Desempeño por competencia
report-band-caption = Desempeño en cada competencia comparado con el estándar para aprobar, agrupado por área de contenido
report-competency = Competencia
report-questions = Preguntas
report-performance = Desempeño
report-count-label = Respuestas correctas por competencia
report-count-caption = Preguntas respondidas correctamente en cada competencia, agrupadas por área de contenido
report-correct = Correctas
report-percent = Porcentaje
report-count = { $correct } de { $total }
report-percent-value = { $percent } %
report-under-review = Su examen está enviado. El personal del programa revisa cada resultado antes de publicarlo; su puntuación aparecerá aquí, y en su panel, cuando se publique.
report-invalidated = El personal del programa anuló este intento de examen, así que no tiene resultado. Su motivo: { $reason }
report-certified = Usted está certificado: certificado { $number }.
