#include "run_history_view.h"

#include "run_history.h"

#include "qcustomplot_include.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace ui {

namespace {

constexpr int kSortRole = Qt::UserRole;
constexpr int kFolderRole = Qt::UserRole + 1;

// Sorts by the number (or text) kept in kSortRole, not by the formatted text: "10:00" after "9:00".
class SortableItem : public QTableWidgetItem {
 public:
  SortableItem(const QString& text, const QVariant& sort_key) : QTableWidgetItem(text) {
    setData(kSortRole, sort_key);
    setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
  }
  bool operator<(const QTableWidgetItem& other) const override {
    const QVariant a = data(kSortRole), b = other.data(kSortRole);
    if (a.typeId() == QMetaType::QString || b.typeId() == QMetaType::QString)
      return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
    return a.toDouble() < b.toDouble();
  }
};

// Unknown numbers sort below every known one.
double sortNumber(double value) { return std::isfinite(value) ? value : -std::numeric_limits<double>::infinity(); }

QColor runColor(int index) {
  // The "tab10" palette: ten colors told apart on screen and by most color-blind readers.
  static const QColor colors[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
                                  {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return colors[index % 10];
}

double xValue(const lora::TrainingLogEntry& entry, RunHistoryView::XAxis axis) {
  switch (axis) {
    case RunHistoryView::XAxis::Step: return static_cast<double>(entry.step);
    case RunHistoryView::XAxis::Epoch: return entry.epoch;
    case RunHistoryView::XAxis::Tokens: return static_cast<double>(entry.tokens);
  }
  return 0;
}

}  // namespace

RunHistoryView::RunHistoryView(QWidget* parent) : QWidget(parent) {
  setObjectName("runHistory");
  buildLayout();
  updateOverlay();
  updateSettingsTable();
  updateButtons();
}

RunHistoryView::~RunHistoryView() = default;

void RunHistoryView::buildLayout() {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);

  auto* top = new QHBoxLayout;
  title_ = new QLabel(this);
  title_->setObjectName("runHistoryTitle");
  title_->setWordWrap(true);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  refresh_ = new QPushButton(tr("Refresh"), this);
  refresh_->setObjectName("runRefresh");
  refresh_->setToolTip(tr("Look for runs in the adapter folders again."));
  open_ = new QPushButton(tr("Open in Train"), this);
  open_->setObjectName("runOpen");
  open_->setToolTip(tr("Show this run on the Train page: its chart, numbers and parameters, to resume or retrain it."));
  chat_ = new QPushButton(tr("Chat with this adapter"), this);
  chat_->setObjectName("runChat");
  chat_->setToolTip(tr("Try this run's adapter on the Chat page."));
  // The title on its own line: the buttons keep their whole text in a narrow column and a long language.
  title_->setWordWrap(true);
  layout->addWidget(title_);
  top->addWidget(open_);
  top->addWidget(chat_);
  top->addStretch(1);
  top->addWidget(refresh_);
  layout->addLayout(top);

  table_ = new QTableWidget(0, kColumnCount, this);
  table_->setObjectName("runTable");
  table_->setHorizontalHeaderLabels({tr("Run"), tr("Date"), tr("Status"), tr("Steps"), tr("Final loss"),
                                     tr("Best eval loss"), tr("Perplexity"), tr("Duration"), tr("Tokens/s"),
                                     tr("Rank"), tr("Learning rate"), tr("Problem")});
  table_->horizontalHeaderItem(kFinalLoss)->setToolTip(tr("The training loss of the last logged step."));
  table_->horizontalHeaderItem(kBestEvalLoss)
      ->setToolTip(tr("The lowest evaluation loss of the run, at the step given in its tooltip."));
  table_->horizontalHeaderItem(kPerplexity)->setToolTip(tr("exp(best eval loss)"));
  table_->horizontalHeaderItem(kTokensPerSecond)->setToolTip(tr("Tokens trained on per second, over the whole run."));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->sortByColumn(kDate, Qt::DescendingOrder);
  table_->verticalHeader()->setVisible(false);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  // Next to the status, where it is seen without scrolling; hidden while no run has a problem.
  table_->horizontalHeader()->moveSection(kProblem, kStatus + 1);
  table_->setMinimumHeight(110);
  table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);

