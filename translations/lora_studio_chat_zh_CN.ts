<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::ChatPage</name>
    <message>
        <location filename="../ui/chat_page.cpp" line="+100" />
        <source>Open the Models page</source>
        <translation>打开“模型”页</translation>
    </message>
    <message>
        <location line="+11" />
        <source>Adapter:</source>
        <translation>适配器：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The LoRA adapter compared with the base model. It is switched on and off on the loaded model, which is not loaded twice.</source>
        <translation>与基础模型对比的 LoRA 适配器。它在已加载的模型上开启和关闭，模型不会重复加载。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>None (base model only)</source>
        <translation>无（仅基础模型）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Choose an adapter folder (one with adapter_config.json)</source>
        <translation>选择适配器文件夹（含 adapter_config.json）</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Prompt format:</source>
        <translation>提示词格式：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>How the conversation is written for the model. Automatic uses the template the adapter was trained with (its training_prompt.json), else the model's own chat template, rendered exactly as Hugging Face transformers renders it. An adapter answers best in its training format.</source>
        <translation>对话如何写成模型看到的文本。“自动”使用适配器训练时的模板（其 training_prompt.json），否则使用模型自带的对话模板，渲染结果与 Hugging Face transformers 完全一致。适配器用训练时的格式回答效果最好。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The model's own template</source>
        <translation>模型自带的模板</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Weights:</source>
        <translation>权重：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>How the model's layers are kept in memory. 4-bit NF4 (as QLoRA) takes about a third of the memory of 16-bit weights, 8-bit about half; answers change a little. Changing it reloads the model. A model downloaded in 4-bit (bnb-4bit) stays 4-bit.</source>
        <translation>模型各层在内存中的保存方式。4 位 NF4（与 QLoRA 相同）约占 16 位权重三分之一的内存，8 位约占一半；回答会略有变化。更改后会重新加载模型。以 4 位（bnb-4bit）下载的模型始终为 4 位。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Full precision</source>
        <translation>全精度</translation>
    </message>
    <message>
        <location line="+1" />
        <source>4-bit NF4 (QLoRA)</source>
        <translation>4 位 NF4（QLoRA）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>8-bit</source>
        <translation>8 位</translation>
    </message>
    <message>
        <location line="+12" />
        <source>Training is running: it has its own copy of the model, so chat still works, but answers come more slowly while both share the processor.</source>
        <translation>训练正在进行：训练使用自己的模型副本，因此仍可对话，但两者共用处理器，回答会变慢。</translation>
    </message>
    <message>
        <location line="+12" />
        <location line="+364" />
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <location line="-361" />
        <source>Generation settings</source>
        <translation>生成设置</translation>
    </message>
    <message>
        <location line="+4" />
        <source>System prompt:</source>
        <translation>系统提示词：</translation>
    </message>
    <message>
        <location line="+3" />
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>An instruction put before the conversation in both panes, e.g. "Answer briefly."</source>
        <translation>放在两侧对话最前面的指令，例如“请简短回答。”</translation>
    </message>
    <message>
        <location line="+20" />
        <source>Type a message; Ctrl+Enter sends it to both models</source>
        <translation>输入消息；按 Ctrl+Enter 同时发送给两个模型</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Send the message to both panes (Ctrl+Enter)</source>
        <translation>将消息发送到两侧（Ctrl+Enter）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop generating; what was written so far is kept</source>
        <translation>停止生成；已生成的内容会保留</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Start a new conversation in both panes</source>
        <translation>在两侧开始新的对话</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Drop the oldest turns and send</source>
        <translation>丢弃最早的几轮对话并发送</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Send anyway</source>
        <translation>仍然发送</translation>
    </message>
    <message>
        <location line="+77" />
        <source>Choose an adapter folder</source>
        <translation>选择适配器文件夹</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Not a LoRA adapter</source>
        <translation>不是 LoRA 适配器</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 is not a PEFT LoRA adapter folder:
%2</source>
        <translation>%1 不是 PEFT LoRA 适配器文件夹：
%2</translation>
    </message>
    <message>
        <location line="+17" />
        <source>New conversation: the adapter changed.</source>
        <translation>已开始新对话：适配器已更换。</translation>
    </message>
    <message>
        <location line="+8" />
        <source>With adapter: (none)</source>
        <translation>使用适配器：（无）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No adapter is chosen, so only the base model answers.
Train one on the Train page, or choose an adapter folder above with Browse…</source>
        <translation>未选择适配器，因此只有基础模型回答。
