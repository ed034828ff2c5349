#pragma once
// The one error type the engine throws for bad input. Its message (an id from the catalogue and
// its arguments, see message.h) always names the file (and the tensor, record, field or key) and
// says what was expected; what() is the English text, the window shows it translated by id.
#include <stdexcept>
#include <string>
#include <utility>

#include "message.h"

namespace lora {

class Error : public std::runtime_error {
 public:
  explicit Error(Message message) : std::runtime_error(message.english()), message_(std::move(message)) {}
  template <class E, class... Args, std::enable_if_t<IsMessageEnum<E>::value, int> = 0>
  explicit Error(E id, Args&&... args) : Error(Message(id, std::forward<Args>(args)...)) {}

  const Message& message() const noexcept { return message_; }

 private:
  Message message_;
};

}  // namespace lora
