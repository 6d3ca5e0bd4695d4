# El registro público de personas certificadas.
registry-title = Registro de especialistas en apoyo entre pares certificados
registry-intro = Busque a un especialista en apoyo entre pares de Medi-Cal certificado por este programa, por nombre o número de certificado. El registro indica si la certificación está vigente y sus fechas; se actualiza en el momento en que una certificación cambia.
registry-query-label = Nombre o número de certificado
registry-query-hint = Al menos 3 letras del nombre, o el número completo (por ejemplo PSS-1A2B3-C4D5E).
registry-search = Buscar en el registro
registry-too-short = Escriba al menos 3 letras del nombre, o el número de certificado completo.
registry-none = Ninguna certificación coincide con “{ $query }”.
registry-found = { $n ->
    [one] Se encontró 1 certificación.
   *[other] Se encontraron { $n } certificaciones.
}
registry-caption = Certificaciones que coinciden con “{ $query }”
registry-name = Nombre
registry-number = Número de certificado
registry-status = Estado
registry-issued = Emitida
registry-expires = Vence
registry-status-active = Vigente
registry-status-suspended = Suspendida
registry-status-revoked = Revocada
registry-status-expired = Vencida
registry-link = Buscar a un especialista en apoyo entre pares certificado
