#pragma once
// The Train page's hyperparameter panel: every setting of a LoRA run a user chooses, each with a
// tooltip that says what it does and how to pick it. Values that can never be valid are refused
// where they are typed (validators, spin-box ranges); combinations that are wrong (batch size not
// a multiple of the micro-batch, a name with '.') are shown inline and reported by problem().
// Settings the panel does not show (optimizer, weight decay, ...) are kept from the last
// setSettings(), so a preset or an earlier run's parameters round-trip whole.
#include <QString>
#include <QWidget>

#include "training_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTimer;

namespace ui {

class HyperparameterPanel : public QWidget {
  Q_OBJECT

 public:
  explicit HyperparameterPanel(QWidget* parent = nullptr);

  // The run as set here; output_dir is outputDir(). device and threads are left as last set.
  lora::TrainingSettings settings() const;
  // Shows `settings` (output_dir is not used: the adapter name decides the folder).
  void setSettings(const lora::TrainingSettings& settings);

  QString adapterName() const;
  void setAdapterName(const QString& name);
  // <AppLocalDataLocation>/adapters/<name>; empty while the name is empty.
  QString outputDir() const;
  static QString adaptersRoot();

  void setModelDir(const QString& dir);
  void setDatasetPath(const QString& path);

  // The first reason the run cannot start as set, for the user; empty when it can.
  QString problem() const;

 Q_SIGNALS:
  void changed();

 private:
  void buildLayout();
  QGroupBox* buildAdapterGroup();
  QGroupBox* buildDataGroup();
  QGroupBox* buildLoraGroup();
  QGroupBox* buildScheduleGroup();
  QGroupBox* buildControlGroup();
  QGroupBox* buildComputeGroup();
  void connectEdits();
  void addTooltips();
  void updateInlineHints();
  void checkModelAndData();  // the reasons the model folder or dataset file cannot be used, shown inline
  void updateTargetBoxes();
  void onRankChanged(int rank);
  void browseModel();
  void browseDataset();

  lora::TrainingSettings base_;  // the fields the panel does not show
  int previous_rank_ = 0;
  bool applying_ = false;

  QLineEdit* adapter_name_ = nullptr;
  QLabel* name_hint_ = nullptr;
  QTimer* name_hint_timer_ = nullptr;
  QLabel* output_dir_label_ = nullptr;
  QLineEdit* model_dir_ = nullptr;
  QLineEdit* dataset_path_ = nullptr;
  QLabel* model_hint_ = nullptr;
  QLabel* dataset_hint_ = nullptr;
  QString checked_model_dir_, model_problem_;  // read_model_info is not repeated for an unchanged path
  QString dataset_problem_;
  QComboBox* format_ = nullptr;
  QCheckBox* all_linear_ = nullptr;
  QList<QCheckBox*> target_boxes_;
  QSpinBox* rank_ = nullptr;
  QDoubleSpinBox* alpha_ = nullptr;
  QDoubleSpinBox* dropout_ = nullptr;
  QCheckBox* use_dora_ = nullptr;
  QDoubleSpinBox* lora_plus_ratio_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QSpinBox* max_steps_ = nullptr;
  QLineEdit* learning_rate_ = nullptr;
  QComboBox* scheduler_ = nullptr;
  QSpinBox* warmup_steps_ = nullptr;
  QSpinBox* micro_batch_ = nullptr;
  QSpinBox* batch_size_ = nullptr;
  QLabel* batch_hint_ = nullptr;
  QSpinBox* cutoff_len_ = nullptr;
  QSpinBox* raw_text_overlap_ = nullptr;
  QDoubleSpinBox* eval_split_ = nullptr;
  QSpinBox* eval_every_ = nullptr;
  QSpinBox* eval_samples_ = nullptr;
  QSpinBox* eval_sample_tokens_ = nullptr;
  QSpinBox* save_every_ = nullptr;
  QDoubleSpinBox* stop_at_loss_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QComboBox* precision_ = nullptr;
  QCheckBox* gradient_checkpointing_ = nullptr;
  QComboBox* quantize_ = nullptr;
  QCheckBox* double_quant_ = nullptr;
};

}  // namespace ui
