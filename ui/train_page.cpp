#include "train_page.h"

#include "atomic_file.h"
#include "error.h"
#include "trainer.h"
#include "training_checkpoint.h"
#include "training_settings.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include <cmath>
#include <cstring>

#include "app_session.h"
#include "engine_messages.h"
#include "hyperparameter_panel.h"
#include "memory_preflight_view.h"
#include "loss_chart.h"
#include "eval_samples_view.h"
#include "run_history.h"
#include "run_history_view.h"
#include "run_notifier.h"
#include "training_devices_choice.h"
#include "training_process.h"
#include "training_run_folder.h"
#include "training_worker.h"

namespace ui {

namespace {

const char* const kParametersKey = "train/parameters";
const char* const kAdapterNameKey = "train/adapter_name";
const char* const kDevicesKey = "train/devices";
const char* const kCpuProcessesKey = "train/cpu_processes";

bool readTextFile(const QString& path, std::string* text, QString* error) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) {
    *error = TrainPage::tr("%1: cannot be read (%2)").arg(path, file.errorString());
    return false;
  }
  *text = file.readAll().toStdString();
  return true;
}

}  // namespace

TrainPage::TrainPage(AppSession* session, QWidget* parent) : QWidget(parent), session_(session) {
  buildLayout();
  restoreParameters();
  restoreDevices();

  connect(session_, &AppSession::modelLoaded, this, [this](const QString& dir) {
    if (!isRunning()) panel_->setModelDir(dir);
  });
  connect(session_, &AppSession::datasetPathChanged, this, [this](const QString& path) {
    if (isRunning()) return;
    panel_->setDatasetPath(path);
    applyDatasetPageChoices();
  });
  connect(session_, &AppSession::trainingSettingsSuggested, this, &TrainPage::applySuggestedSettings);
  connect(panel_, &HyperparameterPanel::changed, this, &TrainPage::onPanelChanged);
  onPanelChanged();
}

TrainPage::~TrainPage() {
  if (process_) {
    // As below: the processes stop after their step and save; the destructor waits for them.
    process_->disconnect(this);
    delete process_.data();
  }
  if (thread_) {
    // The window is going without confirmClose (e.g. a test tearing down): stop and wait; the trainer
    // saves what it has.
    if (worker_) {
      worker_->disconnect(this);
      worker_->requestStop();
    }
    thread_->disconnect(this);
    thread_->quit();
    thread_->wait();
  }
}

void TrainPage::buildLayout() {
  auto* layout = new QHBoxLayout(this);
  auto* splitter = new QSplitter(Qt::Horizontal, this);
  layout->addWidget(splitter);

  QWidget* left = buildParameterColumn(splitter);

  // Right: controls, chart, numbers, log.
  auto* right = new QWidget(splitter);
  auto* right_layout = new QVBoxLayout(right);
  right_layout->setContentsMargins(0, 0, 0, 0);
  buildControls(right, right_layout);
  buildRunTabs(right, right_layout);

  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 0);
  splitter->setStretchFactor(1, 1);
  splitter->setChildrenCollapsible(false);

  connect(start_, &QPushButton::clicked, this, &TrainPage::startTraining);
  connect(stop_, &QPushButton::clicked, this, &TrainPage::stopTraining);
  connect(resume_, &QPushButton::clicked, this, &TrainPage::resumeTraining);
  connect(open_run_, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a training run (adapter folder)"),
                                                          HyperparameterPanel::adaptersRoot());
    if (!dir.isEmpty()) openRun(dir);
  });
}

// Left: the parameters, scrolling, with the preset buttons under them.
QWidget* TrainPage::buildParameterColumn(QWidget* parent) {
  auto* left = new QWidget(parent);
  auto* left_layout = new QVBoxLayout(left);
  left_layout->setContentsMargins(0, 0, 0, 0);
  auto* scroll = new QScrollArea(left);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  panel_ = new HyperparameterPanel(scroll);
  panel_->setObjectName("hyperparameters");
  scroll->setWidget(panel_);
  // The panel's fields shrink to their minimum before the chart gives up room (a scroll bar's width spare).
  scroll->setMinimumWidth(panel_->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 4);
  left_layout->addWidget(scroll, 1);
  auto* presets = new QHBoxLayout;
  auto* load_preset = new QPushButton(tr("Load preset…"), left);
  load_preset->setObjectName("loadPreset");
  load_preset->setToolTip(tr("Fill the panel from a parameters file (training_parameters.json format)."));
  auto* save_preset = new QPushButton(tr("Save preset…"), left);
  save_preset->setObjectName("savePreset");
  save_preset->setToolTip(tr("Save these parameters as a JSON file to reuse them later."));
  auto* copy_from = new QPushButton(tr("Copy parameters from…"), left);
  copy_from->setObjectName("copyParameters");
  copy_from->setToolTip(tr("Use the parameters an earlier adapter was trained with (its training_parameters.json). "
                           "The base model and dataset chosen here stay."));
  // Two rows, so the buttons never set the column's width (the fields above decide it).
  presets->addWidget(load_preset);
  presets->addWidget(save_preset);
  left_layout->addLayout(presets);
  auto* copy_row = new QHBoxLayout;
  copy_row->addWidget(copy_from);
  copy_row->addStretch(1);
  left_layout->addLayout(copy_row);
  connect(save_preset, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the parameters"),
                                                      QDir::home().filePath(panel_->adapterName() + ".json"),
                                                      tr("Parameters (*.json)"));
    if (!path.isEmpty()) savePreset(path.endsWith(".json", Qt::CaseInsensitive) ? path : path + ".json");
  });
  connect(load_preset, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load parameters"), QDir::homePath(),
                                                      tr("Parameters (*.json);;All files (*)"));
    if (!path.isEmpty()) loadPreset(path);
  });
  connect(copy_from, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Copy the parameters of an adapter"),
                                                          HyperparameterPanel::adaptersRoot());
    if (!dir.isEmpty()) copyParametersFrom(dir);
  });
  return left;
}

