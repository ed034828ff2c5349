#pragma once
// The records of a dataset as a table: one row per readable record, one column per field (or the
// conversation, the raw text), then the token statistics once tokenizing has finished. Cells are made
// when the view asks for them, so a file of 100,000 records costs no strings or widgets up front.
#include <memory>

#include "dataset_preview_worker.h"

#include <QAbstractTableModel>

namespace ui {

class DatasetTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  // The record number of a row (data() of any column with this role).
  static constexpr int RecordNumberRole = Qt::UserRole + 1;

  explicit DatasetTableModel(QObject* parent = nullptr);

  void setRecords(std::shared_ptr<const DatasetRecords> records);  // clears the token statistics
  void setTokens(std::shared_ptr<const DatasetTokenStats> tokens);
  void clear();

  const DatasetRecords* records() const { return records_.get(); }
  const DatasetTokenStats* tokens() const { return tokens_.get(); }

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  QString fateText(RowFate fate) const;

 private:
  QString cellText(const lora::DatasetRecord& record, const DatasetColumn& column, int max_chars) const;

  std::shared_ptr<const DatasetRecords> records_;
  std::shared_ptr<const DatasetTokenStats> tokens_;
};

}  // namespace ui
