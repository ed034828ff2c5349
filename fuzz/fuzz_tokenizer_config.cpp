// tokenizer_config.json: special tokens (strings or AddedToken objects), add_bos/eos_token,
// added_tokens_decoder, model_max_length, chat_template. An accepted config then completes a small
// real tokenizer.json, as a model folder would, and the result must still encode and decode.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "error.h"
#include "fuzz_support.h"
#include "tokenizer_config.h"
#include "tokenizer_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::write_scratch_file("tokenizer_config.json", data, size);
  lora::TokenizerConfigFile config;
  try {
    config = lora::read_tokenizer_config(fuzz::scratch_dir());
  } catch (const lora::Error&) {
    return 0;
  }
  for (const char* seed : {"fuzz_tokenizer_json/qwen3-small.json", "fuzz_tokenizer_json/llama2-small.json"}) {
    try {
      const lora::TokenizerJson tokenizer(fuzz::corpus_file(seed), config);
      const std::string text = "<s>Hello " + config.tokens.bos_token + " world " + config.tokens.eos_token + "</s>";
      for (bool special : {true, false}) {
        const std::vector<int32_t> ids = tokenizer.encode(text, special);
        for (int32_t id : ids)
          if (id < 0) std::abort();
        tokenizer.decode(ids, true);
      }
    } catch (const lora::Error&) {
    }
  }
  return 0;
}