// The run's buttons, and what stands in the way of a start.
void TrainPage::buildControls(QWidget* right, QVBoxLayout* right_layout) {
  auto* controls = new QHBoxLayout;
  start_ = new QPushButton(tr("Start training"), right);
  start_->setObjectName("startButton");
  start_->setDefault(true);
  start_->setToolTip(tr("Train a new adapter with these parameters into the folder shown under its name."));
  stop_ = new QPushButton(tr("Stop"), right);
  stop_->setObjectName("stopButton");
  stop_->setToolTip(tr("Stop after the current step. The adapter trained so far is saved and the run can be resumed."));
  resume_ = new QPushButton(tr("Resume"), right);
  resume_->setObjectName("resumeButton");
  resume_->setToolTip(tr("Continue the run in the adapter's folder from its newest checkpoint, with the parameters "
                         "it was started with."));
  open_run_ = new QPushButton(tr("Open run…"), right);
  open_run_->setObjectName("openRunButton");
  open_run_->setToolTip(tr("Show the chart and numbers of a finished or interrupted run from its adapter folder."));
  controls->addWidget(start_);
  controls->addWidget(stop_);
  controls->addWidget(resume_);
  controls->addStretch(1);
  controls->addWidget(open_run_);
  right_layout->addLayout(controls);
  devices_ = new TrainingDevicesChoice(right);
  devices_->setObjectName("devices");
  right_layout->addWidget(devices_);
  connect(devices_, &TrainingDevicesChoice::changed, this, [this] {
    saveDevices();
    updateButtons();
  });
  problem_ = new QLabel(right);
  problem_->setObjectName("startProblem");
  problem_->setWordWrap(true);
  problem_->setStyleSheet("color: #c0392b;");
  right_layout->addWidget(problem_);
  preflight_ = new MemoryPreflightView(right);
  right_layout->addWidget(preflight_);
  start_hint_ = new QLabel(right);
  start_hint_->setObjectName("startHint");
  start_hint_->setWordWrap(true);
  start_hint_->hide();
  right_layout->addWidget(start_hint_);
  auto* init_row = new QHBoxLayout;
  init_adapter_label_ = new QLabel(right);
  init_adapter_label_->setObjectName("initialAdapter");
  init_adapter_label_->setWordWrap(true);
  start_fresh_ = new QPushButton(tr("Start fresh instead"), right);
  start_fresh_->setObjectName("startFreshButton");
  start_fresh_->setToolTip(tr("Train the new run from new LoRA weights instead of the checkpoint's."));
  init_row->addWidget(init_adapter_label_, 1);
  init_row->addWidget(start_fresh_);
  right_layout->addLayout(init_row);
  init_adapter_label_->hide();
  start_fresh_->hide();
  connect(start_fresh_, &QPushButton::clicked, this, [this] { setInitialAdapter(QString()); });
}

// Under the controls, three views of the runs: the current one (chart, state, numbers, log), the
// answers to the fixed evaluation prompts at each evaluation, and every run of this model.
void TrainPage::buildRunTabs(QWidget* right, QVBoxLayout* right_layout) {
  run_tabs_ = new QTabWidget(right);
  run_tabs_->setObjectName("runTabs");
  run_tabs_->setDocumentMode(true);
  right_layout->addWidget(run_tabs_, 1);
  auto* current = new QWidget(run_tabs_);
  auto* current_layout = new QVBoxLayout(current);
  current_layout->setContentsMargins(0, 4, 0, 0);
  run_tabs_->addTab(current, tr("Current run"));
  buildCurrentRun(current, current_layout);

  eval_samples_ = new EvalSamplesView(run_tabs_);
  run_tabs_->addTab(eval_samples_, tr("Answers at each evaluation"));
  history_ = new RunHistoryView(run_tabs_);
  history_->setFolders({HyperparameterPanel::adaptersRoot()});
  run_tabs_->addTab(history_, tr("Run history"));
  connect(history_, &RunHistoryView::openRunRequested, this, [this](const QString& folder) {
    if (openRun(folder)) run_tabs_->setCurrentIndex(0);
  });
  connect(history_, &RunHistoryView::chatWithRunRequested, this, [this](const QString& folder) {
    session_->setAdapterDir(folder);
    Q_EMIT session_->pageRequested("chat");
  });
}

// The current run's tab: the chart has the column's whole width; the numbers sit beside the log under it.
void TrainPage::buildCurrentRun(QWidget* current, QVBoxLayout* current_layout) {
  chart_ = new LossChart(current);
  chart_->setObjectName("lossChart");
  connect(chart_, &LossChart::checkpointActionRequested, this,
          [this](qint64 step, LossChart::CheckpointAction action) { onCheckpointAction(step, static_cast<int>(action)); });
  notifier_ = new RunNotifier(this);
  current_layout->addWidget(chart_, 3);
  // The state has the column's whole width above the bar, and as many lines as it needs (a vertical
  // box gives a wrapped label its height for the width), so a long state is never cut off.
  phase_ = new QLabel(tr("Idle"), current);
  phase_->setObjectName("phaseLabel");
  phase_->setWordWrap(true);
  phase_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  phase_->setStyleSheet("font-weight: 600;");
  current_layout->addWidget(phase_);
  progress_ = new QProgressBar(current);
  progress_->setObjectName("trainingProgress");
  resetProgress();
  current_layout->addWidget(progress_);
  rank_speeds_ = new QLabel(current);
  rank_speeds_->setObjectName("rankThroughputLabel");
  rank_speeds_->setWordWrap(true);
  rank_speeds_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  rank_speeds_->setToolTip(tr("The tokens per second each process of the run trains on its share of the batch."));
  rank_speeds_->hide();
  current_layout->addWidget(rank_speeds_);

  QGroupBox* numbers_box = buildNumbers(current);
  auto* below = new QHBoxLayout;
  below->addWidget(numbers_box);
  log_ = new QPlainTextEdit(current);
  log_->setObjectName("trainingLog");
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setPlaceholderText(tr("Messages of the training run appear here."));
  below->addWidget(log_, 1);
  current_layout->addLayout(below, 2);
}

