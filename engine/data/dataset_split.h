#pragma once
// Holding out an evaluation set. The choice depends on the seed and the record count only, and is
// the same on every machine and standard library (its own generator and shuffle, not std::shuffle),
// so a resumed run and a re-run evaluate on the same records.
// (A separate evaluation file is simply a second TrainingDataset loaded with the same options.)
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lora {

struct DatasetSplit {
  std::vector<size_t> train;  // record indices, ascending
  std::vector<size_t> eval;   // record indices, ascending
};

// Holds out round(eval_fraction × count) records, at least 1 and leaving at least 1 for training.
// eval_fraction 0 puts everything in train. Throws lora::Error when the fraction is outside [0, 1)
// or there are fewer than 2 records to split.
DatasetSplit split_train_eval(size_t count, double eval_fraction, uint64_t seed);

}  // namespace lora
