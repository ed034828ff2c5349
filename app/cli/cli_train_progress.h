#pragma once
// `train --progress-json`: what every rank reports, one JSON object per line on stdout, for a program
// that drives the CLI (the window's multi-process runs read it, ui/cli_progress_line.h). Messages go
// as catalogue ids and arguments, so the reader shows them in its own language:
//   {"rank":0,"world_size":2,"phase":"training","step":3,...,"rank_tokens_per_second":812.5,"message":{...}}
//   {"rank":0,"result":{"outcome":"finished","steps_done":6,"final_loss":1.2,"adapter_dir":"...","message":{...}}}
//   {"rank":1,"error":{"id":"training.some_id","args":["text",{"id":...},[{...}]]}}   (or "error_text")
//   {"error":{...}}   the launcher: a worker that failed (describe_exit's message)
// A message argument is a string, a message object, or a list of message objects (lines).
#include <exception>

#include "trainer.h"

namespace cli {

void print_progress_json(const lora::TrainingProgress& progress);
void print_result_json(int rank, const lora::TrainingResult& result);
// rank < 0: the launcher. A lora::Error goes by its message id, anything else as English text.
void print_error_json(int rank, const std::exception& error);
void print_error_json(int rank, const lora::Message& message);

}  // namespace cli