// The numbers in two columns of caption and value, so eight of them take four rows.
QGroupBox* TrainPage::buildNumbers(QWidget* parent) {
  auto* numbers_box = new QGroupBox(tr("Progress"), parent);
  auto* numbers = new QGridLayout(numbers_box);
  numbers->setHorizontalSpacing(8);
  numbers->setVerticalSpacing(2);
  int number_index = 0;
  auto addNumber = [&](QLabel*& label, const char* name, const QString& caption) {
    label = new QLabel(QStringLiteral("—"), numbers_box);
    label->setObjectName(name);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    const int row = number_index / 2, column = number_index % 2 * 2;
    numbers->addWidget(new QLabel(caption, numbers_box), row, column);
    numbers->addWidget(label, row, column + 1);
    ++number_index;
  };
  addNumber(step_, "stepLabel", tr("Step:"));
  addNumber(epoch_, "epochLabel", tr("Epoch:"));
  addNumber(tokens_per_second_, "tokensPerSecondLabel", tr("Tokens/s:"));
  addNumber(memory_, "memoryLabel", tr("Memory:"));
  addNumber(elapsed_, "elapsedLabel", tr("Elapsed:"));
  addNumber(eta_, "etaLabel", tr("Remaining:"));
  addNumber(eval_loss_, "evalLossLabel", tr("Eval loss:"));
  addNumber(perplexity_, "perplexityLabel", tr("Perplexity:"));
  perplexity_->setToolTip(tr("exp(evaluation loss): how many tokens the model hesitates between on average, "
                             "1 at best. It falls while answers improve and rises again when the adapter overfits."));
  numbers->setColumnStretch(1, 1);
  numbers->setColumnStretch(3, 1);
  numbers->setRowStretch(number_index / 2, 1);  // the rows packed at the top, the spare height below
  return numbers_box;
}

// --- Parameters: persisted, suggested, presets -------------------------------------------------

void TrainPage::restoreParameters() {
  restoring_ = true;
  QSettings& settings = session_->settings();
  const QString saved = settings.value(kParametersKey).toString();
  if (!saved.isEmpty()) {
    try {
      panel_->setSettings(lora::training_settings_from_json(saved.toStdString(), "the saved parameters"));
    } catch (const lora::Error&) {
      // Parameters saved by another version that this one cannot read: start from the defaults.
    }
  }
  panel_->setAdapterName(settings.value(kAdapterNameKey).toString());
  if (!session_->modelDir().isEmpty()) panel_->setModelDir(session_->modelDir());
  if (!session_->datasetPath().isEmpty()) panel_->setDatasetPath(session_->datasetPath());
  applyDatasetPageChoices();
  restoring_ = false;
}

void TrainPage::applyDatasetPageChoices() {
  // The Dataset page keeps what the user chose there; the run should tokenize the data the same way.
  QSettings& settings = session_->settings();
  const bool has_format = settings.contains("dataset/format");
  const bool has_cutoff = settings.contains("dataset/cutoff_len");
  if (!has_format && !has_cutoff) return;
  lora::TrainingSettings s = panel_->settings();
  if (has_format && !settings.value("dataset/format").toString().isEmpty())
    s.format = settings.value("dataset/format").toString().toStdString();
  bool ok = false;
  const int cutoff = settings.value("dataset/cutoff_len").toInt(&ok);
  if (has_cutoff && ok && cutoff >= 2) s.cutoff_len = cutoff;
  const QString name = panel_->adapterName();
  panel_->setSettings(s);
  panel_->setAdapterName(name);
}

void TrainPage::saveParameters() {
  QSettings& settings = session_->settings();
  settings.setValue(kParametersKey, QString::fromStdString(lora::training_settings_to_json(panel_->settings())));
  settings.setValue(kAdapterNameKey, panel_->adapterName());
}

void TrainPage::restoreDevices() {
  QSettings& settings = session_->settings();
  devices_->setCpuProcesses(settings.value(kCpuProcessesKey, 2).toInt());
  devices_->setMode(TrainingDevicesChoice::modeFromKey(settings.value(kDevicesKey).toString()));
}

void TrainPage::saveDevices() {
  QSettings& settings = session_->settings();
  settings.setValue(kDevicesKey, TrainingDevicesChoice::modeKey(devices_->mode()));
  settings.setValue(kCpuProcessesKey, devices_->cpuProcesses());
}

void TrainPage::applySuggestedSettings(const QString& settings_json) {
  if (isRunning()) {
    Q_EMIT session_->statusMessage(tr("Suggested training settings were not applied: a run is going."));
    return;
  }
  try {
    lora::TrainingSettings s =
        lora::training_settings_from_json(settings_json.toStdString(), "the suggested settings", panel_->settings());
    const QString name = QFileInfo(QString::fromStdString(s.output_dir)).fileName();
    panel_->setSettings(s);
    if (!name.isEmpty()) panel_->setAdapterName(name);
    appendLog(tr("Training settings applied: check them and press Start training."));
    Q_EMIT session_->statusMessage(tr("Training settings applied: check them and press Start training."));
    // The status bar message is soon replaced (the demo's model is still loading): the page keeps saying it.
    // Unless the page already shows this adapter's finished run: "press Start" would retrain it.
    const bool already_trained =
        run_complete_ && !run_dir_.isEmpty() &&
        QFileInfo(run_dir_).absoluteFilePath() == QFileInfo(QString::fromStdString(s.output_dir)).absoluteFilePath();
    start_hint_->setText(tr("The settings are filled in: press Start training to train the adapter."));
    start_hint_->setVisible(!already_trained);
  } catch (const lora::Error& e) {
    showError(tr("Suggested settings"), engineMessage(e));
  }
}

