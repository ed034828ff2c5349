<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::DatasetPage</name>
    <message>
        <location filename="../ui/dataset_page.cpp" line="62" />
        <source>Open dataset…</source>
        <translation>打开数据集…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="64" />
        <source>Open a JSON, JSON Lines or plain-text dataset. You can also drop a file onto this page.</source>
        <translation>打开 JSON、JSON Lines 或纯文本数据集。也可以把文件拖放到此页面上。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="65" />
        <source>No dataset open. Open a file or drop one here.</source>
        <translation>尚未打开数据集。请打开文件，或将文件拖放到这里。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="75" />
        <source>How records become training text: a prompt format (alpaca-format or your own format file), the model's chat format, or the whole file as plain text.</source>
        <translation>记录如何变成训练文本：提示词格式（alpaca-format 或你自己的格式文件）、模型的对话格式，或将整个文件作为纯文本。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="82" />
        <source> tokens</source>
        <translation> 个 token</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="83" />
        <source>Cutoff length: the most tokens of one example the model is trained on. Longer examples are truncated (or dropped). Longer cutoffs need more memory; pick one that keeps most examples whole.</source>
        <translation>截断长度：每条样本参与训练的最大 token 数。更长的样本会被截断（或丢弃）。截断长度越大越占内存；请选择能让大多数样本保持完整的值。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="85" />
        <source>Train on prompt</source>
        <translation>在提示词上训练</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="87" />
        <source>Also train on the prompt tokens (instruction, input, user turns), not only on the responses. Usually off: the model should learn to answer, not to ask.</source>
        <translation>除回答外，也在提示词 token（指令、输入、用户轮次）上计算损失。通常关闭：模型应学会回答，而不是提问。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="89" />
        <source>Add EOS</source>
        <translation>添加 EOS</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="91" />
        <source>Append the end-of-sequence token after each response, so the model learns to stop.</source>
        <translation>在每个回答后追加序列结束（EOS）token，让模型学会停止生成。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="92" />
        <source>Drop longer examples</source>
        <translation>丢弃超长样本</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="94" />
        <source>Leave out examples longer than the cutoff instead of truncating them.</source>
        <translation>超过截断长度的样本直接丢弃，而不是截断。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="95" />
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="97" />
        <source>Cutoff:</source>
        <translation>截断长度：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="116" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="118" />
        <source>Stop reading or tokenizing; what is shown stays.</source>
        <translation>停止读取或分词；已显示的内容保留。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="133" />
        <source>No model is loaded. The records are shown, but token counts, truncation and the length histogram need the model's tokenizer.</source>
        <translation>尚未加载模型。可以查看记录，但 token 计数、截断情况和长度直方图需要模型的分词器。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="137" />
        <source>Go to Models</source>
        <translation>前往模型页</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="139" />
        <source>Load a model on the Models page; this page then counts its tokens.</source>
        <translation>在模型页加载一个模型后，本页即可统计 token。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="167" />
        <source>The records of the file. Select one to see how it is rendered and which tokens are trained.</source>
        <translation>文件中的记录。选中一条即可查看它的渲染结果以及哪些 token 参与训练。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="171" />
        <source>Bad records</source>
        <translation>无效记录</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="174" />
        <source>Records that cannot be used, with the reason. Click one to see it.</source>
        <translation>无法使用的记录及原因。点击查看详情。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="189" />
        <location filename="../ui/dataset_page.cpp" line="645" />
        <source>Select a record.</source>
        <translation>请选择一条记录。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="193" />
        <source>Show tokens</source>
        <translation>显示 token</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="195" />
        <source>Show every token as its own piece (whitespace made visible); hover over one for its id.</source>
        <translation>将每个 token 单独显示（空白字符可见）；鼠标悬停可查看其 ID。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="209" />
        <source>Records:</source>
        <translation>记录：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="209" />
        <source>Bad:</source>
        <translation>无效：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="209" />
        <source>Kept:</source>
        <translation>保留：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="209" />
        <source>Truncated:</source>
        <translation>截断：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="210" />
        <source>Dropped:</source>
        <translation>丢弃：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="210" />
        <source>Tokens:</source>
        <translation>Token 数：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="210" />
        <source>Trained tokens:</source>
        <translation>训练 token 数：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="212" />
        <source>Records in the file, usable and bad</source>
        <translation>文件中的记录总数（含可用和无效的）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="213" />
        <source>Records that cannot be used (listed on the left); training skips them only when told to</source>
        <translation>无法使用的记录（列在左侧）；只有在明确允许时训练才会跳过它们</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="214" />
        <source>Examples trained on whole</source>
        <translation>完整参与训练的样本</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="215" />
        <source>Examples cut at the cutoff length</source>
        <translation>在截断长度处被截断的样本</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="216" />
        <source>Examples left out: longer than the cutoff (when dropping) or with no trained token left</source>
        <translation>被排除的样本：超过截断长度（丢弃模式下），或截断后没有剩余的训练 token</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="217" />
        <source>Tokens of the examples trained on, after the cutoff</source>
        <translation>参与训练的样本在截断后的 token 总数</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="218" />
        <source>Tokens the loss is computed on (the trained, unmasked ones)</source>
        <translation>计算损失的 token 数（参与训练、未被掩码的部分）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="262" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="319" />
        <source>%1 (built in)</source>
        <translation>%1（内置）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="320" />
        <source>A prompt format that comes with LoRA Studio</source>
        <translation>LoRA Studio 自带的提示词格式</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="327" />
        <source>%1 (format file)</source>
        <translation>%1（格式文件）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="331" />
        <source>Chat: the model's chat format</source>
        <translation>对话：模型自带的对话格式</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="333" />
        <source>Instruction records become one user/assistant exchange in the chat format the model's tokenizer declares (ChatML when it declares none). Conversations always use a chat format.</source>
        <translation>指令类记录会按模型分词器声明的对话格式（未声明时用 ChatML）写成一轮用户/助手对话。多轮对话数据始终使用对话格式。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="338" />
        <source>Chat: %1</source>
        <translation>对话：%1</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="339" />
        <source>Records written as a conversation in the %1 chat format</source>
        <translation>记录按 %1 对话格式写成对话</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="343" />
        <source>Raw text (the whole file as plain text)</source>
        <translation>纯文本（整个文件作为纯文本）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="345" />
        <source>Train on the file's text as it is, cut into blocks of the cutoff length (parts separated by two blank lines are kept apart).</source>
        <translation>直接在文件文本上训练，按截断长度切成文本块（由两个空行分隔的部分彼此独立）。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="348" />
        <source>Format file…</source>
        <translation>格式文件…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="349" />
        <source>Choose a text-generation-webui format file (JSON)</source>
        <translation>选择 text-generation-webui 格式文件（JSON）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="356" />
        <source>Choose a format file</source>
        <translation>选择格式文件</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="358" />
        <source>Format files (*.json);;All files (*)</source>
        <translation>格式文件 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="370" />
        <source>This format file cannot be used: %1</source>
        <translation>无法使用此格式文件：%1</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="390" />
        <source>Open a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="391" />
        <source>Datasets (*.json *.jsonl *.txt *.text *.md);;JSON (*.json *.jsonl);;Text (*.txt *.text *.md);;All files (*)</source>
        <translation>数据集 (*.json *.jsonl *.txt *.text *.md);;JSON (*.json *.jsonl);;文本 (*.txt *.text *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="479" />
        <location filename="../ui/dataset_page.cpp" line="498" />
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="500" />
        <source>Checking records…</source>
        <translation>正在检查记录…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="502" />
        <source>Tokenizing record %1 of %2…</source>
        <translation>正在分词：第 %1 / %2 条记录…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="516" />
        <source>The dataset cannot be read: %1</source>
        <translation>无法读取数据集：%1</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="559" />
        <source>Record %1 (line %2)</source>
        <translation>记录 %1（第 %2 行）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="560" />
        <source>Record %1</source>
        <translation>记录 %1</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="561" />
        <source>%1: %2</source>
        <comment>record, then what is wrong with it</comment>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="568" />
        <source>Bad records (%1; the first %2 are listed)</source>
        <translation>无效记录（共 %1 条，列出前 %2 条）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="572" />
        <source>Bad records (%1)</source>
        <translation>无效记录（%1 条）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="579" />
        <source>No record can be tokenized with these options.</source>
        <translation>在当前选项下没有可分词的记录。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="580" />
        <source>Load a model to see how long the examples are in tokens.</source>
        <translation>加载模型后即可查看样本的 token 长度。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="582" />
        <source>Tokenizing…</source>
        <translation>正在分词…</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="585" />
        <source>%1 records, format %2</source>
        <translation>%1 条记录，格式 %2</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="656" />
        <source>Record %1 cannot be used.</source>
        <translation>记录 %1 无法使用。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="663" />
        <source>Record %1. Green: the response the model is trained on; grey: the prompt. Load a model to count tokens.</source>
        <translation>记录 %1。绿色：模型要学习生成的回答；灰色：提示词。加载模型后可统计 token。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="680" />
        <source>Record %1: %2 tokens, %3 trained.</source>
        <translation>记录 %1：%2 个 token，其中 %3 个参与训练。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="681" />
        <source>Cut into %1 blocks.</source>
        <translation>切分为 %1 个文本块。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="685" />
        <source>Dropped: longer than the cutoff of %1 tokens.</source>
        <translation>已丢弃：超过 %1 个 token 的截断长度。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="686" />
        <source>Dropped: no trained token is left within the cutoff of %1 tokens.</source>
        <translation>已丢弃：在 %1 个 token 的截断长度内没有剩余的训练 token。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="690" />
        <source>Truncated: the cutoff of %1 tokens cuts it (marked ✂).</source>
        <translation>已截断：在 %1 个 token 处被截断（✂ 标记处）。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="692" />
        <source>Fits within the cutoff of %1 tokens.</source>
        <translation>在 %1 个 token 的截断长度之内。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="699" />
        <source>Record %1 cannot be shown.</source>
        <translation>无法显示记录 %1。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_page.cpp" line="720" />
        <source>Record %1 cannot be read.</source>
        <translation>无法读取记录 %1。</translation>
    </message>
</context>
<context>
    <name>ui::DatasetPromptView</name>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="93" />
        <source>The record exactly as the model sees it. Green: tokens the model is trained to produce. Grey: masked tokens (the prompt), which give context but add no loss. Struck through: text the cutoff cuts away.</source>
        <translation>模型实际看到的记录内容。绿色：模型被训练去生成的 token。灰色：被掩码的 token（提示词），只提供上下文，不计入损失。删除线：被截断长度切掉的文本。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="109" />
        <source>Block %1 of %2</source>
        <translation>文本块 %1 / %2</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="119" />
        <source>Token %1: id %2, piece “%3”, %4</source>
        <translation>Token %1：ID %2，片段“%3”，%4</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="122" />
        <source>trained</source>
        <translation>参与训练</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="122" />
        <source>masked</source>
        <translation>已掩码</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="155" />
        <source>The cutoff length ends the example here; the model never sees what follows.</source>
        <translation>截断长度在此处结束该样本；之后的内容模型不会看到。</translation>
    </message>
    <message>
        <location filename="../ui/dataset_prompt_view.cpp" line="157" />
        <source>cutoff: %1 of %2 tokens kept</source>
        <translation>截断：保留 %2 个 token 中的 %1 个</translation>
    </message>
</context>
<context>
    <name>ui::DatasetTableModel</name>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="68" />
        <source>kept</source>
        <translation>保留</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="69" />
        <source>truncated</source>
        <translation>截断</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="70" />
        <source>dropped: too long</source>
        <translation>丢弃：过长</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="71" />
        <source>dropped: no trained tokens</source>
        <translation>丢弃：无训练 token</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="72" />
        <source>bad record</source>
        <translation>无效记录</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="84" />
        <source>(%1)</source>
        <translation>（%1）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="91" />
        <source>%1 turns: </source>
        <translation>%1 轮：</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="130" />
        <source>%1 (%2 blocks)</source>
        <translation>%1（%2 个文本块）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="136" />
        <source>Record %1, line %2 of the file</source>
        <translation>记录 %1，位于文件第 %2 行</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="137" />
        <location filename="../ui/dataset_table_model.cpp" line="189" />
        <source>Tokens of the rendered record before the cutoff</source>
        <translation>渲染后的记录在截断前的 token 数</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="138" />
        <location filename="../ui/dataset_table_model.cpp" line="190" />
        <source>Tokens the loss trains on after the cutoff</source>
        <translation>截断后参与损失计算的 token 数</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="172" />
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="174" />
        <source>history</source>
        <translation>历史</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="175" />
        <source>conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="176" />
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="177" />
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="178" />
        <source>Trained</source>
        <translation>训练 token</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="179" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="184" />
        <source>The record's number in the file (from 1)</source>
        <translation>记录在文件中的序号（从 1 开始）</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="185" />
        <source>The record's "%1" field</source>
        <translation>记录的“%1”字段</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="186" />
        <source>Earlier instruction/output turns of the record</source>
        <translation>记录中较早的指令/输出轮次</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="187" />
        <source>The conversation's messages, role by role</source>
        <translation>对话中的各条消息，按角色列出</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="188" />
        <source>Plain text, cut into blocks of the cutoff length for training</source>
        <translation>纯文本，训练时按截断长度切成文本块</translation>
    </message>
    <message>
        <location filename="../ui/dataset_table_model.cpp" line="191" />
        <source>Whether the record is kept, truncated at the cutoff, dropped or bad</source>
        <translation>该记录是保留、在截断长度处被截断、被丢弃，还是无效</translation>
    </message>
</context>
<context>
    <name>ui::TokenLengthHistogram</name>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="38" />
        <source>How many examples have each length in tokens. Bars past the red cutoff line are the examples the cutoff truncates (or drops). Drag to pan, scroll to zoom.</source>
        <translation>各 token 长度的样本数。红色截断线右侧的柱子是会被截断（或丢弃）的样本。拖动可平移，滚轮可缩放。</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="40" />
        <source>Tokens per example</source>
        <translation>每条样本的 token 数</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="41" />
        <source>Examples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="47" />
        <source>Within the cutoff</source>
        <translation>截断长度以内</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="51" />
        <source>Past the cutoff</source>
        <translation>超过截断长度</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="122" />
        <source>No examples to show.</source>
        <translation>没有可显示的样本。</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="154" />
        <source>cutoff %1</source>
        <translation>截断 %1</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="171" />
        <source>%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be dropped.</source>
        <translation>%2 条样本中有 %1%（%3 条）超过 %4 个 token 的截断长度，将被丢弃。</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="172" />
        <source>%1% of %2 examples (%3) are longer than the cutoff of %4 tokens and will be truncated.</source>
        <translation>%2 条样本中有 %1%（%3 条）超过 %4 个 token 的截断长度，将被截断。</translation>
    </message>
    <message>
        <location filename="../ui/token_length_histogram.cpp" line="176" />
        <source>Median %1, 90th percentile %2, longest %3 tokens.</source>
        <translation>中位数 %1，90 分位数 %2，最长 %3 个 token。</translation>
    </message>
</context>
</TS>