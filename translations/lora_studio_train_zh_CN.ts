<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::EvalSamplesView</name>
    <message>
        <location filename="../ui/eval_samples_view.cpp" line="+89" />
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The evaluation prompts the model answers at every evaluation, always the same ones.</source>
        <translation>模型在每次评估时回答的验证集提示词，每次都是同样的这几条。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>The prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The prompt exactly as the model sees it, template included.</source>
        <translation>模型实际看到的提示词，包含模板。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The reference answer</source>
        <translation>参考答案</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The answer the evaluation set holds for this prompt.</source>
        <translation>验证集中该提示词对应的答案。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Prompt as the model sees it:</source>
        <translation>模型看到的提示词：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Reference answer:</source>
        <translation>参考答案：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Eval loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location line="+2" />
        <source>exp(evaluation loss): roughly how many tokens the model hesitates between at each position of the evaluation answers. Lower is better; 1 would be certain.</source>
        <translation>exp(验证损失)：模型在验证答案的每个位置上大致在多少个 token 之间犹豫。越低越好；1 表示完全确定。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>What the model answered at that step (greedy decoding).</source>
        <translation>模型在该步的回答（贪心解码）。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Select a row to read the whole answer.</source>
        <translation>选择一行以查看完整回答。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The whole answer of the selected evaluation.</source>
        <translation>所选评估的完整回答。</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+128" />
        <source>Answer:</source>
        <translation>回答：</translation>
    </message>
    <message>
        <location line="-71" />
        <source>Add an evaluation split to see answers as training goes</source>
        <translation>添加验证集，即可在训练过程中查看模型的回答</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This run answered no evaluation prompts: set "Answer at each evaluation" above 0 to see answers as training goes</source>
        <translation>本次训练没有回答验证提示词：将“每次评估时回答”设为大于 0，即可在训练过程中查看回答</translation>
    </message>
    <message>
        <location line="+18" />
        <source>%1. %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <location line="+33" />
        <source>(empty answer)</source>
        <translation>（空回答）</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Answer at step %1:</source>
        <translation>第 %1 步的回答：</translation>
    </message>
