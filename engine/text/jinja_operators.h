#pragma once
// Python's operators on template values: arithmetic (+ - * / // % **, with int overflow an error and
// sequence repetition charged to the budget), comparisons, `in`, unary minus/plus and slicing. An
// undefined operand raises its UndefinedError, as jinja2's Undefined does.
#include <optional>

#include "jinja_ast.h"
#include "jinja_value.h"

namespace lora::jinja {

Value binary_operation(Renderer& renderer, BinaryOp op, const Value& a, const Value& b);
Value negate(const Value& value);
Value unary_plus(const Value& value);
bool compare_values(CompareOp op, const Value& a, const Value& b);
bool contains(const Value& container, const Value& item);  // Python: item in container

// value[start:stop:step] for str, list and tuple; nullopt for values that cannot be sliced (jinja2
// then gives an undefined value).
std::optional<Value> slice_value(Budget& budget, const Value& value, const Value& start, const Value& stop,
                                 const Value& step);

}  // namespace lora::jinja
