#pragma once
// The Train page's "Devices": where a run computes. This process (today's worker thread, on the GPU or
// the CPU the settings choose), all GPUs (one process per CUDA device, data-parallel), or N CPU
// processes that split the cores between them. The last two run through lora-studio-cli --nproc N.
#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QSpinBox;

namespace ui {

class TrainingDevicesChoice : public QWidget {
  Q_OBJECT

 public:
  enum class Mode { ThisProcess, AllGpus, CpuProcesses };

  explicit TrainingDevicesChoice(QWidget* parent = nullptr);

  Mode mode() const;
  void setMode(Mode mode);  // AllGpus falls back to ThisProcess on a machine without two GPUs
  int cpuProcesses() const;
  void setCpuProcesses(int count);
  int processes() const;     // 1 for this process
  QString device() const;    // the CLI's --device for the processes: "cuda" or "cpu"; "" for this process
  static QString modeKey(Mode mode);  // "this_process", "all_gpus", "cpu_processes" (the saved setting)
  static Mode modeFromKey(const QString& key);

 Q_SIGNALS:
  void changed();

 private:
  void updateNote();

  int gpus_ = 0;
  int cores_ = 1;
  QComboBox* mode_ = nullptr;
  QSpinBox* cpu_processes_ = nullptr;
  QLabel* note_ = nullptr;
};

}  // namespace ui