  auto* chart_panel = new QWidget(this);
  auto* chart_layout = new QVBoxLayout(chart_panel);
  chart_layout->setContentsMargins(0, 0, 0, 0);
  plot_ = new QCustomPlot(chart_panel);
  plot_->setObjectName("runOverlayChart");
  plot_->setMinimumSize(260, 170);
  plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  plot_->yAxis->setLabel(tr("Smoothed loss"));
  plot_->legend->setVisible(true);
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  QFont legend_font = font();
  if (legend_font.pointSizeF() > 0) legend_font.setPointSizeF(legend_font.pointSizeF() * 0.85);
  plot_->legend->setFont(legend_font);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  auto* chart_controls = new QHBoxLayout;
  axis_ = new QComboBox(chart_panel);
  axis_->setObjectName("runOverlayAxis");
  axis_->addItem(tr("Step"), static_cast<int>(XAxis::Step));
  axis_->addItem(tr("Epoch"), static_cast<int>(XAxis::Epoch));
  axis_->addItem(tr("Tokens"), static_cast<int>(XAxis::Tokens));
  axis_->setToolTip(tr("Runs with different batch sizes take different steps: compare them by epoch or by "
                       "tokens trained on."));
  log_scale_ = new QCheckBox(tr("Logarithmic loss axis"), chart_panel);
  log_scale_->setObjectName("runOverlayLogScale");
  chart_controls->addWidget(new QLabel(tr("Along:"), chart_panel));
  chart_controls->addWidget(axis_);
  chart_controls->addWidget(log_scale_);
  chart_controls->addStretch(1);
  chart_layout->addWidget(plot_, 1);
  chart_layout->addLayout(chart_controls);

  auto* settings_panel = new QWidget(this);
  auto* settings_layout = new QVBoxLayout(settings_panel);
  settings_layout->setContentsMargins(0, 0, 0, 0);
  settings_caption_ = new QLabel(settings_panel);
  settings_caption_->setObjectName("runSettingsCaption");
  settings_caption_->setWordWrap(true);
  settings_ = new QTableWidget(0, 0, settings_panel);
  settings_->setObjectName("runSettingsDiff");
  settings_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  settings_->setSelectionMode(QAbstractItemView::NoSelection);
  settings_->setWordWrap(false);
  settings_->horizontalHeader()->setStretchLastSection(true);
  settings_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
  same_settings_ = new QLabel(tr("Same settings"), settings_panel);
  same_settings_->setObjectName("runSettingsSame");
  same_settings_->setAlignment(Qt::AlignCenter);
  settings_layout->addWidget(settings_caption_);
  settings_layout->addWidget(settings_, 1);
  settings_layout->addWidget(same_settings_, 1);

  auto* bottom = new QSplitter(Qt::Horizontal, this);
  bottom->setObjectName("runHistoryBottomSplitter");
  bottom->addWidget(chart_panel);
  bottom->addWidget(settings_panel);
  bottom->setStretchFactor(0, 3);
  bottom->setStretchFactor(1, 2);
  bottom->setChildrenCollapsible(false);

  splitter_ = new QSplitter(Qt::Vertical, this);
  splitter_->setObjectName("runHistorySplitter");
  splitter_->addWidget(table_);
  splitter_->addWidget(bottom);
  splitter_->setStretchFactor(0, 2);
  splitter_->setStretchFactor(1, 3);
  splitter_->setChildrenCollapsible(false);
  layout->addWidget(splitter_, 1);

  connect(refresh_, &QPushButton::clicked, this, &RunHistoryView::refresh);
  connect(open_, &QPushButton::clicked, this, [this] {
    const QStringList selected = selectedFolders();
    if (selected.size() == 1) Q_EMIT openRunRequested(selected.front());
  });
  connect(chat_, &QPushButton::clicked, this, [this] {
    const QStringList selected = selectedFolders();
    if (selected.size() == 1) Q_EMIT chatWithRunRequested(selected.front());
  });
  connect(table_, &QTableWidget::itemSelectionChanged, this, &RunHistoryView::onSelectionChanged);
  connect(table_, &QTableWidget::itemDoubleClicked, this, [this](QTableWidgetItem* item) {
    const QString folder = folderAt(item->row());
    if (const RunRecord* r = run(folder); r && r->hasLog) Q_EMIT openRunRequested(folder);
  });
  connect(axis_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { setXAxis(static_cast<XAxis>(axis_->currentData().toInt())); });
  connect(log_scale_, &QCheckBox::toggled, this, [this](bool on) {
    plot_->yAxis->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
      plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
      plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    updateOverlay();
  });
}

