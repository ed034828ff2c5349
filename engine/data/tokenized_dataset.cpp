#include "tokenized_dataset.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "data_messages.h"
#include "error.h"
#include "string_affix.h"

namespace lora {
namespace {

bool starts_with(const std::vector<int32_t>& ids, const std::vector<int32_t>& prefix) {
  return prefix.size() <= ids.size() && std::equal(prefix.begin(), prefix.end(), ids.begin());
}

bool ends_with(const std::vector<int32_t>& ids, const std::vector<int32_t>& suffix) {
  return suffix.size() <= ids.size() && std::equal(suffix.rbegin(), suffix.rend(), ids.rbegin());
}

std::string rstrip(const std::string& s) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '\n' || s[end - 1] == '\t' || s[end - 1] == '\r')) --end;
  return s.substr(0, end);
}

// Token ids of the segments' concatenated text, and where each segment's tokens start.
struct SegmentTokens {
  std::vector<int32_t> ids;
  std::vector<size_t> starts;
};

SegmentTokens encode_segments(const Tokenizer& tokenizer, const PromptSegments& segments) {
  SegmentTokens out;
  std::string full_text;
  std::vector<size_t> char_starts;
  for (const auto& segment : segments) {
    char_starts.push_back(full_text.size());
    full_text += segment.text;
  }
  out.ids = tokenizer.encode(full_text, false);
  out.starts.push_back(0);
  bool aligned = true;
  for (size_t k = 1; k < segments.size() && aligned; ++k) {
    const std::vector<int32_t> prefix = tokenizer.encode(full_text.substr(0, char_starts[k]), false);
    aligned = starts_with(out.ids, prefix) && prefix.size() >= out.starts.back();
    out.starts.push_back(prefix.size());
  }
  if (aligned) return out;
  // A token straddles a boundary: encode the parts on their own (text-generation-webui's way).
  out.ids.clear();
  out.starts.clear();
  for (const auto& segment : segments) {
    out.starts.push_back(out.ids.size());
    const std::vector<int32_t> part = tokenizer.encode(segment.text, false);
    out.ids.insert(out.ids.end(), part.begin(), part.end());
  }
  return out;
}

int64_t count_targets(const std::vector<int32_t>& labels) {
  int64_t count = 0;
  for (size_t i = 1; i < labels.size(); ++i) count += labels[i] != kIgnoreLabel;
  return count;
}

// Applies the cutoff and decides the example's fate.
void finish_example(TokenizedExample& example, const DatasetOptions& options) {
  example.full_length = static_cast<int64_t>(example.input_ids.size());
  if (example.full_length > options.cutoff_len) {
    if (options.drop_long) {
      example.fate = ExampleFate::DroppedTooLong;
    } else {
      example.fate = ExampleFate::Truncated;
      example.input_ids.resize(static_cast<size_t>(options.cutoff_len));
      example.labels.resize(static_cast<size_t>(options.cutoff_len));
    }
  }
  if (example.kept()) {
    example.target_tokens = count_targets(example.labels);
    if (example.target_tokens == 0) example.fate = ExampleFate::DroppedNoTargets;
  }
  if (!example.kept()) {
    example.input_ids.clear();
    example.labels.clear();
    example.input_ids.shrink_to_fit();
    example.labels.shrink_to_fit();
  }
}

}  // namespace

void DatasetOptions::validate() const {
  if (cutoff_len < 2) throw Error(msg::Data::cutoff_too_small, cutoff_len);
  if (raw_text_overlap < 0) throw Error(msg::Data::raw_text_overlap_negative, raw_text_overlap);
  if (max_record_bytes == 0) throw Error(msg::Data::record_size_limit_zero);
  if (!chat_template.empty() && chat_template != ChatTemplate::kModelName && !ChatTemplate::is_builtin_name(chat_template))
    ChatTemplate::builtin(chat_template);  // throws, naming the known templates
}

const char* example_fate_name(ExampleFate fate) {
  switch (fate) {
    case ExampleFate::Kept: return "kept";
    case ExampleFate::Truncated: return "truncated";
    case ExampleFate::DroppedTooLong: return "dropped: too long";
    case ExampleFate::DroppedNoTargets: return "dropped: no target tokens";
  }
  return "kept";
}

