<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::AppSession</name>
    <message>
        <location filename="../ui/app_session.cpp" line="+31" />
        <source>%1 via %2</source>
        <comment>a number format and the CPU units computing in it</comment>
        <translation>%1，%2 加速</translation>
    </message>
    <message>
        <location line="+2" />
        <source>CPU, 1 thread (%1)</source>
        <translation>CPU，1 个线程（%1）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU, %1 threads (%2)</source>
        <translation>CPU，%1 个线程（%2）</translation>
    </message>
    <message>
        <location line="+153" />
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>ui::DemoSetup</name>
    <message>
        <location filename="../ui/demo_setup.cpp" line="+80" />
        <source>The demo model was made and is loading.</source>
        <translation>演示模型已生成，正在加载。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The demo model is loading.</source>
        <translation>正在加载演示模型。</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="+60" />
        <source>LoRA Studio</source>
        <translation>LoRA Studio</translation>
    </message>
    <message>
        <location line="+5" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location line="+7" />
        <source>The steps of fine-tuning, in order: pick a model, check the data, train, compare answers, export.</source>
        <translation>微调的各个步骤，依次为：选择模型、检查数据、训练、对比回答、导出。</translation>
    </message>
    <message>
        <location line="+49" />
        <source>Preparing the demo model…</source>
        <translation>正在准备演示模型…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2" />
        <location line="+14" />
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <location line="+0" />
        <source>The demo could not be prepared:
%1</source>
        <translation>无法准备演示：
%1</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Loaded %1.</source>
        <translation>已加载 %1。</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Could not load %1: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <location line="+17" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;Open dataset…</source>
        <translation>打开数据集(&amp;O)…</translation>
    </message>
    <message>
        <location line="+4" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location line="+6" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1" />
        <source>&amp;User's guide</source>
        <translation>使用指南(&amp;U)</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Open the user's guide: every page explained, step by step.</source>
        <translation>打开用户指南：逐步讲解每个页面。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Run the &amp;demo</source>
        <translation>运行演示(&amp;D)</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Make a tiny model, open the demo dataset and set up a training run that finishes in minutes.</source>
        <translation>生成一个微型模型，打开演示数据集，并配置一次几分钟即可完成的训练。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>&amp;About LoRA Studio</source>
        <translation>关于 LoRA Studio(&amp;A)</translation>
    </message>
    <message>
        <location line="+21" />
        <source>Open a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Datasets (*.json *.jsonl *.txt *.text *.md);;All files (*)</source>
        <translation>数据集 (*.json *.jsonl *.txt *.text *.md);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+25" />
        <source>Try the demo?</source>
        <translation>试试演示？</translation>
    </message>
    <message>
        <location line="+1" />
        <source>No models were found in your model folders.

LoRA Studio can make a tiny demo model and open a small demo dataset, so you can train an adapter and compare chats in a couple of minutes.</source>
        <translation>在模型文件夹中没有找到任何模型。

LoRA Studio 可以生成一个微型演示模型并打开一个小型演示数据集，几分钟内即可训练出一个适配器并对比对话效果。</translation>
    </message>
    <message>
        <location line="+6" />
        <source>Run the demo</source>
        <translation>运行演示</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Not now</source>
        <translation>暂不</translation>
    </message>
    <message>
        <location line="+1" />
        <source>You can start it later from Help → Run the demo.</source>
        <translation>之后也可以通过“帮助 → 运行演示”启动。</translation>
    </message>
    <message>
        <location line="+13" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The new language applies when LoRA Studio starts again.</source>
        <translation>新语言将在 LoRA Studio 重新启动后生效。</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location line="+15" />
        <source>About LoRA Studio</source>
        <translation>关于 LoRA Studio</translation>
    </message>
    <message>
        <location line="+1" />
        <source>LoRA Studio %1

Fine-tune local language models with LoRA: pick a model, preview the data, train while watching the loss, compare answers with and without the adapter, and export the adapter or a merged model.

Qt %2</source>
        <translation>LoRA Studio %1

用 LoRA 微调本地语言模型：选择模型、预览数据、边训练边观察损失、对比加载适配器前后的回答，并导出适配器或合并后的模型。

Qt %2</translation>
    </message>
    <message>
        <location line="+9" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+3" />
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location line="+6" />
        <source>The device the loaded model computes on.</source>
        <translation>已加载模型所用的计算设备。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>The device a model will compute on (Settings → Compute).</source>
        <translation>模型将使用的计算设备（设置 → 计算）。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Memory: %1</source>
        <translation>内存：%1</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Memory this program uses (resident set size).</source>
        <translation>本程序占用的内存（常驻内存集）。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <location line="+0" />
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
</context>
<context>
    <name>ui::SettingsDialog</name>
    <message>
        <location filename="../ui/settings_dialog.cpp" line="+26" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+3" />
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="+5" />
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+5" />
        <source>The language of the interface. "System" follows the operating system.</source>
        <translation>界面语言。“跟随系统”表示使用操作系统的语言。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location line="+4" />
        <source>Automatic (CUDA GPU when there is one)</source>
        <translation>自动（有 CUDA GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1" />
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Where models load, train and generate. Applies to the next load or training run.</source>
        <translation>模型加载、训练和生成所用的设备。在下次加载或训练时生效。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <location line="+4" />
        <source>All cores (%1)</source>
        <translation>全部核心（%1）</translation>
    </message>
    <message>
        <location line="+2" />
        <source>CPU threads for computing. Fewer than all cores leaves the computer responsive for other work; on a busy machine fewer threads can even be faster.</source>
        <translation>用于计算的 CPU 线程数。少于全部核心可让电脑在处理其他工作时保持流畅；在繁忙的机器上，较少的线程甚至可能更快。</translation>
    </message>
    <message>
        <location line="+2" />
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <location line="+2" />
        <source>Model folders</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <location line="+10" />
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Add a folder that holds model folders.</source>
        <translation>添加一个存放模型文件夹的目录。</translation>
    </message>
    <message>
        <location line="+1" />
        <source>Stop scanning the selected folders (nothing is deleted).</source>
        <translation>不再扫描所选文件夹（不会删除任何文件）。</translation>
    </message>
    <message>
        <location line="+7" />
        <source>Add a model folder</source>
        <translation>添加模型文件夹</translation>
    </message>
</context>
</TS>