bool TrainPage::applyParametersFile(const QString& path, bool keep_model_and_data, QString* error) {
  std::string text;
  QString problem;
  if (!readTextFile(path, &text, &problem)) {
    if (error) *error = problem;
    return false;
  }
  try {
    const lora::TrainingSettings current = panel_->settings();
    lora::TrainingSettings s = lora::training_settings_from_json(text, path.toStdString(), current);
    if (keep_model_and_data) {
      if (!current.model_dir.empty()) s.model_dir = current.model_dir;
      if (!current.dataset_path.empty()) s.dataset_path = current.dataset_path;
      if (!current.dataset_path.empty()) s.eval_dataset_path = current.eval_dataset_path;
    }
    const QString name = panel_->adapterName();
    panel_->setSettings(s);
    panel_->setAdapterName(name);
  } catch (const lora::Error& e) {
    if (error) *error = engineMessage(e);
    return false;
  }
  return true;
}

bool TrainPage::loadPreset(const QString& path, QString* error) {
  QString problem;
  if (!applyParametersFile(path, true, &problem)) {
    showError(tr("Load preset"), problem);
    if (error) *error = problem;
    return false;
  }
  appendLog(tr("Parameters loaded from %1.").arg(QDir::toNativeSeparators(path)));
  return true;
}

bool TrainPage::copyParametersFrom(const QString& adapter_dir, QString* error) {
  const QString path = TrainingRunFolder(adapter_dir).parametersPath();
  QString problem;
  if (!QFileInfo::exists(path)) {
    problem = tr("%1 holds no training_parameters.json: it was not trained here, so its parameters are unknown.")
                  .arg(QDir::toNativeSeparators(adapter_dir));
  } else if (applyParametersFile(path, true, &problem)) {
    appendLog(tr("Parameters copied from %1.").arg(QDir::toNativeSeparators(adapter_dir)));
    return true;
  }
  showError(tr("Copy parameters"), problem);
  if (error) *error = problem;
  return false;
}

bool TrainPage::savePreset(const QString& path, QString* error) {
  lora::TrainingSettings s = panel_->settings();
  s.output_dir.clear();  // a preset is for any adapter
  try {
    // As every file the app writes: temporary file, fsync, rename, folder fsync.
    lora::write_file_atomically(path.toStdString(), lora::training_settings_to_json(s));
  } catch (const lora::Error& e) {
    const QString problem = engineMessage(e);
    showError(tr("Save preset"), problem);
    if (error) *error = problem;
    return false;
  }
  appendLog(tr("Parameters saved to %1.").arg(QDir::toNativeSeparators(path)));
  return true;
}

// --- Buttons -----------------------------------------------------------------------------------

void TrainPage::onPanelChanged() {
  if (!restoring_ && !isRunning()) saveParameters();
  preflight_->setSettings(runSettings());
  const QString model_dir = QString::fromStdString(panel_->settings().model_dir);
  if (model_dir != history_model_dir_) {
    history_model_dir_ = model_dir;
    history_->setModelDir(model_dir);
  }
  const QString output = panel_->outputDir();
  if (output != last_output_dir_ && !isRunning()) {
    last_output_dir_ = output;
    // Naming an existing run shows it; naming a new one clears what another run left on the chart.
    if (!output.isEmpty() && TrainingRunFolder(output).hasLog())
      showRun(output);
    else if (!run_dir_.isEmpty()) {
      run_dir_.clear();
      run_complete_ = false;
      clearRunView();
      resetProgress();
    }
  }
  updateButtons();
}

void TrainPage::updateButtons() {
  const bool running = isRunning();
  const QString problem = running ? QString() : panel_->problem();
  problem_->setText(problem);
  problem_->setVisible(!problem.isEmpty());
  start_->setEnabled(!running && problem.isEmpty());
  stop_->setEnabled(running && !stopRequested());
  // A finished run may keep periodic checkpoints; resuming one would retrain from the past and
  // overwrite the finished adapter.
  const bool complete = shownRunIsComplete();
  resume_->setEnabled(!running && problem.isEmpty() && !complete &&
                      TrainingRunFolder(panel_->outputDir()).hasCheckpoint());
  resume_->setToolTip(complete ? tr("This run finished: there is nothing to resume. Start trains a new adapter.")
                               : tr("Continue the run in the adapter's folder from its newest checkpoint, with the "
                                    "parameters it was started with."));
  open_run_->setEnabled(!running);
  panel_->setEnabled(!running);
  devices_->setEnabled(!running);
}

lora::TrainingSettings TrainPage::runSettings() const {
  lora::TrainingSettings s = panel_->settings();
  s.device = session_->computeDevice().toStdString();
  s.threads = session_->computeThreads();
  s.init_adapter = init_adapter_.toStdString();
  return s;
}

void TrainPage::startTraining() {
  if (isRunning() || !panel_->problem().isEmpty()) return;
  const lora::TrainingSettings settings = runSettings();
  preflight_->setSettings(settings);
  preflight_->refreshNow();
  if (!preflight_->doesNotFit()) {
    startUnlessAdapterExists(settings);
    return;
  }
  // Asked, not refused: the estimate errs on the safe side and the memory in use changes.
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Not enough memory"),
                              tr("%1\n\nThe run will probably stop with an out-of-memory error, or make the computer "
                                 "swap. The details under Start show what would make it fit. Start anyway?")
                                  .arg(preflight_->summaryText()),
                              QMessageBox::NoButton, this);
  box->setObjectName("memoryQuestion");
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setDetailedText(preflight_->detailsText());
  QPushButton* start_anyway = box->addButton(tr("Start anyway"), QMessageBox::AcceptRole);
  start_anyway->setObjectName("startAnywayButton");
  box->addButton(QMessageBox::Cancel);
  box->setDefaultButton(QMessageBox::Cancel);
  connect(box, &QMessageBox::finished, this, [this, box, start_anyway, settings] {
    if (box->clickedButton() == start_anyway && !isRunning()) startUnlessAdapterExists(settings);
  });
  box->open();
}

