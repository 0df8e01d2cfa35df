; Every block is a scope; its name is a definition visible schema-wide, and a
; field type that names it is a reference.
(model_body) @local.scope
(enum_body) @local.scope

(field_declaration name: (identifier) @local.definition.field)
(enum_value name: (identifier) @local.definition.constant)
(field_declaration type: (identifier) @local.reference)
