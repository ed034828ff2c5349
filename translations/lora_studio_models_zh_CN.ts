<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::ModelScan</name>
    <message>
        <location filename="../ui/model_scan.cpp" line="+117" />
        <source>%1: no tokenizer (tokenizer.json or tokenizer.model)</source>
        <translation>%1：没有分词器（tokenizer.json 或 tokenizer.model）</translation>
    </message>
</context>
<context>
    <name>ui::ModelsPage</name>
    <message>
        <location filename="../ui/models_page.cpp" line="+48" />
        <source>Model folders</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Folders searched for Hugging Face model folders (a folder with config.json), up to two levels deep.</source>
        <translation>在这些文件夹中查找 Hugging Face 模型文件夹（含 config.json 的文件夹），最多向下查找两层。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Add a folder that holds model folders.</source>
        <translation>添加一个存放模型文件夹的目录。</translation>
    </message>
    <message>
        <location line="+1" />
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
        <location line="+13" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+272" />
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="-272" />
        <location line="+274" />
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location line="-274" />
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
        <location line="+271" />
        <source>Family</source>
        <translation>模型系列</translation>
    </message>
    <message>
        <location line="-270" />
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <location line="+0" />
        <location line="+272" />
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location line="-272" />
        <source>Folder</source>
        <translation>所在文件夹</translation>
    </message>
    <message>
        <location line="+12" />
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
        <location line="+18" />
        <location line="+255" />
        <source>Adapters</source>
        <translation>适配器</translation>
    </message>
    <message>
        <location line="-252" />
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
        <location line="+55" />
        <source>Could not load %1: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location line="+29" />
        <source>This folder does not exist.</source>
        <translation>此文件夹不存在。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
    <message>
        <location line="+3" />
        <source>%1 is already in the list.</source>
        <translation>%1 已在列表中。</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <location line="+29" />
        <location line="+77" />
        <source>%1 (model_type %2)</source>
        <translation>%1（model_type %2）</translation>
    </message>
    <message>
        <location line="-61" />
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
        <location line="+34" />
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