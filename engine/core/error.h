#pragma once
// The one error type the engine throws for bad input. Its message always names the
// file (and the tensor, record, field or key) and says what was expected, so the CLI and
// the window can show it to the user as is.
#include <stdexcept>
#include <string>

namespace lora {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace lora
