#pragma once
// `bench train --nproc N`: data-parallel training throughput against one process (see the .cpp).
#include "cli_command.h"

namespace cli {

int run_bench_train_nproc(const Args& args);

}  // namespace cli
