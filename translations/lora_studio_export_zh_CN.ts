<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::ExportPage</name>
    <message>
        <location filename="../ui/export_page.cpp" line="+136" />
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
        <location line="+10" />
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
        <location line="+3" />
        <location line="+64" />
        <location line="+13" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="-74" />
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
        <location line="+18" />
        <source>Merge into a full model</source>
        <translation>合并为完整模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Writes a new Hugging Face model folder whose weights include the adapter (W + scaling·B·A): it loads without PEFT in any tool that loads the base model. The merge runs tensor by tensor, so it needs little memory; the result appears only when it is complete.</source>
        <translation>写出一个新的 Hugging Face 模型文件夹，其权重已包含适配器（W + scaling·B·A）：任何能加载基础模型的工具都可直接加载，无需 PEFT。合并逐个张量进行，占用内存很少；全部完成后结果才会出现。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The model the adapter was trained on (the loaded model, or the adapter's base_model_name_or_path)</source>
        <translation>训练该适配器所用的模型（已加载的模型，或适配器中的 base_model_name_or_path）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Base model folder</source>
        <translation>基础模型文件夹</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <location line="+4" />
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
        <location line="+4" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop the copy or merge; nothing is left behind</source>
        <translation>停止复制或合并；不会留下任何文件</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Load the merged model</source>
        <translation>加载合并后的模型</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load the merged model in place of the current one, e.g. to chat with it</source>
        <translation>用合并后的模型替换当前模型，例如用于对话</translation>
    </message>
    <message>
        <location line="+16" />
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
        <location line="+4" />
        <source>Merged model</source>
        <translation>合并模型</translation>
    </message>
    <message>
        <location line="+32" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Copy these lines to the clipboard</source>
        <translation>将这些内容复制到剪贴板</translation>
    </message>
    <message>
        <location line="+8" />
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
        <location line="+46" />
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
        <location line="+32" />
        <source>Cancelled; nothing was written.</source>
        <translation>已取消；未写入任何文件。</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location line="+41" />
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
        <location filename="../ui/export_task.cpp" line="+170" />
        <source>%1 layers merged; %2 tensors in %3 (%4 file(s)).</source>
        <translation>已合并 %1 个层；共 %2 个张量，精度 %3（%4 个文件）。</translation>
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
</context>
<context>
    <name>ui::ExportTask</name>
    <message>
        <location filename="../ui/export_task.cpp" line="-119" />
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