void TrainPage::startUnlessAdapterExists(const lora::TrainingSettings& settings) {
  const TrainingRunFolder folder(QString::fromStdString(settings.output_dir));
  if (!folder.holdsRun()) {
    launch(settings, false);
    return;
  }
  // Asked without blocking: the answer starts the run.
  auto* box = new QMessageBox(QMessageBox::Question, tr("Adapter exists"),
                              folder.hasAdapter()
                                  ? tr("%1 already holds an adapter. Overwrite it with a new run?")
                                        .arg(QDir::toNativeSeparators(folder.dir))
                                  : tr("%1 holds an unfinished run. Start over and overwrite it?")
                                        .arg(QDir::toNativeSeparators(folder.dir)),
                              QMessageBox::NoButton, this);
  box->setObjectName("overwriteQuestion");
  box->setAttribute(Qt::WA_DeleteOnClose);
  QPushButton* overwrite = box->addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
  overwrite->setObjectName("overwriteButton");
  QPushButton* resume = nullptr;
  if (folder.hasCheckpoint() && !shownRunIsComplete()) {
    resume = box->addButton(tr("Resume it"), QMessageBox::AcceptRole);
    resume->setObjectName("resumeInsteadButton");
  }
  box->addButton(QMessageBox::Cancel);
  box->setDefaultButton(QMessageBox::Cancel);
  connect(box, &QMessageBox::finished, this, [this, box, overwrite, resume, settings] {
    QAbstractButton* clicked = box->clickedButton();
    if (clicked == overwrite) {
      QString failed;
      if (!TrainingRunFolder(QString::fromStdString(settings.output_dir)).removeRun(&failed)) {
        showError(tr("Overwrite"), tr("%1 cannot be removed.").arg(QDir::toNativeSeparators(failed)));
        return;
      }
      launch(settings, false);
    } else if (resume && clicked == resume) {
      resumeTraining();
    }
  });
  box->open();
}

bool TrainPage::shownRunIsComplete() const {
  return run_complete_ && !run_dir_.isEmpty() && QDir(run_dir_) == QDir(panel_->outputDir());
}

void TrainPage::resumeTraining() {
  if (isRunning() || !panel_->problem().isEmpty() || shownRunIsComplete()) return;
  lora::TrainingSettings settings = runSettings();
  const TrainingRunFolder folder(QString::fromStdString(settings.output_dir));
  // The run continues with the parameters it was started with: a different batch or schedule would
  // not continue it but start something else from its middle.
  if (QFileInfo::exists(folder.parametersPath())) {
    std::string text;
    QString problem;
    try {
      if (!readTextFile(folder.parametersPath(), &text, &problem)) throw std::runtime_error(problem.toStdString());
      lora::TrainingSettings saved = lora::training_settings_from_json(text, folder.parametersPath().toStdString());
      saved.output_dir = settings.output_dir;
      saved.device = settings.device;
      saved.threads = settings.threads;
      const QString name = panel_->adapterName();
      panel_->setSettings(saved);
      panel_->setAdapterName(name);
      settings = saved;
    } catch (const std::exception& e) {
      showError(tr("Resume"), engineMessage(e));
      return;
    }
  }
  launch(settings, true);
}

bool TrainPage::stopRequested() const {
  return (worker_ && worker_->stopRequested()) || (process_ && process_->stopRequested());
}

void TrainPage::stopTraining() {
  if ((!worker_ && !process_) || stopRequested()) return;
  if (process_)
    process_->requestStop();
  else
    worker_->requestStop();
  phase_->setText(tr("Stopping after this step…"));
  appendLog(tr("Stopping: the adapter trained so far will be saved."));
  updateButtons();
}

