<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineMessage</name>
    <message>
        <location filename="../ui/engine_messages.cpp" line="+29" />
        <source>line %1, column %2</source>
        <translation>第 %1 行第 %2 列</translation>
    </message>
    <message>
        <location line="+1" />
        <source>no such file</source>
        <translation>文件不存在</translation>
    </message>
    <message>
        <location line="+1" />
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <location line="+1" />
        <source>a boolean</source>
        <translation>布尔值</translation>
    </message>
    <message>
        <location line="+1" />
        <source>an array</source>
        <translation>数组</translation>
    </message>
    <message>
        <location line="+1" />
        <source>an object</source>
        <translation>对象</translation>
    </message>
    <message>
        <location line="+1" />
        <source>a string</source>
        <translation>字符串</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <location line="+1" />
        <source>RAM</source>
        <translation>内存</translation>
    </message>
    <message>
        <location line="+1" />
        <source>GPU memory</source>
        <translation>显存</translation>
    </message>
    <message>
        <location line="+1" />
        <source>MemAvailable in /proc/meminfo</source>
        <translation>/proc/meminfo 中的 MemAvailable</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the container's memory limit (cgroup memory.max)</source>
        <translation>容器的内存上限（cgroup memory.max）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>free memory of CUDA device %1 (of %2)</source>
        <translation>CUDA 设备 %1 的空闲显存（总计 %2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>choose a smaller model, bfloat16/float16 precision, or the CPU</source>
        <translation>请换用更小的模型、选择 bfloat16/float16 精度，或改用 CPU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>choose a smaller model, bfloat16 precision, or close other programs</source>
        <translation>请换用更小的模型、选择 bfloat16 精度，或关闭其他程序</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the disk is full (No space left on device)</source>
        <translation>磁盘已满（No space left on device）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the disk quota is exhausted</source>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <location line="+1" />
        <source>permission denied (is the folder read-only?)</source>
        <translation>权限不足（文件夹是否为只读？）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the file system is read-only</source>
        <translation>文件系统为只读</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the folder does not exist</source>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cannot write</source>
        <translation>无法写入</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cannot flush to disk</source>
        <translation>无法同步到磁盘</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cannot move the new file into place</source>
        <translation>无法将新文件移动到目标位置</translation>
    </message>
    <message>
        <location line="+1" />
        <source>infinite</source>
        <translation>无穷大</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No checkpoint was saved before it.</source>
        <translation>在此之前没有保存过检查点。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The last good checkpoint is kept: %1</source>
        <translation>最后一个正常的检查点已保留：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No checkpoint had been saved.</source>
        <translation>尚未保存过检查点。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The last checkpoint is kept (%1): continue with --resume.</source>
        <translation>最后一个检查点已保留（%1）：可用“继续训练”接着训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>, or turn on --gradient-checkpointing</source>
        <translation>，或开启梯度检查点</translation>
    </message>
    <message>
        <location line="+1" />
        <source>an allocation failed</source>
        <translation>内存分配失败</translation>
    </message>
    <message>
        <location line="+1" />
        <source>no record is usable</source>
        <translation>没有可用的记录</translation>
    </message>
    <message>
        <location line="+1" />
        <source>fix them, or let training skip them with --skip-bad-records</source>
        <translation>请修正这些记录，或在训练设置文件中设 "skip_bad_records": true（命令行：--skip-bad-records）让训练跳过它们</translation>
    </message>
    <message>
        <location line="+2" />
        <source>a non-ASCII character</source>
        <translation>非 ASCII 字符</translation>
    </message>
    <message>
        <location line="+1" />
        <source>null</source>
        <translation>空值（null）</translation>
    </message>
    <message>
        <location line="+13" />
        <source>%1: no config.json (not a Hugging Face model folder)</source>
        <translation>%1：缺少 config.json（不是 Hugging Face 模型文件夹）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not a folder; expected a Hugging Face model folder</source>
        <translation>%1：不是文件夹；需要 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no such folder; expected a Hugging Face model folder</source>
        <translation>%1：文件夹不存在；需要 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not a folder; expected the base model's Hugging Face folder</source>
        <translation>%1：不是文件夹；需要基础模型的 Hugging Face 文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no such folder; expected the base model's Hugging Face folder</source>
        <translation>%1：文件夹不存在；需要基础模型的 Hugging Face 文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: model_type "%2" is not supported (supported: %3)</source>
        <translation>%1：不支持 model_type“%2”（支持：%3）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: model_type '%2' is not supported (supported: %3)</source>
        <translation>%1：不支持 model_type“%2”（支持：%3）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: hidden_act "%2" is not supported (supported: silu)</source>
        <translation>%1：不支持激活函数 hidden_act“%2”（支持：silu）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: missing required field '%2' (%3)</source>
        <translation>%1：缺少必需字段“%2”（%3）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: field '%2' is %3; expected %4</source>
        <translation>%1：字段“%2”的值为 %3；应为 %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: expected %2, found %3</source>
        <translation>%1：应为 %2，实际是 %3</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: no model.safetensors or model.safetensors.index.json (found %2; only those two names are loaded, as in Hugging Face transformers, and only safetensors weights)</source>
        <translation>%1：缺少 model.safetensors 或 model.safetensors.index.json（找到的是 %2；与 Hugging Face transformers 一样，只加载这两个文件名，且只支持 safetensors 权重）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: no model.safetensors or model.safetensors.index.json</source>
        <translation>%1：缺少 model.safetensors 或 model.safetensors.index.json</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: shard "%2" (holding '%3') is missing: no file %4</source>
        <translation>%1：分片“%2”（包含“%3”）缺失：找不到文件 %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: missing tensor '%2' (expected shape %3)</source>
        <translation>%1：缺少张量“%2”（应为形状 %3）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: tensor '%2' has dtype %3; expected F32, BF16 or F16 (quantized checkpoints are not supported)</source>
        <translation>%1：张量“%2”的数据类型是 %3；需要 F32、BF16 或 F16（不支持量化模型）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: file is %2 bytes; a safetensors file starts with an 8-byte header length (truncated or not safetensors)</source>
        <translation>%1：文件只有 %2 字节；safetensors 文件以 8 字节的头部长度开头（文件被截断，或不是 safetensors 文件）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: header length %2 runs past the end of the file (8 + %3 &gt; %4 bytes; truncated file?)</source>
        <translation>%1：头部长度 %2 超出了文件末尾（8 + %3 &gt; %4 字节；文件是否被截断？）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: header length %2 is larger than the %3-byte limit (corrupt or not safetensors)</source>
        <translation>%1：头部长度 %2 超过了 %3 字节的上限（文件已损坏，或不是 safetensors 文件）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: header is not valid JSON: %2</source>
        <translation>%1：头部不是有效的 JSON：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: tensor '%2' ends at data offset %3, but the file holds only %4 bytes of data after the header (truncated file?)</source>
        <translation>%1：张量“%2”的数据结束于偏移 %3，但文件头部之后只有 %4 字节数据（文件是否被截断？）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: the model needs %2 of %3 but only %4 is available (%5); %6</source>
        <translation>%1：模型需要 %2 的%3，但只有 %4 可用（%5）；%6</translation>
    </message>
    <message>
        <location line="+1" />
        <source>device '%1': CUDA is not available (this libtorch has no CUDA or no GPU is visible)</source>
        <translation>设备“%1”：CUDA 不可用（此 libtorch 未包含 CUDA，或检测不到 GPU）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>device '%1': only %2 CUDA device(s) are visible</source>
        <translation>设备“%1”：只能检测到 %2 个 CUDA 设备</translation>
    </message>
    <message>
        <location line="+1" />
        <source>compute dtype float16 is not supported on the CPU (use bfloat16 or float32)</source>
        <translation>CPU 不支持 float16 计算精度（请使用 bfloat16 或 float32）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: holds neither tokenizer.json nor tokenizer.model</source>
        <translation>%1：既没有 tokenizer.json 也没有 tokenizer.model（缺少分词器）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not a tokenizer file (expected tokenizer.json or tokenizer.model)</source>
        <translation>%1：不是分词器文件（需要 tokenizer.json 或 tokenizer.model）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not a sentencepiece model: %2</source>
        <translation>%1：不是 sentencepiece 模型：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not valid JSON (line %2, column %3): %4</source>
        <translation>%1：不是有效的 JSON（第 %2 行第 %3 列）：%4</translation>
    </message>
    <message>
        <location line="+3" />
        <source>dataset file %1 does not exist</source>
        <translation>数据集文件 %1 不存在</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset %1 is a folder; give a .json, .jsonl or .txt file</source>
        <translation>数据集 %1 是文件夹；请选择 .json、.jsonl 或 .txt 文件</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cannot open dataset file %1</source>
        <translation>无法打开数据集文件 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset file %1 is empty (it holds only whitespace)</source>
        <translation>数据集文件 %1 是空的（只有空白字符）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset file %1 is empty</source>
        <translation>数据集文件 %1 是空的</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset file %1 is an empty JSON array: it contains no records</source>
        <translation>数据集文件 %1 是空的 JSON 数组：没有任何记录</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset file %1 contains no records</source>
        <translation>数据集文件 %1 中没有任何记录</translation>
    </message>
    <message>
        <location line="+1" />
        <source>dataset file %1 is neither a JSON array nor JSON Lines: it starts with %2 at %3 (a JSON dataset starts with '[' or '{'; raw text files must end in .txt)</source>
        <translation>数据集文件 %1 既不是 JSON 数组也不是 JSON Lines：它在%3以 %2 开头（JSON 数据集以“[”或“{”开头；纯文本文件的扩展名必须是 .txt）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>dataset file %1 is not JSON Lines: the object starting at %2 spans several lines. A dataset is either a JSON array of records ([{...}, {...}]) or JSON Lines (one complete record per line)</source>
        <translation>数据集文件 %1 不是 JSON Lines：从%2开始的对象跨越了多行。数据集要么是记录组成的 JSON 数组（[{...}, {...}]），要么是 JSON Lines（每行一条完整记录）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>dataset file %1: invalid JSON: record %2 starting at %3 is never closed (a missing '}' or ']', or an unclosed string)</source>
        <translation>数据集文件 %1：JSON 无效：从%3开始的第 %2 条记录没有结束（缺少“}”或“]”，或有未闭合的字符串）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>dataset file %1: invalid JSON at %2: expected ',' or ']' after record %3 (which starts at line %4), found '%5'</source>
        <translation>数据集文件 %1：%2处 JSON 无效：第 %3 条记录（从第 %4 行开始）之后应为“,”或“]”，实际是“%5”</translation>
    </message>
    <message>
        <location line="+4" />
        <source>%1 is not UTF-8: its non-ASCII bytes look like a legacy Chinese/Japanese encoding (GBK/GB18030, Big5 or Shift-JIS); first bad byte %2 at %3; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <translation>%1 不是 UTF-8 编码：其中的非 ASCII 字节看起来是旧式中文/日文编码（GBK/GB18030、Big5 或 Shift-JIS）；第一个无效字节 %2 位于%3；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 is %2 encoded, not UTF-8; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <translation>%1 是 %2 编码，不是 UTF-8；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: %2 of %3 record cannot be used (%4):</source>
        <translation>%1：%3 条记录中有 %2 条无法使用（%4）：</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: %2 of %3 records cannot be used (%4):</source>
        <translation>%1：%3 条记录中有 %2 条无法使用（%4）：</translation>
    </message>
    <message>
        <location line="+22" />
        <source>field %1 is missing or empty (format '%2' needs the fields %3); it has no place for %4</source>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）；且不能容纳 %4</translation>
    </message>
    <message>
        <location line="+2" />
        <source>field %1 is missing or empty (format '%2' needs the fields %3)</source>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>fields %1 are missing or empty (format '%2' needs the fields %3); it has no place for %4</source>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）；且不能容纳 %4</translation>
    </message>
    <message>
        <location line="+2" />
        <source>fields %1 are missing or empty (format '%2' needs the fields %3)</source>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）</translation>
    </message>
    <message>
        <location line="+146" />
        <source>unknown prompt template '%1'; expected "model" or one of %2</source>
        <translation>未知的提示词模板“%1”；应为 "model"（模型自带的模板）或以下之一：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>unknown chat template '%1'; expected "model" (the model's own) or one of %2</source>
        <translation>未知的对话模板“%1”；应为 "model"（模型自带的模板）或以下之一：%2</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the model has no chat template (no chat_template.jinja, no chat_template in tokenizer_config.json); choose a built-in one: %1</source>
        <translation>模型没有对话模板（没有 chat_template.jinja，tokenizer_config.json 中也没有 chat_template）；请选择一个内置模板：%1</translation>
    </message>
    <message>
        <location line="+3" />
        <source>the model has no chat template (no chat_template.jinja, no chat_template in tokenizer_config.json); choose a built-in one such as chatml</source>
        <translation>模型没有对话模板（没有 chat_template.jinja，tokenizer_config.json 中也没有 chat_template）；请选择一个内置模板，例如 chatml</translation>
    </message>
    <message>
        <location line="+3" />
        <source>chat template %1 writes the conversation up to message %2 differently from the whole conversation, so the start of that assistant turn is unknown</source>
        <translation>对话模板 %1 渲染到第 %2 条消息为止的对话时，与渲染整段对话的结果不一致，因此无法确定这一轮助手回答从哪里开始</translation>
    </message>
    <message>
        <location line="+3" />
        <source>chat template %1: cannot find where assistant message %2 ends in the rendered conversation</source>
        <translation>对话模板 %1：在渲染后的对话中找不到第 %2 条助手消息在哪里结束</translation>
    </message>
    <message>
        <location line="-267" />
        <source>  record %1 (line %2): %3</source>
        <translation>  第 %1 条记录（第 %2 行）：%3</translation>
    </message>
    <message>
        <location line="+1" />
        <source>  record %1: %2</source>
        <translation>  第 %1 条记录：%2</translation>
    </message>
    <message>
        <location line="+82" />
        <source>  ... and %1 more</source>
        <translation>  ……还有 %1 条</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 bad records left out of %2:</source>
        <translation>已从 %2 中排除 %1 条无效记录：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>field "%1" is %2; expected a string</source>
        <translation>字段“%1”是%2，应为字符串</translation>
    </message>
    <message>
        <location line="+16" />
        <source>field "text" is empty</source>
        <translation>字段“text”为空</translation>
    </message>
    <message>
        <location line="+1" />
        <source>is %1; expected a JSON object</source>
        <translation>是%1，应为 JSON 对象</translation>
    </message>
    <message>
        <location line="+7" />
        <source>no keyset match: its non-empty fields {%1} match none of the keys of format '%2' (%3); closest is "%4", which has no place for %5</source>
        <translation>没有匹配的字段组合：非空字段 {%1} 与格式“%2”的任何键（%3）都不匹配；最接近的是“%4”，它不能容纳 %5</translation>
    </message>
    <message>
        <location line="+3" />
        <source>invalid UTF-8 (byte %1) at %2; save the file as UTF-8</source>
        <translation>%2处有无效的 UTF-8（字节 %1）；请将文件另存为 UTF-8</translation>
    </message>
    <message>
        <location line="+1" />
        <source>invalid JSON at %1: %2</source>
        <translation>%1处 JSON 无效：%2</translation>
    </message>
    <message>
        <location line="-25" />
        <location line="+26" />
        <source>empty conversation: "%1" has no turns</source>
        <translation>空对话：“%1”中没有任何轮次</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the conversation has no assistant turn to train on</source>
        <translation>对话中没有可用于训练的 assistant 回复</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the "chat" format needs non-empty "instruction" and "output" fields</source>
        <translation>“chat”格式需要非空的“instruction”和“output”字段</translation>
    </message>
    <message>
        <location line="+1" />
        <source>is %1 bytes, more than the %2 limit for one record (long text belongs in a .txt file)</source>
        <translation>大小为 %1 字节，超过了单条记录 %2 的上限（长文本请放在 .txt 文件中）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>cannot open prompt format file %1</source>
        <translation>无法打开提示词格式文件 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>prompt format %1 is not valid JSON: %2</source>
        <translation>提示词格式 %1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>prompt format %1 must be a JSON object mapping field sets such as "instruction,output" to templates such as "...%instruction%...%output%"</source>
        <translation>提示词格式 %1 必须是一个 JSON 对象，把“instruction,output”这样的字段组合映射到“...%instruction%...%output%”这样的模板</translation>
    </message>
    <message>
        <location line="+3" />
        <source>prompt format '%1' is neither a built-in format (%2, chat, chat:&lt;chat format&gt;) nor an existing format file</source>
        <translation>提示词格式“%1”既不是内置格式（%2、chat、chat:&lt;对话格式&gt;），也不是已存在的格式文件</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1: no adapter_config.json (not a PEFT adapter folder)</source>
        <translation>%1：缺少 adapter_config.json（不是 PEFT 适配器文件夹）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no adapter_model.safetensors</source>
        <translation>%1：缺少 adapter_model.safetensors</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: the adapter is stored as adapter_model.bin (a pickle); only adapter_model.safetensors is supported</source>
        <translation>%1：适配器保存为 adapter_model.bin（pickle 格式）；只支持 adapter_model.safetensors</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: field 'peft_type' is missing (expected "LORA")</source>
        <translation>%1：缺少字段“peft_type”（应为“LORA”）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: peft_type is '%2'; only LoRA adapters ("LORA") are supported</source>
        <translation>%1：peft_type 是“%2”；只支持 LoRA 适配器（“LORA”）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: field 'target_modules' is missing (the modules the adapter applies to)</source>
        <translation>%1：缺少字段“target_modules”（适配器作用的模块）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: use_dora is true; DoRA adapters are not supported</source>
        <translation>%1：use_dora 为 true；不支持 DoRA 适配器</translation>
    </message>
    <message>
        <location line="+9" />
        <source>%1: target_modules selects no linear layer of this %2 model (its linear layers are %3)</source>
        <translation>%1：target_modules 没有选中这个 %2 模型的任何线性层（它的线性层是 %3）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: target_modules selects no linear layer of the model in %2</source>
        <translation>%1：target_modules 没有选中 %2 中模型的任何线性层</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: missing tensor '%2' (adapter_config.json's target_modules selects '%3')</source>
        <translation>%1：缺少张量“%2”（adapter_config.json 的 target_modules 选中了“%3”）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: tensor '%2' has shape %3, expected %4</source>
        <translation>%1：张量“%2”的形状是 %3，应为 %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no such folder; expected a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)</source>
        <translation>%1：文件夹不存在；需要 PEFT LoRA 适配器文件夹（adapter_config.json + adapter_model.safetensors）</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 already holds an adapter; choose another output folder, or resume the run</source>
        <translation>%1 中已有适配器；请选择其他输出文件夹，或继续该次训练</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot create the output folder (%2)</source>
        <translation>%1：无法创建输出文件夹（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot create a temporary file in %2 to write it: %3</source>
        <translation>%1：无法在 %2 中创建用于写入的临时文件：%3</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: %2: %3; the previous file, if any, is unchanged</source>
        <translation>%1：%2：%3；原有文件（如果有）保持不变</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot append to the training log (disk full or folder not writable?)</source>
        <translation>%1：无法追加写入训练日志（磁盘已满或文件夹不可写？）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no record is left to train on (%2 dropped at the cutoff length of %3 tokens)</source>
        <translation>%1：没有可用于训练的记录（%2 条因超过 %3 个 token 的截断长度而被丢弃）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>out of GPU memory while loading the model (%1): choose a smaller model, bfloat16 precision, or the CPU</source>
        <translation>加载模型时显存不足（%1）：请换用更小的模型、选择 bfloat16 精度，或改用 CPU</translation>
    </message>
    <message>
        <location line="+4" />
        <source>out of memory (RAM) while loading the model (%1): choose a smaller model, bfloat16 precision, or close other programs</source>
        <translation>加载模型时内存不足（%1）：请换用更小的模型、选择 bfloat16 精度，或关闭其他程序</translation>
    </message>
    <message>
        <location line="+4" />
        <source>out of GPU memory during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len (now %3)%4. %5</source>
        <translation>训练时显存不足（%1）。请调低微批大小（当前 %2）或截断长度（当前 %3）%4。%5</translation>
    </message>
    <message>
        <location line="+4" />
        <source>out of memory (RAM) during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len (now %3)%4. %5</source>
        <translation>训练时内存不足（%1）。请调低微批大小（当前 %2）或截断长度（当前 %3）%4。%5</translation>
    </message>
    <message>
        <location line="+4" />
        <source>training stopped at step %1: the loss became %2. Lower the learning rate or use float32 precision. %3</source>
        <translation>训练在第 %1 步停止：损失变成了 %2。请调低学习率，或使用 float32 精度。%3</translation>
    </message>
    <message>
        <location line="+4" />
        <source>batch size (%1) must be a multiple of the micro-batch size (%2)</source>
        <translation>批大小（%1）必须是微批大小（%2）的整数倍</translation>
    </message>
    <message>
        <location line="+1" />
        <source>an eval split needs at least 2 records (one to train on, one to evaluate); the dataset has %1 — give a separate eval file instead</source>
        <translation>划分验证集至少需要 2 条记录（一条训练，一条验证）；该数据集只有 %1 条，请另外提供验证集文件</translation>
    </message>
    <message>
        <location line="+3" />
        <source>the tokenizer has no eos_token, so add_eos cannot append one; turn add_eos off (--no-add-eos)</source>
        <translation>分词器没有 eos_token，无法在末尾添加；请关闭“添加 EOS”（--no-add-eos）</translation>
    </message>
    <message>
        <location line="-186" />
        <source>invalid training setting: %1</source>
        <translation>训练设置无效：%1</translation>
    </message>
    <message>
        <location line="+194" />
        <source>%1: unknown setting '%2'</source>
        <translation>%1：未知设置“%2”</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: setting '%2' has the wrong type (%3)</source>
        <translation>%1：设置“%2”的类型错误（%3）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: has no %2 (the save did not finish, or the file was deleted)</source>
        <translation>%1：缺少 %2（保存未完成，或文件已被删除）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: is missing (listed in %2)</source>
        <translation>%1：文件缺失（%2 中列出了它）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: is %2 bytes, the manifest says %3 (truncated or overwritten)</source>
        <translation>%1：大小为 %2 字节，清单记录为 %3 字节（文件被截断或覆盖）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: SHA-256 %2... differs from the manifest's %3... (the file is damaged)</source>
        <translation>%1：SHA-256 %2... 与清单中的 %3... 不一致（文件已损坏）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot create the checkpoint folder (%2)</source>
        <translation>%1：无法创建检查点文件夹（%2）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>reading %1</source>
        <translation>正在读取 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped), %6 evaluation examples</source>
        <translation>%1 条训练样本（%2 个 token，其中 %3 个参与训练；%4 条被截断，%5 条被丢弃），%6 条验证样本</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped)</source>
        <translation>%1 条训练样本（%2 个 token，其中 %3 个参与训练；%4 条被截断，%5 条被丢弃）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>computing on %1</source>
        <translation>计算设备：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU, %1 threads (%2)</source>
        <translation>CPU，%1 个线程（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU, %1 thread (%2)</source>
        <translation>CPU，%1 个线程（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>resuming from %1 at step %2</source>
        <translation>从 %1 的第 %2 步继续训练</translation>
    </message>
    <message>
        <location line="-213" />
        <source>skipping a damaged checkpoint: %1</source>
        <translation>跳过已损坏的检查点：%1</translation>
    </message>
    <message>
        <location line="+85" />
        <source>has both "conversations" and "messages"; keep one</source>
        <translation>同时有“conversations”和“messages”；请只保留一个</translation>
    </message>
    <message>
        <location line="+1" />
        <source>"%1" is %2; expected an array of turns</source>
        <translation>“%1”是%2，应为对话轮次的数组</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 is from "%2"; expected "system", "human" or "gpt"</source>
        <translation>%1 的 from 是“%2”，应为“system”“human”或“gpt”</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 is from "%2"; expected "system", "human" or "gpt" (tool and function turns are not supported for training)</source>
        <translation>%1 的 from 是“%2”，应为“system”“human”或“gpt”（训练不支持工具和函数调用轮次）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 has role "%2"; expected "system", "user" or "assistant"</source>
        <translation>%1 的 role 是“%2”，应为“system”“user”或“assistant”</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 has role "%2"; expected "system", "user" or "assistant" (tool messages are not supported for training)</source>
        <translation>%1 的 role 是“%2”，应为“system”“user”或“assistant”（训练不支持工具消息）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 is a "%2" part; only text can be trained on</source>
        <translation>%1 是“%2”类型的内容，只有文本可以用于训练</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1.text must be a string</source>
        <translation>%1.text 必须是字符串</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 is %2; expected a string</source>
        <translation>%1 是%2，应为字符串</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 is %2; expected an object</source>
        <translation>%1 是%2，应为对象</translation>
    </message>
    <message>
        <location line="+39" />
        <source>%1: bias is '%2'; only adapters with bias "none" are supported</source>
        <translation>%1：bias 为“%2”；只支持 bias 为“none”的适配器</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: modules_to_save is set; adapters with fully trained modules are not supported</source>
        <translation>%1：设置了 modules_to_save；不支持带有完整训练模块的适配器</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: lora_bias is true; LoRA biases are not supported</source>
        <translation>%1：lora_bias 为 true；不支持 LoRA 偏置</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot read (%2)</source>
        <translation>%1：无法读取（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot write (%2)</source>
        <translation>%1：无法写入（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot replace the existing folder</source>
        <translation>%1：无法替换已有的文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot move the copy into place</source>
        <translation>%1：无法将副本移动到目标位置</translation>
    </message>
    <message>
        <location line="+44" />
        <source>target_modules is empty; choose at least one of q_proj ... down_proj or all-linear</source>
        <translation>target_modules 为空；请至少选择 q_proj … down_proj 中的一个，或 all-linear</translation>
    </message>
    <message>
        <location line="+2" />
        <source>set epochs or max_steps to a positive number</source>
        <translation>请把训练轮数或最大步数设为正数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>batch_size (%1) must be a positive multiple of micro_batch_size (%2)</source>
        <translation>批大小（%1）必须是微批大小（%2）的正整数倍</translation>
    </message>
    <message>
        <location line="+1" />
        <source>cutoff_len must be at least 2 tokens</source>
        <translation>截断长度至少为 2 个 token</translation>
    </message>
    <message>
        <location line="+1" />
        <source>learning_rate must be a positive number</source>
        <translation>学习率必须是正数</translation>
    </message>
    <message>
        <location line="+20" />
        <source>no checkpoint in %1: starting from step 0</source>
        <translation>%1 中没有检查点：从第 0 步开始</translation>
    </message>
    <message>
        <location line="+1" />
        <source>saving the adapter to %1</source>
        <translation>正在将适配器保存到 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>saving %1</source>
        <translation>正在保存 %1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>done: %1 of %2 steps, last loss %3; adapter saved in %4</source>
        <translation>完成：%1 / %2 步，最后损失 %3；适配器已保存到 %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>stopped: %1 of %2 steps, last loss %3; adapter saved in %4</source>
        <translation>已停止：%1 / %2 步，最后损失 %3；适配器已保存到 %4</translation>
    </message>
    <message>
        <location line="+1" />
        <source>reached the target loss %1: %2 of %3 steps, last loss %4; adapter saved in %5</source>
        <translation>已达到目标损失 %1：%2 / %3 步，最后损失 %4；适配器已保存到 %5</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: is the base model's folder; write the merged model to a new folder</source>
        <translation>%1：这是基础模型的文件夹；请把合并后的模型写入新文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: is the adapter's folder; write the merged model to a new folder</source>
        <translation>%1：这是适配器的文件夹；请把合并后的模型写入新文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: exists and is not a folder</source>
        <translation>%1：已存在且不是文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: already holds a model (%2); choose a new folder, or allow replacing its model files (merge --force)</source>
        <translation>%1：已包含模型（%2）；请选择新文件夹，或勾选“替换输出文件夹中已有的模型”</translation>
    </message>
    <message>
        <location line="+3" />
        <source>merge cancelled; nothing was written to %1</source>
        <translation>合并已取消；没有向 %1 写入任何内容</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: tensor '%2' has dtype %3; a LoRA delta can only be merged into floating-point weights (quantized models cannot be merged)</source>
        <translation>%1：张量“%2”的数据类型是 %3；LoRA 增量只能合并到浮点权重中（无法合并量化模型）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1: cannot move the merged model into place (%2)</source>
        <translation>%1：无法将合并后的模型移动到目标位置（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot create the folder (%2)</source>
        <translation>%1：无法创建文件夹（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the adapter uses rsLoRA (scaling lora_alpha/sqrt(r)); the merged weights include that scaling exactly, but llama.cpp's convert_lora_to_gguf.py ignores use_rslora and would scale the adapter by lora_alpha/r: for llama.cpp, convert this merged model rather than the adapter</source>
        <translation>该适配器使用 rsLoRA（缩放系数 lora_alpha/sqrt(r)）；合并后的权重已精确包含这一缩放，但 llama.cpp 的 convert_lora_to_gguf.py 会忽略 use_rslora，按 lora_alpha/r 缩放适配器：用于 llama.cpp 时，请转换这个合并后的模型，而不是适配器</translation>
    </message>
    <message>
        <location line="+4" />
        <source>the adapter changes lm_head, which the base model ties to the input embedding: the merged model has its own lm_head.weight and tie_word_embeddings false (the embedding is unchanged)</source>
        <translation>该适配器修改了 lm_head，而基础模型的 lm_head 与输入嵌入共享权重：合并后的模型有独立的 lm_head.weight，且 tie_word_embeddings 为 false（嵌入层不变）</translation>
    </message>
    <message>
        <location line="+3" />
        <source>weights stored as %1 (the base model is %2)</source>
        <translation>权重以 %1 保存（基础模型为 %2）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1: not an adapter folder (no adapter_config.json)</source>
        <translation>%1：不是适配器文件夹（缺少 adapter_config.json）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: the copy cannot go into the adapter folder itself</source>
        <translation>%1：不能复制到适配器文件夹自身之中</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: folder does not exist</source>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: already exists</source>
        <translation>%1：已存在</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <source>generate: the prompt has %1 tokens, which fills the model's context length of %2 (max_position_embeddings in config.json)</source>
        <translation>生成失败：提示词有 %1 个 token，已占满模型的上下文长度 %2（config.json 中的 max_position_embeddings）</translation>
    </message>
    <message>
        <location line="+19" />
        <source>%1: cannot read: %2</source>
        <translation>%1：无法读取：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot open: %2</source>
        <translation>%1：无法打开：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: cannot open the file</source>
        <translation>%1：无法打开文件</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: is a folder, expected a file</source>
        <translation>%1：是文件夹，需要的是文件</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not a folder</source>
        <translation>%1：不是文件夹</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: no such folder</source>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <location line="-258" />
        <location line="+259" />
        <source>%1: not valid JSON: %2</source>
        <translation>%1：不是有效的 JSON：%2</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: not valid JSON (%2)</source>
        <translation>%1：不是有效的 JSON（%2）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1: expected a JSON object</source>
        <translation>%1：应为 JSON 对象</translation>
    </message>
</context>
</TS>