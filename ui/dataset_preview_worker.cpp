#include "dataset_preview_worker.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "data_messages.h"
#include "error.h"
#include "engine_messages.h"

#include <QElapsedTimer>

namespace ui {
namespace {

// Thrown out of the engine's loops when the job is cancelled.
struct Cancelled {};

bool is_chat_format_option(const std::string& format) { return format == "chat" || format.rfind("chat:", 0) == 0; }

// Throttles progress signals: at most one per 50 ms, plus the last.
class ProgressThrottle {
 public:
  bool due() {
    if (timer_.isValid() && timer_.elapsed() < 50) return false;
    timer_.restart();
    return true;
  }

 private:
  QElapsedTimer timer_;
};

std::vector<DatasetColumn> columns_for(const lora::DatasetFile& file) {
  std::vector<DatasetColumn> columns;
  columns.push_back({DatasetColumn::Number, {}});
  std::vector<std::string> field_names;
  std::set<std::string> seen;
  bool history = false, conversation = false, raw_text = false;
  for (const lora::DatasetRecord& record : file.records) {
    switch (record.kind) {
      case lora::RecordKind::Fields:
        for (const auto& [name, value] : record.fields)
          if (seen.insert(name).second) field_names.push_back(name);
        history = history || !record.history.empty();
        break;
      case lora::RecordKind::Conversation: conversation = true; break;
      case lora::RecordKind::RawText: raw_text = true; break;
    }
  }
  for (const std::string& name : field_names) columns.push_back({DatasetColumn::Field, name});
  if (history) columns.push_back({DatasetColumn::History, {}});
  if (conversation) columns.push_back({DatasetColumn::Conversation, {}});
  if (raw_text) columns.push_back({DatasetColumn::RawText, {}});
  columns.push_back({DatasetColumn::Tokens, {}});
  columns.push_back({DatasetColumn::Trained, {}});
  columns.push_back({DatasetColumn::Status, {}});
  return columns;
}

// Reads the file as the request says; a .json file read "as text" goes through the plain-text reader.
lora::DatasetFile read_file(const DatasetPreviewRequest& request, bool text_objects_are_raw_text) {
  lora::DatasetReadOptions read_options;
  read_options.max_record_bytes = request.options.max_record_bytes;
  read_options.hard_cut = request.options.raw_text_hard_cut;
  read_options.text_objects_are_raw_text = text_objects_are_raw_text;
  const std::string path = request.path.toStdString();
  if (!request.read_as_text) return lora::read_dataset_file(path, read_options);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw lora::Error(lora::msg::Data::dataset_unreadable, path);
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The reader picks the plain-text layout by the name's extension.
  const bool has_text_extension = request.path.endsWith(".txt", Qt::CaseInsensitive) ||
                                  request.path.endsWith(".text", Qt::CaseInsensitive) ||
                                  request.path.endsWith(".md", Qt::CaseInsensitive);
  lora::DatasetFile file = lora::parse_dataset(std::move(contents), has_text_extension ? path : path + ".txt", read_options);
  file.path = path;
  return file;
}

}  // namespace

int DatasetRecords::rowOfRecord(size_t number) const {
  if (!file) return -1;
  const auto& records = file->records;
  auto it = std::lower_bound(records.begin(), records.end(), number,
                             [](const lora::DatasetRecord& record, size_t n) { return record.number < n; });
  return it != records.end() && it->number == number ? static_cast<int>(it - records.begin()) : -1;
}

lora::PromptSegments DatasetRecords::render(int row) const {
  const lora::DatasetRecord& record = file->records.at(static_cast<size_t>(row));
  if (dataset && dataset_index[static_cast<size_t>(row)] >= 0)
    return dataset->render(static_cast<size_t>(dataset_index[static_cast<size_t>(row)]));
  if (renderer) return renderer->render(record);
  throw std::runtime_error(problem.toStdString());  // already in the interface language
}

namespace {

// One preview, run on the calling thread.
class PreviewRun {
 public:
  PreviewRun(const std::atomic_bool& cancelled, const DatasetPreviewReport& report)
      : cancelled_(cancelled), report_(report) {}
  void run(const DatasetPreviewRequest& request);

 private:
  bool isCancelled() const { return cancelled_.load(); }
  std::shared_ptr<DatasetRecords> readAndRender(const DatasetPreviewRequest& request);
  std::shared_ptr<DatasetTokenStats> tokenize(const DatasetRecords& records, const lora::DatasetOptions& options);

