#include "dataset_table_model.h"

#include <QBrush>
#include <QColor>

#include "engine_messages.h"

namespace ui {
namespace {

// A cell shows the start of a long text on one line; the tooltip shows more.
constexpr int kCellChars = 160;
constexpr int kToolTipChars = 2000;

QString excerpt(const std::string& text, int max_chars, bool one_line) {
  // Convert only a prefix: a 4 MB record must not become a 4 MB QString for one cell.
  const size_t bytes = std::min(text.size(), static_cast<size_t>(max_chars) * 4 + 4);
  QString result = QString::fromUtf8(text.data(), static_cast<qsizetype>(bytes));
  bool cut = bytes < text.size();
  if (result.size() > max_chars) {
    result.truncate(max_chars);
    cut = true;
  }
  if (one_line) result.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
  if (cut) result += QStringLiteral("…");
  return result;
}

}  // namespace

DatasetTableModel::DatasetTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DatasetTableModel::setRecords(std::shared_ptr<const DatasetRecords> records) {
  beginResetModel();
  records_ = std::move(records);
  tokens_.reset();
  endResetModel();
}

void DatasetTableModel::setTokens(std::shared_ptr<const DatasetTokenStats> tokens) {
  if (!records_ || (tokens && tokens->rows.size() != records_->rows())) return;
  tokens_ = std::move(tokens);
  if (rowCount() > 0) {
    const int first = columnCount() - 3;
    Q_EMIT dataChanged(index(0, first), index(rowCount() - 1, columnCount() - 1));
  }
}

void DatasetTableModel::clear() {
  beginResetModel();
  records_.reset();
  tokens_.reset();
  endResetModel();
}

int DatasetTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !records_ ? 0 : static_cast<int>(records_->rows());
}

int DatasetTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() || !records_ ? 0 : static_cast<int>(records_->columns.size());
}

QString DatasetTableModel::fateText(RowFate fate) const {
  switch (fate) {
    case RowFate::Pending: return QString();
    case RowFate::Kept: return tr("kept");
    case RowFate::Truncated: return tr("truncated");
    case RowFate::DroppedTooLong: return tr("dropped: too long");
    case RowFate::DroppedNoTargets: return tr("dropped: no trained tokens");
    case RowFate::Bad: return tr("bad record");
  }
  return QString();
}

QString DatasetTableModel::cellText(const lora::DatasetRecord& record, const DatasetColumn& column, int max_chars) const {
  const bool one_line = max_chars == kCellChars;
  switch (column.kind) {
    case DatasetColumn::Field: {
      const std::string* value = record.field(column.field);
      if (value) return excerpt(*value, max_chars, one_line);
      for (const auto& [name, type] : record.non_string_fields)
        if (name == column.field) return tr("(%1)").arg(engineMessage(type));
      return QString();
    }
    case DatasetColumn::History: {
      if (record.history.empty()) return QString();
      std::string text;
      for (const auto& [instruction, output] : record.history) text += instruction + " → " + output + "\n";
      return tr("%1 turns: ").arg(record.history.size()) + excerpt(text, max_chars, one_line);
    }
    case DatasetColumn::Conversation: {
      if (record.kind != lora::RecordKind::Conversation) return QString();
      std::string text;
      for (const lora::ChatMessage& message : record.messages) {
        text += message.role + ": " + message.content + "\n";
        if (text.size() > static_cast<size_t>(max_chars) * 4) break;
      }
      return excerpt(text, max_chars, one_line);
    }
    case DatasetColumn::RawText:
      return record.kind == lora::RecordKind::RawText ? excerpt(record.text, max_chars, one_line) : QString();
    default: return QString();
  }
}