LengthPercentiles length_percentiles(std::vector<int64_t> lengths) {
  LengthPercentiles result;
  if (lengths.empty()) return result;
  std::sort(lengths.begin(), lengths.end());
  auto rank = [&](double p) {
    size_t r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(lengths.size())));
    return lengths[std::clamp<size_t>(r, 1, lengths.size()) - 1];
  };
  result.p50 = rank(50);
  result.p90 = rank(90);
  result.p99 = rank(99);
  result.max = lengths.back();
  return result;
}

TrainingDataset TrainingDataset::load(const std::string& path, const Tokenizer& tokenizer, const DatasetOptions& options) {
  options.validate();
  // The prompt format decides whether {"text": ...} is raw text, so resolve it before reading.
  const bool chat = options.format == "chat" || options.format.compare(0, 5, "chat:") == 0;
  DatasetReadOptions read_options;
  read_options.max_record_bytes = options.max_record_bytes;
  read_options.hard_cut = options.raw_text_hard_cut;
  if (!chat) read_options.text_objects_are_raw_text =
      !PromptFormat::resolve(options.format, options.format_search_dirs).uses_field("text");
  return from_file(read_dataset_file(path, read_options), tokenizer, options);
}

TrainingDataset TrainingDataset::from_file(DatasetFile file, const Tokenizer& tokenizer, const DatasetOptions& options) {
  options.validate();
  TrainingDataset dataset;
  dataset.path_ = file.path;
  dataset.layout_ = file.layout;
  dataset.options_ = options;
  dataset.tokenizer_ = &tokenizer;
  dataset.records_read_ = file.total_records();

  RenderSettings settings;
  settings.tokens = tokenizer.config();
  settings.train_on_prompt = options.train_on_prompt;
  std::string chat_name = options.chat_template;
  if (options.format == "chat" || options.format.compare(0, 5, "chat:") == 0) {
    settings.fields_as_chat = true;
    if (options.format.size() > 5 && chat_name.empty()) chat_name = options.format.substr(5);
  } else {
    settings.prompt_format = PromptFormat::resolve(options.format, options.format_search_dirs);
  }
  if (chat_name.empty() || chat_name == ChatTemplate::kModelName) {
    if (!ChatTemplate::from_model(tokenizer.config(), &settings.chat_template)) {
      if (!chat_name.empty())
        throw Error(msg::Data::model_without_chat_template);
      settings.chat_template = ChatTemplate::builtin("chatml");
    }
  } else {
    settings.chat_template = ChatTemplate::builtin(chat_name);  // throws, naming the known templates
  }
  dataset.renderer_ = std::make_shared<RecordRenderer>(std::move(settings));

  // What encode(text) adds around a text: find the bare encoding inside the full one.
  {
    const std::string probe = "Hello";
    const std::vector<int32_t> with = tokenizer.encode(probe, true), without = tokenizer.encode(probe, false);
    bool found = false;
    for (size_t at = 0; !found && at + without.size() <= with.size(); ++at) {
      if (std::equal(without.begin(), without.end(), with.begin() + static_cast<std::ptrdiff_t>(at))) {
        dataset.special_prefix_.assign(with.begin(), with.begin() + static_cast<std::ptrdiff_t>(at));
        dataset.special_suffix_.assign(with.begin() + static_cast<std::ptrdiff_t>(at + without.size()), with.end());
        found = true;
      }
    }
    if (!found) throw Error(msg::Data::special_tokens_unknown);
  }
  dataset.eos_id_ = tokenizer.config().eos_id;
  if (options.add_eos && dataset.eos_id_ < 0)
    throw Error(msg::Data::add_eos_without_eos_token);

  // Render every record once: every bad record is known now, not halfway through training.
  std::vector<RecordError> errors = std::move(file.errors);
  bool has_raw_text = false;
  for (auto& record : file.records) {
    try {
      std::vector<std::string> ignored;
      dataset.renderer_->render(record, &ignored);
      for (const auto& name : ignored) ++dataset.ignored_fields_[name];
      has_raw_text = has_raw_text || record.kind == RecordKind::RawText;
      dataset.records_.push_back(std::move(record));
    } catch (const Error& e) {
      errors.push_back({record.number, record.line, e.message()});
    }
  }
  std::sort(errors.begin(), errors.end(), [](const RecordError& a, const RecordError& b) { return a.number < b.number; });
  if (!errors.empty() && (!options.skip_bad_records || dataset.records_.empty()))
    throw DatasetError(dataset.path_, std::move(errors), dataset.records_read_,
                       dataset.records_.empty() ? Message(msg::Data::no_record_usable)
                                                : Message(msg::Data::fix_or_skip_bad_records));
  dataset.skipped_ = std::move(errors);

  if (has_raw_text) {
    const int64_t block = options.cutoff_len - static_cast<int64_t>(dataset.special_prefix_.size());
    if (options.raw_text_overlap >= block)
      throw Error(msg::Data::raw_text_overlap_too_large, options.raw_text_overlap, block, options.cutoff_len);
  }
  return dataset;
}

