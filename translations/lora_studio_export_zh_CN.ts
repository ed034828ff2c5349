<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::ExportPage</name>
    <message>
        <location filename="../ui/export_page.cpp" line="+185" />
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Choose another adapter folder (one with adapter_config.json)</source>
        <translation>选择另一个适配器文件夹（含 adapter_config.json）</translation>
    </message>
    <message>
        <location line="+21" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Save the adapter elsewhere</source>
        <translation>将适配器另存到其他位置</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The folder is a standard PEFT LoRA adapter: copy it wherever a tool expects adapters, e.g. text-generation-webui's loras folder.</source>
        <translation>该文件夹是标准的 PEFT LoRA 适配器：可复制到任何工具存放适配器的位置，例如 text-generation-webui 的 loras 文件夹。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Copy into:</source>
        <translation>复制到：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>a folder, e.g. text-generation-webui/user_data/loras</source>
        <translation>一个文件夹，例如 text-generation-webui/user_data/loras</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The adapter folder is copied into this folder under its own name</source>
        <translation>适配器文件夹会以原名复制到此文件夹中</translation>
    </message>
    <message>
        <location line="-26" />
        <location line="+29" />
        <location line="+64" />
        <location line="+594" />
        <location line="+26" />
        <location line="+49" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="-730" />
        <source>Copy the adapter into</source>
        <translation>将适配器复制到</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Include the training checkpoints (checkpoint-N folders, only needed to resume training)</source>
        <translation>包含训练检查点（checkpoint-N 文件夹，仅在继续训练时需要）</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Copy adapter</source>
        <translation>复制适配器</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Copies into a hidden folder first and renames it at the end, so an interrupted copy never leaves a half adapter</source>
        <translation>先复制到隐藏文件夹，完成后再重命名，因此中断的复制不会留下不完整的适配器</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Merge into a full model</source>
        <translation>合并为完整模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Writes a new Hugging Face model folder whose weights include the adapter (W + scaling·B·A): it loads without PEFT in any tool that loads the base model. The merge runs tensor by tensor, so it needs little memory; the result appears only when it is complete.</source>
        <translation>写出一个新的 Hugging Face 模型文件夹，其权重已包含适配器（W + scaling·B·A）：任何能加载基础模型的工具都可直接加载，无需 PEFT。合并逐个张量进行，占用内存很少；全部完成后结果才会出现。</translation>
    </message>
    <message>
        <location line="-84" />
        <source>The model the adapter was trained on (the loaded model, or the adapter's base_model_name_or_path)</source>
        <translation>训练该适配器所用的模型（已加载的模型，或适配器中的 base_model_name_or_path）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Base model folder</source>
        <translation>基础模型文件夹</translation>
    </message>
    <message>
        <location line="-9" />
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <location line="+97" />
        <source>The new model folder; it must not hold a model unless you allow replacing it</source>
        <translation>新的模型文件夹；除非允许替换，否则其中不能已有模型</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Same as the base model</source>
        <translation>与基础模型相同</translation>
    </message>
    <message>
        <location line="+1" />
        <source>float32 (largest, exact)</source>
        <translation>float32（体积最大，精确）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>bfloat16 (half the size; what most models ship in)</source>
        <translation>bfloat16（体积减半；大多数模型发布时的精度）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>float16 (half the size)</source>
        <translation>float16（体积减半）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The precision the merged weights are stored in. The merge itself computes in float32 and rounds once.</source>
        <translation>合并后权重的存储精度。合并本身以 float32 计算，只舍入一次。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Replace a model already in the output folder</source>
        <translation>替换输出文件夹中已有的模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Merge into model</source>
        <translation>合并到模型</translation>
    </message>
    <message>
        <location line="-212" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+224" />
        <source>Load the merged model</source>
        <translation>加载合并后的模型</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load the merged model in place of the current one, e.g. to chat with it</source>
        <translation>用合并后的模型替换当前模型，例如用于对话</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Use it in other tools</source>
        <translation>在其他工具中使用</translation>
    </message>
    <message>
        <location line="+4" />
        <source>text-generation-webui loads PEFT adapters with its Transformers loader: copy the adapter into its loras folder, load the base model on the Model tab, pick the adapter under LoRA(s) and click Apply LoRAs; or start it like this:</source>
        <translation>text-generation-webui 通过 Transformers 加载器加载 PEFT 适配器：将适配器复制到其 loras 文件夹，在 Model 标签页加载基础模型，在 LoRA(s) 中选择适配器并点击 Apply LoRAs；或者这样启动：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>In Python, PEFT puts the adapter on the base model loaded with transformers:</source>
        <translation>在 Python 中，用 PEFT 把适配器加到 transformers 加载的基础模型上：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>vLLM serves the base model with the adapter switched on per request:</source>
        <translation>vLLM 部署基础模型，并按请求启用适配器：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>llama.cpp converts the adapter to GGUF against the base model's folder and applies it at run time (or convert the merged model instead):</source>
        <translation>llama.cpp 参照基础模型文件夹把适配器转换为 GGUF，并在运行时加载（也可以改为转换合并后的模型）：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The merged folder is a complete Hugging Face model: transformers, vLLM and text-generation-webui load it like the base model, and llama.cpp, Ollama and LM Studio after converting it to GGUF.</source>
        <translation>合并后的文件夹是完整的 Hugging Face 模型：transformers、vLLM 和 text-generation-webui 可像加载基础模型一样加载它；转换为 GGUF 后，llama.cpp、Ollama 和 LM Studio 也能使用。</translation>
    </message>
    <message>
        <location line="-252" />
        <location line="+256" />
        <source>Merged model</source>
        <translation>合并后的模型</translation>
    </message>
    <message>
        <location line="-265" />
        <source>Stop the copy, merge, export or check; nothing half-written is left behind</source>
        <translation>停止复制、合并、导出或检查；不会留下写了一半的文件</translation>
    </message>
    <message>
        <location line="+8" />
        <source>PEFT adapter</source>
        <translation>PEFT 适配器</translation>
    </message>
    <message>
        <location line="+289" />
        <location line="+437" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="-435" />
        <location line="+437" />
        <source>Copy these lines to the clipboard</source>
        <translation>将这些内容复制到剪贴板</translation>
    </message>
    <message>
        <location line="-429" />
        <source>Choose an adapter folder</source>
        <translation>选择适配器文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Not a LoRA adapter</source>
        <translation>不是 LoRA 适配器</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 has no adapter_config.json: it is not a PEFT adapter folder.</source>
        <translation>%1 中没有 adapter_config.json：它不是 PEFT 适配器文件夹。</translation>
    </message>
    <message>
        <location line="+13" />
        <source>No adapter chosen</source>
        <translation>未选择适配器</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train an adapter on the Train page, or choose an adapter folder with Choose…</source>
        <translation>请在“训练”页训练一个适配器，或点击“选择…”选择适配器文件夹</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Rank (r): %1</source>
        <translation>秩 (r)：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Alpha: %1 (scaling %2%3)</source>
        <translation>Alpha：%1（缩放系数 %2%3）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>, rsLoRA</source>
        <translation>，rsLoRA</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Target modules: %1</source>
        <translation>目标模块：%1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Per-module rank or alpha for %1 pattern(s)</source>
        <translation>%1 个模式使用单独的秩或 alpha</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dropout: %1</source>
        <translation>Dropout：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Base model: %1</source>
        <translation>基础模型：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>(not recorded)</source>
        <translation>（未记录）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>LoRA parameters: %1 in %2 tensors</source>
        <translation>LoRA 参数：%1，共 %2 个张量</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Prompt format in training: %1</source>
        <translation>训练时的提示词格式：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>a template file</source>
        <translation>模板文件</translation>
    </message>
    <message>
        <location line="+11" />
        <source>This folder cannot be exported: %1</source>
        <translation>无法导出此文件夹：%1</translation>
    </message>
    <message>
        <location line="+8" />
        <source>LoRA settings (PEFT)</source>
        <translation>LoRA 配置（PEFT）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>LoRA weights (PEFT)</source>
        <translation>LoRA 权重（PEFT）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The prompt format used in training</source>
        <translation>训练时使用的提示词格式</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The training settings</source>
        <translation>训练参数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training log: loss per step</source>
        <translation>训练日志：每步的损失</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Model card</source>
        <translation>模型卡</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Checkpoint to resume training</source>
        <translation>用于继续训练的检查点</translation>
    </message>
    <message>
        <location line="+47" />
        <source>Replaces the existing %1</source>
        <translation>将替换已有的 %1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Creates the folder %1 and in it %2</source>
        <translation>将创建文件夹 %1，并在其中创建 %2</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Creates %1</source>
        <translation>将创建 %1</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The folder %1 cannot be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Replace the folder?</source>
        <translation>替换该文件夹？</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 already exists. Replace it with this adapter?</source>
        <translation>%1 已存在。要用此适配器替换它吗？</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Copying…</source>
        <translation>正在复制…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Copied to %1</source>
        <translation>已复制到 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Adapter copied to %1</source>
        <translation>适配器已复制到 %1</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Choose the base model and the output folder first.</source>
        <translation>请先选择基础模型和输出文件夹。</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Failed: %1 already holds a model (%2). Choose a new output folder, or tick “%3” to replace it.</source>
        <translation>失败：%1 已包含模型（%2）。请选择新的输出文件夹，或勾选“%3”以替换它。</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Merging…</source>
        <translation>正在合并…</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+5" />
        <source>Merged model written to %1</source>
        <translation>合并后的模型已写入 %1</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Check cancelled; the exported file stays.</source>
        <translation>检查已取消；导出的文件保留。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The check failed: %1</source>
        <translation>检查失败：%1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancelled; nothing was written.</source>
        <translation>已取消；未写入任何文件。</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location line="+45" />
        <source>This checkpoint belongs to a run that is still training (now at step %1). The checkpoint is complete, but the run may remove it when it saves newer ones.</source>
        <translation>此检查点属于一次仍在进行的训练（当前在第 %1 步）。该检查点是完整的，但训练在保存更新的检查点时可能会将其删除。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>This checkpoint belongs to a run that is still training. The checkpoint is complete, but the run may remove it when it saves newer ones.</source>
        <translation>此检查点属于一次仍在进行的训练。该检查点是完整的，但训练在保存更新的检查点时可能会将其删除。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>This adapter is still being trained (step %1); exporting now takes the weights saved so far, not the finished adapter.</source>
        <translation>此适配器仍在训练中（第 %1 步）；现在导出的是目前已保存的权重，而不是训练完成后的适配器。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>This adapter is still being trained; exporting now takes the weights saved so far, not the finished adapter.</source>
        <translation>此适配器仍在训练中；现在导出的是目前已保存的权重，而不是训练完成后的适配器。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Export while training?</source>
        <translation>在训练进行时导出？</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export it anyway?</source>
        <translation>仍要导出吗？</translation>
    </message>
    <message>
        <location line="+63" />
        <source>f32 — full precision, the largest file</source>
        <translation>f32 — 全精度，文件最大</translation>
    </message>
    <message>
        <location line="+1" />
        <source>f16 — half precision</source>
        <translation>f16 — 半精度</translation>
    </message>
    <message>
        <location line="+1" />
        <source>bf16 — half precision, bfloat16</source>
        <translation>bf16 — 半精度（bfloat16）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>q8_0 — 8-bit, close to lossless</source>
        <translation>q8_0 — 8 位，接近无损</translation>
    </message>
    <message>
        <location line="+1" />
        <source>q4_0 — 4-bit, the smallest</source>
        <translation>q4_0 — 4 位，文件最小</translation>
    </message>
    <message>
        <location line="+1" />
        <source>q4_k_m — 4-bit K-quants, the usual size/quality trade</source>
        <translation>q4_k_m — 4 位 K 量化，常用的大小与质量折中</translation>
    </message>
    <message>
        <location line="+4" />
        <source>How the weights are stored in the GGUF file. Norms and other 1-D tensors always stay f32; the 4-bit types keep some tensors at higher precision as llama.cpp's llama-quantize does.</source>
        <translation>权重在 GGUF 文件中的存储方式。归一化层和其他一维张量始终保持 f32；4 位类型会像 llama.cpp 的 llama-quantize 一样，让部分张量保持更高精度。</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Check the file afterwards: the same question to the exported file and to the source model, greedy</source>
        <translation>导出后检查文件：用同一个问题分别询问导出的文件和源模型（贪心解码）</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Loads the exported file and the source model with its adapter in turn (each once, in float32) and compares their first 24 answer tokens</source>
        <translation>依次加载导出的文件和带适配器的源模型（各一次，float32），比较两者回答的前 24 个词元</translation>
    </message>
    <message>
        <location line="+22" />
        <source>What to do next:</source>
        <translation>下一步：</translation>
    </message>
    <message>
        <location line="+19" />
        <source>A GGUF file for llama.cpp</source>
        <translation>用于 llama.cpp 的 GGUF 文件</translation>
    </message>
    <message>
        <location line="+4" />
        <source>One file with the model's weights, tokenizer and chat template, as llama.cpp's own converter writes it: llama.cpp, Ollama, LM Studio and other tools run it directly. Or the adapter alone, which llama.cpp applies on top of the base model's GGUF (--lora).</source>
        <translation>一个包含模型权重、分词器和对话模板的文件，布局与 llama.cpp 自带的转换器相同：llama.cpp、Ollama、LM Studio 等工具可以直接运行。也可以只导出适配器，由 llama.cpp 叠加在基础模型的 GGUF 上使用（--lora）。</translation>
    </message>
    <message>
        <location line="+10" />
        <location line="+163" />
        <source>The model with the adapter merged in</source>
        <translation>合并了适配器的模型</translation>
    </message>
    <message>
        <location line="-162" />
        <source>The adapter alone (llama.cpp --lora)</source>
        <translation>仅适配器（llama.cpp --lora）</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Contents:</source>
        <translation>内容：</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+42" />
        <location line="+51" />
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <location line="-87" />
        <source>GGUF file</source>
        <translation>GGUF 文件</translation>
    </message>
    <message>
        <location line="+0" />
        <source>GGUF files (*.gguf)</source>
        <translation>GGUF 文件 (*.gguf)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>File:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Export GGUF</source>
        <translation>导出 GGUF</translation>
    </message>
    <message>
        <location line="+5" />
        <source>A model for Ollama</source>
        <translation>用于 Ollama 的模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Writes model.gguf (the adapter merged in) and a Modelfile with the prompt format the adapter was trained with into a folder. With a model name, and Ollama installed here, it also runs “ollama create”.</source>
        <translation>将 model.gguf（已合并适配器）和一个使用适配器训练时提示格式的 Modelfile 写入文件夹。填写了模型名称且本机装有 Ollama 时，还会运行“ollama create”。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Folder for Ollama's files</source>
        <translation>存放 Ollama 文件的文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>e.g. my-model (empty: only write the files)</source>
        <translation>例如 my-model（留空：只写文件）</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+51" />
        <source>Model name:</source>
        <translation>模型名称：</translation>
    </message>
    <message>
        <location line="-46" />
        <source>Replace model.gguf and Modelfile already in the folder</source>
        <translation>替换文件夹中已有的 model.gguf 和 Modelfile</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Modelfile:</source>
        <translation>Modelfile：</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Export for Ollama</source>
        <translation>导出到 Ollama</translation>
    </message>
    <message>
        <location line="+5" />
        <source>A model for LM Studio</source>
        <translation>用于 LM Studio 的模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Writes the GGUF file (the adapter merged in) where LM Studio looks for models: &lt;models folder&gt;/&lt;publisher&gt;/&lt;name&gt;/. LM Studio then lists it under My Models.</source>
        <translation>将 GGUF 文件（已合并适配器）写到 LM Studio 查找模型的位置：&lt;模型文件夹&gt;/&lt;发布者&gt;/&lt;名称&gt;/。之后 LM Studio 会在“我的模型”中列出它。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>LM Studio's models folder (its My Models settings show where it is)</source>
        <translation>LM Studio 的模型文件夹（其“我的模型”设置中显示位置）</translation>
    </message>
    <message>
        <location line="+7" />
        <source>LM Studio's models folder</source>
        <translation>LM Studio 的模型文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Models folder:</source>
        <translation>模型文件夹：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Publisher:</source>
        <translation>发布者：</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Export for LM Studio</source>
        <translation>导出到 LM Studio</translation>
    </message>
    <message>
        <location line="+38" />
        <source>The model alone (no adapter chosen)</source>
        <translation>仅模型（未选择适配器）</translation>
    </message>
    <message>
        <location line="+18" />
        <source>(the default)</source>
        <translation>（默认）</translation>
    </message>
    <message>
        <location line="+47" />
        <source>Fill in the folder, publisher and name.</source>
        <translation>请填写文件夹、发布者和名称。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Writes %1</source>
        <translation>将写入 %1</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Choose the base model to see the file's size.</source>
        <translation>选择基础模型后即可看到文件大小。</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Estimating the file's size…</source>
        <translation>正在估算文件大小…</translation>
    </message>
    <message>
        <location line="+32" />
        <source>This cannot be exported: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 × %2</source>
        <translation>%1 × %2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Estimated file size: %1 (tensors: %2)</source>
        <translation>预计文件大小：%1（张量：%2）</translation>
    </message>
    <message>
        <location line="+40" />
        <source>Choose the base model first.</source>
        <translation>请先选择基础模型。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Choose the file to write first.</source>
        <translation>请先选择要写入的文件。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose the folder to write into first.</source>
        <translation>请先选择要写入的文件夹。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Failed: %1 already holds %2. Choose a new folder, or tick “%3”.</source>
        <translation>失败：%1 中已有 %2。请选择新的文件夹，或勾选“%3”。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Fill in the folder, publisher and name first.</source>
        <translation>请先填写文件夹、发布者和名称。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Replace the file?</source>
        <translation>替换该文件？</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 already exists. Replace it?</source>
        <translation>%1 已存在。要替换它吗？</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Written: %1</source>
        <translation>已写入：%1</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No model name given: create the Ollama model with the commands below.</source>
        <translation>未填写模型名称：请用下面的命令创建 Ollama 模型。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Ollama is not installed here: run the commands below where it is.</source>
        <translation>本机未安装 Ollama：请在装有 Ollama 的机器上运行下面的命令。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Checking: the same question to the exported file and to the source model…</source>
        <translation>正在检查：用同一个问题询问导出的文件和源模型…</translation>
    </message>
    <message>
        <location line="+11" />
        <source>verified: same greedy answer</source>
        <translation>已验证：贪心解码的回答相同</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Source model and exported file: %1</source>
        <translation>源模型和导出的文件：%1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The answers differ from character %1 on:</source>
        <translation>两者的回答从第 %1 个字符起不同：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Source model: %1</source>
        <translation>源模型：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Exported file: %1</source>
        <translation>导出的文件：%1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Quantized files often part from the source model after a few words; f32, f16 and bf16 should not.</source>
        <translation>量化后的文件常在几个词之后与源模型的回答分开；f32、f16 和 bf16 不应如此。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The two tokenizers encoded the question differently.</source>
        <translation>两个分词器对问题的编码不同。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Running: ollama create %1 …</source>
        <translation>正在运行：ollama create %1 …</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Ollama model %1 created: run it with “ollama run %1”.</source>
        <translation>已创建 Ollama 模型 %1：用“ollama run %1”运行它。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>ollama create failed: %1</source>
        <translation>ollama create 失败：%1</translation>
    </message>
    <message>
        <location filename="../ui/export_task.cpp" line="+184" />
        <source>%1 layers merged; %2 tensors in %3 (%4 file(s)).</source>
        <translation>已合并 %1 个层；共 %2 个张量，精度 %3（%4 个文件）。</translation>
    </message>
    <message>
        <location line="+54" />
        <source>%1 of %2 — %3</source>
        <translation>%1 / %2 — %3</translation>
    </message>
    <message>
        <location line="+24" />
        <source>%1 LoRA pairs, alpha %2, %3; %4.</source>
        <translation>%1 对 LoRA 矩阵，alpha %2，%3；%4。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>model.gguf (%1, %2, %3 tensors) and a Modelfile (prompt format: %4).</source>
        <translation>model.gguf（%1，%2，%3 个张量）和一个 Modelfile（提示格式：%4）。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>the GGUF's own chat template</source>
        <translation>GGUF 自带的对话模板</translation>
    </message>
    <message>
        <location line="+12" />
        <source>%1, %2, %3 tensors, architecture %4.</source>
        <translation>%1，%2，%3 个张量，架构 %4。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1 layers of the adapter merged in.</source>
        <translation>已合并适配器的 %1 个层。</translation>
    </message>
    <message>
        <location line="+63" />
        <source>the source model answers</source>
        <translation>源模型正在回答</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+3" />
        <location line="+3" />
        <source>check cancelled</source>
        <translation>检查已取消</translation>
    </message>
    <message>
        <location line="-5" />
        <source>reading the GGUF file back</source>
        <translation>正在读回 GGUF 文件</translation>
    </message>
    <message>
        <location line="+3" />
        <source>the exported file answers</source>
        <translation>导出的文件正在回答</translation>
    </message>
    <message>
        <location line="+24" />
        <source>this build cannot read GGUF files back, so the export was not checked</source>
        <translation>此版本无法读回 GGUF 文件，因此未检查导出结果</translation>
    </message>
</context>
<context>
    <name>ui::ExportSnippets</name>
    <message>
        <location filename="../ui/export_snippets.cpp" line="+49" />
        <source>text-generation-webui: LoRA folders live in user_data/loras/ (loras/ in older versions)</source>
        <translation>text-generation-webui：LoRA 文件夹位于 user_data/loras/（旧版本为 loras/）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>the base model goes to user_data/models/ (models/ in older versions)</source>
        <translation>基础模型放在 user_data/models/（旧版本为 models/）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>start with both (Transformers loader), or pick the LoRA on the Model tab and Apply LoRAs</source>
        <translation>两者一起启动（Transformers 加载器），或在 Model 选项卡中选择该 LoRA 并点击 Apply LoRAs</translation>
    </message>
    <message>
        <location line="+17" />
        <source>optional: fold the adapter into the weights (what "Merge into model" writes)</source>
        <translation>可选：将适配器并入权重（即“合并到模型”写出的结果）</translation>
    </message>
    <message>
        <location line="+18" />
        <source>then ask for the adapter by its name:</source>
        <translation>然后按名称请求该适配器：</translation>
    </message>
    <message>
        <location line="+11" />
        <source>GGUF files for llama.cpp, written by lora-studio-cli:</source>
        <translation>由 lora-studio-cli 生成供 llama.cpp 使用的 GGUF 文件：</translation>
    </message>
    <message>
        <location line="+11" />
        <source>transformers (no PEFT needed)</source>
        <translation>transformers（无需 PEFT）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>llama.cpp (then Ollama / LM Studio can import the .gguf)</source>
        <translation>llama.cpp（之后 Ollama / LM Studio 可导入该 .gguf）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>text-generation-webui: copy the folder into user_data/models/</source>
        <translation>text-generation-webui：将该文件夹复制到 user_data/models/</translation>
    </message>
    <message>
        <location line="+6" />
        <source>llama.cpp: chat with the model in the terminal</source>
        <translation>llama.cpp：在终端中与模型对话</translation>
    </message>
    <message>
        <location line="+2" />
        <source>or serve it (an OpenAI-compatible API on port 8080)</source>
        <translation>或作为服务运行（端口 8080 上的 OpenAI 兼容 API）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>LM Studio: import the file into its models folder</source>
        <translation>LM Studio：将文件导入其模型文件夹</translation>
    </message>
    <message>
        <location line="+6" />
        <source>llama.cpp applies the adapter on top of the base model's GGUF: write that once</source>
        <translation>llama.cpp 把适配器叠加在基础模型的 GGUF 上：先导出一次基础模型</translation>
    </message>
    <message>
        <location line="+3" />
        <source>then chat, or serve, with the adapter applied</source>
        <translation>然后带着适配器对话或作为服务运行</translation>
    </message>
    <message>
        <location line="+9" />
        <source>create the Ollama model from the folder (needs Ollama)</source>
        <translation>从该文件夹创建 Ollama 模型（需要 Ollama）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>then chat with it</source>
        <translation>然后与它对话</translation>
    </message>
    <message>
        <location line="+6" />
        <source>LM Studio lists the model under My Models (restart it if it is running); or load it from its command line:</source>
        <translation>LM Studio 会在“我的模型”中列出该模型（如果正在运行请重启它）；也可以用它的命令行加载：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>a file outside LM Studio's models folder: import it (lms copies it in)</source>
        <translation>位于 LM Studio 模型文件夹之外的文件：导入它（lms 会把它复制进去）</translation>
    </message>
</context>
<context>
    <name>ui::ExportTask</name>
    <message>
        <location filename="../ui/export_task.cpp" line="-325" />
        <source>%1: not an adapter folder (no adapter_config.json)</source>
        <translation>%1：不是适配器文件夹（缺少 adapter_config.json）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1: the copy cannot go into the adapter folder itself</source>
        <translation>%1：不能复制到适配器文件夹自身之中</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: folder does not exist</source>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: already exists</source>
        <translation>%1：已存在</translation>
    </message>
    <message>
        <location line="+15" />
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot read (%2)</source>
        <translation>%1：无法读取（%2）</translation>
    </message>
    <message>
        <location line="+21" />
        <source>copy cancelled; nothing was written to %1</source>
        <translation>复制已取消；没有向 %1 写入任何内容</translation>
    </message>
    <message>
        <location line="+14" />
        <source>%1: cannot replace the existing folder</source>
        <translation>%1：无法替换已有的文件夹</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1: cannot move the copy into place</source>
        <translation>%1：无法将副本移动到目标位置</translation>
    </message>
</context>
</TS>