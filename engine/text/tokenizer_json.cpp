#include "tokenizer_json.h"

#include <algorithm>
#include <unordered_set>

#include "error.h"
#include "json_reader.h"
#include "text_messages.h"
#include "unicode_text.h"

namespace lora {

TokenizerJson::TokenizerJson(const std::string& tokenizer_json_path, const TokenizerConfigFile& config)
    : path_(tokenizer_json_path) {
  const nlohmann::json root = parse_json_object_file(path_);
  const JsonPath at(path_);
  if (const auto version = read_optional_string(root, "version", at); version && *version != "1.0")
    (at / "version").fail(Message(msg::Text::unknown_tokenizer_version, *version));

  model_ = std::make_unique<BpeModel>(require_field(root, "model", at), at / "model");
  normalizer_ = make_normalizer(root.value("normalizer", nlohmann::json()), at / "normalizer");
  pre_tokenizer_ = make_pre_tokenizer(root.value("pre_tokenizer", nlohmann::json()), at / "pre_tokenizer");
  post_processor_ = make_post_processor(root.value("post_processor", nlohmann::json()), at / "post_processor");
  decoder_ = make_token_decoder(root.value("decoder", nlohmann::json()), at / "decoder");

  // added_tokens, in file order, as tokenizers deserializes them.
  std::vector<AddedToken> file_tokens;
  if (const auto* list = find_field(root, "added_tokens")) {
    if (!list->is_array()) (at / "added_tokens").fail(msg::Text::must_be_a_list);
    for (size_t i = 0; i < list->size(); ++i) {
      const auto& entry = (*list)[i];
      const JsonPath entry_at = (at / "added_tokens")[i];
      AddedToken token;
      token.content = require_string(entry, "content", entry_at);
      token.special = read_bool(entry, "special", false, entry_at);
      token.single_word = read_bool(entry, "single_word", false, entry_at);
      token.lstrip = read_bool(entry, "lstrip", false, entry_at);
      token.rstrip = read_bool(entry, "rstrip", false, entry_at);
      token.normalized = read_bool(entry, "normalized", !token.special, entry_at);
      file_tokens.push_back(std::move(token));
    }
  }
  add_tokens(file_tokens);

  // transformers adds what tokenizer_config.json declares and the file lacks: added_tokens_decoder
  // entries, then the named special tokens (as special, not normalized).
  std::vector<AddedToken> config_tokens;
  std::unordered_set<std::string> queued;
  for (const auto& [id, token] : config.added_tokens_decoder) {
    if (!added_.token_to_id(token.content) && queued.insert(token.content).second) config_tokens.push_back(token);
  }
  std::vector<std::string> named = {config.tokens.bos_token, config.tokens.eos_token, config.tokens.unk_token,
                                    config.tokens.pad_token};
  named.insert(named.end(), config.additional_special_tokens.begin(), config.additional_special_tokens.end());
  for (const auto& content : named) {
    if (content.empty()) continue;
    if (const auto id = added_.token_to_id(content)) {
      // A token the config names special is special (skipped by decode(skip_special_tokens)).
      AddedToken token = *added_.token_of_id(*id);
      if (!token.special) {
        token.special = true;
        added_.add(*id, token);
      }
      continue;
    }
    if (!queued.insert(content).second) continue;
    AddedToken token;
    token.content = content;
    token.special = true;
    token.normalized = false;
    config_tokens.push_back(token);
  }
  if (!config_tokens.empty()) add_tokens(config_tokens);

  // Normalized added tokens are searched for in their normalized form.
  std::unordered_map<int32_t, std::string> normalized_forms;
  if (normalizer_) {
    for (const auto& [id, token] : added_.tokens()) {
      if (!token.normalized) continue;
      TextPiece piece{token.content, true};
      normalizer_->normalize(piece);
      normalized_forms[id] = piece.text;
    }
  }
  added_.rebuild(normalized_forms);

  size_t distinct = model_->vocab_size();
  for (const auto& [id, token] : added_.tokens())
    if (!model_->token_to_id(token.content)) ++distinct;
  vocab_size_ = static_cast<int32_t>(distinct);

  config_ = config.tokens;
  auto id_of = [&](const std::string& token) -> int32_t {
    if (token.empty()) return -1;
    return token_to_id(token).value_or(-1);
  };
  config_.bos_id = id_of(config_.bos_token);
  config_.eos_id = id_of(config_.eos_token);
  config_.pad_id = id_of(config_.pad_token);
  config_.unk_id = id_of(config_.unk_token);

  // Which special tokens encode() adds. transformers replaces the file's post-processor by
  // "[bos] $A [eos]" when tokenizer_config.json sets add_bos_token or add_eos_token (transformers 5's
  // TokenizersBackend), and always for the Llama-family classes (LlamaTokenizerFast & co., whose
  // defaults are add_bos_token=true, add_eos_token=false). Otherwise the file's post_processor decides.
  const bool llama_family = is_llama_family_tokenizer_class(config.tokenizer_class);
  if (config.tokens.add_bos_token.has_value() || config.tokens.add_eos_token.has_value() || llama_family) {
    const bool add_bos = config.tokens.add_bos_token.value_or(llama_family);
    const bool add_eos = config.tokens.add_eos_token.value_or(false);
    post_processor_ = make_bos_eos_template(add_bos ? config_.bos_id : -1, add_eos ? config_.eos_id : -1);
  }
}

void TokenizerJson::add_tokens(const std::vector<AddedToken>& tokens) {
  const int32_t model_size = static_cast<int32_t>(model_->vocab_size());
  int32_t next_id = model_size;
  if (added_.size() > 0) {
    int32_t max_added = -1;
    for (const auto& [id, token] : added_.tokens()) max_added = std::max(max_added, id);
    next_id = (max_added >= model_size || model_size == 0) ? max_added + 1 : model_size;
  }
  for (const auto& token : tokens) {
    if (token.content.empty()) continue;
    int32_t id;
    if (const auto existing = added_.token_to_id(token.content)) {
      id = *existing;
    } else if (const auto in_model = model_->token_to_id(token.content)) {
      id = *in_model;
    } else {
      id = next_id++;
    }
    added_.add(id, token);
  }
}

std::optional<int32_t> TokenizerJson::token_to_id(const std::string& token) const {
  if (const auto id = added_.token_to_id(token)) return id;
  return model_->token_to_id(token);
}

std::string TokenizerJson::id_to_token(int32_t id) const {
  if (const std::string* added = added_.decode_string_of_id(id)) return *added;
  if (const std::string* token = model_->id_to_token(id)) return *token;
  return "";
}

bool TokenizerJson::is_special(int32_t id) const {
  const AddedToken* token = added_.token_of_id(id);
  return token != nullptr && token->special;
}

void TokenizerJson::encode_section(const TextPiece& section, std::vector<int32_t>& ids) const {
  TextPiece normalized = section;
  if (normalizer_) normalizer_->normalize(normalized);
  if (normalized.text.empty()) return;
  std::vector<TextPiece> pieces;
  for (const auto& split : added_.split(normalized.text, true)) {
    if (split.token_id) {
      ids.push_back(*split.token_id);
      continue;
    }
    if (split.end == split.begin) continue;
    pieces.clear();
    pieces.push_back({normalized.text.substr(split.begin, split.end - split.begin),
                      normalized.at_text_start && split.begin == 0});
    if (pre_tokenizer_) pre_tokenizer_->pre_tokenize(pieces);
    for (const auto& piece : pieces) model_->tokenize(piece.text, ids);
  }
}

std::vector<int32_t> TokenizerJson::encode(const std::string& text, bool add_special_tokens) const {
  // Hugging Face only ever sees valid Unicode; malformed bytes become U+FFFD as Python would decode them.
  const std::string input = unicode::to_valid_utf8(text);
  std::vector<int32_t> ids;
  ids.reserve(input.size() / 3 + 4);
  for (const auto& split : added_.split(input, false)) {
    if (split.token_id) {
      ids.push_back(*split.token_id);
      continue;
    }
    if (split.end == split.begin) continue;
    encode_section({input.substr(split.begin, split.end - split.begin), split.begin == 0}, ids);
  }
  if (post_processor_) post_processor_->process(ids, add_special_tokens);
  return ids;
}

std::string TokenizerJson::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const int32_t id : ids) {
    const std::string* token = added_.decode_string_of_id(id);
    if (token == nullptr) token = model_->id_to_token(id);
    if (token == nullptr) continue;  // ids outside the vocabulary decode to nothing, as in tokenizers
    if (skip_special_tokens && added_.is_special_content(*token)) continue;
    tokens.push_back(*token);
  }
  if (!decoder_) {
    std::string joined;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) joined += ' ';
      joined += tokens[i];
    }
    return joined;
  }
  decoder_->decode_chain(tokens);
  std::string text;
  for (const auto& part : tokens) text += part;
  return text;
}

}  // namespace lora
