#include "tokenizer_config.h"

#include <cmath>
#include <filesystem>

#include "atomic_file.h"
#include "error.h"
#include "json_reader.h"
#include "text_messages.h"

namespace lora {

namespace {

// bos_token & co: a string, null, or an AddedToken object {"content": ..., "__type": "AddedToken"}.
std::string read_token_field(const nlohmann::json& config, const char* key, const JsonPath& at) {
  const nlohmann::json* field = find_field(config, key);
  if (field == nullptr) return "";
  if (field->is_string()) return field->get<std::string>();
  if (field->is_object()) return require_string(*field, "content", at / key);
  (at / key).fail_value(*field, msg::Text::expected_token_text);
}

}  // namespace

bool is_llama_family_tokenizer_class(const std::string& tokenizer_class) {
  return tokenizer_class == "LlamaTokenizer" || tokenizer_class == "LlamaTokenizerFast" ||
         tokenizer_class == "CodeLlamaTokenizer" || tokenizer_class == "CodeLlamaTokenizerFast" ||
         tokenizer_class == "GemmaTokenizer" || tokenizer_class == "GemmaTokenizerFast";
}

TokenizerConfigFile read_tokenizer_config(const std::string& dir) {
  TokenizerConfigFile result;
  const std::filesystem::path folder(dir);
  const std::filesystem::path config_path = folder / "tokenizer_config.json";
  if (std::filesystem::is_regular_file(config_path)) {
    result.present = true;
    const nlohmann::json config = parse_json_object_file(config_path.string());
    const JsonPath at(config_path.string());
    TokenizerConfig& tokens = result.tokens;
    tokens.bos_token = read_token_field(config, "bos_token", at);
    tokens.eos_token = read_token_field(config, "eos_token", at);
    tokens.pad_token = read_token_field(config, "pad_token", at);
    tokens.unk_token = read_token_field(config, "unk_token", at);
    tokens.add_bos_token = read_optional_bool(config, "add_bos_token", at);
    tokens.add_eos_token = read_optional_bool(config, "add_eos_token", at);
    result.legacy = read_optional_bool(config, "legacy", at);
    result.tokenizer_class = read_string(config, "tokenizer_class", "", at);

    if (const auto* max_length = find_field(config, "model_max_length")) {
      const double value = json_to_number(*max_length, at / "model_max_length");
      // Values beyond 2^53 are transformers' "no limit" (int(1e30)), not a real context length.
      if (value >= 1.0 && value < 9.0e15) tokens.model_max_length = static_cast<int64_t>(std::llround(value));
    }

    if (const auto* chat_template = find_field(config, "chat_template")) {
      if (chat_template->is_string()) {
        tokens.chat_template = chat_template->get<std::string>();
        tokens.chat_template_file = config_path.string();
      } else if (chat_template->is_array()) {
        // Several named templates: [{"name": "default", "template": "..."}, {"name": "tool_use", ...}].
        for (size_t i = 0; i < chat_template->size(); ++i) {
          const auto& entry = (*chat_template)[i];
          const JsonPath entry_at = (at / "chat_template")[i];
          if (require_string(entry, "name", entry_at) == "default") {
            tokens.chat_template = require_string(entry, "template", entry_at);
            tokens.chat_template_file = config_path.string();
          }
        }
      } else {
        (at / "chat_template").fail(msg::Text::must_be_chat_template);
      }
    }

    if (const auto* extra = find_field(config, "additional_special_tokens")) {
      if (!extra->is_array()) (at / "additional_special_tokens").fail(msg::Text::must_be_a_list);
      for (size_t i = 0; i < extra->size(); ++i) {
        const auto& item = (*extra)[i];
        if (item.is_string())
          result.additional_special_tokens.push_back(item.get<std::string>());
        else if (item.is_object())
          result.additional_special_tokens.push_back(require_string(item, "content", (at / "additional_special_tokens")[i]));
        else
          (at / "additional_special_tokens")[i].fail(msg::Text::must_be_token_text);
      }
    }

    // extra_special_tokens: model-specific named tokens ({"image_token": "<image_soft_token>"} in
    // Gemma 3) or, from transformers 5 on, the list that replaces additional_special_tokens. Either
    // way transformers counts them among the special tokens (and adds those the vocabulary lacks).
    if (const auto* extra = find_field(config, "extra_special_tokens")) {
      const JsonPath extra_at = at / "extra_special_tokens";
      auto read_token = [&](const nlohmann::json& item, const JsonPath& item_at) {
        if (item.is_string())
          result.additional_special_tokens.push_back(item.get<std::string>());
        else if (item.is_object())
          result.additional_special_tokens.push_back(require_string(item, "content", item_at));
        else
          item_at.fail(msg::Text::must_be_token_text);
      };
      if (extra->is_array()) {
        for (size_t i = 0; i < extra->size(); ++i) read_token((*extra)[i], extra_at[i]);
      } else if (extra->is_object()) {
        for (auto it = extra->begin(); it != extra->end(); ++it) read_token(it.value(), extra_at / it.key());
      } else {
        extra_at.fail(msg::Text::must_be_special_tokens);
      }
    }

    if (const auto* declared = find_field(config, "added_tokens_decoder")) {
      if (!declared->is_object()) (at / "added_tokens_decoder").fail(msg::Text::must_be_added_tokens_decoder);
      for (auto it = declared->begin(); it != declared->end(); ++it) {
        const JsonPath entry_at = at / "added_tokens_decoder" / it.key();
        int32_t id = -1;
        try {
          size_t used = 0;
          id = std::stoi(it.key(), &used);
          if (used != it.key().size() || id < 0) throw std::invalid_argument("id");
        } catch (const std::exception&) {
          entry_at.fail(msg::Text::key_not_token_id);
        }
        AddedToken token;
        token.content = require_string(it.value(), "content", entry_at);
        token.single_word = read_bool(it.value(), "single_word", false, entry_at);
        token.lstrip = read_bool(it.value(), "lstrip", false, entry_at);
        token.rstrip = read_bool(it.value(), "rstrip", false, entry_at);
        token.special = read_bool(it.value(), "special", false, entry_at);
        token.normalized = read_bool(it.value(), "normalized", !token.special, entry_at);
        result.added_tokens_decoder.emplace_back(id, token);
      }
    }
  }
  const std::filesystem::path jinja_path = folder / "chat_template.jinja";
  if (std::filesystem::is_regular_file(jinja_path)) {
    result.tokens.chat_template = read_text_file(jinja_path.string());
    result.tokens.chat_template_file = jinja_path.string();
  }
  return result;
}

}  // namespace lora
