#pragma once
// A mistake on the command line (a missing or malformed option, an argument too many) or a problem
// with a file the CLI itself reads or writes. The CLI speaks English only, so its own errors carry
// their text, unlike the engine's lora::Error with a message id; main() reports both alike.
#include <stdexcept>
#include <string>

namespace cli {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& text) : std::runtime_error(text) {}
};

}  // namespace cli