void TrainPage::launch(const lora::TrainingSettings& settings, bool resume) {
  saveParameters();
  run_dir_ = QString::fromStdString(settings.output_dir);
  last_output_dir_ = run_dir_;
  run_complete_ = false;
  start_hint_->hide();
  tail_ = TrainingLogTail(TrainingRunFolder(run_dir_).logPath());
  clearRunView();
  if (resume) showCheckpoints();
  if (!resume) setInitialAdapter(QString());  // taken by this run; the next one starts fresh again
  launched_at_ms_ = QDateTime::currentMSecsSinceEpoch();
  total_steps_ = 0;
  progress_->setRange(0, 0);  // busy until the first step tells the total
  // A resumed run continues the story of the stop (and why): its messages follow, they do not replace.
  if (!resume) log_->clear();
  appendLog(resume ? tr("Resuming the run in %1.").arg(QDir::toNativeSeparators(run_dir_))
                   : tr("Training a new adapter in %1.").arg(QDir::toNativeSeparators(run_dir_)));
  if (!resume && !settings.init_adapter.empty())
    appendLog(tr("Starting from the weights of %1.").arg(QDir::toNativeSeparators(QString::fromStdString(settings.init_adapter))));

  rank_tokens_per_second_.clear();
  rank_speeds_->hide();
  if (devices_->processes() > 1) {
    // Several processes: lora-studio-cli's launcher starts them; the CPU ones split the cores.
    lora::TrainingSettings cli_settings = settings;
    cli_settings.device = devices_->device().toStdString();
    if (devices_->mode() == TrainingDevicesChoice::Mode::CpuProcesses) cli_settings.threads = 0;
    auto* process = new TrainingProcess(cli_settings, resume, devices_->processes(), this);
    connect(process, &TrainingProcess::progress, this, &TrainPage::onProgress);
    connect(process, &TrainingProcess::finished, this, &TrainPage::onFinished);
    connect(process, &TrainingProcess::failed, this, &TrainPage::onFailed);
    connect(process, &TrainingProcess::ended, this, &TrainPage::onProcessEnded);
    process_ = process;
    appendLog(tr("%1 training processes: %2").arg(devices_->processes()).arg(process->commandLine()));
    phase_->setText(tr("Starting…"));
    session_->setTraining(true, run_dir_);
    Q_EMIT session_->statusMessage(tr("Training %1…").arg(panel_->adapterName()));
    updateButtons();
    process->start();
    return;
  }
  auto* thread = new QThread(this);
  thread->setObjectName("TrainingThread");
  auto* worker = new TrainingWorker(settings, resume);
  worker->moveToThread(thread);
  connect(thread, &QThread::started, worker, &TrainingWorker::run);
  connect(worker, &TrainingWorker::progress, this, &TrainPage::onProgress, Qt::QueuedConnection);
  connect(worker, &TrainingWorker::finished, this, &TrainPage::onFinished, Qt::QueuedConnection);
  connect(worker, &TrainingWorker::failed, this, &TrainPage::onFailed, Qt::QueuedConnection);
  connect(thread, &QThread::finished, worker, &QObject::deleteLater);
  connect(thread, &QThread::finished, this, &TrainPage::onThreadFinished);
  thread_ = thread;
  worker_ = worker;
  phase_->setText(tr("Starting…"));
  session_->setTraining(true, run_dir_);  // Export warns before taking this adapter mid-run
  Q_EMIT session_->statusMessage(tr("Training %1…").arg(panel_->adapterName()));
  updateButtons();
  thread->start();
}

// --- Progress ----------------------------------------------------------------------------------

void TrainPage::onProgress(const lora::TrainingProgress& p) {
  if (p.world_size > 1) {
    if (p.phase == "training" && p.step > 0) {
      rank_tokens_per_second_[p.rank] = p.rank_tokens_per_second;
      showRankSpeeds();
    }
    if (p.rank != 0) return;  // rank 0 speaks for the run (its log, its whole-run numbers)
  }
  const QString phase = QString::fromStdString(p.phase);
  if (!stopRequested()) {
    static const std::pair<const char*, const char*> kPhases[] = {
        {"loading model", QT_TR_NOOP("Loading the model…")}, {"tokenizing", QT_TR_NOOP("Tokenizing the dataset…")},
        {"training", QT_TR_NOOP("Training")},                {"evaluating", QT_TR_NOOP("Evaluating…")},
        {"saving", QT_TR_NOOP("Saving…")},                   {"done", QT_TR_NOOP("Done")}};
    for (const auto& [key, text] : kPhases)
      if (phase == QLatin1String(key)) phase_->setText(tr(text));
  }
  if (!p.message.empty()) appendLog(engineMessage(p.message));
  if (p.total_steps > 0 && p.total_steps != total_steps_) {
    total_steps_ = p.total_steps;
    progress_->setRange(0, static_cast<int>(total_steps_));
    progress_->setFormat(tr("%v / %m steps"));
    progress_->setTextVisible(true);
  }
  if (phase == QLatin1String("training") && last_phase_ == QLatin1String("saving")) showCheckpoints();
  last_phase_ = phase;
  if (phase != QLatin1String("training")) return;
  step_->setText(tr("%1 / %2").arg(p.step).arg(p.total_steps));
  progress_->setValue(static_cast<int>(p.step));
  epoch_->setText(QString::number(p.epoch, 'f', 2));
  tokens_per_second_->setText(locale().toString(p.tokens_per_second, 'f', 0));
  elapsed_->setText(formatTrainingDuration(p.elapsed_seconds));
  eta_->setText(formatTrainingDuration(p.eta_seconds));
  memory_->setText(p.memory_bytes > 0 ? locale().formattedDataSize(p.memory_bytes) : QStringLiteral("—"));
  if (p.eval_loss >= 0) appendLog(tr("Step %1: evaluation loss %2").arg(p.step).arg(p.eval_loss, 0, 'f', 4));
  // The step is in the log before the callback reports it: the chart reads it from there.
  pollLog();
}

void TrainPage::pollLog() {
  TrainingLogTail::Poll poll = tail_.poll();
  if (poll.rewritten) {
    clearRunView();
    showCheckpoints();
  }
  for (const QString& problem : poll.problems) appendLog(problem);
  addLogEntries(poll.entries);
}

void TrainPage::onFinished(int outcome, qint64 steps_done, double final_loss, const QString& message) {
  pollLog();
  if (thread_) thread_->quit();
  const auto result = static_cast<lora::TrainingResult::Outcome>(outcome);
  QString summary;
  switch (result) {
    case lora::TrainingResult::Outcome::Finished: summary = tr("Training finished"); break;
    case lora::TrainingResult::Outcome::StoppedAtLoss: summary = tr("Training reached the target loss"); break;
    case lora::TrainingResult::Outcome::Cancelled: summary = tr("Training stopped; the adapter so far is saved"); break;
    case lora::TrainingResult::Outcome::Diverged: summary = tr("Training diverged"); break;
  }
  phase_->setText(summary);
  run_complete_ = result == lora::TrainingResult::Outcome::Finished ||
                  result == lora::TrainingResult::Outcome::StoppedAtLoss;
  if (total_steps_ > 0) step_->setText(tr("%1 / %2").arg(steps_done).arg(total_steps_));
  eta_->setText(QStringLiteral("—"));
  session_->setTraining(false);  // (the trainer's own summary already reached the log as its "done" message)
  if (TrainingRunFolder(run_dir_).hasAdapter() && result != lora::TrainingResult::Outcome::Diverged)
    session_->setAdapterDir(run_dir_);
  Q_EMIT session_->statusMessage(
      tr("%1: %2 steps, last loss %3.").arg(summary).arg(steps_done).arg(final_loss, 0, 'f', 4));
  showCheckpoints();
  history_->refresh();
  const double run_seconds = (QDateTime::currentMSecsSinceEpoch() - launched_at_ms_) / 1000.0;
  notifier_->runEnded(summary, tr("%1: %2 steps, last loss %3.").arg(panel_->adapterName()).arg(steps_done)
                                   .arg(final_loss, 0, 'f', 4),
                      result == lora::TrainingResult::Outcome::Diverged, run_seconds);
  if (result == lora::TrainingResult::Outcome::Diverged) showError(tr("Training diverged"), message);
  updateButtons();
}