std::string TrainingDataset::format_description() const {
  const RenderSettings& settings = renderer_->settings();
  if (settings.fields_as_chat) return "chat (" + settings.chat_template.name() + ")";
  return settings.prompt_format.name();
}

PromptSegments TrainingDataset::render(size_t index) const { return renderer_->render(records_.at(index)); }

std::vector<TokenizedExample> TrainingDataset::tokenize(size_t index) const {
  const DatasetRecord& record = records_.at(index);
  if (record.kind == RecordKind::RawText) return tokenize_raw_text(index, record.text);

  const PromptSegments segments = renderer_->render(record);
  const SegmentTokens encoded = encode_segments(*tokenizer_, segments);
  TokenizedExample example;
  example.record = index;
  example.record_number = record.number;
  const bool train_all = options_.train_on_prompt;

  std::vector<int32_t>& ids = example.input_ids;
  std::vector<int32_t>& labels = example.labels;
  if (!starts_with(encoded.ids, special_prefix_)) {
    for (int32_t id : special_prefix_) {
      ids.push_back(id);
      labels.push_back(train_all ? id : kIgnoreLabel);
    }
  }
  for (size_t k = 0; k < segments.size(); ++k) {
    const size_t end = k + 1 < segments.size() ? encoded.starts[k + 1] : encoded.ids.size();
    const bool trained = train_all || segments[k].is_response;
    for (size_t t = encoded.starts[k]; t < end; ++t) {
      ids.push_back(encoded.ids[t]);
      labels.push_back(trained ? encoded.ids[t] : kIgnoreLabel);
    }
  }
  const bool ends_trained = train_all || (!segments.empty() && segments.back().is_response);
  if (!special_suffix_.empty() && !ends_with(ids, special_suffix_)) {
    for (int32_t id : special_suffix_) {
      ids.push_back(id);
      labels.push_back(ends_trained ? id : kIgnoreLabel);
    }
  }
  if (options_.add_eos && ends_trained && eos_id_ >= 0 && (ids.empty() || ids.back() != eos_id_)) {
    bool closed_by_chat_format = false;
    if (record.kind == RecordKind::Conversation || renderer_->settings().fields_as_chat) {
      const std::string last = rstrip(segments.back().text);
      for (const std::string& stop : renderer_->chat_stop_strings())
        closed_by_chat_format = closed_by_chat_format || (!stop.empty() && ends_with(last, stop));
    }
    if (!closed_by_chat_format) {
      ids.push_back(eos_id_);
      labels.push_back(eos_id_);
    }
  }
  finish_example(example, options_);
  return {std::move(example)};
}

