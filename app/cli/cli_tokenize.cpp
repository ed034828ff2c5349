// lora-studio-cli tokenize: token ids of JSON-lines text, as Hugging Face tokenizer.encode(text).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_command.h"
#include "gguf_model_import.h"
#include "error.h"
#include "tokenizer.h"

namespace cli {
namespace {

constexpr const char* kHelp =
    R"(DIR holds a model or just its tokenizer files (tokenizer.json, or tokenizer.model, plus
tokenizer_config.json). Each line of the input file (- for stdin) is one JSON string; for each,
one line is printed: the JSON array of its token ids, e.g. [1,15043,3186].

By default the special tokens Hugging Face's tokenizer.encode(text) adds are added (BOS for
Llama 2 / Mistral, the post-processor's tokens for tokenizer.json files). Special tokens written
in the text (<|im_end|>, </s>, ...) are always recognised as single ids.

Options:
  --model DIR       the model or tokenizer folder, or a .gguf file (or give it as the argument DIR)
  --input F.jsonl   the strings to tokenize, one JSON string per line (- for stdin)
  --no-special      do not add the special tokens (tokenizer.encode(text, add_special_tokens=False)))";

void write_ids(const std::vector<int32_t>& ids, std::string& out) {
  out += '[';
  char number[16];
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    const int length = std::snprintf(number, sizeof(number), "%d", ids[i]);
    out.append(number, static_cast<size_t>(length));
  }
  out += "]\n";
}

int run_tokenize(const Args& args) {
  args.check_known({"model", "input", "no-special"});
  const std::string dir = lora::gguf::resolve_model_path(args.model_dir(0));  // a .gguf file too
  const std::string input_path = args.require("input");
  const bool add_special_tokens = !args.has("no-special");
  const auto tokenizer = lora::Tokenizer::load(dir);

  std::ifstream file;
  if (input_path != "-") {
    file.open(input_path, std::ios::binary);
    if (!file) throw cli::UsageError(input_path + ": cannot open the file");
  }
  std::istream& in = input_path == "-" ? std::cin : file;
  const std::string name = input_path == "-" ? "stdin" : input_path;

  std::string line, out;
  size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    nlohmann::json value;
    try {
      value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      // nlohmann says "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ...":
      // keep what comes after the position, which is about the line as a whole.
      std::string detail = e.what();
      const auto position_end = detail.find(": ");
      if (position_end != std::string::npos) detail = detail.substr(position_end + 2);
      throw cli::UsageError(name + ": line " + std::to_string(line_number) + " is not valid JSON: " + detail);
    }
    if (!value.is_string())
      throw cli::UsageError(name + ": line " + std::to_string(line_number) + " must be a JSON string, got " +
                        value.type_name());
    write_ids(tokenizer->encode(value.get<std::string>(), add_special_tokens), out);
    if (out.size() > (1u << 16)) {
      std::cout << out;
      out.clear();
    }
  }
  if (in.bad()) throw cli::UsageError(name + ": read error after line " + std::to_string(line_number));
  std::cout << out << std::flush;
  return 0;
}

const CliCommandRegistration registration(
    {"tokenize", "tokenize DIR --input F.jsonl [--no-special]", kHelp, {"no-special"}, run_tokenize});

}  // namespace
}  // namespace cli
