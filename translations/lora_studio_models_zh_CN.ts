<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::ModelDownloadDialog</name>
    <message>
        <location filename="../ui/model_download_dialog.cpp" line="+74" />
        <source>Download a model</source>
        <translation>下载模型</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Download into</source>
        <translation>下载到</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location line="+22" />
        <source>ORG/NAME, e.g. Qwen/Qwen2.5-0.5B-Instruct</source>
        <translation>ORG/NAME，例如 Qwen/Qwen2.5-0.5B-Instruct</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The model's id as on its page on the hub; or type a name and search.</source>
        <translation>模型在模型库页面上的 ID；也可以输入名称后搜索。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location line="+6" />
        <location line="+2" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Downloads</source>
        <translation>下载量</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+48" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="-48" />
        <source>Access</source>
        <translation>访问</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Text-generation models whose name contains the words searched, most downloaded first. Size is the whole repository's, every format included.</source>
        <translation>名称包含搜索词的文本生成模型，下载量最多的排在前面。大小为整个仓库的大小，包含所有格式。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
    <message>
        <location line="+1" />
        <source>ModelScope</source>
        <translation>ModelScope（魔搭）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The hub's address, or a mirror of Hugging Face such as %1 (for users in mainland China). The default comes from HF_ENDPOINT or MODELSCOPE_DOMAIN.</source>
        <translation>模型库的地址，或 Hugging Face 的镜像，例如 %1（供中国大陆用户使用）。默认值取自 HF_ENDPOINT 或 MODELSCOPE_DOMAIN。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+5" />
        <source>An access token (read access) for gated and private models, created in your account's settings on the hub. It is kept in this program's settings.</source>
        <translation>用于需申请访问（gated）和私有模型的访问令牌（只读权限），在模型库的账号设置中创建。它保存在本程序的设置中。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <location line="+4" />
        <source>The model's folder. By default ORG/NAME in the models folder, which the Models page lists.</source>
        <translation>模型文件夹。默认为模型文件夹下的 ORG/NAME，“模型”页面会列出其中的模型。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+10" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Download the model's files. Files already in the folder are not downloaded again; an interrupted download goes on where it stopped.</source>
        <translation>下载模型文件。文件夹中已有的文件不会重复下载；中断的下载会从停止处继续。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop the download. Unfinished files are kept (as .part): downloading again goes on from them.</source>
        <translation>停止下载。未完成的文件会保留（.part 文件）：再次下载时从中继续。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load now</source>
        <translation>立即加载</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load the downloaded model for chatting and exporting.</source>
        <translation>加载下载好的模型，用于对话和导出。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Hide this window; a download goes on.</source>
        <translation>隐藏此窗口；下载会继续进行。</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Empty: the token of HF_TOKEN or of hf auth login</source>
        <translation>留空：使用 HF_TOKEN 或 hf auth login 保存的令牌</translation>
    </message>
    <message>
        <location line="+1" />
        <source>For gated and private models</source>
        <translation>用于需申请访问和私有的模型</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Empty: the token of MODELSCOPE_API_TOKEN</source>
        <translation>留空：使用 MODELSCOPE_API_TOKEN 的令牌</translation>
    </message>
    <message>
        <location line="+1" />
        <source>For private models</source>
        <translation>用于私有模型</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Search the hub for text-generation models by name, most downloaded first.</source>
        <translation>按名称在模型库中搜索文本生成模型，下载量最多的排在前面。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Searching works with Hugging Face and its mirrors; on ModelScope, type the id.</source>
        <translation>搜索仅适用于 Hugging Face 及其镜像；使用 ModelScope 时请直接输入 ID。</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <location line="+26" />
        <source>No text-generation model found.</source>
        <translation>未找到文本生成模型。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Models found: %1. Select one to download it.</source>
        <translation>找到 %1 个模型。选择一个即可下载。</translation>
    </message>
    <message>
        <location line="+16" />
        <source>token needed</source>
        <translation>需要令牌</translation>
    </message>
    <message>
        <location line="+1" />
        <source>A gated model: accept its conditions on its page, then give a token.</source>
        <translation>需申请访问的模型：请先在其页面上同意条款，然后提供令牌。</translation>
    </message>
    <message>
        <location line="+26" />
        <source>Choose the folder to download into.</source>
        <translation>请选择下载到的文件夹。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Asking %1 for the file list…</source>
        <translation>正在向 %1 获取文件列表…</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Already complete: %1 (%2).</source>
        <translation>已完整：%1（%2）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Done: %1 (%2 in all; files downloaded: %3, already there: %4).</source>
        <translation>完成：%1（共 %2；已下载文件：%3，原已存在：%4）。</translation>
    </message>
    <message>
        <location line="+19" />
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+27" />
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+1" />
        <source>%1%</source>
        <translation>%1%</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Retrying (%1%)</source>
        <translation>重试中（%1%）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Checking</source>
        <translation>校验中</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Already here</source>
        <translation>已存在</translation>
    </message>
    <message>
        <location line="+5" />
        <source>%1 of %2 files · %3 of %4</source>
        <translation>%1/%2 个文件 · %3/%4</translation>
    </message>
    <message>
        <location line="+6" />
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <location line="+2" />
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <location line="+18" />
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>ui::ModelScan</name>
    <message>
        <location filename="../ui/model_scan.cpp" line="+130" />
        <source>%1: no tokenizer (tokenizer.json or tokenizer.model)</source>
        <translation>%1：没有分词器（tokenizer.json 或 tokenizer.model）</translation>
    </message>
