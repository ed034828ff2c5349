#include "training_devices_choice.h"

#include <ATen/detail/CUDAHooksInterface.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>

#include "device.h"

namespace ui {

TrainingDevicesChoice::TrainingDevicesChoice(QWidget* parent) : QWidget(parent) {
  gpus_ = at::detail::getCUDAHooks().getNumGPUs();
  cores_ = std::max(1, lora::cpu_core_count());
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  auto* caption = new QLabel(tr("Devices:"), this);
  mode_ = new QComboBox(this);
  mode_->setObjectName("devicesChoice");
  mode_->addItem(tr("This process (one GPU or the CPU)"), modeKey(Mode::ThisProcess));
  mode_->addItem(gpus_ >= 2 ? tr("All GPUs (%1 processes)").arg(gpus_) : tr("All GPUs"), modeKey(Mode::AllGpus));
  mode_->addItem(tr("CPU processes"), modeKey(Mode::CpuProcesses));
  mode_->setItemData(0, tr("Train in this program, on the device chosen in Settings (a GPU, else the CPU)."),
                     Qt::ToolTipRole);
  mode_->setItemData(2, tr("Several training processes on this computer's CPU, each on its own share of the "
                           "cores; they train the same adapter one process would."),
                     Qt::ToolTipRole);
  if (gpus_ < 2) {
    if (auto* model = qobject_cast<QStandardItemModel*>(mode_->model())) model->item(1)->setEnabled(false);
    mode_->setItemData(1, tr("Needs more than one CUDA GPU; this computer has %1.").arg(gpus_), Qt::ToolTipRole);
  } else {
    mode_->setItemData(1, tr("One training process per GPU; they train the same adapter one process would, "
                             "faster."),
                       Qt::ToolTipRole);
  }
  caption->setBuddy(mode_);
  cpu_processes_ = new QSpinBox(this);
  cpu_processes_->setObjectName("cpuProcesses");
  cpu_processes_->setRange(2, std::max(2, cores_));
  cpu_processes_->setSuffix(tr(" processes"));
  cpu_processes_->setToolTip(tr("How many CPU processes; each gets the cores divided by this number as its threads."));
  row->addWidget(caption);
  row->addWidget(mode_, 1);
  row->addWidget(cpu_processes_);
  layout->addLayout(row);
  note_ = new QLabel(this);
  note_->setObjectName("devicesNote");
  note_->setWordWrap(true);
  layout->addWidget(note_);
  connect(mode_, &QComboBox::currentIndexChanged, this, [this] {
    updateNote();
    Q_EMIT changed();
  });
  connect(cpu_processes_, &QSpinBox::valueChanged, this, [this] {
    updateNote();
    Q_EMIT changed();
  });
  updateNote();
}

QString TrainingDevicesChoice::modeKey(Mode mode) {
  switch (mode) {
    case Mode::AllGpus: return QStringLiteral("all_gpus");
    case Mode::CpuProcesses: return QStringLiteral("cpu_processes");
    case Mode::ThisProcess: break;
  }
  return QStringLiteral("this_process");
}

TrainingDevicesChoice::Mode TrainingDevicesChoice::modeFromKey(const QString& key) {
  if (key == modeKey(Mode::AllGpus)) return Mode::AllGpus;
  if (key == modeKey(Mode::CpuProcesses)) return Mode::CpuProcesses;
  return Mode::ThisProcess;
}

TrainingDevicesChoice::Mode TrainingDevicesChoice::mode() const { return modeFromKey(mode_->currentData().toString()); }

void TrainingDevicesChoice::setMode(Mode mode) {
  if (mode == Mode::AllGpus && gpus_ < 2) mode = Mode::ThisProcess;
  mode_->setCurrentIndex(mode_->findData(modeKey(mode)));
}

int TrainingDevicesChoice::cpuProcesses() const { return cpu_processes_->value(); }
void TrainingDevicesChoice::setCpuProcesses(int count) { cpu_processes_->setValue(count); }

int TrainingDevicesChoice::processes() const {
  switch (mode()) {
    case Mode::AllGpus: return gpus_;
    case Mode::CpuProcesses: return cpu_processes_->value();
    case Mode::ThisProcess: break;
  }
  return 1;
}

QString TrainingDevicesChoice::device() const {
  switch (mode()) {
    case Mode::AllGpus: return QStringLiteral("cuda");
    case Mode::CpuProcesses: return QStringLiteral("cpu");
    case Mode::ThisProcess: break;
  }
  return QString();
}

void TrainingDevicesChoice::updateNote() {
  const Mode current = mode();
  cpu_processes_->setVisible(current == Mode::CpuProcesses);
  QString note;
  if (current == Mode::CpuProcesses) {
    const int count = cpu_processes_->value();
    note = tr("%1 processes with %2 threads each: worth it on a machine with several CPU sockets; on a small "
              "machine one process is as fast.")
               .arg(count)
               .arg(std::max(1, cores_ / count));
  } else if (current == Mode::AllGpus) {
    note = tr("%1 processes, one per GPU.").arg(gpus_);
  }
  note_->setText(note);
  note_->setVisible(!note.isEmpty());
}

}  // namespace ui