  const std::atomic_bool& cancelled_;
  const DatasetPreviewReport& report_;
};

}  // namespace

void runDatasetPreview(const DatasetPreviewRequest& request, const std::atomic_bool& cancelled,
                       const DatasetPreviewReport& report) {
  PreviewRun(cancelled, report).run(request);
}

void PreviewRun::run(const DatasetPreviewRequest& request) {
  try {
    std::shared_ptr<DatasetRecords> records = readAndRender(request);
    if (isCancelled()) throw Cancelled{};
    report_.records_ready(records);
    if (records->dataset) {
      lora::DatasetOptions options = request.options;
      std::shared_ptr<DatasetTokenStats> stats = tokenize(*records, options);
      report_.tokens_ready(stats);
    }
    report_.ended(false);
  } catch (const Cancelled&) {
    report_.ended(true);
  } catch (const std::exception& e) {
    report_.failed(engineMessage(e));
    report_.ended(isCancelled());
  }
}

std::shared_ptr<DatasetRecords> PreviewRun::readAndRender(const DatasetPreviewRequest& request) {
  auto records = std::make_shared<DatasetRecords>();
  records->path = request.path;
  records->read_as_text = request.read_as_text;
  lora::DatasetOptions options = request.options;
  options.skip_bad_records = true;
  const bool chat = is_chat_format_option(options.format);

  // The prompt format decides whether {"text": ...} objects are raw text (as TrainingDataset::load does).
  std::shared_ptr<lora::PromptFormat> prompt_format;
  if (!chat) {
    try {
      prompt_format = std::make_shared<lora::PromptFormat>(lora::PromptFormat::resolve(options.format, options.format_search_dirs));
      records->text_objects_are_raw_text = !prompt_format->uses_field("text");
    } catch (const std::exception& e) {
      records->problem = engineMessage(e);
    }
  }

  report_.progress(QStringLiteral("reading"), 0, 0);
  const DatasetRecords* previous = request.previous.get();
  if (previous && previous->file && previous->path == request.path && previous->read_as_text == request.read_as_text &&
      previous->text_objects_are_raw_text == records->text_objects_are_raw_text) {
    records->file = previous->file;
    records->columns = previous->columns;
  } else {
    records->file = std::make_shared<const lora::DatasetFile>(read_file(request, records->text_objects_are_raw_text));
    records->columns = columns_for(*records->file);
  }
  if (isCancelled()) throw Cancelled{};
  const lora::DatasetFile& file = *records->file;
  records->conversations = static_cast<size_t>(std::count_if(file.records.begin(), file.records.end(), [](const auto& r) {
    return r.kind == lora::RecordKind::Conversation;
  }));
  report_.progress(QStringLiteral("rendering"), 0, static_cast<qint64>(file.records.size()));

  records->dataset_index.assign(file.records.size(), -1);
  if (request.tokenizer && records->problem.isEmpty()) {
    records->tokenizer = request.tokenizer;
    try {
      auto dataset = std::make_shared<const lora::TrainingDataset>(
          lora::TrainingDataset::from_file(file, *request.tokenizer, options));
      records->format_description = QString::fromStdString(dataset->format_description());
      records->chat_template = QString::fromStdString(dataset->chat_template().name());
      records->fields_as_chat = chat;
      records->bad = dataset->skipped_records();
      // Usable records keep their order, so one walk pairs them with the rows.
      size_t next = 0;
      for (size_t row = 0; row < file.records.size() && next < dataset->size(); ++row)
        if (dataset->record(next).number == file.records[row].number) records->dataset_index[row] = static_cast<int>(next++);
      records->dataset = std::move(dataset);
    } catch (const lora::DatasetError& e) {  // not one record is usable
      records->bad = e.errors();
      records->problem = engineMessage(e).section('\n', 0, 0);
    } catch (const std::exception& e) {
      records->problem = engineMessage(e);
    }
  } else if (records->problem.isEmpty()) {
    // No tokenizer: render with the format alone, so bad records and the prompt/response split still show.
    lora::RenderSettings settings;
    settings.train_on_prompt = options.train_on_prompt;
    if (chat) {
      settings.fields_as_chat = true;
      std::string chat_name = options.chat_template;
      if (chat_name.empty() && options.format.size() > 5) chat_name = options.format.substr(5);
      try {  // without a model there is no model template: ChatML stands in
        if (!chat_name.empty() && chat_name != lora::ChatTemplate::kModelName)
          settings.chat_template = lora::ChatTemplate::builtin(chat_name);
      } catch (const std::exception& e) {
        records->problem = engineMessage(e);
      }
    } else {
      settings.prompt_format = *prompt_format;
    }
    if (records->problem.isEmpty()) {
      auto renderer = std::make_shared<const lora::RecordRenderer>(settings);
      records->format_description = QString::fromStdString(
          chat ? "chat (" + settings.chat_template.name() + ")" : prompt_format->name());
      records->chat_template = QString::fromStdString(settings.chat_template.name());
      records->fields_as_chat = chat;
      records->bad = file.errors;
      ProgressThrottle throttle;
      for (size_t row = 0; row < file.records.size(); ++row) {
        if (isCancelled()) throw Cancelled{};
        const lora::DatasetRecord& record = file.records[row];
        try {
          renderer->render(record);
          records->dataset_index[row] = static_cast<int>(row);
        } catch (const lora::Error& e) {
          records->bad.push_back({record.number, record.line, e.message()});
        } catch (const std::exception& e) {
          records->bad.push_back({record.number, record.line, lora::Message(lora::msg::Data::record_failed, e.what())});
        }
        if (throttle.due()) report_.progress(QStringLiteral("rendering"), static_cast<qint64>(row), static_cast<qint64>(file.records.size()));
      }
      std::sort(records->bad.begin(), records->bad.end(),
                [](const lora::RecordError& a, const lora::RecordError& b) { return a.number < b.number; });
      records->renderer = std::move(renderer);
    }
  }
  if (records->bad.empty() && !records->problem.isEmpty()) records->bad = file.errors;
  return records;
}

std::shared_ptr<DatasetTokenStats> PreviewRun::tokenize(const DatasetRecords& records,
                                                               const lora::DatasetOptions& options) {
  const lora::TrainingDataset& dataset = *records.dataset;
  auto result = std::make_shared<DatasetTokenStats>();
  result->cutoff_len = options.cutoff_len;
  result->drop_long = options.drop_long;
  result->rows.assign(records.rows(), RowTokens{});
  for (size_t row = 0; row < records.rows(); ++row)
    if (records.dataset_index[row] < 0) result->rows[row].fate = RowFate::Bad;
  result->lengths.reserve(dataset.size());
  lora::DatasetStats& stats = result->stats;
  const qint64 total = static_cast<qint64>(records.rows());
  ProgressThrottle throttle;
  for (size_t row = 0; row < records.rows(); ++row) {
    if (isCancelled()) throw Cancelled{};
    if (throttle.due()) report_.progress(QStringLiteral("tokenizing"), static_cast<qint64>(row), total);
    const int index = records.dataset_index[row];
    if (index < 0) continue;
    RowTokens& summary = result->rows[row];
    summary.fate = RowFate::Kept;
    for (const lora::TokenizedExample& example : dataset.tokenize(static_cast<size_t>(index))) {
      result->lengths.push_back(example.full_length);
      summary.tokens += static_cast<int32_t>(example.full_length);
      summary.blocks += 1;
      // A row shows the worst fate of its examples: dropped over truncated over kept.
      switch (example.fate) {
        case lora::ExampleFate::Kept: break;
        case lora::ExampleFate::Truncated:
          ++stats.truncated;
          if (summary.fate == RowFate::Kept) summary.fate = RowFate::Truncated;
          break;
        case lora::ExampleFate::DroppedTooLong:
          ++stats.dropped_too_long;
          summary.fate = RowFate::DroppedTooLong;
          break;
        case lora::ExampleFate::DroppedNoTargets:
          ++stats.dropped_no_targets;
          if (summary.fate != RowFate::DroppedTooLong) summary.fate = RowFate::DroppedNoTargets;
          break;
      }
      if (example.kept()) {
        ++stats.examples;
        stats.tokens += static_cast<int64_t>(example.input_ids.size());
        stats.target_tokens += example.target_tokens;
        summary.trained += static_cast<int32_t>(example.target_tokens);
      }
    }
  }
  report_.progress(QStringLiteral("tokenizing"), total, total);
  stats.records_read = dataset.records_read();
  stats.records_skipped = records.bad.size();
  stats.records_used = dataset.size();
  stats.lengths = lora::length_percentiles(result->lengths);
  return result;
}

}  // namespace ui
