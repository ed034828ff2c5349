#pragma once
// A training dataset: records read and rendered up front (cheap; every bad record is known before
// training starts), tokenized into input_ids and labels on demand per record (the previewer) or all
// at once (the trainer).
//
// Labels. A label is the token id where the loss trains the model to produce that token, and
// kIgnoreLabel (-100) where it does not. By default only responses are trained: the prompt part of
// a template, every non-assistant part of a conversation, special tokens the tokenizer puts in front
// (BOS) are -100. With train_on_prompt, labels == input_ids.
//
// Tokenization is exact at the prompt/response boundary. The full text is encoded once; the prompt
// text (the text before each boundary) is encoded alone; when that is a prefix of the full encoding
// (byte-level BPE whose pre-tokenizer splits there, special-token-delimited chat turns: nearly
// always), the full encoding is used and the boundary falls between the same tokens inference would
// see. When a token would straddle the boundary (e.g. a template ending in "Answer: " whose space
// merges with the response's first word), the parts are encoded separately and concatenated, as
// text-generation-webui does (encode(prompt) + encode(response, no special tokens)): the prompt
// tokens are then exactly those inference feeds, and the labels mask exactly them.
//
// Special tokens: whatever the tokenizer's encode(text) adds (a TemplateProcessing post-processor's
// BOS, sentencepiece's add_bos_token) is added once around the whole text, not per part — and not
// again where the rendered text already begins with it (chat formats that write BOS as text).
//
// EOS (add_eos, on by default): appended after a record that ends with a response, unless the ids
// already end with it; for conversations only where the chat format's own end-of-turn marker
// (<|im_end|>, <|eot_id|>, </s>) does not already close the last turn. Truncated records lose it:
// their answer was cut off, so the model must not learn to stop there.
//
// Cutoff (cutoff_len tokens, EOS included): longer examples are truncated at the end (kept with
// truncated = true), or dropped with drop_long. An example with no target token left after the
// cutoff (a prompt longer than the cutoff) is dropped and counted, never trained on silently.
//
// Raw text (.txt parts and {"text": ...}): encoded whole (+ EOS with add_eos), then cut into blocks
// of cutoff_len tokens (BOS included where the tokenizer adds one) overlapping by raw_text_overlap
// tokens. The overlap is context only: its labels are -100 (train_on_prompt does not change that),
// so every token is a target in exactly one block. A block is never truncated.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dataset_records.h"
#include "record_rendering.h"
#include "tokenizer.h"

namespace lora {

constexpr int32_t kIgnoreLabel = -100;

struct DatasetOptions {
  // A built-in prompt format ("alpaca-format"), a format file (text-generation-webui's layout),
  // "chat" (alpaca records written as one user/assistant exchange in the chat format) or
  // "chat:<chat format>" (the same, naming the chat format, e.g. "chat:chatml").
  std::string format = PromptFormat::kDefaultName;
  std::vector<std::string> format_search_dirs;  // a bare NAME is also looked up as DIR/NAME.json
  // Chat template for conversations (and "chat"): "model" (the model's own), a built-in name
  // (chat_template.h); "" = the model's own, the built-in chatml when it has none.
  std::string chat_template;
  int64_t cutoff_len = 256;
  bool drop_long = false;        // drop examples longer than cutoff_len instead of truncating them
  bool train_on_prompt = false;  // labels = input_ids
  bool add_eos = true;
  bool skip_bad_records = false;  // go on without unusable records (they are listed, never silent)
  int64_t raw_text_overlap = 128;
  std::string raw_text_hard_cut = "\n\n\n";
  size_t max_record_bytes = 4u << 20;

  // Throws lora::Error naming the first invalid option.
  void validate() const;
};

enum class ExampleFate { Kept, Truncated, DroppedTooLong, DroppedNoTargets };
const char* example_fate_name(ExampleFate fate);  // "kept", "truncated", "dropped: too long", "dropped: no target tokens"

struct TokenizedExample {
  size_t record = 0;         // index for TrainingDataset::record() (0-based; bad records are not counted)
  size_t record_number = 0;  // 1-based number in the file, as messages show it
  size_t block = 0;          // raw text: 0-based block of the record; 0 otherwise
  std::vector<int32_t> input_ids;  // empty when dropped
  std::vector<int32_t> labels;     // same length; kIgnoreLabel where not trained
  int64_t full_length = 0;         // tokens before the cutoff
  // Tokens the loss predicts: positions >= 1 whose label is not kIgnoreLabel (the label at position
  // 0 has no context to be predicted from).
  int64_t target_tokens = 0;
  ExampleFate fate = ExampleFate::Kept;