请在“训练”页训练一个适配器，或点击上方的“浏览…”选择适配器文件夹。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Open the Train page</source>
        <translation>打开“训练”页</translation>
    </message>
    <message>
        <location line="+2" />
        <source>With adapter: %1</source>
        <translation>使用适配器：%1</translation>
    </message>
    <message>
        <location line="+16" />
        <location line="+3" />
        <source>Prompt format: %1</source>
        <translation>提示词格式：%1</translation>
    </message>
    <message>
        <location line="+9" />
        <source>the instruction template of a format file (from the adapter's training_prompt.json)</source>
        <translation>格式文件中的指令模板（来自适配器的 training_prompt.json）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the instruction template of a format file</source>
        <translation>格式文件中的指令模板</translation>
    </message>
    <message>
        <location line="+2" />
        <source>the chat template the adapter was trained with (its training_prompt.json)</source>
        <translation>适配器训练时使用的对话模板（其 training_prompt.json）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the model's chat template (chosen)</source>
        <translation>模型的对话模板（手动选择）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the model's chat template</source>
        <translation>模型的对话模板</translation>
    </message>
    <message>
        <location line="+4" />
        <source>from the adapter's training_prompt.json</source>
        <translation>来自适配器的 training_prompt.json</translation>
    </message>
    <message>
        <location line="+1" />
        <source>chosen</source>
        <translation>手动选择</translation>
    </message>
    <message>
        <location line="+1" />
        <source>the default: the model has no chat template</source>
        <translation>默认：模型没有对话模板</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+5" />
        <source>No model is loaded. Load a model (or the built-in demo) on the Models page to chat with it and compare it with your adapter.</source>
        <translation>尚未加载模型。请在“模型”页加载一个模型（或内置演示），即可与它对话，并与你的适配器对比。</translation>
    </message>
    <message>
        <location line="+65" />
        <source>(1 earlier turn dropped: the conversation did not fit the model's context length)</source>
        <translation>（已丢弃 1 轮较早的对话：对话超出了模型的上下文长度）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>(%1 earlier turns dropped: the conversation did not fit the model's context length)</source>
        <translation>（已丢弃 %1 轮较早的对话：对话超出了模型的上下文长度）</translation>
    </message>
    <message>
        <location line="+17" />
        <source>This message and the conversation before it take %1 tokens; with up to %2 new tokens that passes the model's context length of %3 tokens, and the answer would be cut short or fail.</source>
        <translation>这条消息连同之前的对话共 %1 个 token；再加上最多 %2 个新 token，会超过模型 %3 个 token 的上下文长度，回答会被截断或失败。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Shorten the message or lower the max new tokens.</source>
        <translation>请缩短消息，或调低最大新 token 数。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Loading the adapter…</source>
        <translation>正在加载适配器…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location line="+18" />
        <source>With adapter</source>
        <translation>使用适配器</translation>
    </message>
    <message>
        <location line="+11" />
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1" />
        <source>reached the max new tokens</source>
        <translation>达到最大新 token 数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>reached the model's context length</source>
        <translation>达到模型的上下文长度</translation>
    </message>
    <message>
        <location line="+1" />
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 tokens, %2 tokens/s, %3</source>
        <translation>%1 个 token，%2 token/秒，%3</translation>
    </message>
    <message>
        <location line="+21" />
        <source>The conversation no longer fits the model's context length: with this message it is %1 tokens, and the model reads at most %2.</source>
        <translation>对话已超出模型的上下文长度：加上这条消息共 %1 个 token，而模型最多只能读取 %2 个。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Drop the oldest turns to go on, or clear the conversation.</source>
        <translation>可丢弃最早的几轮对话后继续，或清空对话。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>This message alone is too long for the model: shorten it.</source>
        <translation>仅这一条消息对模型来说就太长了：请缩短它。</translation>
    </message>
    <message>
        <location line="+6" />
        <location line="+2" />
        <source>Stopped before this pane answered</source>
        <translation>此侧尚未回答即已停止</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
</context>
<context>
    <name>ui::ChatPane</name>
    <message>
        <location filename="../ui/chat_pane.cpp" line="+61" />
        <source>Drop the oldest turns</source>
        <translation>丢弃最早的几轮对话</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Forget the oldest questions and answers of both panes until the next message fits</source>
        <translation>从两侧删除最早的问答，直到下一条消息能放下</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Clear the conversation</source>
        <translation>清空对话</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Copy answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Copy this pane's last answer to the clipboard</source>
        <translation>将此侧最后一条回答复制到剪贴板</translation>
    </message>
    <message>
        <location line="+29" />
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Failed: see the message above</source>
        <translation>失败：请看上方的说明</translation>
    </message>
</context>
<context>
    <name>ui::GenerationSettingsForm</name>
    <message>
        <location filename="../ui/generation_settings_form.cpp" line="+25" />
        <source>The longest answer, in tokens. Generation also ends earlier when the model writes its end-of-answer token.</source>
        <translation>回答的最大长度（token 数）。模型输出结束符时会提前结束生成。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Max new tokens</source>
        <translation>最大新 token 数</translation>
    </message>
    <message>
        <location line="+8" />
        <source>0 (greedy)</source>
        <translation>0（贪心解码）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>How random the answer is. 0 always takes the likeliest token (greedy: the same answer every time); 0.7 is a common choice; above 1 the text gets erratic.</source>
        <translation>回答的随机程度。0 总是选概率最高的 token（贪心解码：每次回答相同）；常用 0.7；高于 1 时文本会变得混乱。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Nucleus sampling: draw only from the likeliest tokens whose probabilities add up to this share. 1 turns it off; 0.9 cuts the unlikely tail. Ignored at temperature 0.</source>
        <translation>核采样：只从累计概率达到该比例的最可能 token 中采样。1 表示关闭；0.9 可去掉低概率的长尾。温度为 0 时不起作用。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location line="+6" />
        <source>0 (off)</source>
        <translation>0（关闭）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Draw only from this many likeliest tokens. 0 turns it off; 40 is a common choice. Ignored at temperature 0.</source>
        <translation>只从概率最高的这么多个 token 中采样。0 表示关闭；常用 40。温度为 0 时不起作用。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location line="+8" />
        <source>Makes tokens already in the conversation less likely. 1 turns it off; 1.1 to 1.2 helps against loops; much more distorts the answer.</source>
        <translation>降低对话中已出现的 token 的概率。1 表示关闭；1.1 到 1.2 可减少重复循环；过高会扭曲回答。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The random seed of sampling. Both panes use it, so their answers differ only by the adapter; the same seed gives the same answers again.</source>
        <translation>采样的随机种子。两侧使用同一种子，因此回答的差异只来自适配器；相同的种子会再次得到相同的回答。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>New</source>
        <translation>换一个</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Pick a new random seed</source>
        <translation>随机选一个新种子</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
</context>
</TS>