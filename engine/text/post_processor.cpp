#include "post_processor.h"

#include "text_messages.h"

#include <string>
#include <unordered_map>

namespace lora {

namespace {

// A single-sequence template: ids before and after the sequence.
class TemplatePostProcessor : public PostProcessor {
 public:
  TemplatePostProcessor(std::vector<int32_t> before, std::vector<int32_t> after)
      : before_(std::move(before)), after_(std::move(after)) {}
  void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
    if (!add_special_tokens) return;
    ids.insert(ids.begin(), before_.begin(), before_.end());
    ids.insert(ids.end(), after_.begin(), after_.end());
  }

 private:
  std::vector<int32_t> before_, after_;
};

class NoOpPostProcessor : public PostProcessor {
 public:
  void process(std::vector<int32_t>&, bool) const override {}
};

class SequencePostProcessor : public PostProcessor {
 public:
  explicit SequencePostProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : parts_(std::move(parts)) {}
  void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
    for (const auto& part : parts_) part->process(ids, add_special_tokens);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

// A template piece as tokenizers accepts it: {"SpecialToken": {"id": ...}}, {"Sequence": {"id": "A"}},
// or the string form "$A", "$B:1", "[CLS]", "<s>:0".
struct TemplatePiece {
  bool is_sequence = false;
  bool is_first_sequence = false;
  std::string special_token;
};

TemplatePiece parse_template_piece(const nlohmann::json& piece, const JsonPath& at) {
  TemplatePiece result;
  if (piece.is_string()) {
    std::string text = piece.get<std::string>();
    const auto colon = text.rfind(':');
    if (colon != std::string::npos && colon + 1 < text.size() &&
        text.find_first_not_of("0123456789", colon + 1) == std::string::npos)
      text = text.substr(0, colon);
    if (!text.empty() && text[0] == '$') {
      const std::string which = text.substr(1);
      result.is_sequence = true;
      if (which.empty() || which == "A" || which == "0")
        result.is_first_sequence = true;
      else if (which != "B" && which != "1")
        at.fail(Message(msg::Text::not_a_sequence_placeholder, text));
    } else {
      result.special_token = text;
    }
    return result;
  }
  if (const auto* sequence = find_field(piece, "Sequence")) {
    result.is_sequence = true;
    const std::string id = require_string(*sequence, "id", at / "Sequence");
    if (id != "A" && id != "B") (at / "Sequence" / "id").fail(msg::Text::must_be_a_or_b);
    result.is_first_sequence = id == "A";
    return result;
  }
  if (const auto* special = find_field(piece, "SpecialToken")) {
    result.special_token = require_string(*special, "id", at / "SpecialToken");
    return result;
  }
  at.fail(msg::Text::must_be_template_piece);
}

std::unique_ptr<PostProcessor> make_template(const nlohmann::json& config, const JsonPath& at) {
  // special_tokens: {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}
  std::unordered_map<std::string, std::vector<int32_t>> special_ids;
  if (const auto* specials = find_field(config, "special_tokens")) {
    if (!specials->is_object()) (at / "special_tokens").fail(msg::Text::must_be_an_object);
    for (auto it = specials->begin(); it != specials->end(); ++it) {
      const JsonPath entry_at = at / "special_tokens" / it.key();
      const auto& ids = require_field(it.value(), "ids", entry_at);
      if (!ids.is_array()) (entry_at / "ids").fail(msg::Text::must_be_a_list_of_ids);
      std::vector<int32_t> list;
      for (const auto& id : ids) {
        list.push_back(static_cast<int32_t>(json_to_int(id, (entry_at / "ids")[list.size()], 0, INT32_MAX)));
      }
      special_ids[it.key()] = std::move(list);
    }
  }
  const auto& single = require_field(config, "single", at);
  std::vector<nlohmann::json> pieces;
  if (single.is_string()) {
    // "<s> $A" splits on spaces, as tokenizers' Template::try_from(&str).
    const std::string text = single.get<std::string>();
    size_t start = 0;
    while (start <= text.size()) {
      const size_t space = text.find(' ', start);
      const std::string part = text.substr(start, space == std::string::npos ? std::string::npos : space - start);
      if (!part.empty()) pieces.emplace_back(part);
      if (space == std::string::npos) break;
      start = space + 1;
    }
  } else if (single.is_array()) {
    pieces.assign(single.begin(), single.end());
  } else {
    (at / "single").fail(msg::Text::must_be_template);
  }
  std::vector<int32_t> before, after;
  bool seen_sequence = false;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const TemplatePiece piece = parse_template_piece(pieces[i], (at / "single")[i]);
    if (piece.is_sequence) {
      if (!piece.is_first_sequence) (at / "single")[i].fail(msg::Text::second_sequence_in_single_template);
      seen_sequence = true;
      continue;
    }
    const auto ids = special_ids.find(piece.special_token);
    if (ids == special_ids.end())
      (at / "single")[i].fail(Message(msg::Text::undefined_special_token, piece.special_token));
    auto& target = seen_sequence ? after : before;
    target.insert(target.end(), ids->second.begin(), ids->second.end());
  }
  return std::make_unique<TemplatePostProcessor>(std::move(before), std::move(after));
}

// BertProcessing / RobertaProcessing: {"cls": ["[CLS]", 101], "sep": ["[SEP]", 102]} → cls $A sep.
std::unique_ptr<PostProcessor> make_cls_sep(const nlohmann::json& config, const JsonPath& at) {
  auto id_of = [&](const char* key) {
    const auto& pair = require_field(config, key, at);
    if (!pair.is_array() || pair.size() != 2) (at / key).fail(msg::Text::must_be_token_id_pair);
    return static_cast<int32_t>(json_to_int(pair[1], (at / key)[1], 0, INT32_MAX));
  };
  return std::make_unique<TemplatePostProcessor>(std::vector<int32_t>{id_of("cls")}, std::vector<int32_t>{id_of("sep")});
}

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(const nlohmann::json& config, const JsonPath& at) {
  if (config.is_null()) return nullptr;
  if (!config.is_object()) at.fail(msg::Text::must_be_object_or_null);
  const std::string type = require_string(config, "type", at);
  if (type == "TemplateProcessing") return make_template(config, at);
  if (type == "ByteLevel") return std::make_unique<NoOpPostProcessor>();
  if (type == "BertProcessing" || type == "RobertaProcessing") return make_cls_sep(config, at);
  if (type == "Sequence") {
    const auto& list = require_field(config, "processors", at);
    if (!list.is_array()) (at / "processors").fail(msg::Text::must_be_a_list);
    std::vector<std::unique_ptr<PostProcessor>> parts;
    for (size_t i = 0; i < list.size(); ++i) {
      auto part = make_post_processor(list[i], (at / "processors")[i]);
      if (part) parts.push_back(std::move(part));
    }
    return std::make_unique<SequencePostProcessor>(std::move(parts));
  }
  (at / "type").fail(Message(msg::Text::unknown_post_processor, type));
}

std::unique_ptr<PostProcessor> make_bos_eos_template(int32_t bos_id, int32_t eos_id) {
  std::vector<int32_t> before, after;
  if (bos_id >= 0) before.push_back(bos_id);
  if (eos_id >= 0) after.push_back(eos_id);
  return std::make_unique<TemplatePostProcessor>(std::move(before), std::move(after));
}

}  // namespace lora
