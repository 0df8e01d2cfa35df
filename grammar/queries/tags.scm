(model_declaration name: (identifier) @name) @definition.class
(view_declaration name: (identifier) @name) @definition.class
(type_declaration name: (identifier) @name) @definition.class
(enum_declaration name: (identifier) @name) @definition.enum
(field_declaration type: (identifier) @name) @reference.type