// --- Which runs -----------------------------------------------------------------------------------

void RunHistoryView::setModelDir(const QString& model_dir) {
  model_dir_ = model_dir;
  refresh();
}

void RunHistoryView::setFolders(const QStringList& folders) {
  folders_ = folders;
  refresh();
}

void RunHistoryView::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refresh();  // a run trained since the last look appears
}

void RunHistoryView::refresh() {
  const QStringList selected = selectedFolders();
  runs_ = findRuns(folders_, model_dir_);
  const QString model_name = QFileInfo(QDir::cleanPath(model_dir_)).fileName();
  if (model_dir_.isEmpty())
    title_->setText(runs_.empty() ? tr("No training runs yet.")
                                  : tr("All training runs (no model chosen): %1").arg(runs_.size()));
  else if (runs_.empty())
    title_->setText(tr("No training runs of %1 yet.").arg(model_name));
  else
    title_->setText(tr("Training runs of %1: %2").arg(model_name).arg(runs_.size()));
  title_->setToolTip(model_dir_.isEmpty() ? QString() : QDir::toNativeSeparators(model_dir_));
  fillTable();
  selectRuns(selected);
}

void RunHistoryView::fillTable() {
  filling_ = true;
  const int sort_column = table_->horizontalHeader()->sortIndicatorSection();
  const Qt::SortOrder sort_order = table_->horizontalHeader()->sortIndicatorOrder();
  table_->setSortingEnabled(false);
  table_->clearSelection();
  table_->setRowCount(static_cast<int>(runs_.size()));
  const QLocale locale = this->locale();
  const QString none = QStringLiteral("—");
  auto number = [&](double value, char format, int precision) {
    return std::isfinite(value) ? locale.toString(value, format, precision) : none;
  };
  for (int row = 0; row < static_cast<int>(runs_.size()); ++row) {
    const RunRecord& r = runs_[static_cast<size_t>(row)];
    const bool steps = r.hasEntries();
    auto* name = new SortableItem(r.name, r.name);
    name->setData(kFolderRole, r.folder);
    name->setToolTip(tr("%1\nBase model: %2")
                         .arg(QDir::toNativeSeparators(r.folder),
                              r.modelDir.isEmpty() ? tr("unknown") : QDir::toNativeSeparators(r.modelDir)));
    if (!r.problem.isEmpty()) name->setForeground(QColor(180, 40, 30));
    table_->setItem(row, kName, name);
    table_->setItem(row, kDate, new SortableItem(locale.toString(r.started, QLocale::ShortFormat),
                                                 static_cast<double>(r.started.toMSecsSinceEpoch())));
    auto* status = new SortableItem(runStatusText(r.status), static_cast<int>(r.status));
    switch (r.status) {
      case RunRecord::Status::Finished: status->setToolTip(tr("The run reached its end and saved its adapter.")); break;
      case RunRecord::Status::Stopped:
        status->setToolTip(tr("The run was stopped before its end; its adapter so far is saved."));
        break;
      case RunRecord::Status::Incomplete:
        status->setToolTip(tr("No adapter was saved: the run is still going, or it crashed, diverged or was killed."));
        break;
    }
    table_->setItem(row, kStatus, status);
    const QString steps_text = !steps ? none
                               : r.progress.totalKnown
                                   ? tr("%1 / %2").arg(r.progress.stepsDone).arg(r.progress.totalSteps)
                                   : QString::number(r.progress.stepsDone);
    table_->setItem(row, kSteps, new SortableItem(steps_text, static_cast<double>(r.progress.stepsDone)));
    const double final_loss = steps ? r.finalLoss : std::numeric_limits<double>::quiet_NaN();
    table_->setItem(row, kFinalLoss, new SortableItem(number(final_loss, 'f', 4), sortNumber(final_loss)));
    const double best = r.bestEvalLoss ? *r.bestEvalLoss : std::numeric_limits<double>::quiet_NaN();
    auto* best_item = new SortableItem(number(best, 'f', 4), sortNumber(best));
    if (r.bestEvalLoss) best_item->setToolTip(tr("At step %1").arg(r.bestEvalStep));
    table_->setItem(row, kBestEvalLoss, best_item);
    table_->setItem(row, kPerplexity, new SortableItem(number(r.perplexity(), 'f', 2), sortNumber(r.perplexity())));
    table_->setItem(row, kDuration, new SortableItem(steps ? formatTrainingDuration(r.durationSeconds) : none,
                                                     steps ? r.durationSeconds : -1.0));
    table_->setItem(row, kTokensPerSecond, new SortableItem(steps ? number(r.meanTokensPerSecond, 'f', 0) : none,
                                                            steps ? r.meanTokensPerSecond : -1.0));
    table_->setItem(row, kRank, new SortableItem(r.settings ? QString::number(r.settings->rank) : none,
                                                 r.settings ? static_cast<double>(r.settings->rank) : -1.0));
    table_->setItem(row, kLearningRate,
                    new SortableItem(r.settings ? QString::number(r.settings->learning_rate, 'g', 4) : none,
                                     r.settings ? r.settings->learning_rate : -1.0));
    // The row names the run: the cell names the file inside it; the tooltip has the whole paths.
    QString short_problem = r.problem.section(QLatin1Char('\n'), 0, 0);
    for (const QString& prefix : {r.folder + QLatin1Char('/'), QDir::toNativeSeparators(r.folder + QLatin1Char('/'))})
      if (short_problem.startsWith(prefix)) short_problem = short_problem.mid(prefix.size());
    auto* problem = new SortableItem(short_problem, r.problem);
    problem->setToolTip(r.problem);
    if (!r.problem.isEmpty()) problem->setForeground(QColor(180, 40, 30));
    table_->setItem(row, kProblem, problem);
  }
  table_->setSortingEnabled(true);
  table_->sortByColumn(sort_column, sort_order);
  table_->resizeColumnsToContents();
  for (int column = 0; column < kColumnCount; ++column)
    table_->setColumnWidth(column, std::min(table_->columnWidth(column), column == kProblem ? 240 : 180));
  const bool any_problem =
      std::any_of(runs_.begin(), runs_.end(), [](const RunRecord& r) { return !r.problem.isEmpty(); });
  table_->setColumnHidden(kProblem, !any_problem);
  filling_ = false;
}