  bool kept() const { return fate == ExampleFate::Kept || fate == ExampleFate::Truncated; }
  bool truncated() const { return fate == ExampleFate::Truncated; }
};

// Nearest-rank percentiles: the smallest length that at least p% of the examples do not exceed.
struct LengthPercentiles {
  int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};
LengthPercentiles length_percentiles(std::vector<int64_t> lengths);

struct DatasetStats {
  size_t records_read = 0;     // records in the file, good and bad
  size_t records_skipped = 0;  // bad records left out (skip_bad_records)
  size_t records_used = 0;     // records tokenized
  size_t examples = 0;         // kept examples (a raw-text record gives one per block)
  size_t truncated = 0;
  size_t dropped_too_long = 0;
  size_t dropped_no_targets = 0;
  int64_t tokens = 0;          // input tokens of the kept examples
  int64_t target_tokens = 0;   // their target tokens
  LengthPercentiles lengths;   // full_length of every example (kept or dropped), before the cutoff
};

struct TokenizedSet {
  std::vector<TokenizedExample> examples;  // the kept ones, in record order
  std::vector<TokenizedExample> dropped;   // the dropped ones (without ids), for the report
  DatasetStats stats;
};

class TrainingDataset {
 public:
  // Reads `path` and renders every record. Throws lora::Error for a bad file or option, and
  // DatasetError listing every unusable record unless options.skip_bad_records (also when no record
  // at all is usable). `tokenizer` must outlive the dataset.
  static TrainingDataset load(const std::string& path, const Tokenizer& tokenizer, const DatasetOptions& options = {});
  // The same for a file read already (tests, the previewer after an edit). Read it with
  // DatasetReadOptions::text_objects_are_raw_text off when the prompt format uses a %text% field.
  static TrainingDataset from_file(DatasetFile file, const Tokenizer& tokenizer, const DatasetOptions& options = {});

  const std::string& path() const { return path_; }
  DatasetLayout layout() const { return layout_; }
  const DatasetOptions& options() const { return options_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const RecordRenderer& renderer() const { return *renderer_; }

  size_t size() const { return records_.size(); }             // usable records
  size_t records_read() const { return records_read_; }       // usable + bad
  const DatasetRecord& record(size_t index) const { return records_.at(index); }
  const std::vector<RecordError>& skipped_records() const { return skipped_; }
  // String fields the prompt format ignored (not in any of its keys), with the number of records.
  const std::map<std::string, size_t>& ignored_fields() const { return ignored_fields_; }
  // "alpaca-format", a format file's name, or "chat (chatml)".
  std::string format_description() const;
  const ChatTemplate& chat_template() const { return renderer_->settings().chat_template; }

  PromptSegments render(size_t index) const;
  std::string text(size_t index) const { return segments_text(render(index)); }

  // One example, or one per block for a raw-text record. Dropped examples are returned too (fate
  // says why, ids empty).
  std::vector<TokenizedExample> tokenize(size_t index) const;
  // Every record, or the records `indices` (e.g. a split's train list), in that order.
  // `progress(done, total)` is called now and then.
  TokenizedSet tokenize_all(const std::function<void(size_t, size_t)>& progress = {}) const;
  TokenizedSet tokenize_records(const std::vector<size_t>& indices,
                                const std::function<void(size_t, size_t)>& progress = {}) const;

  // What training_prompt.json holds: text-generation-webui's {"template_type", "template_0", ...}
  // plus "format", "templates" (the format file), "chat_template" (the Jinja text conversations were
  // rendered with) and "chat_template_name", "train_on_prompt", "add_eos".
  std::string training_prompt_json() const;

 private:
  TrainingDataset() = default;
  std::vector<TokenizedExample> tokenize_raw_text(size_t index, const std::string& text) const;

  std::string path_;
  DatasetLayout layout_ = DatasetLayout::JsonLines;
  DatasetOptions options_;
  const Tokenizer* tokenizer_ = nullptr;
  std::shared_ptr<RecordRenderer> renderer_;
  std::vector<DatasetRecord> records_;
  std::vector<RecordError> skipped_;
  std::map<std::string, size_t> ignored_fields_;
  size_t records_read_ = 0;
  // What encode(text) adds around a text (found by probing the tokenizer once).
  std::vector<int32_t> special_prefix_, special_suffix_;
  int32_t eos_id_ = -1;
};

}  // namespace lora