void TrainPage::onFailed(const QString& message) {
  if (thread_) thread_->quit();
  resetProgress();
  run_complete_ = false;
  phase_->setText(tr("Failed"));
  appendLog(message);
  session_->setTraining(false);
  Q_EMIT session_->statusMessage(tr("Training could not run: %1").arg(message));
  notifier_->runEnded(tr("Training could not run"), message, true,
                      (QDateTime::currentMSecsSinceEpoch() - launched_at_ms_) / 1000.0);
  showError(tr("Training could not run"), message);
  updateButtons();
}

void TrainPage::showRankSpeeds() {
  QStringList parts;
  for (const auto& [rank, speed] : rank_tokens_per_second_)
    parts << tr("rank %1: %2 tokens/s").arg(rank).arg(locale().toString(speed, 'f', 0));
  rank_speeds_->setText(parts.join(QStringLiteral(" · ")));
  rank_speeds_->setVisible(!parts.isEmpty());
}

void TrainPage::onProcessEnded() {
  process_->deleteLater();
  process_ = nullptr;
  if (session_->isTraining()) session_->setTraining(false);
  updateButtons();
}

void TrainPage::onThreadFinished() {
  thread_->deleteLater();
  thread_ = nullptr;
  worker_ = nullptr;
  if (session_->isTraining()) session_->setTraining(false);  // a worker that ended without a word
  updateButtons();
}

// --- Reopening a run ---------------------------------------------------------------------------

bool TrainPage::openRun(const QString& run_dir, QString* error) {
  QString problem;
  if (isRunning())
    problem = tr("A run is going: stop it before opening another.");
  else if (!TrainingRunFolder(run_dir).hasLog())
    problem = tr("%1 holds no training_log.jsonl: it is not a run trained here.").arg(QDir::toNativeSeparators(run_dir));
  if (!problem.isEmpty()) {
    showError(tr("Open run"), problem);
    if (error) *error = problem;
    return false;
  }
  // A run in the adapters folder becomes the selected one, so Resume continues it.
  const QFileInfo info(run_dir);
  if (QDir(info.absolutePath()) == QDir(HyperparameterPanel::adaptersRoot())) {
    panel_->setAdapterName(info.fileName());
  }
  showRun(run_dir);
  appendLog(tr("Opened the run in %1: %2 logged steps.").arg(QDir::toNativeSeparators(run_dir)).arg(chart_->lossPointCount()));
  return true;
}

void TrainPage::showRun(const QString& run_dir) {
  // The run history judges a run the same way: one reading of a run folder for both.
  const RunRecord run = readRunRecord(run_dir);
  run_dir_ = run_dir;
  clearRunView();
  rank_tokens_per_second_.clear();
  rank_speeds_->hide();
  addLogEntries(run.entries);
  showCheckpoints();
  log_->clear();
  for (const QString& problem : run.problem.split('\n', Qt::SkipEmptyParts)) appendLog(problem);
  run_complete_ = run.hasEntries() && run.progress.reachedEnd;
  showLogEntriesSummary(run.entries, run.progress.totalSteps);
}

void TrainPage::showLogEntriesSummary(const std::vector<lora::TrainingLogEntry>& entries, qint64 total_steps) {
  total_steps_ = total_steps;
  for (QLabel* label : {step_, epoch_, tokens_per_second_, elapsed_, eta_, memory_}) label->setText("—");
  resetProgress();
  if (entries.empty()) {
    phase_->setText(tr("No steps logged"));
    return;
  }
  const auto& last = entries.back();
  progress_->setRange(0, static_cast<int>(std::max<qint64>(1, total_steps)));
  progress_->setFormat(tr("%v / %m steps"));
  progress_->setTextVisible(true);
  phase_->setText(run_complete_ ? tr("Finished run") : tr("Interrupted run"));
  if (run_complete_) start_hint_->hide();  // "press Start" would retrain what is already done
  step_->setText(tr("%1 / %2").arg(last.step).arg(total_steps));
  progress_->setValue(static_cast<int>(last.step));
  epoch_->setText(QString::number(last.epoch, 'f', 2));
  tokens_per_second_->setText(locale().toString(last.tokens_per_second, 'f', 0));
  elapsed_->setText(formatTrainingDuration(last.elapsed_seconds));
}

void TrainPage::resetProgress() {
  // "0 / 1 steps" before any run would announce a one-step run: no numbers until a total is known.
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(QString());
  progress_->setTextVisible(false);
}

void TrainPage::showRunView(int index) { run_tabs_->setCurrentIndex(index); }

// --- The current run's view ---------------------------------------------------------------------

void TrainPage::clearRunView() {
  chart_->clear();
  eval_samples_->clear();
  for (QLabel* label : {step_, epoch_, tokens_per_second_, elapsed_, eta_, memory_, eval_loss_, perplexity_})
    label->setText(QStringLiteral("—"));
}