// --- Table access ---------------------------------------------------------------------------------

int RunHistoryView::rowCount() const { return table_->rowCount(); }

QString RunHistoryView::folderAt(int row) const {
  const QTableWidgetItem* item = table_->item(row, kName);
  return item ? item->data(kFolderRole).toString() : QString();
}

int RunHistoryView::rowOf(const QString& folder) const {
  for (int row = 0; row < table_->rowCount(); ++row)
    if (folderAt(row) == folder) return row;
  const QString wanted = canonicalPath(folder);
  for (int row = 0; row < table_->rowCount(); ++row)
    if (canonicalPath(folderAt(row)) == wanted) return row;
  return -1;
}

QString RunHistoryView::cellText(int row, int column) const {
  const QTableWidgetItem* item = table_->item(row, column);
  return item ? item->text() : QString();
}

const RunRecord* RunHistoryView::run(const QString& folder) const {
  for (const RunRecord& r : runs_)
    if (r.folder == folder) return &r;  // as folderAt() gives it: no file system look-up
  const QString wanted = canonicalPath(folder);
  for (const RunRecord& r : runs_)
    if (canonicalPath(r.folder) == wanted) return &r;
  return nullptr;
}

// --- Selection ------------------------------------------------------------------------------------

void RunHistoryView::selectRuns(const QStringList& folders) {
  filling_ = true;
  table_->clearSelection();
  QItemSelection selection;
  for (const QString& folder : folders) {
    const int row = rowOf(folder);
    if (row >= 0)
      selection.select(table_->model()->index(row, 0), table_->model()->index(row, kColumnCount - 1));
  }
  table_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  filling_ = false;
  onSelectionChanged();
}

