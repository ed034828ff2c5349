#pragma once
// A message the engine shows a person: an id from the catalogue (engine/core/messages/*.def, the
// one place its English words live) and the arguments that fill its %1, %2, ... An argument is
// plain text (a path, a name, a number), another message (a reason, a record's problem), or a
// list of messages shown one per line. The CLI prints english(); the window translates by id
// (ui/engine_messages.cpp), so a reworded English text keeps its translation's place.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lora {

enum class MessageArea : std::uint8_t { none, core, text, data, model, ops, generation, training, testing, exporting, download, count };

struct MessageId {
  MessageArea area = MessageArea::none;
  std::uint16_t index = 0;
  friend bool operator==(MessageId a, MessageId b) { return a.area == b.area && a.index == b.index; }
};

// Each area's enum (messages/<area>_messages.h) says which area it is.
template <class E>
struct MessageAreaOf;

template <class E, class = void>
struct IsMessageEnum : std::false_type {};
template <class E>
struct IsMessageEnum<E, std::void_t<decltype(MessageAreaOf<E>::value)>> : std::true_type {};

class Message;

class MessageArg {
 public:
  enum class Kind : std::uint8_t { text, message, lines };

  MessageArg(std::string text) : text_(std::move(text)) {}
  MessageArg(const char* text) : text_(text) {}
  MessageArg(std::string_view text) : text_(text) {}
  MessageArg(const std::filesystem::path& path) : text_(path.string()) {}
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, char>, int> = 0>
  MessageArg(I number) : text_(std::to_string(number)) {}
  // A floating-point number has no one right format: the caller chooses it.
  MessageArg(double) = delete;
  MessageArg(float) = delete;
  MessageArg(bool) = delete;
  MessageArg(Message message);
  MessageArg(std::vector<Message> lines);

  Kind kind() const { return kind_; }
  const std::string& text() const { return text_; }            // Kind::text
  const Message& message() const { return messages_->front(); }  // Kind::message
  const std::vector<Message>& lines() const { return *messages_; }  // Kind::lines

 private:
  Kind kind_ = Kind::text;
  std::string text_;
  std::shared_ptr<const std::vector<Message>> messages_;
};

class Message {
 public:
  Message() = default;  // no message
  template <class E, class... Args, std::enable_if_t<IsMessageEnum<E>::value, int> = 0>
  Message(E id, Args&&... args)
      : id_{MessageAreaOf<E>::value, static_cast<std::uint16_t>(id)}, args_{MessageArg(std::forward<Args>(args))...} {}
  Message(MessageId id, std::vector<MessageArg> args) : id_(id), args_(std::move(args)) {}

  bool empty() const { return id_.area == MessageArea::none; }
  MessageId id() const { return id_; }
  const std::vector<MessageArg>& args() const { return args_; }
  // The message in English, arguments filled in.
  std::string english() const;

 private:
  MessageId id_;
  std::vector<MessageArg> args_;
};

// The catalogue.
struct MessageEntry {
  MessageId id;
  const char* name;     // "data.dataset_missing": stable, the translation's key
  const char* english;  // with %1, %2, ...
};
const std::vector<MessageEntry>& message_catalogue();
const MessageEntry& message_entry(MessageId id);  // an unknown id gives an entry with empty text

// Fills %1..%9 in one pass (a %2 inside an argument stays as it is).
std::string fill_message(std::string_view english_template, const std::vector<std::string>& args);

}  // namespace lora
