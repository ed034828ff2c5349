#pragma once
// The Dataset page's background work: reading a dataset file, rendering every record with the chosen
// format (which finds the bad ones) and tokenizing every record for the statistics. One job per
// request, on its own thread; a newer request cancels the older job, whose results are then dropped.
// Results come back as immutable snapshots shared with the GUI thread.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// Engine headers before Qt's.
#include "dataset_records.h"
#include "record_rendering.h"
#include "tokenized_dataset.h"
#include "tokenizer.h"

#include <QMetaType>
#include <QObject>
#include <QString>

class QThread;

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

class DatasetPreviewJob : public QObject {
  Q_OBJECT

 public:
  // A job for `request`; connect to its signals, then start() it. After it ended, the job deletes
  // itself (and its thread).
  static DatasetPreviewJob* create(DatasetPreviewRequest request, QObject* parent = nullptr);
  void start();
  ~DatasetPreviewJob() override;

  void cancel() { cancelled_->store(true); }
  bool isCancelled() const { return cancelled_->load(); }
  // Blocks until the thread ended (cancel first: tokenizing stops at the next record).
  void wait();

 signals:
  // Stage: "reading", "rendering", "tokenizing". Throttled to a few per second.
  void progress(const QString& stage, qint64 done, qint64 total);
  void recordsReady(std::shared_ptr<const ui::DatasetRecords> records);
  void tokensReady(std::shared_ptr<const ui::DatasetTokenStats> stats);
  void failed(const QString& message);  // the file cannot be read at all
  void ended(bool cancelled);           // last signal of every job

 private:
  explicit DatasetPreviewJob(QObject* parent);
  void run(const DatasetPreviewRequest& request);
  std::shared_ptr<DatasetRecords> readAndRender(const DatasetPreviewRequest& request);
  std::shared_ptr<DatasetTokenStats> tokenize(const DatasetRecords& records, const lora::DatasetOptions& options);

  std::shared_ptr<std::atomic<bool>> cancelled_ = std::make_shared<std::atomic<bool>>(false);
  QThread* thread_ = nullptr;
};

}  // namespace ui

Q_DECLARE_METATYPE(std::shared_ptr<const ui::DatasetRecords>)
Q_DECLARE_METATYPE(std::shared_ptr<const ui::DatasetTokenStats>)