QStringList RunHistoryView::selectedFolders() const {
  QStringList folders;
  for (int row = 0; row < table_->rowCount(); ++row)
    if (table_->selectionModel()->isRowSelected(row, QModelIndex())) folders << folderAt(row);
  return folders;
}

std::vector<const RunRecord*> RunHistoryView::selectedRuns() const {
  std::vector<const RunRecord*> out;
  for (const QString& folder : selectedFolders())
    if (const RunRecord* r = run(folder)) out.push_back(r);
  return out;
}

void RunHistoryView::onSelectionChanged() {
  if (filling_) return;
  updateOverlay();
  updateSettingsTable();
  updateButtons();
}

void RunHistoryView::updateButtons() {
  const std::vector<const RunRecord*> selected = selectedRuns();
  const RunRecord* one = selected.size() == 1 ? selected.front() : nullptr;
  open_->setEnabled(one && one->hasLog);
  chat_->setEnabled(one && one->hasAdapter);
  chat_->setToolTip(one && !one->hasAdapter ? tr("This run saved no adapter.")
                                            : tr("Try this run's adapter on the Chat page."));
}

// --- Overlay chart --------------------------------------------------------------------------------

void RunHistoryView::setXAxis(XAxis axis) {
  x_axis_ = axis;
  const int index = axis_->findData(static_cast<int>(axis));
  if (index >= 0 && axis_->currentIndex() != index) axis_->setCurrentIndex(index);  // comes back once
  updateOverlay();
}

void RunHistoryView::updateOverlay() {
  plot_->clearGraphs();
  overlay_folders_.clear();
  const std::vector<const RunRecord*> runs = selectedRuns();
  int color_index = 0;
  for (const RunRecord* r : runs) {
    const QColor color = runColor(color_index++);
    QCPGraph* loss = plot_->addGraph();
    loss->setName(r->name);
    loss->setPen(QPen(color, 2));
    for (const auto& [index, value] : smoothedLoss(r->entries))
      loss->addData(xValue(r->entries[index], x_axis_), value);
    QCPGraph* eval = plot_->addGraph();
    eval->setName(tr("%1 (evaluation)").arg(r->name));
    eval->setLineStyle(QCPGraph::lsNone);
    eval->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 7));
    eval->removeFromLegend();  // the run's color names it already
    for (const lora::TrainingLogEntry& entry : r->entries)
      if (entry.eval_loss && std::isfinite(*entry.eval_loss)) eval->addData(xValue(entry, x_axis_), *entry.eval_loss);
    overlay_folders_ << r->folder;
  }
  switch (x_axis_) {
    case XAxis::Step: plot_->xAxis->setLabel(tr("Step")); break;
    case XAxis::Epoch: plot_->xAxis->setLabel(tr("Epoch")); break;
    case XAxis::Tokens: plot_->xAxis->setLabel(tr("Tokens trained on")); break;
  }
  plot_->legend->setVisible(!runs.empty());
  bool any_point = false;
  for (int i = 0; i < plot_->graphCount(); ++i) any_point = any_point || plot_->graph(i)->dataCount() > 0;
  if (any_point) {
    plot_->rescaleAxes();
    plot_->yAxis->scaleRange(1.08, plot_->yAxis->range().center());
  } else {
    plot_->xAxis->setRange(0, 10);
    plot_->yAxis->setRange(log_scale_->isChecked() ? 0.1 : 0, log_scale_->isChecked() ? 10 : 5);
  }
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

int RunHistoryView::overlayCurveCount() const { return static_cast<int>(overlay_folders_.size()); }

QStringList RunHistoryView::overlayCurveNames() const {
  QStringList names;
  for (int i = 0; i + 1 < plot_->graphCount(); i += 2) names << plot_->graph(i)->name();
  return names;
}

QList<int> RunHistoryView::overlayPointCounts() const {
  QList<int> counts;
  for (int i = 0; i + 1 < plot_->graphCount(); i += 2) counts << plot_->graph(i)->dataCount();
  return counts;
}