std::vector<TokenizedExample> TrainingDataset::tokenize_raw_text(size_t index, const std::string& text) const {
  const DatasetRecord& record = records_.at(index);
  std::vector<int32_t> stream = tokenizer_->encode(text, false);
  if (options_.add_eos && eos_id_ >= 0) stream.push_back(eos_id_);
  const size_t block_len = static_cast<size_t>(options_.cutoff_len) - special_prefix_.size();
  const size_t overlap = static_cast<size_t>(options_.raw_text_overlap);
  const size_t stride = block_len - overlap;  // > 0: checked when the dataset was loaded
  std::vector<TokenizedExample> blocks;
  for (size_t start = 0;; start += stride) {
    const size_t end = std::min(start + block_len, stream.size());
    TokenizedExample example;
    example.record = index;
    example.record_number = record.number;
    example.block = blocks.size();
    for (int32_t id : special_prefix_) {
      example.input_ids.push_back(id);
      example.labels.push_back(options_.train_on_prompt ? id : kIgnoreLabel);
    }
    const size_t context_end = start == 0 ? start : start + overlap;  // the overlap only gives context
    for (size_t t = start; t < end; ++t) {
      example.input_ids.push_back(stream[t]);
      example.labels.push_back(t < context_end ? kIgnoreLabel : stream[t]);
    }
    finish_example(example, options_);
    blocks.push_back(std::move(example));
    if (end == stream.size()) break;
  }
  return blocks;
}

TokenizedSet TrainingDataset::tokenize_all(const std::function<void(size_t, size_t)>& progress) const {
  std::vector<size_t> all(records_.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  TokenizedSet set = tokenize_records(all, progress);
  return set;
}

TokenizedSet TrainingDataset::tokenize_records(const std::vector<size_t>& indices,
                                               const std::function<void(size_t, size_t)>& progress) const {
  TokenizedSet set;
  std::vector<int64_t> lengths;
  lengths.reserve(indices.size());
  for (size_t n = 0; n < indices.size(); ++n) {
    if (progress && n % 1000 == 0) progress(n, indices.size());
    for (TokenizedExample& example : tokenize(indices[n])) {
      lengths.push_back(example.full_length);
      switch (example.fate) {
        case ExampleFate::Truncated: ++set.stats.truncated; break;
        case ExampleFate::DroppedTooLong: ++set.stats.dropped_too_long; break;
        case ExampleFate::DroppedNoTargets: ++set.stats.dropped_no_targets; break;
        case ExampleFate::Kept: break;
      }
      if (example.kept()) {
        set.stats.tokens += static_cast<int64_t>(example.input_ids.size());
        set.stats.target_tokens += example.target_tokens;
        set.examples.push_back(std::move(example));
      } else {
        set.dropped.push_back(std::move(example));
      }
    }
  }
  if (progress) progress(indices.size(), indices.size());
  set.stats.records_read = records_read_;
  set.stats.records_skipped = skipped_.size();
  set.stats.records_used = indices.size();
  set.stats.examples = set.examples.size();
  set.stats.lengths = length_percentiles(std::move(lengths));
  return set;
}

std::string TrainingDataset::training_prompt_json() const {
  const RenderSettings& settings = renderer_->settings();
  nlohmann::ordered_json json;
  const bool all_raw = std::all_of(records_.begin(), records_.end(),
                                   [](const DatasetRecord& r) { return r.kind == RecordKind::RawText; });
  // Conversations only (raw text aside), or alpaca records written as conversations: the chat
  // template is the prompt, and chat with the adapter must use it.
  const bool all_chat = settings.fields_as_chat ||
                        std::all_of(records_.begin(), records_.end(), [](const DatasetRecord& r) {
                          return r.kind == RecordKind::Conversation || r.kind == RecordKind::RawText;
                        });
  if (all_raw)
    json["template_type"] = "raw_text";
  else if (all_chat)
    json["template_type"] = "chat_template";
  else
    json["template_type"] = "dataset";
  if (!settings.fields_as_chat && !all_raw) {
    size_t n = 0;
    for (const auto& entry : settings.prompt_format.templates()) json["template_" + std::to_string(n++)] = entry.text;
    nlohmann::ordered_json templates = nlohmann::ordered_json::object();
    for (const auto& entry : settings.prompt_format.templates()) templates[entry.key] = entry.text;
    json["templates"] = templates;
  }
  json["format"] = format_description();
  json["chat_template_name"] = settings.chat_template.name();
  json["chat_template"] = settings.chat_template.source();
  json["train_on_prompt"] = options_.train_on_prompt;
  json["add_eos"] = options_.add_eos;
  json["cutoff_len"] = options_.cutoff_len;
  return json.dump(2);
}

}  // namespace lora
