#include "message.h"

namespace lora {

MessageArg::MessageArg(Message message)
    : kind_(Kind::message), messages_(std::make_shared<const std::vector<Message>>(1, std::move(message))) {}

MessageArg::MessageArg(std::vector<Message> lines)
    : kind_(Kind::lines), messages_(std::make_shared<const std::vector<Message>>(std::move(lines))) {}

std::string fill_message(std::string_view english_template, const std::vector<std::string>& args) {
  std::string out;
  out.reserve(english_template.size() + 64);
  for (size_t i = 0; i < english_template.size(); ++i) {
    const char c = english_template[i];
    if (c == '%' && i + 1 < english_template.size() && english_template[i + 1] >= '1' &&
        english_template[i + 1] <= '9') {
      const size_t n = static_cast<size_t>(english_template[i + 1] - '0');
      if (n <= args.size()) {
        out += args[n - 1];
        ++i;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string Message::english() const {
  std::vector<std::string> texts;
  texts.reserve(args_.size());
  for (const MessageArg& arg : args_) {
    switch (arg.kind()) {
      case MessageArg::Kind::text: texts.push_back(arg.text()); break;
      case MessageArg::Kind::message: texts.push_back(arg.message().english()); break;
      case MessageArg::Kind::lines: {
        std::string joined;
        for (const Message& line : arg.lines()) {
          if (!joined.empty()) joined += '\n';
          joined += line.english();
        }
        texts.push_back(std::move(joined));
        break;
      }
    }
  }
  if (id_.area == MessageArea::none) return texts.empty() ? std::string() : texts.front();
  return fill_message(message_entry(id_).english, texts);
}

}  // namespace lora
