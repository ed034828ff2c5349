#pragma once
// A histogram of example lengths in tokens (QCustomPlot bars), the cutoff length drawn as a vertical
// line, the examples past it in a warning colour, and a line of text saying what share of the examples
// the cutoff truncates (or drops).
#include <cstdint>
#include <vector>

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QLabel;

namespace ui {

class TokenLengthHistogram : public QWidget {
  Q_OBJECT

 public:
  explicit TokenLengthHistogram(QWidget* parent = nullptr);

  // Shows `lengths` (full lengths of every example, before the cutoff).
  void setLengths(std::vector<int64_t> lengths, int64_t cutoff_len, bool drop_long);
  // Moves the cutoff (the bars stay; the colours and the share follow at once).
  void setCutoff(int64_t cutoff_len, bool drop_long);
  // No data: an empty plot and `message` in place of the share.
  void clear(const QString& message);

  // What the chart shows, for tests and the page's labels.
  int64_t examples() const { return static_cast<int64_t>(lengths_.size()); }
  int64_t examplesOverCutoff() const;
  double shareOverCutoff() const;  // 0..1
  int64_t cutoff() const { return cutoff_len_; }
  double cutoffLineX() const;        // where the drawn line stands
  double plottedExamples() const;    // sum of the bars' heights
  int binCount() const { return bin_count_; }
  QCustomPlot* plot() const { return plot_; }
  QString summaryText() const;

 private:
  void rebuild();

  QCustomPlot* plot_;
  QCPBars* within_;
  QCPBars* over_;
  QCPItemStraightLine* cutoff_line_;
  QCPItemText* cutoff_label_;
  QLabel* summary_;
  std::vector<int64_t> lengths_;  // sorted
  int64_t cutoff_len_ = 0;
  bool drop_long_ = false;
  int bin_count_ = 0;
};

}  // namespace ui
