; Keywords that open a block.
[
  "model"
  "view"
  "type"
  "enum"
  "datasource"
  "generator"
] @keyword

(comment) @comment
(doc_comment) @comment.documentation

(model_declaration name: (identifier) @type.definition)
(view_declaration name: (identifier) @type.definition)
(type_declaration name: (identifier) @type.definition)
(enum_declaration name: (identifier) @type.definition)
(datasource_declaration name: (identifier) @variable)
(generator_declaration name: (identifier) @variable)

(field_declaration name: (identifier) @property)
(field_declaration type: (identifier) @type)
(unsupported_type "Unsupported" @type.builtin)
(optional_modifier) @operator
(list_modifier) @operator

(enum_value name: (identifier) @constant)

(attribute "@" @attribute)
(attribute name: (attribute_name) @attribute)
(block_attribute "@@" @attribute)
(block_attribute name: (attribute_name) @attribute)

(key_value key: (identifier) @property)
(argument name: (identifier) @variable.parameter)
(function_call name: (identifier) @function.call)

(string) @string
(number) @number
(boolean) @boolean

["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ":" "="] @punctuation.delimiter
