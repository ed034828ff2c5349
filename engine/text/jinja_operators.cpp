#include "jinja_operators.h"

#include <cmath>

#include "jinja_format.h"
#include "jinja_render.h"
#include "jinja_strings.h"

namespace lora::jinja {

namespace {

[[noreturn]] void unsupported(const char* op, const Value& a, const Value& b) {
  throw Failure(std::string("unsupported operand type(s) for ") + op + ": '" + type_name(a) + "' and '" + type_name(b) +
                "'");
}

Value repeat(Budget& budget, const Value& sequence, int64_t times) {
  if (times <= 0) {
    if (sequence.is_str()) return Value::string(std::string());
    return sequence.is_list() ? Value::list({}) : Value::tuple({});
  }
  const auto n = static_cast<uint64_t>(times);
  if (sequence.is_str()) {
    const std::string& text = sequence.str();
    if (!text.empty() && n > UINT64_MAX / text.size()) throw Failure("the repeated string is too large");
    budget.allocate(text.size() * n);
    std::string out;
    out.reserve(text.size() * n);
    for (uint64_t i = 0; i < n; ++i) out += text;
    return Value::string(std::move(out));
  }
  const auto& items = sequence.items();
  if (!items.empty() && n > UINT64_MAX / (items.size() * sizeof(Value)))
    throw Failure("the repeated list is too large");
  budget.allocate(items.size() * n * sizeof(Value));
  std::vector<Value> out;
  out.reserve(items.size() * n);
  for (uint64_t i = 0; i < n; ++i) out.insert(out.end(), items.begin(), items.end());
  return sequence.is_list() ? Value::list(std::move(out)) : Value::tuple(std::move(out));
}

int64_t floor_div(int64_t a, int64_t b) {
  if (b == 0) throw Failure("integer division or modulo by zero");
  if (a == INT64_MIN && b == -1) throw Failure("integer overflow: the result does not fit in 64 bits");
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t int_mod(int64_t a, int64_t b) {
  if (b == 0) throw Failure("integer modulo by zero");
  if (b == -1) return 0;
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

// CPython's float divmod.
void float_divmod(double x, double y, double& floordiv, double& mod) {
  mod = std::fmod(x, y);
  double div = (x - mod) / y;
  if (mod != 0) {
    if ((y < 0) != (mod < 0)) {
      mod += y;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, y);
  }
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, x / y);
  }
}

Value int_pow(int64_t base, int64_t exponent) {
  if (base == 0 || base == 1) return Value::integer(exponent == 0 ? 1 : base);
  if (base == -1) return Value::integer(exponent % 2 == 0 ? 1 : -1);
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = checked_mul(result, base);
    exponent >>= 1;
    if (exponent) base = checked_mul(base, base);
  }
  return Value::integer(result);
}

Value float_pow(double x, double y) {
  if (x == 0 && y < 0) throw Failure("0.0 cannot be raised to a negative power");
  if (x < 0 && std::isfinite(y) && y != std::floor(y)) throw Failure("complex numbers are not supported");
  const double result = std::pow(x, y);
  if (std::isinf(result) && std::isfinite(x) && std::isfinite(y))
    throw Failure("(34, 'Numerical result out of range')");
  return Value::real(result);
}

}  // namespace