QVariant DatasetTableModel::data(const QModelIndex& index, int role) const {
  if (!records_ || !index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const size_t row = static_cast<size_t>(index.row());
  const lora::DatasetRecord& record = records_->file->records[row];
  const DatasetColumn& column = records_->columns[static_cast<size_t>(index.column())];
  if (role == RecordNumberRole) return static_cast<qulonglong>(record.number);
  const bool bad = records_->dataset_index[row] < 0;
  const RowTokens* tokens = tokens_ ? &tokens_->rows[row] : nullptr;

  switch (role) {
    case Qt::DisplayRole:
      switch (column.kind) {
        case DatasetColumn::Number: return static_cast<qulonglong>(record.number);
        case DatasetColumn::Tokens:
          if (!tokens || tokens->fate == RowFate::Bad || tokens->fate == RowFate::Pending) return {};
          return tokens->tokens;
        case DatasetColumn::Trained:
          if (!tokens || tokens->fate == RowFate::Bad || tokens->fate == RowFate::Pending) return {};
          return tokens->trained;
        case DatasetColumn::Status:
          if (bad) return fateText(RowFate::Bad);
          if (!tokens) return {};
          if (tokens->blocks > 1) return tr("%1 (%2 blocks)").arg(fateText(tokens->fate)).arg(tokens->blocks);
          return fateText(tokens->fate);
        default: return cellText(record, column, kCellChars);
      }
    case Qt::ToolTipRole:
      switch (column.kind) {
        case DatasetColumn::Number: return tr("Record %1, line %2 of the file").arg(record.number).arg(record.line);
        case DatasetColumn::Tokens: return tr("Tokens of the rendered record before the cutoff");
        case DatasetColumn::Trained: return tr("Tokens the loss trains on after the cutoff");
        case DatasetColumn::Status:
          if (bad) {
            for (const lora::RecordError& error : records_->bad)
              if (error.number == record.number) return engineMessage(error.reason);
          }
          return {};
        default: {
          const QString text = cellText(record, column, kToolTipChars);
          return text.isEmpty() ? QVariant() : QVariant(text);
        }
      }
    case Qt::TextAlignmentRole:
      if (column.kind == DatasetColumn::Number || column.kind == DatasetColumn::Tokens || column.kind == DatasetColumn::Trained)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (column.kind != DatasetColumn::Status) return {};
      if (bad) return QBrush(QColor(0xc0, 0x20, 0x20));
      if (tokens && tokens->fate == RowFate::Truncated) return QBrush(QColor(0xc0, 0x70, 0x00));
      if (tokens && (tokens->fate == RowFate::DroppedTooLong || tokens->fate == RowFate::DroppedNoTargets))
        return QBrush(QColor(0xc0, 0x20, 0x20));
      return {};
    default: return {};
  }
}

QVariant DatasetTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (!records_ || section < 0) return {};
  if (orientation == Qt::Vertical) return {};
  if (section >= columnCount()) return {};
  const DatasetColumn& column = records_->columns[static_cast<size_t>(section)];
  if (role == Qt::DisplayRole) {
    switch (column.kind) {
      case DatasetColumn::Number: return tr("#");
      case DatasetColumn::Field: return QString::fromStdString(column.field);
      case DatasetColumn::History: return tr("history");
      case DatasetColumn::Conversation: return tr("conversation");
      case DatasetColumn::RawText: return tr("text");
      case DatasetColumn::Tokens: return tr("Tokens");
      case DatasetColumn::Trained: return tr("Trained");
      case DatasetColumn::Status: return tr("Status");
    }
  }
  if (role == Qt::ToolTipRole) {
    switch (column.kind) {
      case DatasetColumn::Number: return tr("The record's number in the file (from 1)");
      case DatasetColumn::Field: return tr("The record's \"%1\" field").arg(QString::fromStdString(column.field));
      case DatasetColumn::History: return tr("Earlier instruction/output turns of the record");
      case DatasetColumn::Conversation: return tr("The conversation's messages, role by role");
      case DatasetColumn::RawText: return tr("Plain text, cut into blocks of the cutoff length for training");
      case DatasetColumn::Tokens: return tr("Tokens of the rendered record before the cutoff");
      case DatasetColumn::Trained: return tr("Tokens the loss trains on after the cutoff");
      case DatasetColumn::Status: return tr("Whether the record is kept, truncated at the cutoff, dropped or bad");
    }
  }
  return {};
}

}  // namespace ui
