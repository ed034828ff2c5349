// lora-studio-cli dataset: what the trainer would see. One JSON object per training example on
// stdout, a summary (counts, length percentiles, skipped and dropped records) on stderr.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_command.h"
#include "error.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

namespace cli {
namespace {

const char* const kHelp = R"(Reads a training dataset the way `train` does and prints, for every training example,
one JSON object per line on stdout:
  {"record": N, "input_ids": [...], "labels": [...], "text": "...", "truncated": false}
(raw-text blocks also carry "block"). labels are -100 where the model is not trained (the prompt).
"text" is the rendered text: the prompt format or chat format applied to the record.
A summary goes to stderr: record counts, token-length percentiles (p50/p90/p99/max, before the
cutoff), truncated and dropped examples, and every record that could not be used, with its reason.

DATA      a JSON array or JSON Lines file of alpaca records {"instruction", "input", "output",
          "system", "history"}, ShareGPT {"conversations": [{"from", "value"}]}, OpenAI-style
          {"messages": [{"role", "content"}]} or {"text": ...}; or a raw .txt file
--dataset FILE         the dataset (or give it as the argument DATA)
--model DIR            model folder (or a folder with just the tokenizer files)
--format NAME|FILE     prompt format for alpaca records: alpaca-format (default), a
                       text-generation-webui format file, or chat / chat:<chat format> to write
                       them as a conversation in the chat template
--chat-template NAME   chat template for conversations: model (the model's own chat_template),
                       or built-in chatml, llama2, mistral, llama3, alpaca, raw
                       (default: the model's own, else chatml)
--cutoff-len N         maximum tokens per example (default 256)
--drop-long            drop examples longer than the cutoff (default: truncate them)
--train-on-prompt      train on the whole text, not only the responses
--add-eos | --no-add-eos   append EOS after each response (default: on)
--skip-bad-records     go on without records that cannot be used (they are still listed);
                       without it, any bad record is an error
--overlap N            raw text: tokens shared by consecutive blocks (default 128)
--hard-cut TEXT        raw .txt: split the text into independent parts here (default "\n\n\n")
)";

std::string unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void print_summary(const lora::TrainingDataset& dataset, const lora::TokenizedSet& set, std::ostream& out) {
  const lora::DatasetStats& stats = set.stats;
  const auto& options = dataset.options();
  out << "dataset:  " << dataset.path() << " (" << lora::dataset_layout_name(dataset.layout()) << ", format "
      << dataset.format_description() << ", chat template " << dataset.chat_template().describe() << ")\n";
  out << "records:  " << stats.records_read << " read, " << stats.records_used << " used, " << stats.records_skipped
      << " skipped as bad\n";
  out << "examples: " << stats.examples << " kept, " << stats.truncated << " truncated at " << options.cutoff_len
      << " tokens, " << stats.dropped_too_long << " dropped as too long, " << stats.dropped_no_targets
      << " dropped with no target tokens\n";
  out << "tokens:   " << stats.tokens << " in kept examples, " << stats.target_tokens << " of them trained\n";
  out << "length:   p50 " << stats.lengths.p50 << ", p90 " << stats.lengths.p90 << ", p99 " << stats.lengths.p99
      << ", max " << stats.lengths.max << " tokens (before the cutoff)\n";
  if (!dataset.ignored_fields().empty()) {
    out << "ignored fields (not used by the format):";
    for (const auto& [name, count] : dataset.ignored_fields()) out << " " << name << " (" << count << " records)";
    out << "\n";
  }
  if (!dataset.skipped_records().empty()) {
    out << "skipped records:\n" << lora::list_record_errors(dataset.skipped_records());
  }
  if (!set.dropped.empty()) {
    out << "dropped examples:\n";
    size_t listed = 0;
    for (const auto& example : set.dropped) {
      if (listed++ == lora::DatasetError::kMaxListed) {
        out << "  ... and " << set.dropped.size() - lora::DatasetError::kMaxListed << " more\n";
        break;
      }
      out << "  record " << example.record_number;
      if (dataset.record(example.record).kind == lora::RecordKind::RawText) out << " block " << example.block;
      out << ": " << lora::example_fate_name(example.fate) << " (" << example.full_length << " tokens)\n";
    }
  }
}

int run_dataset(const Args& args) {
  args.check_known({"model", "dataset", "format", "chat-template", "cutoff-len", "drop-long", "train-on-prompt", "add-eos",
                    "no-add-eos", "skip-bad-records", "overlap", "hard-cut"});
  // --dataset as in `train`, or the file as the argument.
  if (args.has("dataset") && !args.positional().empty())
    throw cli::UsageError("give the dataset either as --dataset or as an argument, not both");
  const std::string data_path =
      args.has("dataset") ? args.get("dataset") : args.positional_at(0, "DATA (the dataset file, or --dataset FILE)");
  if (args.positional().size() > 1) throw cli::UsageError("unexpected argument '" + args.positional()[1] + "'");
  if (args.has("add-eos") && args.has("no-add-eos")) throw cli::UsageError("give either --add-eos or --no-add-eos, not both");

  lora::DatasetOptions options;
  options.format = args.get("format", options.format);
  options.chat_template = args.get("chat-template", "");
  options.cutoff_len = args.get_int("cutoff-len", static_cast<int>(options.cutoff_len));
  options.drop_long = args.has("drop-long");
  options.train_on_prompt = args.has("train-on-prompt");
  options.add_eos = !args.has("no-add-eos");
  options.skip_bad_records = args.has("skip-bad-records");
  options.raw_text_overlap = args.get_int("overlap", static_cast<int>(options.raw_text_overlap));
  if (args.has("hard-cut")) options.raw_text_hard_cut = unescape(args.get("hard-cut"));

  const std::unique_ptr<lora::Tokenizer> tokenizer = lora::Tokenizer::load(args.require("model"));
  const lora::TrainingDataset dataset = lora::TrainingDataset::load(data_path, *tokenizer, options);
  const lora::TokenizedSet set = dataset.tokenize_all();

  std::string line;
  for (const lora::TokenizedExample& example : set.examples) {
    nlohmann::ordered_json json;
    json["record"] = example.record_number;
    const bool raw = dataset.record(example.record).kind == lora::RecordKind::RawText;
    if (raw) json["block"] = example.block;
    json["input_ids"] = example.input_ids;
    json["labels"] = example.labels;
    json["text"] = raw ? tokenizer->decode(example.input_ids) : dataset.text(example.record);
    json["truncated"] = example.truncated();
    line = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    std::cout.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
  std::cout.flush();
  print_summary(dataset, set, std::cerr);
  return 0;
}

const CliCommandRegistration registration(Command{
    "dataset",
    "dataset DATA --model DIR [--format NAME|FILE] [--cutoff-len N] [--train-on-prompt] [--add-eos|--no-add-eos] "
    "[--skip-bad-records] [--drop-long]",
    kHelp,
    {"drop-long", "train-on-prompt", "add-eos", "no-add-eos", "skip-bad-records"},
    run_dataset,
    {{"chat-format", "chat-template"}},
});

}  // namespace
}  // namespace cli