Value binary_operation(Renderer& renderer, BinaryOp op, const Value& a, const Value& b) {
  if (op == BinaryOp::Mod && a.is_str()) return Value::string(percent_format(renderer, a.str(), b));
  if (a.is_undefined()) throw Failure(a.undefined_message());
  if (b.is_undefined()) throw Failure(b.undefined_message());
  const bool ints = a.is_integral() && b.is_integral();
  const bool numbers = a.is_number() && b.is_number();
  switch (op) {
    case BinaryOp::Add:
      if (ints) return Value::integer(checked_add(a.as_int(), b.as_int()));
      if (numbers) return Value::real(a.as_float() + b.as_float());
      if (a.is_str() && b.is_str()) {
        renderer.allocate(a.str().size() + b.str().size());
        return Value::string(a.str() + b.str());
      }
      if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
        renderer.allocate((a.items().size() + b.items().size()) * sizeof(Value));
        std::vector<Value> items = a.items();
        items.insert(items.end(), b.items().begin(), b.items().end());
        return a.is_list() ? Value::list(std::move(items)) : Value::tuple(std::move(items));
      }
      if (a.is_str() || a.is_list() || a.is_tuple())
        throw Failure("can only concatenate " + type_name(a) + " (not \"" + type_name(b) + "\") to " + type_name(a));
      unsupported("+", a, b);
    case BinaryOp::Sub:
      if (ints) return Value::integer(checked_sub(a.as_int(), b.as_int()));
      if (numbers) return Value::real(a.as_float() - b.as_float());
      unsupported("-", a, b);
    case BinaryOp::Mul:
      if (ints) return Value::integer(checked_mul(a.as_int(), b.as_int()));
      if (numbers) return Value::real(a.as_float() * b.as_float());
      if ((a.is_str() || a.is_sequence()) && b.is_integral()) return repeat(renderer, a, b.as_int());
      if ((b.is_str() || b.is_sequence()) && a.is_integral()) return repeat(renderer, b, a.as_int());
      if ((a.is_str() || a.is_sequence()) && b.is_float())
        throw Failure("can't multiply sequence by non-int of type 'float'");
      if ((b.is_str() || b.is_sequence()) && a.is_float())
        throw Failure("can't multiply sequence by non-int of type 'float'");
      unsupported("*", a, b);
    case BinaryOp::Div:
      if (numbers) {
        if (b.as_float() == 0) throw Failure(ints ? "division by zero" : "float division by zero");
        return Value::real(a.as_float() / b.as_float());
      }
      unsupported("/", a, b);
    case BinaryOp::FloorDiv:
      if (ints) return Value::integer(floor_div(a.as_int(), b.as_int()));
      if (numbers) {
        if (b.as_float() == 0) throw Failure("float floor division by zero");
        double div, mod;
        float_divmod(a.as_float(), b.as_float(), div, mod);
        return Value::real(div);
      }
      unsupported("//", a, b);
    case BinaryOp::Mod:
      if (ints) return Value::integer(int_mod(a.as_int(), b.as_int()));
      if (numbers) {
        if (b.as_float() == 0) throw Failure("float modulo");
        double div, mod;
        float_divmod(a.as_float(), b.as_float(), div, mod);
        return Value::real(mod);
      }
      unsupported("%", a, b);
    case BinaryOp::Pow:
      if (ints) {
        if (b.as_int() >= 0) return int_pow(a.as_int(), b.as_int());
        return float_pow(a.as_float(), b.as_float());
      }
      if (numbers) return float_pow(a.as_float(), b.as_float());
      throw Failure("unsupported operand type(s) for ** or pow(): '" + type_name(a) + "' and '" + type_name(b) + "'");
  }
  unsupported("?", a, b);
}

Value negate(const Value& value) {
  if (value.is_undefined()) throw Failure(value.undefined_message());
  if (value.is_integral()) return Value::integer(checked_sub(0, value.as_int()));
  if (value.is_float()) return Value::real(-value.as_float());
  throw Failure("bad operand type for unary -: '" + type_name(value) + "'");
}

Value unary_plus(const Value& value) {
  if (value.is_undefined()) throw Failure(value.undefined_message());
  if (value.is_integral()) return Value::integer(value.as_int());
  if (value.is_float()) return value;
  throw Failure("bad operand type for unary +: '" + type_name(value) + "'");
}

