// Tokenizer::load: which tokenizer a model folder gets.
#include <filesystem>

#include "error.h"
#include "text_messages.h"
#include "sentencepiece_tokenizer.h"
#include "tokenizer.h"
#include "tokenizer_config.h"
#include "tokenizer_json.h"

namespace lora {

std::unique_ptr<Tokenizer> Tokenizer::load(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path given(path);
  std::error_code error;
  // A tokenizer file may be named directly; its folder then supplies tokenizer_config.json.
  if (fs::is_regular_file(given, error)) {
    const std::string folder = given.parent_path().empty() ? "." : given.parent_path().string();
    if (given.extension() == ".json") return std::make_unique<TokenizerJson>(path, read_tokenizer_config(folder));
    if (given.extension() == ".model")
      return std::make_unique<SentencePieceTokenizer>(path, read_tokenizer_config(folder));
    throw Error(msg::Text::not_a_tokenizer_file, path);
  }
  if (!fs::is_directory(given, error)) throw Error(msg::Text::tokenizer_folder_missing, path);
  // tokenizer.json first, as transformers' fast tokenizers (AutoTokenizer's default) do.
  const fs::path json = given / "tokenizer.json";
  const fs::path model = given / "tokenizer.model";
  if (fs::is_regular_file(json, error)) return std::make_unique<TokenizerJson>(json.string(), read_tokenizer_config(path));
  if (fs::is_regular_file(model, error))
    return std::make_unique<SentencePieceTokenizer>(model.string(), read_tokenizer_config(path));
  throw Error(msg::Text::no_tokenizer_in_folder, path);
}

}  // namespace lora
