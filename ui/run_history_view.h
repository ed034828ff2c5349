#pragma once
// The run history of the current base model, the Train page's lab notebook: every run found in the
// adapter folders (settings, losses, speed, date) in a sortable table; the selected runs' smoothed
// loss curves and evaluation points overlaid on one chart; and the settings in which they differ.
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QSplitter;
class QTableWidget;

namespace ui {

struct RunRecord;

class RunHistoryView : public QWidget {
  Q_OBJECT

 public:
  enum Column {
    kName, kDate, kStatus, kSteps, kFinalLoss, kBestEvalLoss, kPerplexity, kDuration, kTokensPerSecond,
    kRank, kLearningRate, kProblem, kColumnCount
  };
  enum class XAxis { Step, Epoch, Tokens };

  explicit RunHistoryView(QWidget* parent = nullptr);
  ~RunHistoryView() override;

  // Which runs to list: those of `model_dir` (all runs when empty) in the immediate subfolders of
  // `folders` (e.g. AppSession::adaptersDir()). Each setter rescans.
  void setModelDir(const QString& model_dir);
  void setFolders(const QStringList& folders);
  QString modelDir() const { return model_dir_; }
  QStringList folders() const { return folders_; }

  // The table, in its current row order.
  int rowCount() const;
  QString folderAt(int row) const;
  int rowOf(const QString& folder) const;  // -1 when not listed
  QString cellText(int row, int column) const;
  const RunRecord* run(const QString& folder) const;  // null when not listed

  // Selection (by folder, compared canonically); the chart and the diff follow it.
  void selectRuns(const QStringList& folders);
  QStringList selectedFolders() const;  // in row order

  // The overlay chart: one smoothed training-loss curve per selected run, in selection order.
  int overlayCurveCount() const;
  QStringList overlayCurveNames() const;
  QList<int> overlayPointCounts() const;      // training-loss points per curve
  QList<int> overlayEvalPointCounts() const;  // evaluation points per curve
  void setXAxis(XAxis axis);
  QCustomPlot* overlayPlot() const { return plot_; }

  // The settings table: with several runs selected, the settings that differ (one row each, one
  // column per run); with one, all its settings.
  int diffRowCount() const;
  QStringList diffKeys() const;
  QStringList diffValues(const QString& key) const;  // one per selected run; empty when not a row
  bool sameSettingsShown() const;                     // "Same settings" is up

 public Q_SLOTS:
  void refresh();  // rescans the folders; the selection stays where its runs still exist

 Q_SIGNALS:
  void openRunRequested(const QString& folder);
  void chatWithRunRequested(const QString& folder);

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  void buildLayout();
  void fillTable();
  void onSelectionChanged();
  void updateOverlay();
  void updateSettingsTable();
  void updateButtons();
  std::vector<const RunRecord*> selectedRuns() const;

  QString model_dir_;
  QStringList folders_;
  std::vector<RunRecord> runs_;
  XAxis x_axis_ = XAxis::Step;

  QLabel* title_ = nullptr;
  QPushButton* refresh_ = nullptr;
  QPushButton* open_ = nullptr;
  QPushButton* chat_ = nullptr;
  QSplitter* splitter_ = nullptr;
  QTableWidget* table_ = nullptr;
  QCustomPlot* plot_ = nullptr;
  QComboBox* axis_ = nullptr;
  QCheckBox* log_scale_ = nullptr;
  QLabel* settings_caption_ = nullptr;
  QTableWidget* settings_ = nullptr;
  QLabel* same_settings_ = nullptr;
  QStringList overlay_folders_;
  bool filling_ = false;
};

}  // namespace ui