</context>
<context>
    <name>ui::HyperparameterPanel</name>
    <message>
        <location filename="../ui/hyperparameter_panel.cpp" line="+94" />
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location line="+5" />
        <source>e.g. my-first-lora</source>
        <translation>例如 my-first-lora</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Saved in:</source>
        <translation>保存位置：</translation>
    </message>
    <message>
        <location line="+7" />
        <location line="+574" />
        <location line="+14" />
        <source>An adapter name cannot contain any of: %1</source>
        <translation>适配器名称不能包含以下任何字符：%1</translation>
    </message>
    <message>
        <location line="-579" />
        <source>Model and data</source>
        <translation>模型与数据</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Base model:</source>
        <translation>基础模型：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Dataset:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Data format:</source>
        <translation>数据格式：</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+5" />
        <location line="+132" />
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <location line="-136" />
        <source>Cutoff length:</source>
        <translation>截断长度：</translation>
    </message>
    <message>
        <location line="+11" />
        <source>none</source>
        <translation>不划分</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Evaluation split:</source>
        <translation>验证集比例：</translation>
    </message>
    <message>
        <location line="+6" />
        <source>LoRA</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <location line="+14" />
        <source>all linear</source>
        <translation>全部线性层</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Target modules:</source>
        <translation>目标模块：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>LoRA rank:</source>
        <translation>LoRA 秩：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>LoRA alpha:</source>
        <translation>LoRA Alpha：</translation>
    </message>
    <message>
        <location line="+6" />
        <source>LoRA dropout:</source>
        <translation>LoRA Dropout：</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Training schedule</source>
        <translation>训练计划</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Epochs:</source>
        <translation>训练轮数：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>from epochs</source>
        <translation>按轮数计算</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Max steps:</source>
        <translation>最大步数：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Linear decay</source>
        <translation>线性衰减</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Constant</source>
        <translation>常数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Constant after warmup</source>
        <translation>预热后保持常数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cosine annealing</source>
        <translation>余弦退火</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cosine with restarts</source>
        <translation>带重启的余弦退火</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Polynomial decay</source>
        <translation>多项式衰减</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Inverse square root</source>
        <translation>逆平方根衰减</translation>
    </message>
    <message>
        <location line="+8" />
        <source>LR scheduler:</source>
        <translation>学习率调度器：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Warmup steps:</source>
        <translation>预热步数：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Micro-batch size:</source>
        <translation>微批大小：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Batch size:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Evaluation, saving and stopping</source>
        <translation>评估、保存与停止</translation>
    </message>
    <message>
        <location line="+5" />
        <source>at the end</source>
        <translation>仅在结束时</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+17" />
        <source> steps</source>
        <translation> 步</translation>
    </message>
    <message>
        <location line="-16" />
        <source>Evaluate every:</source>
        <translation>评估间隔：</translation>
    </message>
    <message>
        <location line="+15" />
        <source>only at the end</source>
        <translation>仅在结束时</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save checkpoint every:</source>
        <translation>检查点保存间隔：</translation>
    </message>
    <message>
        <location line="-13" />
        <location line="+19" />
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="-144" />
        <source>Raw-text overlap:</source>
        <translation>原始文本重叠：</translation>
    </message>
    <message>
        <location line="+46" />
        <source>DoRA (weight-decomposed LoRA)</source>
        <translation>DoRA（权重分解的 LoRA）</translation>
    </message>
    <message>
        <location line="+8" />
        <source>off (1)</source>
        <translation>关闭（1）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>LoRA+ ratio:</source>
        <translation>LoRA+ 比率：</translation>
    </message>
    <message>
        <location line="+71" />
        <source> prompts</source>
        <translation> 条提示词</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Answer at each evaluation:</source>
        <translation>每次评估时回答：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Answer length:</source>
        <translation>回答长度：</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Stop at loss:</source>
        <translation>损失低于此值时停止：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+1" />
        <source>bfloat16</source>
        <translation>bfloat16</translation>
    </message>
    <message>
        <location line="+1" />
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Gradient checkpointing</source>
        <translation>梯度检查点</translation>
    </message>
    <message>
        <location line="+5" />
        <source>None (compute precision)</source>
        <translation>不量化（计算精度）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>4-bit NF4 (QLoRA)</source>
        <translation>4 位 NF4（QLoRA）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>8-bit int8</source>
        <translation>8 位 int8</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Quantize base:</source>
        <translation>量化基础模型：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Double quantization</source>
        <translation>双重量化</translation>
    </message>
    <message>
        <location line="+51" />
        <source>The name of the adapter you are training. It becomes the folder the adapter is saved in, so it cannot contain a '.' or a path separator. Pick something that says what it learned, e.g. "support-answers-v2".</source>
        <translation>正在训练的适配器的名称。它会成为保存适配器的文件夹名，因此不能包含英文句点（.）或路径分隔符。建议取一个能说明它学到了什么的名字，例如“support-answers-v2”。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The Hugging Face model folder the adapter is trained on. The adapter only works with this base model (or one with the same architecture and size). Defaults to the model loaded on the Models page.</source>
        <translation>用来训练适配器的 Hugging Face 模型文件夹。训练出的适配器只能用于这个基础模型（或结构和规模完全相同的模型）。默认使用“模型”页中已加载的模型。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The training data: a JSON or JSONL file of records (alpaca-format: instruction, optional input, output), or a plain text file for raw-text training. Preview it on the Dataset page first.</source>
        <translation>训练数据：由记录组成的 JSON 或 JSONL 文件（alpaca-format：instruction、可选的 input、output），或用于原始文本训练的纯文本文件。建议先在“数据集”页预览。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>How each record is turned into a prompt and an answer. alpaca-format uses the instruction/input/output fields; chat writes each record as a user/assistant exchange in the model's chat format. You can also type the path of a format file.</source>
        <translation>每条记录如何转换成提示词和回答。alpaca-format 使用 instruction/input/output 字段；chat 会按模型的对话格式把每条记录写成一轮用户/助手对话。也可以直接输入格式文件的路径。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The longest example, in tokens, the model is trained on; longer ones are cut at the end. Longer cutoffs need more memory and time. Choose it so that most records fit (the Dataset page's histogram shows how many would be cut).</source>
        <translation>训练样本的最大长度（token 数），超出部分会从末尾截断。截断长度越大，需要的显存/内存和时间越多。应让大多数记录都能放下（“数据集”页的直方图会显示有多少条会被截断）。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>For raw text (.txt files and {"text": ...} records), which is cut into blocks of the cutoff length: how many tokens each block repeats from the one before, as context only (they are not trained twice). More overlap gives each block more context but makes more blocks; 0 cuts the text into separate blocks. It stays below the cutoff length. Records with a prompt and an answer ignore it.</source>
        <translation>原始文本（.txt 文件和 {"text": ...} 记录）会按截断长度切成若干块：每块重复前一块末尾的多少个 token，仅作为上下文（不会被训练两次）。重叠越多，每块的上下文越多，但块数也越多；0 表示把文本切成互不重叠的块。它始终小于截断长度。带有提示和回答的记录不使用此项。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The share of the records held out to measure the evaluation loss (0.1 = 10%). The model never trains on them, so the evaluation loss shows whether it learns things that carry over to new questions. With a small dataset, 0.05-0.1 or none.</source>
        <translation>留出用于计算验证损失的记录比例（0.1 即 10%）。模型不会在这些记录上训练，因此验证损失能反映它学到的东西能否推广到新问题。数据集较小时，可设为 0.05-0.1 或不划分。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The weight matrices of the model that get a LoRA adapter. q and v (the attention's query and value projections) are the usual default and are enough for most tasks. Adding k, o and the MLP layers (gate, up, down) gives the adapter more capacity and can improve the results, but training uses more memory and time, and overfitting (good on the training data only) gets more likely.</source>
        <translation>为模型中哪些权重矩阵添加 LoRA 适配器。q 和 v（注意力中的查询和值投影）是常用的默认选择，对大多数任务已经足够。再加上 k、o 以及 MLP 层（gate、up、down）能增加适配器的容量、可能改善效果，但训练会占用更多显存和时间，也更容易过拟合（只在训练数据上表现好）。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Put an adapter on every linear layer of every block (q, k, v, o, gate, up and down). The most capacity, and the slowest and most memory-hungry choice.</source>
        <translation>为每个模块中的所有线性层（q、k、v、o、gate、up 和 down）添加适配器。容量最大，但也最慢、最占显存。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The rank r of the low-rank update: how much the adapter can change. Higher ranks can learn more complex things, but make a bigger file, need more memory and overfit small datasets more easily. For simple tasks or little data 4-8 is enough; for demanding tasks (subtle meaning, a specialist domain, lots of data) 64-256 or more. Larger base models tolerate larger ranks.</source>
        <translation>低秩更新的秩 r，决定适配器能改变多少。秩越高，能学到的模式越复杂，但文件更大、需要更多显存，在小数据集上也更容易过拟合。简单任务或数据量少时 4-8 就够了；复杂任务（细微的语义、专业领域、大量数据）可用 64-256 甚至更高。基础模型越大，能承受的秩也越大。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>LoRA alpha scales the adapter's effect (the update is multiplied by alpha / rank). Usually twice the rank. Higher values make the adapter adapt more strongly to the new task but pull the model further from what it knew, with more risk of overfitting on limited data; lower values change the base model more gently. When it is exactly twice the rank it follows the rank as you change it.</source>
        <translation>LoRA Alpha 控制适配器的影响力（更新量乘以 alpha / rank），通常设为秩的两倍。值越高，对新任务的适应越强，但对基础模型的改变也越大，数据有限时更容易过拟合；值越低，对基础模型的改动越温和。当它正好是秩的两倍时，修改秩会自动随之调整。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The chance that the adapter's input is zeroed for a token during training, which helps against overfitting. 0.05-0.1 is typical; use 0 when the adapter should learn the data by heart.</source>
        <translation>训练时随机将适配器输入置零的概率，有助于防止过拟合。常用 0.05-0.1；如果希望适配器把数据完全记住，可设为 0。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>How many times the training goes through the whole dataset. More epochs let the model learn the data more precisely but can make it overfit: fine on the training data, worse on new questions. Start with 2-3 and adjust by testing the result in Chat.</source>
        <translation>训练遍历整个数据集的次数。轮数越多，模型从数据中学得越精确，但也可能过拟合：在训练数据上表现好，遇到新问题反而变差。可以先用 2-3 轮，再到“对话”页测试效果后调整。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Stop after this many optimizer steps instead of counting epochs. Leave it at "from epochs" unless you want a short trial run.</source>
        <translation>达到这个优化步数后停止，而不按轮数计算。除非想做一次简短的试跑，否则保持“按轮数计算”即可。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>How big a step each update takes. Too high and the loss jumps about or blows up; too low and training crawls. 3e-4 (0.0003) is a good start for LoRA; sensible values lie between 1e-6 and 1e-2. Balance it with the epochs: a high rate with few epochs is fast but rough, a low rate with more epochs is slower but better.</source>
        <translation>每次更新迈出的步子有多大。太大时损失会来回震荡甚至发散；太小时训练进展缓慢。LoRA 通常从 3e-4（0.0003）开始，合理范围在 1e-6 到 1e-2 之间。需要和轮数搭配：高学习率 + 少轮数 = 很快但质量较粗糙，低学习率 + 多轮数 = 较慢但质量更好。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>How the learning rate changes during training. Linear decay (the default) lowers it steadily to 0; cosine annealing lowers it along a cosine curve. Both are simple and work well. Constant keeps it fixed; inverse square root and polynomial decay give steadier convergence on large datasets and long runs.</source>
        <translation>训练过程中学习率如何变化。线性衰减（默认）让学习率匀速降到 0；余弦退火沿余弦曲线降低。两者都简单有效、最常用。常数保持学习率不变；逆平方根衰减和多项式衰减在大规模数据或长时间训练时收敛更稳定。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Steps at the start in which the learning rate rises from 0 to its full value, so the first, noisiest updates do not throw the adapter off. A few percent of the total steps; 0 is fine for short runs.</source>
        <translation>训练开始时学习率从 0 逐步升到设定值的步数，避免最初噪声最大的几次更新把适配器带偏。一般取总步数的百分之几；短时间训练设为 0 也可以。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Examples computed at once. It decides the memory used: lower it when you run out of memory. It does not change what the model learns as long as the batch size stays the same.</source>
        <translation>一次同时计算的样本数，决定了显存/内存占用：内存不足时调小它。只要批大小不变，它不会改变模型学到的内容。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Examples per optimizer step. Must be a multiple of the micro-batch size: the micro-batches are accumulated until the batch is complete. Bigger batches give smoother, slower progress per example; with a small dataset keep it small so there are enough steps.</source>
        <translation>每个优化步使用的样本数，必须是微批大小的整数倍：多个微批的梯度会累积成一个完整的批。批越大，训练越平稳，但按样本计进展越慢；数据集较小时应设小一些，以保证有足够的步数。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Compute the evaluation loss every this many steps (needs an evaluation split). If the evaluation loss rises while the training loss keeps falling, the model is overfitting: use fewer epochs or a lower rank.</source>
        <translation>每隔这么多步计算一次验证损失（需要先划分验证集）。如果训练损失持续下降而验证损失上升，说明模型在过拟合：请减少轮数或降低秩。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>At each evaluation, the model answers this many prompts of the evaluation set (always the same ones, without randomness), and the answers are kept with their step. Compare them on the Train page to see when the answers became good and when they started to overfit. 0 turns it off; each answer adds a little time to every evaluation.</source>
        <translation>每次评估时，模型回答验证集中这么多条提示词（每次都是同样的几条，不含随机性），回答会连同步数一起保存。在训练页面比较它们，可以看出回答何时变好、何时开始过拟合。设为 0 即关闭；每条回答都会让每次评估多花一点时间。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The most tokens each of those answers may have. An answer also ends where the model ends it. Longer answers show more but make every evaluation slower.</source>
        <translation>每条回答最多的 token 数。模型自行结束时回答也会提前结束。回答越长显示的内容越多，但每次评估也越慢。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Save a checkpoint every this many steps, so an interrupted run can be resumed and an earlier state kept. Stopping always saves.</source>
        <translation>每隔这么多步保存一个检查点，便于中断后继续训练，也能保留较早的状态。手动停止时总会保存。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>End training as soon as the training loss falls below this value, to avoid training longer than needed. Off by default.</source>
        <translation>训练损失一旦低于这个值就结束训练，避免训练过久。默认关闭。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Seeds the adapter's initial weights, the order of the data and dropout. The same seed and settings give the same adapter; change it to see how much a result depends on chance.</source>
        <translation>决定适配器的初始权重、数据顺序和 Dropout 的随机种子。相同的种子和设置会得到相同的适配器；换一个种子可以看出结果受随机性影响有多大。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The number format of the computation. Automatic uses bfloat16 where the hardware supports it (recent GPUs, CPUs with AVX-512 BF16), else float32. bfloat16 halves memory and is faster; float32 is the most exact and the safest when the loss becomes NaN.</source>
        <translation>计算使用的数值格式。“自动”会在硬件支持时使用 bfloat16（较新的 GPU、支持 AVX-512 BF16 的 CPU），否则使用 float32。bfloat16 内存减半、速度更快；float32 最精确，损失出现 NaN 时最稳妥。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Recompute activations during the backward pass instead of keeping them: much less memory for long cutoffs or big models, about a third slower.</source>
        <translation>反向传播时重新计算激活值而不是一直保存它们：截断长度较长或模型较大时能大幅节省内存，但速度约慢三分之一。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Store the base model's frozen weights in fewer bits while training (QLoRA): 4-bit NF4 takes about a quarter of the memory of bfloat16 for the decoder's linear layers, 8-bit about half. The adapter itself stays in full precision. Use it when the model does not fit otherwise; it is somewhat slower and the result is a little less exact. Embeddings, norms and the output layer are not quantized.</source>
        <translation>训练时用更少的位数存放基础模型的冻结权重（QLoRA）：对解码器的线性层，4 位 NF4 约占 bfloat16 的四分之一内存，8 位约占一半。适配器本身仍保持全精度。模型否则放不下时使用它；速度会稍慢，结果也略欠精确。嵌入层、归一化层和输出层不量化。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>NF4 only: quantize the per-block scales too, saving about 0.4 bits per weight more (about 3 GB on a 65B model, a few hundred MB on a 7B one) at no measurable cost in quality.</source>
        <translation>仅限 NF4：把每个块的缩放系数也量化，每个权重再省约 0.4 位（65B 模型约 3 GB，7B 模型约几百 MB），质量上没有可测的损失。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>DoRA splits each adapted weight into a magnitude and a direction and trains both: often closer to full fine-tuning than plain LoRA at the same rank, at some extra memory and time per step. The adapter is saved with use_dora as PEFT writes it.</source>
        <translation>DoRA 把每个被适配的权重拆成幅度和方向两部分并同时训练：在相同秩下往往比普通 LoRA 更接近全量微调，但每步需要多一些内存和时间。适配器按 PEFT 的写法保存，带有 use_dora。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>LoRA+: the B matrices learn this many times faster than the A matrices, which often trains faster and better at the same learning rate. 1 is plain LoRA; the LoRA+ paper recommends about 16.</source>
        <translation>LoRA+：B 矩阵的学习速度是 A 矩阵的这么多倍，在相同学习率下往往训练得更快更好。1 即普通 LoRA；LoRA+ 论文建议约 16。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Choose the base model folder</source>
        <translation>选择基础模型文件夹</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose the training data</source>
        <translation>选择训练数据</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Datasets (*.json *.jsonl *.txt);;All files (*)</source>
        <translation>数据集 (*.json *.jsonl *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+116" />
        <source>%1 is a GGUF file: training needs the Hugging Face model folder (config.json and safetensors) it was made from. A GGUF file can be chatted with, not trained.</source>
        <translation>%1 是 GGUF 文件：训练需要生成它的 Hugging Face 模型文件夹（config.json 和 safetensors）。GGUF 文件可以用来对话，但不能用来训练。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1: no such folder.</source>
        <translation>%1：没有这个文件夹。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 holds neither tokenizer.json nor tokenizer.model: choose a folder with the model's tokenizer.</source>
        <translation>%1 中既没有 tokenizer.json 也没有 tokenizer.model：请选择带有该模型分词器的文件夹。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Not a model folder this app can load: %1</source>
        <translation>不是本应用能加载的模型文件夹：%1</translation>
    </message>
    <message>
        <location line="+9" />
        <source>%1: no such file.</source>
        <translation>%1：没有这个文件。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 is a folder: choose the dataset file itself.</source>
        <translation>%1 是一个文件夹：请选择数据集文件本身。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 cannot be read.</source>
        <translation>%1 无法读取。</translation>
    </message>
    <message>
        <location line="+13" />
        <source>The batch size must be a multiple of the micro-batch size %1 (e.g. %2 or %3).</source>
        <translation>批大小必须是微批大小 %1 的整数倍（例如 %2 或 %3）。</translation>
    </message>
    <message>
        <location line="+18" />
        <source>(enter a name)</source>
        <translation>（请输入名称）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Enter a name for the adapter.</source>
        <translation>请输入适配器名称。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Choose the base model (load one on the Models page or browse).</source>
        <translation>请选择基础模型（在“模型”页加载，或点击“浏览”）。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Choose the training data.</source>
        <translation>请选择训练数据。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Choose at least one target module.</source>
        <translation>请至少选择一个目标模块。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>The learning rate must be a number above 0 and at most 1, e.g. 3e-4.</source>
        <translation>学习率必须是大于 0 且不超过 1 的数，例如 3e-4。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Choose the data format.</source>
        <translation>请选择数据格式。</translation>
    </message>
</context>
<context>
    <name>ui::LossChart</name>
    <message>
        <location filename="../ui/loss_chart.cpp" line="+43" />
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+18" />
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="-11" />
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Smoothed loss</source>
        <translation>平滑损失</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Evaluation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <location line="+36" />
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show the loss on a log scale: late, small improvements become visible.</source>
        <translation>用对数刻度显示损失：后期的微小下降也能看清。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Fit view</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show all points again and follow new ones (wheel zooms, dragging pans).</source>
        <translation>重新显示全部数据点并跟随新数据（滚轮缩放，拖动平移）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save as PNG…</source>
        <translation>另存为 PNG…</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Save the chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <location line="+0" />
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location line="+69" />
        <source>Checkpoint at step %1 — click for actions</source>
        <translation>第 %1 步的检查点 — 点击查看可用操作</translation>
    </message>
    <message>
        <location line="+152" />
        <source>Checkpoint at step %1</source>
        <translation>第 %1 步的检查点</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Chat with this checkpoint</source>
        <translation>用此检查点对话</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Export this checkpoint…</source>
        <translation>导出此检查点…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Continue training from here as a new run</source>
        <translation>从这里继续训练（作为新的一次运行）</translation>
    </message>
</context>
<context>
    <name>ui::MemoryPreflightView</name>
    <message>
        <location filename="../ui/memory_preflight_view.cpp" line="+34" />
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show what the estimate is made of, and what would make the run fit.</source>
        <translation>显示估算由哪些部分组成，以及怎样才能让这次训练放得下。</translation>
    </message>
    <message>
        <location line="+33" />
        <source>Choose a base model to see how much memory the run will need.</source>
        <translation>选择基础模型后即可看到这次训练需要多少内存。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>No memory estimate: %1</source>
        <translation>无法估算内存：%1</translation>
    </message>
</context>
<context>
    <name>ui::RunHistory</name>
    <message>
        <location filename="../ui/run_history.cpp" line="+126" />
        <source>%1: missing</source>
        <translation>%1：缺失</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+26" />
        <source>%1: cannot be read (%2)</source>
        <translation>%1：无法读取（%2）</translation>
    </message>
    <message>
        <location line="+156" />
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Incomplete</source>
        <translation>未完成</translation>
    </message>
</context>
<context>
    <name>ui::RunHistoryView</name>
    <message>
        <location filename="../ui/run_history_view.cpp" line="+86" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Look for runs in the adapter folders again.</source>
        <translation>重新在适配器文件夹中查找训练记录。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Open in Train</source>
        <translation>在训练页打开</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show this run on the Train page: its chart, numbers and parameters, to resume or retrain it.</source>
        <translation>在训练页显示此训练：图表、数值和参数，以便继续或重新训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Chat with this adapter</source>
        <translation>用此适配器对话</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+313" />
        <source>Try this run's adapter on the Chat page.</source>
        <translation>在对话页试用此训练的适配器。</translation>
    </message>
    <message>
        <location line="-301" />
        <source>Run</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Final loss</source>
        <translation>最终损失</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Best eval loss</source>
        <translation>最佳验证损失</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Tokens/s</source>
        <translation>token/秒</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The training loss of the last logged step.</source>
        <translation>最后记录的一步的训练损失。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The lowest evaluation loss of the run, at the step given in its tooltip.</source>
        <translation>该训练的最低验证损失，所在步数见其提示。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>exp(best eval loss)</source>
        <translation>exp(最佳验证损失)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens trained on per second, over the whole run.</source>
        <translation>整个训练过程中每秒训练的 token 数。</translation>
    </message>
    <message>
        <location line="+23" />
        <source>Smoothed loss</source>
        <translation>平滑损失</translation>
    </message>
    <message>
        <location line="+10" />
        <location line="+295" />
        <source>Step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="-294" />
        <location line="+295" />
        <source>Epoch</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location line="-294" />
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Runs with different batch sizes take different steps: compare them by epoch or by tokens trained on.</source>
        <translation>批大小不同的训练步数不同：可按轮数或已训练 token 数比较。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Logarithmic loss axis</source>
        <translation>损失轴使用对数刻度</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Along:</source>
        <translation>横轴：</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Same settings</source>
        <translation>设置相同</translation>
    </message>
    <message>
        <location line="+72" />
        <source>No training runs yet.</source>
        <translation>还没有训练记录。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>All training runs (no model chosen): %1</source>
        <translation>全部训练记录（未选择模型）：%1</translation>
    </message>
    <message>
        <location line="+2" />
        <source>No training runs of %1 yet.</source>
        <translation>%1 还没有训练记录。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Training runs of %1: %2</source>
        <translation>%1 的训练记录：%2</translation>
    </message>
    <message>
        <location line="+23" />
        <source>%1
Base model: %2</source>
        <translation>%1
基础模型：%2</translation>
    </message>
    <message>
        <location line="+2" />
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The run reached its end and saved its adapter.</source>
        <translation>训练已完成并保存了适配器。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>The run was stopped before its end; its adapter so far is saved.</source>
        <translation>训练在完成前被停止；已保存到目前为止的适配器。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>No adapter was saved: the run is still going, or it crashed, diverged or was killed.</source>
        <translation>未保存适配器：训练仍在进行，或已崩溃、发散或被终止。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+7" />
        <source>At step %1</source>
        <translation>在第 %1 步</translation>
    </message>
    <message>
        <location line="+106" />
        <source>This run saved no adapter.</source>
        <translation>此训练未保存适配器。</translation>
    </message>
    <message>
        <location line="+26" />
        <source>%1 (evaluation)</source>
        <translation>%1（验证）</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Tokens trained on</source>
        <translation>已训练 token 数</translation>
    </message>
    <message>
        <location line="+69" />
        <source>Settings unknown (broken training_parameters.json): %1</source>
        <translation>设置未知（training_parameters.json 已损坏）：%1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Select runs to compare their curves and settings (Ctrl+click for several).</source>
        <translation>选择训练记录以比较其曲线和设置（按住 Ctrl 点击可多选）。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The settings of %1 are unknown: %2</source>
        <translation>%1 的设置未知：%2</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Settings of %1 (select several runs to see how they differ):</source>
        <translation>%1 的设置（选择多条记录可查看差异）：</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Settings of the selected runs:</source>
        <translation>所选训练记录的设置：</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Settings that differ:</source>
        <translation>不同的设置：</translation>
    </message>
</context>
<context>
    <name>ui::TrainPage</name>
    <message>
        <location filename="../ui/train_page.cpp" line="+61" />
        <source>%1: cannot be read (%2)</source>
        <translation>%1：无法读取（%2）</translation>
    </message>
    <message>
        <location line="+91" />
        <source>Load preset…</source>
        <translation>加载预设…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Fill the panel from a parameters file (training_parameters.json format).</source>
        <translation>从参数文件（training_parameters.json 格式）填充面板。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Save preset…</source>
        <translation>保存预设…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Save these parameters as a JSON file to reuse them later.</source>
        <translation>将这些参数保存为 JSON 文件，以便日后复用。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Copy parameters from…</source>
        <translation>导入已有参数…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Use the parameters an earlier adapter was trained with (its training_parameters.json). The base model and dataset chosen here stay.</source>
        <translation>使用之前某个适配器的训练参数（其 training_parameters.json）。这里已选的基础模型和数据集保持不变。</translation>
    </message>
    <message>
        <location line="+32" />
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Train a new adapter with these parameters into the folder shown under its name.</source>
        <translation>用这些参数训练一个新适配器，保存到名称下方显示的文件夹。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop after the current step. The adapter trained so far is saved and the run can be resumed.</source>
        <translation>在当前这一步完成后停止。已训练的适配器会被保存，之后可以继续训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+440" />
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location line="-438" />
        <location line="+330" />
        <source>Continue the run in the adapter's folder from its newest checkpoint, with the parameters it was started with.</source>
        <translation>从适配器文件夹中最新的检查点继续这次训练，沿用开始时的参数。</translation>
    </message>
    <message>
        <location line="-328" />
        <source>Open run…</source>
        <translation>打开训练记录…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show the chart and numbers of a finished or interrupted run from its adapter folder.</source>
        <translation>从适配器文件夹中显示已完成或中断的训练的图表和数据。</translation>
    </message>
    <message>
        <location line="+110" />
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Step:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Epoch:</source>
        <translation>轮次：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens/s:</source>
        <translation>Token/秒：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Elapsed:</source>
        <translation>已用时间：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remaining:</source>
        <translation>剩余时间：</translation>
    </message>
    <message>
        <location line="-2" />
        <source>Memory:</source>
        <translation>内存：</translation>
    </message>
    <message>
        <location line="-49" />
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location line="+461" />
        <location line="+144" />
        <source>%v / %m steps</source>
        <translation>%v / %m 步</translation>
    </message>
    <message>
        <location line="-580" />
        <source>Messages of the training run appear here.</source>
        <translation>训练过程中的消息显示在这里。</translation>
    </message>
    <message>
        <location line="-73" />
        <source>Start fresh instead</source>
        <translation>改为从头开始</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Train the new run from new LoRA weights instead of the checkpoint's.</source>
        <translation>新的训练使用全新的 LoRA 权重，而不是检查点的权重。</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Current run</source>
        <translation>当前训练</translation>
    </message>
    <message>
        <location line="+79" />
        <source>Eval loss:</source>
        <translation>验证损失：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Perplexity:</source>
        <translation>困惑度：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>exp(evaluation loss): how many tokens the model hesitates between on average, 1 at best. It falls while answers improve and rises again when the adapter overfits.</source>
        <translation>exp(验证损失)：模型平均在多少个 token 之间犹豫，最好为 1。回答变好时它下降，适配器过拟合时又会上升。</translation>
    </message>
    <message>
        <location line="-77" />
        <source>Answers at each evaluation</source>
        <translation>每次评估时的回答</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Run history</source>
        <translation>训练历史</translation>
    </message>
    <message>
        <location line="-132" />
        <source>Open a training run (adapter folder)</source>
        <translation>打开训练记录（适配器文件夹）</translation>
    </message>
    <message>
        <location line="+40" />
        <source>Save the parameters</source>
        <translation>保存参数</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Parameters (*.json)</source>
        <translation>参数文件 (*.json)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Load parameters</source>
        <translation>加载参数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Parameters (*.json);;All files (*)</source>
        <translation>参数文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Copy the parameters of an adapter</source>
        <translation>复制适配器的参数</translation>
    </message>
    <message>
        <location line="+115" />
        <source>The tokens per second each process of the run trains on its share of the batch.</source>
        <translation>本次训练的每个进程在它分到的那部分批次上每秒训练的 token 数。</translation>
    </message>
    <message>
        <location line="+105" />
        <source>Suggested training settings were not applied: a run is going.</source>
        <translation>建议的训练设置未应用：正在训练中。</translation>
    </message>
    <message>
        <location line="+9" />
        <location line="+1" />
        <source>Training settings applied: check them and press Start training.</source>
        <translation>已应用训练设置：请检查后点击“开始训练”。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The settings are filled in: press Start training to train the adapter.</source>
        <translation>设置已填好：点击“开始训练”来训练适配器。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Suggested settings</source>
        <translation>建议的设置</translation>
    </message>
    <message>
        <location line="+32" />
        <source>Load preset</source>
        <translation>加载预设</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Parameters loaded from %1.</source>
        <translation>已从 %1 加载参数。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>%1 holds no training_parameters.json: it was not trained here, so its parameters are unknown.</source>
        <translation>%1 中没有 training_parameters.json：它不是在这里训练的，参数未知。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Parameters copied from %1.</source>
        <translation>已从 %1 复制参数。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Copy parameters</source>
        <translation>复制参数</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Save preset</source>
        <translation>保存预设</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Parameters saved to %1.</source>
        <translation>参数已保存到 %1。</translation>
    </message>
    <message>
        <location line="+42" />
        <source>This run finished: there is nothing to resume. Start trains a new adapter.</source>
        <translation>此次训练已完成，没有可继续的内容。点击“开始训练”会训练一个新的适配器。</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Not enough memory</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1

The run will probably stop with an out-of-memory error, or make the computer swap. The details under Start show what would make it fit. Start anyway?</source>
        <translation>%1

这次训练很可能因内存不足而中止，或者让电脑频繁使用交换空间。“开始”按钮下方的详情列出了怎样才能放得下。仍要开始吗？</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Start anyway</source>
        <translation>仍然开始</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Adapter exists</source>
        <translation>适配器已存在</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 already holds an adapter. Overwrite it with a new run?</source>
        <translation>%1 中已有一个适配器。要用新的训练覆盖它吗？</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 holds an unfinished run. Start over and overwrite it?</source>
        <translation>%1 中有一次未完成的训练。要重新开始并覆盖它吗？</translation>
    </message>
    <message>
        <location line="+5" />
        <location line="+14" />
        <source>Overwrite</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <location line="-10" />
        <source>Resume it</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <location line="+10" />
        <source>%1 cannot be removed.</source>
        <translation>无法删除 %1。</translation>
    </message>
    <message>
        <location line="+52" />
        <source>Stopping after this step…</source>
        <translation>将在这一步完成后停止…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stopping: the adapter trained so far will be saved.</source>
        <translation>正在停止：已训练的适配器将被保存。</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Resuming the run in %1.</source>
        <translation>正在继续 %1 中的训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training a new adapter in %1.</source>
        <translation>正在 %1 中训练新的适配器。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Starting from the weights of %1.</source>
        <translation>从 %1 的权重开始。</translation>
    </message>
    <message>
        <location line="+15" />
        <source>%1 training processes: %2</source>
        <translation>%1 个训练进程：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+19" />
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="-17" />
        <location line="+19" />
        <source>Training %1…</source>
        <translation>正在训练 %1…</translation>
    </message>
    <message>
        <location line="+18" />
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Tokenizing the dataset…</source>
        <translation>正在对数据集分词…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+14" />
        <location line="+36" />
        <location line="+106" />
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="-135" />
        <source>Step %1: evaluation loss %2</source>
        <translation>第 %1 步：验证损失 %2</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Training finished</source>
        <translation>训练完成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training reached the target loss</source>
        <translation>训练已达到目标损失</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training stopped; the adapter so far is saved</source>
        <translation>训练已停止，已保存目前的适配器</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+18" />
        <source>Training diverged</source>
        <translation>训练发散</translation>
    </message>
    <message>
        <location line="-7" />
        <location line="+4" />
        <source>%1: %2 steps, last loss %3.</source>
        <translation>%1：共 %2 步，最后损失 %3。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Training could not run: %1</source>
        <translation>无法进行训练：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+2" />
        <source>Training could not run</source>
        <translation>无法进行训练</translation>
    </message>
    <message>
        <location line="+7" />
        <source>rank %1: %2 tokens/s</source>
        <translation>rank %1：%2 token/秒</translation>
    </message>
    <message>
        <location line="+25" />
        <source>A run is going: stop it before opening another.</source>
        <translation>正在训练中：请先停止，再打开其他训练记录。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 holds no training_log.jsonl: it is not a run trained here.</source>
        <translation>%1 中没有 training_log.jsonl：它不是在这里训练的。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open run</source>
        <translation>打开训练记录</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Opened the run in %1: %2 logged steps.</source>
        <translation>已打开 %1 中的训练记录：共记录 %2 步。</translation>
    </message>
    <message>
        <location line="+24" />
        <source>No steps logged</source>
        <translation>没有记录任何步</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Finished run</source>
        <translation>已完成的训练</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Interrupted run</source>
        <translation>已中断的训练</translation>
    </message>
    <message>
        <location line="+57" />
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 is gone (a newer save of the run may have replaced it).</source>
        <translation>%1 已不存在（该训练后来保存的检查点可能替换了它）。</translation>
    </message>
    <message>
        <location line="+25" />
        <source>A run is going: wait for it to end before starting another.</source>
        <translation>正在训练：请等它结束后再开始新的训练。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 holds no adapter to continue from.</source>
        <translation>%1 中没有可以继续训练的适配器。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 holds no training_parameters.json: the run's parameters are unknown.</source>
        <translation>%1 中没有 training_parameters.json：无法得知这次训练的参数。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Continue from a checkpoint</source>
        <translation>从检查点继续</translation>
    </message>
    <message>
        <location line="+11" />
        <source>A new run %1 will start from checkpoint %2 of %3: press Start training.</source>
        <translation>新的训练 %1 将从 %3 第 %2 步的检查点开始：请点击“开始训练”。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>The next run starts from the weights of %1.</source>
        <translation>下一次训练将从 %1 的权重开始。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Training is running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop training and quit? The adapter trained so far is saved and the run can be resumed later.</source>
        <translation>停止训练并退出吗？已训练的适配器会被保存，以后可以继续训练。</translation>
    </message>
    <message>
        <location line="+8" />
        <location line="+9" />
        <source>Stopping training and saving the adapter…</source>
        <translation>正在停止训练并保存适配器…</translation>
    </message>
</context>
<context>
    <name>ui::TrainingDevicesChoice</name>
    <message>
        <location filename="../ui/training_devices_choice.cpp" line="+24" />
        <source>Devices:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>This process (one GPU or the CPU)</source>
        <translation>本进程（一块 GPU 或 CPU）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>All GPUs (%1 processes)</source>
        <translation>全部 GPU（%1 个进程）</translation>
    </message>
    <message>
        <location line="+0" />
        <source>All GPUs</source>
        <translation>全部 GPU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU processes</source>
        <translation>CPU 进程</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Train in this program, on the device chosen in Settings (a GPU, else the CPU).</source>
        <translation>在本程序中训练，使用“设置”中选定的设备（有 GPU 用 GPU，否则用 CPU）。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Several training processes on this computer's CPU, each on its own share of the cores; they train the same adapter one process would.</source>
        <translation>在本机 CPU 上运行多个训练进程，各自使用分到的那部分核心；它们训练出的适配器与单个进程训练的相同。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Needs more than one CUDA GPU; this computer has %1.</source>
        <translation>需要不止一块 CUDA GPU；这台电脑有 %1 块。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>One training process per GPU; they train the same adapter one process would, faster.</source>
        <translation>每块 GPU 一个训练进程；训练出的适配器与单个进程训练的相同，但更快。</translation>
    </message>
    <message>
        <location line="+8" />
        <source> processes</source>
        <translation> 个进程</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How many CPU processes; each gets the cores divided by this number as its threads.</source>
        <translation>CPU 进程的数量；每个进程的线程数为核心数除以这个数。</translation>
    </message>
    <message>
        <location line="+69" />
        <source>%1 processes with %2 threads each: worth it on a machine with several CPU sockets; on a small machine one process is as fast.</source>
        <translation>%1 个进程，每个 %2 个线程：在有多个 CPU 插槽的机器上划算；在小机器上，一个进程同样快。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 processes, one per GPU.</source>
        <translation>%1 个进程，每块 GPU 一个。</translation>
    </message>
</context>
<context>
    <name>ui::TrainingProcess</name>
    <message>
        <location filename="../ui/training_process.cpp" line="+39" />
        <source>%1 could not be started: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <location line="+73" />
        <source>Rank %1: %2</source>
        <translation>rank %1：%2</translation>
    </message>
    <message>
        <location line="+24" />
        <source>Stopped before training began: nothing was trained.</source>
        <translation>在训练开始之前就停止了：没有训练任何内容。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The training processes were ended before they could report (%1).</source>
        <translation>训练进程在报告结果之前就被结束了（%1）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The training processes ended with code %1 without a result.</source>
        <translation>训练进程以代码 %1 结束，没有给出结果。</translation>
    </message>
</context>
</TS>