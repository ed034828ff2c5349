#pragma once
// The Dataset page's background work: reading a dataset file, rendering every record with the chosen
// format (which finds the bad ones) and tokenizing every record for the statistics. The page runs one
// preview per request on a BackgroundJob; a newer request cancels the older one, whose results are
// then dropped. Results come back as immutable snapshots shared with the GUI thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dataset_records.h"
#include "record_rendering.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

#include <QMetaType>
#include <QString>

namespace ui {

struct DatasetPreviewRequest {
  QString path;
  lora::DatasetOptions options;  // skip_bad_records is forced on: the previewer lists bad records
  bool read_as_text = false;     // read the whole file as plain text, whatever its extension
  std::shared_ptr<const lora::Tokenizer> tokenizer;  // null: records only (no model loaded)
  // The file read by an earlier job; reused when it was read the same way (only the format or the
  // token options changed), so a new cutoff does not read the file again.
  std::shared_ptr<const struct DatasetRecords> previous;
};

// A table column: the record's number, one of its fields, its history, conversation or raw text,
// or a token statistic.
struct DatasetColumn {
  enum Kind { Number, Field, History, Conversation, RawText, Tokens, Trained, Status };
  Kind kind = Number;
  std::string field;  // Field: its name
};

// What reading and rendering found. Rows of the table are the readable records of the file.
struct DatasetRecords {
  QString path;
  bool read_as_text = false;
  bool text_objects_are_raw_text = true;
  std::shared_ptr<const lora::DatasetFile> file;
  std::vector<DatasetColumn> columns;
  // With a tokenizer: the dataset of the usable records (null when none is usable or the options
  // are refused; `problem` says why). `tokenizer` (declared first, destroyed last) keeps the one the
  // dataset uses alive.
  std::shared_ptr<const lora::Tokenizer> tokenizer;
  std::shared_ptr<const lora::TrainingDataset> dataset;
  // Without a tokenizer: the renderer that shows a record's prompt and response (null when the
  // format cannot be used).
  std::shared_ptr<const lora::RecordRenderer> renderer;
  std::vector<int> dataset_index;        // per row: index in `dataset`, -1 when the record is bad
  std::vector<lora::RecordError> bad;    // unreadable and unrenderable records, by number
  QString format_description;            // "alpaca-format", "chat (chatml)", ...
  bool fields_as_chat = false;           // instruction records too are rendered as a chat
  QString chat_template;                 // the template conversations use: "chatml", ..., "model"
  size_t conversations = 0;              // readable records that are conversations
  QString problem;                       // a problem of the whole set (shown above the table)

  size_t rows() const { return file ? file->records.size() : 0; }
  // The row of a record number, or -1 (unreadable records have no row).
  int rowOfRecord(size_t number) const;
  // The rendered text of a row, split into prompt and response pieces; throws lora::Error for a bad record.
  lora::PromptSegments render(int row) const;
};

enum class RowFate : uint8_t { Pending, Kept, Truncated, DroppedTooLong, DroppedNoTargets, Bad };

struct RowTokens {
  int32_t tokens = 0;   // before the cutoff (raw text: all blocks)
  int32_t trained = 0;  // target tokens that stay after the cutoff
  int32_t blocks = 0;   // raw text: the number of blocks
  RowFate fate = RowFate::Pending;
};

struct DatasetTokenStats {
  std::vector<RowTokens> rows;   // per table row
  std::vector<int64_t> lengths;  // full length of every example, kept or dropped
  lora::DatasetStats stats;
  int64_t cutoff_len = 0;
  bool drop_long = false;
};

// What a preview reports as it goes, each called on the thread that runs it.
struct DatasetPreviewReport {
  // Stage: "reading", "rendering", "tokenizing". Throttled to a few per second.
  std::function<void(const QString& stage, qint64 done, qint64 total)> progress;
  std::function<void(std::shared_ptr<const DatasetRecords> records)> records_ready;
  std::function<void(std::shared_ptr<const DatasetTokenStats> stats)> tokens_ready;
  std::function<void(const QString& message)> failed;  // the file cannot be read at all
  std::function<void(bool cancelled)> ended;            // last report of every preview
};

// Reads, renders and tokenizes what `request` asks for on the calling thread (the Dataset page runs it
// on a BackgroundJob's); stops at the next record once `cancelled` is set.
void runDatasetPreview(const DatasetPreviewRequest& request, const std::atomic_bool& cancelled,
                       const DatasetPreviewReport& report);

}  // namespace ui

Q_DECLARE_METATYPE(std::shared_ptr<const ui::DatasetRecords>)
Q_DECLARE_METATYPE(std::shared_ptr<const ui::DatasetTokenStats>)