QList<int> RunHistoryView::overlayEvalPointCounts() const {
  QList<int> counts;
  for (int i = 0; i + 1 < plot_->graphCount(); i += 2) counts << plot_->graph(i + 1)->dataCount();
  return counts;
}

// --- Settings -------------------------------------------------------------------------------------

void RunHistoryView::updateSettingsTable() {
  const std::vector<const RunRecord*> runs = selectedRuns();
  settings_->clear();
  settings_->setRowCount(0);
  settings_->setColumnCount(0);
  same_settings_->hide();
  settings_->show();
  auto setRows = [this](const QStringList& columns, const std::vector<std::pair<QString, QStringList>>& rows) {
    settings_->setColumnCount(static_cast<int>(columns.size()));
    settings_->setHorizontalHeaderLabels(columns);
    settings_->setRowCount(static_cast<int>(rows.size()));
    QStringList keys;
    for (int row = 0; row < static_cast<int>(rows.size()); ++row) {
      keys << rows[static_cast<size_t>(row)].first;
      const QStringList& values = rows[static_cast<size_t>(row)].second;
      for (int column = 0; column < values.size(); ++column) {
        auto* item = new QTableWidgetItem(values[column]);
        item->setToolTip(values[column]);
        settings_->setItem(row, column, item);
      }
    }
    settings_->setVerticalHeaderLabels(keys);
    settings_->resizeColumnsToContents();
    for (int column = 0; column < settings_->columnCount(); ++column)
      settings_->setColumnWidth(column, std::min(settings_->columnWidth(column), 260));
  };

  QStringList unknown;
  for (const RunRecord* r : runs)
    if (!r->settings) unknown << r->name;
  const QString unknown_note =
      unknown.isEmpty() ? QString()
                        : QStringLiteral("\n") + tr("Settings unknown (broken training_parameters.json): %1")
                                                     .arg(unknown.join(QStringLiteral(", ")));
  if (runs.empty()) {
    settings_caption_->setText(tr("Select runs to compare their curves and settings (Ctrl+click for several)."));
    return;
  }
  if (runs.size() == 1) {
    const RunRecord* r = runs.front();
    if (!r->settings) {
      settings_caption_->setText(tr("The settings of %1 are unknown: %2").arg(r->name, r->problem));
      return;
    }
    settings_caption_->setText(tr("Settings of %1 (select several runs to see how they differ):").arg(r->name));
    std::vector<std::pair<QString, QStringList>> rows;
    for (const auto& [key, value] : settingsList(*r->settings)) rows.emplace_back(key, QStringList{value});
    setRows({r->name}, rows);
    return;
  }
  const std::vector<SettingDifference> differences = settingsDifferences(runs);
  if (differences.empty()) {
    settings_caption_->setText(tr("Settings of the selected runs:") + unknown_note);
    settings_->hide();
    same_settings_->show();
    return;
  }
  settings_caption_->setText(tr("Settings that differ:") + unknown_note);
  QStringList columns;
  for (const RunRecord* r : runs) columns << r->name;
  std::vector<std::pair<QString, QStringList>> rows;
  for (const SettingDifference& difference : differences) rows.emplace_back(difference.key, difference.values);
  setRows(columns, rows);
}

int RunHistoryView::diffRowCount() const { return settings_->isHidden() ? 0 : settings_->rowCount(); }

QStringList RunHistoryView::diffKeys() const {
  QStringList keys;
  for (int row = 0; row < diffRowCount(); ++row)
    if (const QTableWidgetItem* header = settings_->verticalHeaderItem(row)) keys << header->text();
  return keys;
}

QStringList RunHistoryView::diffValues(const QString& key) const {
  const int row = static_cast<int>(diffKeys().indexOf(key));
  QStringList values;
  if (row < 0) return values;
  for (int column = 0; column < settings_->columnCount(); ++column) {
    const QTableWidgetItem* item = settings_->item(row, column);
    values << (item ? item->text() : QString());
  }
  return values;
}

bool RunHistoryView::sameSettingsShown() const { return !same_settings_->isHidden(); }

}  // namespace ui
