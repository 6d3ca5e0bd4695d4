# The public registry of certificants.
registry-title = Registry of certified peer support specialists
registry-intro = Look up a Medi-Cal peer support specialist certified through this program, by name or certificate number. The registry shows whether the certification is active and its dates; it is updated the moment a certification changes.
registry-query-label = Name or certificate number
registry-query-hint = At least 3 letters of the name, or the whole number (for example PSS-1A2B3-C4D5E).
registry-search = Search the registry
registry-too-short = Type at least 3 letters of the name, or the whole certificate number.
registry-none = No certification matches “{ $query }”.
registry-found = { $n ->
    [one] 1 certification found.
   *[other] { $n } certifications found.
}
registry-caption = Certifications matching “{ $query }”
registry-name = Name
registry-number = Certificate number
registry-status = Status
registry-issued = Issued
registry-expires = Expires
registry-status-active = Active
registry-status-suspended = Suspended
registry-status-revoked = Revoked
registry-status-expired = Expired
registry-link = Look up a certified peer support specialist
