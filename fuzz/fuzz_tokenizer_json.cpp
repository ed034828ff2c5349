// tokenizer.json loading and encoding. An input that loads as a tokenizer is used to encode and
// decode a fixed set of awkward texts; an input that does not load is itself encoded, as text,
// with two small real tokenizers (byte-level BPE from Qwen3, byte-fallback BPE from Llama 2), so
// most mutations exercise the encoder too.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "error.h"
#include "fuzz_support.h"
#include "tokenizer_config.h"
#include "tokenizer_json.h"

namespace {

// Encoding may refuse cleanly (lora::Error), as tokenizers does, e.g. when a word needs an unk_token
// the vocabulary lacks; anything else is a finding.
void exercise(const lora::Tokenizer& tokenizer, const std::string& text) try {
  for (bool special : {true, false}) {
    const std::vector<int32_t> ids = tokenizer.encode(text, special);
    for (int32_t id : ids)
      // Negative ids would index embeddings from the end. (An id missing from the vocabulary can come
      // from a post-processor, as in tokenizers; the model checks ids against its own vocab_size.)
      if (id < 0) std::abort();
    tokenizer.decode(ids, !special);
  }
} catch (const lora::Error&) {
}

std::unique_ptr<lora::Tokenizer> load_seed(const char* name) {
  return std::make_unique<lora::TokenizerJson>(fuzz::corpus_file(std::string("fuzz_tokenizer_json/") + name),
                                               lora::TokenizerConfigFile{});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<lora::Tokenizer> byte_level = load_seed("qwen3-small.json");
  static const std::unique_ptr<lora::Tokenizer> byte_fallback = load_seed("llama2-small.json");
  const std::string input(reinterpret_cast<const char*>(data), size);

  std::unique_ptr<lora::Tokenizer> loaded;
  try {
    const std::string path = fuzz::write_scratch_file("tokenizer.json", data, size);
    loaded = std::make_unique<lora::TokenizerJson>(path, lora::TokenizerConfigFile{});
  } catch (const lora::Error&) {
  }
  if (loaded) {
    const char* texts[] = {"Hello, world! 123 4567", "  leading  spaces\tand\nnewlines\r\n",
                           "\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x8c\xe4\xb8\x96\xe7\x95\x8c", "caf\x65\xcc\x81 \xf0\x9f\x98\x80",
                           "\xff\xfe broken \xc3 utf8 \xed\xa0\x80", "<|im_start|>user\nhi<|im_end|>", "</s><s><unk>", ""};
    for (const char* text : texts) exercise(*loaded, text);
    std::vector<int32_t> every_id;
    for (int32_t id = -2; id < loaded->vocab_size() + 2 && id < 300; ++id) every_id.push_back(id);
    loaded->decode(every_id, false);
    for (int32_t id = 0; id < loaded->vocab_size() && id < 300; ++id) {
      const std::string piece = loaded->id_to_token(id);
      loaded->token_to_id(piece);
      loaded->is_special(id);
    }
    return 0;
  }
  // The first 512 bytes: long enough for every path of the encoder, short enough to keep runs fast.
  const std::string text = input.substr(0, 512);
  exercise(*byte_level, text);
  exercise(*byte_fallback, text);
  return 0;
}
