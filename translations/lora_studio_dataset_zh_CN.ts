<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::DatasetPage</name>
    <message>
        <location filename="../ui/dataset_page.cpp" line="+63" />
        <source>Open dataset…</source>
        <translation>打开数据集…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open a JSON, JSON Lines or plain-text dataset. You can also drop a file onto this page.</source>
        <translation>打开 JSON、JSON Lines 或纯文本数据集。也可以把文件拖放到此页面上。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No dataset open. Open a file or drop one here.</source>
        <translation>尚未打开数据集。请打开文件，或将文件拖放到这里。</translation>
    </message>
    <message>
        <location line="+10" />
        <source>How records become training text: a prompt format (alpaca-format or your own format file), the model's chat format, or the whole file as plain text.</source>
        <translation>记录如何变成训练文本：提示词格式（alpaca-format 或你自己的格式文件）、模型的对话格式，或将整个文件作为纯文本。</translation>
    </message>
    <message>
        <location line="+7" />
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cutoff length: the most tokens of one example the model is trained on. Longer examples are truncated (or dropped). Longer cutoffs need more memory; pick one that keeps most examples whole.</source>
        <translation>截断长度：每条样本参与训练的最大 token 数。更长的样本会被截断（或丢弃）。截断长度越大越占内存；请选择能让大多数样本保持完整的值。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Train on prompt</source>
        <translation>在提示词上训练</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Also train on the prompt tokens (instruction, input, user turns), not only on the responses. Usually off: the model should learn to answer, not to ask.</source>
        <translation>除回答外，也在提示词 token（指令、输入、用户轮次）上计算损失。通常关闭：模型应学会回答，而不是提问。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add EOS</source>
        <translation>添加 EOS</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Append the end-of-sequence token after each response, so the model learns to stop.</source>
        <translation>在每个回答后追加序列结束（EOS）token，让模型学会停止生成。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Drop longer examples</source>
        <translation>丢弃超长样本</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Leave out examples longer than the cutoff instead of truncating them.</source>
        <translation>超过截断长度的样本直接丢弃，而不是截断。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cutoff:</source>
        <translation>截断长度：</translation>
    </message>
    <message>
        <location line="+19" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop reading or tokenizing; what is shown stays.</source>
        <translation>停止读取或分词；已显示的内容保留。</translation>
    </message>
    <message>
        <location line="+15" />
        <source>No model is loaded. The records are shown, but token counts, truncation and the length histogram need the model's tokenizer.</source>
        <translation>尚未加载模型。可以查看记录，但 token 计数、截断情况和长度直方图需要模型的分词器。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Go to Models</source>
        <translation>前往模型页</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load a model on the Models page; this page then counts its tokens.</source>
        <translation>在模型页加载一个模型后，本页即可统计 token。</translation>
    </message>
    <message>
        <location line="+28" />
        <source>The records of the file. Select one to see how it is rendered and which tokens are trained.</source>
        <translation>文件中的记录。选中一条即可查看它的渲染结果以及哪些 token 参与训练。</translation>
    </message>
    <message>
        <location line="+4" />
        <location line="+234" />
        <location line="+121" />
        <source>Bad records</source>
        <translation>无效记录</translation>
    </message>
    <message>
        <location line="-352" />
        <source>Records that cannot be used, with the reason. Click one to see it.</source>
        <translation>无法使用的记录及原因。点击查看详情。</translation>
    </message>
    <message>
        <location line="+15" />
        <location line="+488" />
        <source>Select a record.</source>
        <translation>请选择一条记录。</translation>
    </message>
    <message>
        <location line="-484" />
        <source>Show tokens</source>
        <translation>显示 token</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Show every token as its own piece (whitespace made visible) followed by its id; hover over one for more.</source>
        <translation>把每个 token 单独显示（空白字符可见），后面跟着它的 id；鼠标悬停可查看更多信息。</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Records:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Bad:</source>
        <translation>无效：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Kept:</source>
        <translation>保留：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Truncated:</source>
        <translation>截断：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dropped:</source>
        <translation>丢弃：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Tokens:</source>
        <translation>Token 数：</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Trained tokens:</source>
        <translation>训练 token 数：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Records in the file, usable and bad</source>
        <translation>文件中的记录总数（含可用和无效的）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Records that cannot be used (listed on the left); training skips them only when told to</source>
        <translation>无法使用的记录（列在左侧）；只有在明确允许时训练才会跳过它们</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Examples trained on whole</source>
        <translation>完整参与训练的样本</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Examples cut at the cutoff length</source>
        <translation>在截断长度处被截断的样本</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Examples left out: longer than the cutoff (when dropping) or with no trained token left</source>
        <translation>被排除的样本：超过截断长度（丢弃模式下），或截断后没有剩余的训练 token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens of the examples trained on, after the cutoff</source>
        <translation>参与训练的样本在截断后的 token 总数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens the loss is computed on (the trained, unmasked ones)</source>
        <translation>计算损失的 token 数（参与训练、未被掩码的部分）</translation>
    </message>
    <message>
        <location line="+44" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location line="+57" />
        <source>%1 (built in)</source>
        <translation>%1（内置）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A prompt format that comes with LoRA Studio</source>
        <translation>LoRA Studio 自带的提示词格式</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 (format file)</source>
        <translation>%1（格式文件）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Chat: the model's chat format</source>
        <translation>对话：模型自带的对话格式</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Instruction records become one user/assistant exchange in the model's own chat template, rendered exactly as Hugging Face transformers renders it (ChatML when the model has none). Conversations always use a chat template.</source>
        <translation>指令记录会写成一轮用户/助手对话，使用模型自带的对话模板，渲染结果与 Hugging Face transformers 完全一致（模型没有模板时使用 ChatML）。多轮对话数据总是使用对话模板。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Chat: %1</source>
        <translation>对话：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Records written as a conversation in the %1 chat format</source>
        <translation>记录按 %1 对话格式写成对话</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Raw text (the whole file as plain text)</source>
        <translation>纯文本（整个文件作为纯文本）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Train on the file's text as it is, cut into blocks of the cutoff length (parts separated by two blank lines are kept apart).</source>
        <translation>直接在文件文本上训练，按截断长度切成文本块（由两个空行分隔的部分彼此独立）。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Format file…</source>
        <translation>格式文件…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Choose a text-generation-webui format file (JSON)</source>
        <translation>选择 text-generation-webui 格式文件（JSON）</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Choose a format file</source>
        <translation>选择格式文件</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Format files (*.json);;All files (*)</source>
        <translation>格式文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+12" />
        <source>This format file cannot be used: %1</source>
        <translation>无法使用此格式文件：%1</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Open a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Datasets (*.json *.jsonl *.txt *.text *.md);;JSON (*.json *.jsonl);;Text (*.txt *.text *.md);;All files (*)</source>
        <translation>数据集 (*.json *.jsonl *.txt *.text *.md);;JSON (*.json *.jsonl);;文本 (*.txt *.text *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+97" />
        <location line="+19" />
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Checking records…</source>
        <translation>正在检查记录…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Tokenizing record %1 of %2…</source>
        <translation>正在分词：第 %1 / %2 条记录…</translation>
    </message>
    <message>
        <location line="+15" />
        <source>The dataset cannot be read: %1</source>
        <translation>无法读取数据集：%1</translation>
    </message>
    <message>
        <location line="+43" />
        <source>Record %1 (line %2)</source>
        <translation>记录 %1（第 %2 行）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Record %1</source>
        <translation>记录 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: %2</source>
        <comment>record, then what is wrong with it</comment>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Bad records (%1; the first %2 are listed)</source>
        <translation>无效记录（共 %1 条，列出前 %2 条）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Bad records (%1)</source>
        <translation>无效记录（%1 条）</translation>
    </message>
    <message>
        <location line="+7" />
        <source>No record can be tokenized with these options.</source>
        <translation>在当前选项下没有可分词的记录。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Load a model to see how long the examples are in tokens.</source>
        <translation>加载模型后即可查看样本的 token 长度。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Tokenizing…</source>
        <translation>正在分词…</translation>
    </message>
    <message>
        <location line="+20" />
        <source>the model's chat template</source>
        <translation>模型自带的对话模板</translation>
    </message>
    <message>
        <location line="+1" />
        <source>chat template %1</source>
        <translation>对话模板 %1</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 (conversations: %2)</source>
        <comment>prompt format, then the chat template of the conversations</comment>
        <translation>%1（对话：%2）</translation>
    </message>
    <message>
        <location line="+8" />
        <source>%1 records, %2 unreadable, format %3</source>
        <translation>%1 条记录，%2 条无法读取，格式 %3</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 records, format %2</source>
        <translation>%1 条记录，格式 %2</translation>
    </message>
    <message>
        <location line="+60" />
        <source>Record %1 cannot be used.</source>
        <translation>记录 %1 无法使用。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Record %1. Green: the response the model is trained on; grey: the prompt. Load a model to count tokens.</source>
        <translation>记录 %1。绿色：模型要学习生成的回答；灰色：提示词。加载模型后可统计 token。</translation>
    </message>
    <message>
        <location line="+17" />
        <source>Record %1: %2 tokens, %3 trained.</source>
        <translation>记录 %1：%2 个 token，其中 %3 个参与训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Cut into %1 blocks.</source>
        <translation>切分为 %1 个文本块。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Dropped: longer than the cutoff of %1 tokens.</source>
        <translation>已丢弃：超过 %1 个 token 的截断长度。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Dropped: no trained token is left within the cutoff of %1 tokens.</source>
        <translation>已丢弃：在 %1 个 token 的截断长度内没有剩余的训练 token。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Truncated: the cutoff of %1 tokens cuts it (marked ✂).</source>
        <translation>已截断：在 %1 个 token 处被截断（✂ 标记处）。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Fits within the cutoff of %1 tokens.</source>
        <translation>在 %1 个 token 的截断长度之内。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Record %1 cannot be shown.</source>
        <translation>无法显示记录 %1。</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Record %1 cannot be read.</source>
        <translation>无法读取记录 %1。</translation>
    </message>
</context>
<context>
    <name>ui::DatasetPromptView</name>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="+93" />
        <source>The record exactly as the model sees it. Green: tokens the model is trained to produce. Grey: masked tokens (the prompt), which give context but add no loss. Struck through: text the cutoff cuts away.</source>
        <translation>模型实际看到的记录内容。绿色：模型被训练去生成的 token。灰色：被掩码的 token（提示词），只提供上下文，不计入损失。删除线：被截断长度切掉的文本。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Block %1 of %2</source>
        <translation>文本块 %1 / %2</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Token %1: id %2, piece “%3”, %4</source>
        <translation>Token %1：ID %2，片段“%3”，%4</translation>
    </message>
    <message>
        <location line="+3" />
        <source>trained</source>
        <translation>参与训练</translation>
    </message>
    <message>
        <location line="+0" />
        <source>masked</source>
        <translation>已掩码</translation>
    </message>
    <message>
        <location line="+45" />
        <source>The cutoff length ends the example here; the model never sees what follows.</source>
        <translation>截断长度在此处结束该样本；之后的内容模型不会看到。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>cutoff: %1 of %2 tokens kept</source>
        <translation>截断：保留 %2 个 token 中的 %1 个</translation>
    </message>
</context>
<context>
    <name>ui::DatasetTableModel</name>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="+68" />
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+1" />
        <source>truncated</source>
        <translation>截断</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dropped: too long</source>
        <translation>丢弃：过长</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dropped: no trained tokens</source>
        <translation>丢弃：无训练 token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>bad record</source>
        <translation>无效记录</translation>
    </message>
    <message>
        <location line="+12" />
        <source>(%1)</source>
        <translation>（%1）</translation>
    </message>
    <message>
        <location line="+7" />
        <source>%1 turns: </source>
        <translation>%1 轮：</translation>
    </message>
    <message>
        <location line="+39" />
        <source>%1 (%2 blocks)</source>
        <translation>%1（%2 个文本块）</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Record %1, line %2 of the file</source>
        <translation>记录 %1，位于文件第 %2 行</translation>
    </message>
    <message>
        <location line="+1" />
        <location line="+52" />
        <source>Tokens of the rendered record before the cutoff</source>
        <translation>渲染后的记录在截断前的 token 数</translation>
    </message>
    <message>
        <location line="-51" />
        <location line="+52" />
        <source>Tokens the loss trains on after the cutoff</source>
        <translation>截断后参与损失计算的 token 数</translation>
    </message>
    <message>
        <location line="-18" />
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location line="+2" />
        <source>history</source>
        <translation>历史</translation>
    </message>
    <message>
        <location line="+1" />
        <source>conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+1" />
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trained</source>
        <translation>训练 token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The record's number in the file (from 1)</source>
        <translation>记录在文件中的序号（从 1 开始）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The record's "%1" field</source>
        <translation>记录的“%1”字段</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Earlier instruction/output turns of the record</source>
        <translation>记录中较早的指令/输出轮次</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The conversation's messages, role by role</source>
        <translation>对话中的各条消息，按角色列出</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Plain text, cut into blocks of the cutoff length for training</source>
        <translation>纯文本，训练时按截断长度切成文本块</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Whether the record is kept, truncated at the cutoff, dropped or bad</source>
        <translation>该记录是保留、在截断长度处被截断、被丢弃，还是无效</translation>
    </message>
</context>
<context>
    <name>ui::TokenLengthHistogram</name>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="+38" />
        <source>How many examples have each length in tokens. Bars past the red cutoff line are the examples the cutoff truncates (or drops). Drag to pan, scroll to zoom.</source>
        <translation>各 token 长度的样本数。红色截断线右侧的柱子是会被截断（或丢弃）的样本。拖动可平移，滚轮可缩放。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Tokens per example</source>
        <translation>每条样本的 token 数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Examples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Within the cutoff</source>
        <translation>截断长度以内</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Past the cutoff</source>
        <translation>超过截断长度</translation>
    </message>
    <message>
        <location line="+71" />
        <source>No examples to show.</source>
        <translation>没有可显示的样本。</translation>
    </message>
    <message>
        <location line="+32" />
        <source>cutoff %1</source>
        <translation>截断 %1</translation>
    </message>
    <message>
        <location line="+17" />
        <source>%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be dropped.</source>
        <translation>%2 条样本中有 %1%（%3 条）超过 %4 个 token 的截断长度，将被丢弃。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be truncated.</source>
        <translation>%2 条样本中有 %1%（%3 条）超过 %4 个 token 的截断长度，将被截断。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Median %1, 90th percentile %2, longest %3 tokens.</source>
        <translation>中位数 %1，90 分位数 %2，最长 %3 个 token。</translation>
    </message>
</context>
</TS>