bool compare_values(CompareOp op, const Value& a, const Value& b) {
  switch (op) {
    case CompareOp::Eq:
      return equal(a, b);
    case CompareOp::Ne:
      return !equal(a, b);
    case CompareOp::In:
      return contains(b, a);
    case CompareOp::NotIn:
      return !contains(b, a);
    default:
      break;
  }
  const char* symbol = op == CompareOp::Lt ? "<" : op == CompareOp::Le ? "<=" : op == CompareOp::Gt ? ">" : ">=";
  if (a.is_undefined()) throw Failure(a.undefined_message());
  if (b.is_undefined()) throw Failure(b.undefined_message());
  if (a.is_number() && b.is_number()) {
    if (a.is_integral() && b.is_integral()) {
      const int64_t x = a.as_int(), y = b.as_int();
      return op == CompareOp::Lt ? x < y : op == CompareOp::Le ? x <= y : op == CompareOp::Gt ? x > y : x >= y;
    }
    const double x = a.as_float(), y = b.as_float();
    return op == CompareOp::Lt ? x < y : op == CompareOp::Le ? x <= y : op == CompareOp::Gt ? x > y : x >= y;
  }
  const bool orderable = (a.is_str() && b.is_str()) || (a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple());
  if (!orderable)
    throw Failure(std::string("'") + symbol + "' not supported between instances of '" + type_name(a) + "' and '" +
                  type_name(b) + "'");
  const int c = compare(a, b);
  return op == CompareOp::Lt ? c < 0 : op == CompareOp::Le ? c <= 0 : op == CompareOp::Gt ? c > 0 : c >= 0;
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Kind::Str:
      if (!item.is_str()) throw Failure("'in <string>' requires string as left operand, not " + type_name(item));
      return container.str().find(item.str()) != std::string::npos;
    case Kind::List:
    case Kind::Tuple:
      for (const Value& element : container.items())
        if (equal(element, item)) return true;
      return false;
    case Kind::Dict:
      require_hashable(item);
      return container.dict().find(item) != nullptr;
    case Kind::Undefined:
      return false;
    case Kind::Object:
      if (container.object().iterable()) return container.object().contains(item);
      break;
    default:
      break;
  }
  throw Failure("argument of type '" + type_name(container) + "' is not iterable");
}

std::optional<Value> slice_value(Budget& budget, const Value& value, const Value& start, const Value& stop,
                                 const Value& step) {
  const bool sliceable = value.is_str() || value.is_sequence();
  const auto bound_ok = [](const Value& v) { return v.is_none() || v.is_integral(); };
  if (!sliceable || !bound_ok(start) || !bound_ok(stop) || !bound_ok(step)) return std::nullopt;
  const int64_t step_value = step.is_none() ? 1 : step.as_int();
  if (step_value == 0) throw Failure("slice step cannot be zero");
  std::u32string code_points;
  const bool ascii = value.is_str() && pystr::is_ascii(value.str());
  if (value.is_str() && !ascii) code_points = pystr::decode(value.str());
  const int64_t length =
      value.is_str() ? (ascii ? static_cast<int64_t>(value.str().size()) : static_cast<int64_t>(code_points.size()))
                     : static_cast<int64_t>(value.items().size());
  // Python's PySlice_AdjustIndices.
  const auto adjust = [&](const Value& bound, bool is_start) -> int64_t {
    if (bound.is_none()) {
      if (step_value > 0) return is_start ? 0 : length;
      return is_start ? length - 1 : -1;
    }
    int64_t index = bound.as_int();
    if (index < 0) {
      index = index < -length ? -1 : index + length;
      if (index < 0) index = step_value < 0 ? -1 : 0;
    } else if (index >= length) {
      index = step_value < 0 ? length - 1 : length;
    }
    return index;
  };
  const int64_t first = adjust(start, true);
  const int64_t last = adjust(stop, false);
  int64_t count = 0;
  if (step_value < 0) {
    if (last < first) count = (first - last - 1) / (-step_value) + 1;
  } else if (first < last) {
    count = (last - first - 1) / step_value + 1;
  }
  if (value.is_str()) {
    if (ascii && step_value == 1)
      return Value::string(value.str().substr(static_cast<size_t>(first), static_cast<size_t>(count)));
    std::u32string out;
    for (int64_t i = 0, index = first; i < count; ++i, index += step_value)
      out += ascii ? static_cast<char32_t>(static_cast<unsigned char>(value.str()[index])) : code_points[index];
    budget.allocate(out.size());
    return Value::string(pystr::encode(out));
  }
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(count));
  budget.allocate(static_cast<size_t>(count) * sizeof(Value));
  for (int64_t i = 0, index = first; i < count; ++i, index += step_value) out.push_back(value.items()[index]);
  return value.is_list() ? Value::list(std::move(out)) : Value::tuple(std::move(out));
}

}  // namespace lora::jinja