</context>
<context>
    <name>ui::ModelsPage</name>
    <message>
        <location filename="../ui/models_page.cpp" line="+105" />
        <source>Model folders</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add a folder that holds model folders.</source>
        <translation>添加一个存放模型文件夹的目录。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Stop scanning the selected folders (nothing is deleted).</source>
        <translation>不再扫描所选文件夹（不会删除任何文件）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Look for models and adapters in the folders again.</source>
        <translation>重新在这些文件夹中查找模型和适配器。</translation>
    </message>
    <message>
        <location line="+15" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+282" />
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="-282" />
        <location line="+284" />
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="-284" />
        <source>Dtype</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+281" />
        <source>Family</source>
        <translation>模型系列</translation>
    </message>
    <message>
        <location line="-280" />
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+282" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location line="-282" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location line="+14" />
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Load the selected model for chatting and exporting (training loads its own copy).</source>
        <translation>加载所选模型，用于对话和导出（训练会单独加载一份）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Free the memory of the loaded model.</source>
        <translation>释放已加载模型占用的内存。</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+23" />
        <location line="+258" />
        <source>Adapters</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location line="-255" />
        <source>Adapter</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Rank</source>
        <translation>秩</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Alpha</source>
        <translation>Alpha</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Targets</source>
        <translation>目标模块</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Base model</source>
        <translation>基座模型</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Adapters trained for this model (in the adapters folder or beside the model). Select one to use it in Chat and Export.</source>
        <translation>为此模型训练的适配器（位于适配器文件夹或模型旁边）。选中一个即可在“对话”和“导出”中使用。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Use no adapter</source>
        <translation>不使用适配器</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Chat and Export work with the base model alone.</source>
        <translation>“对话”和“导出”只使用基座模型。</translation>
    </message>
    <message>
        <location line="-126" />
        <source>Could not load %1: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location line="+30" />
        <source>Folders searched for Hugging Face model folders (a folder with config.json) and GGUF files, up to two levels deep.</source>
        <translation>在这些文件夹中查找 Hugging Face 模型文件夹（含 config.json 的文件夹）和 GGUF 文件，最多向下两层。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Add GGUF…</source>
        <translation>添加 GGUF…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add a GGUF model file (llama.cpp, Ollama, LM Studio): it is dequantized when loaded, for chatting and comparing; training needs the Hugging Face folder.</source>
        <translation>添加 GGUF 模型文件（llama.cpp、Ollama、LM Studio）：加载时反量化，可用于对话和比较；训练需要 Hugging Face 模型文件夹。</translation>
    </message>
    <message>
        <location line="+58" />
        <source>Download…</source>
        <translation>下载…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Download a model from Hugging Face, a mirror of it or ModelScope.</source>
        <translation>从 Hugging Face、其镜像或 ModelScope 下载模型。</translation>
    </message>
    <message>
        <location line="+75" />
        <source>This folder does not exist.</source>
        <translation>此文件夹不存在。</translation>
    </message>
    <message>
        <location line="+34" />
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <location line="+12" />
        <source>%1 is already in the list.</source>
        <translation>%1 已在列表中。</translation>
    </message>
    <message>
        <location line="-4" />
        <source>Add a GGUF model file</source>
        <translation>添加 GGUF 模型文件</translation>
    </message>
    <message>
        <location line="+1" />
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+16" />
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <location line="+29" />
        <location line="+78" />
        <source>%1 (model_type %2)</source>
        <translation>%1（model_type %2）</translation>
    </message>
    <message>
        <location line="-62" />
        <source>Not loadable: %1</source>
        <translation>无法加载：%1</translation>
    </message>
    <message>
        <location line="+11" />
        <source>1 model found</source>
        <translation>找到 1 个模型</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 models found</source>
        <translation>找到 %1 个模型</translation>
    </message>
    <message>
        <location line="+1" />
        <source>1 folder not loadable</source>
        <translation>1 个文件夹无法加载</translation>
    </message>
    <message>
        <location line="+0" />
        <source>%1 folders not loadable</source>
        <translation>%1 个文件夹无法加载</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No models found. Add a folder that holds Hugging Face model folders, or run the demo (Help → Run the demo).</source>
        <translation>没有找到模型。请添加一个存放 Hugging Face 模型文件夹的目录，或运行演示（帮助 → 运行演示）。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>No model folders found in %1</source>
        <translation>在 %1 中未找到模型文件夹</translation>
    </message>
    <message>
        <location line="+35" />
        <source>Select a model to see its details.</source>
        <translation>选择一个模型以查看详细信息。</translation>
    </message>
    <message>
        <location line="+11" />
        <source>%1 tokens</source>
        <translation>%1 个 token</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Hidden size</source>
        <translation>隐藏层维度</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Vocabulary</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <location line="+4" />
        <source>config.json</source>
        <translation>config.json</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+9" />
        <source>Adapters for %1</source>
        <translation>%1 的适配器</translation>
    </message>
    <message>
        <location line="+35" />
        <source>other base model: %1</source>
        <translation>其他基座模型：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trained for this model.</source>
        <translation>为此模型训练。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Trained for another base model; it loads only where the shapes agree.</source>
        <translation>为其他基座模型训练；只有张量形状一致时才能加载。</translation>
    </message>
    <message>
        <location line="+25" />
        <source>No model loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Loaded: %1 on %2</source>
        <translation>已加载：%1，设备：%2</translation>
    </message>
</context>
</TS>