void TrainPage::addLogEntries(const std::vector<lora::TrainingLogEntry>& entries) {
  chart_->addEntries(entries);
  eval_samples_->addEntries(entries);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (!it->eval_loss) continue;
    eval_loss_->setText(QString::number(*it->eval_loss, 'f', 4));
    const double perplexity = std::exp(*it->eval_loss);
    perplexity_->setText(perplexity < 1000 ? QString::number(perplexity, 'f', 2) : QString::number(perplexity, 'g', 4));
    break;
  }
}

// --- Checkpoints on the chart ------------------------------------------------------------------

void TrainPage::showCheckpoints() {
  QList<qint64> steps;
  if (!run_dir_.isEmpty()) {
    for (const std::string& path : lora::list_training_checkpoints(run_dir_.toStdString())) {
      bool ok = false;
      const qint64 step = QFileInfo(QString::fromStdString(path)).fileName().mid(int(strlen("checkpoint-"))).toLongLong(&ok);
      if (ok) steps.append(step);
    }
  }
  chart_->setCheckpoints(steps);
}

void TrainPage::onCheckpointAction(qint64 step, int action) {
  const QString folder = QDir(run_dir_).filePath(QString::fromStdString(lora::checkpoint_dir_name(step)));
  if (!QFileInfo::exists(QDir(folder).filePath("adapter_model.safetensors"))) {
    showError(tr("Checkpoint"), tr("%1 is gone (a newer save of the run may have replaced it).")
                                    .arg(QDir::toNativeSeparators(folder)));
    showCheckpoints();
    return;
  }
  switch (static_cast<LossChart::CheckpointAction>(action)) {
    case LossChart::CheckpointAction::Chat:
      session_->setAdapterDir(folder);
      Q_EMIT session_->pageRequested("chat");
      break;
    case LossChart::CheckpointAction::Export:
      session_->setAdapterDir(folder);
      Q_EMIT session_->pageRequested("export");
      break;
    case LossChart::CheckpointAction::ContinueAsNewRun:
      continueFromCheckpoint(step);
      break;
  }
}

bool TrainPage::continueFromCheckpoint(qint64 step, QString* error) {
  const QString run = run_dir_;
  const QString folder = QDir(run).filePath(QString::fromStdString(lora::checkpoint_dir_name(step)));
  QString problem;
  if (isRunning())
    problem = tr("A run is going: wait for it to end before starting another.");
  else if (!QFileInfo::exists(QDir(folder).filePath("adapter_model.safetensors")))
    problem = tr("%1 holds no adapter to continue from.").arg(QDir::toNativeSeparators(folder));
  else if (!QFileInfo::exists(TrainingRunFolder(run).parametersPath()))
    problem = tr("%1 holds no training_parameters.json: the run's parameters are unknown.").arg(QDir::toNativeSeparators(run));
  if (problem.isEmpty()) applyParametersFile(TrainingRunFolder(run).parametersPath(), false, &problem);
  if (!problem.isEmpty()) {
    showError(tr("Continue from a checkpoint"), problem);
    if (error) *error = problem;
    return false;
  }
  // A new folder beside the run: "<run>-from-<step>", numbered when that exists already.
  const QString base = QStringLiteral("%1-from-%2").arg(QFileInfo(run).fileName()).arg(step);
  QString name = base;
  for (int n = 2; TrainingRunFolder(QDir(HyperparameterPanel::adaptersRoot()).filePath(name)).holdsRun(); ++n)
    name = QStringLiteral("%1-%2").arg(base).arg(n);
  panel_->setAdapterName(name);
  setInitialAdapter(folder);
  appendLog(tr("A new run %1 will start from checkpoint %2 of %3: press Start training.")
                .arg(name).arg(step).arg(QDir::toNativeSeparators(run)));
  return true;
}

void TrainPage::setInitialAdapter(const QString& dir) {
  init_adapter_ = dir;
  init_adapter_label_->setText(dir.isEmpty() ? QString()
                                             : tr("The next run starts from the weights of %1.")
                                                   .arg(QDir::toNativeSeparators(dir)));
  init_adapter_label_->setVisible(!dir.isEmpty());
  start_fresh_->setVisible(!dir.isEmpty());
}

// --- Closing -----------------------------------------------------------------------------------

bool TrainPage::confirmClose() {
  if (!isRunning()) return true;
  const auto answer = QMessageBox::question(
      this, tr("Training is running"),
      tr("Stop training and quit? The adapter trained so far is saved and the run can be resumed later."),
      QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
  if (answer != QMessageBox::Yes) return false;
  if (!isRunning()) return true;  // it ended while the question was open
  if (process_) {
    QEventLoop wait_for_processes;
    connect(process_.data(), &TrainingProcess::ended, &wait_for_processes, &QEventLoop::quit);
    stopTraining();
    Q_EMIT session_->statusMessage(tr("Stopping training and saving the adapter…"));
    if (process_) wait_for_processes.exec();
    QApplication::processEvents();
    return true;
  }
  QEventLoop wait;
  QThread* thread = thread_.data();
  connect(thread, &QThread::finished, &wait, &QEventLoop::quit);
  stopTraining();
  Q_EMIT session_->statusMessage(tr("Stopping training and saving the adapter…"));
  // The window keeps painting while the trainer finishes its step and saves.
  if (thread_ && !thread_->isFinished()) wait.exec();
  QApplication::processEvents();  // deliver the worker's last signals (finished, adapter dir)
  return true;
}

// --- Helpers -----------------------------------------------------------------------------------

void TrainPage::appendLog(const QString& line) {
  if (!line.isEmpty()) log_->appendPlainText(line);
}

void TrainPage::showError(const QString& title, const QString& message) {
  // Not modal-blocking: the window (and a run's progress) carries on behind it.
  auto* box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
  box->setObjectName("trainErrorBox");
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

}  // namespace ui
