<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ui::AppSession</name>
    <message>
        <location filename="../ui/app_session.cpp" line="76" />
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
</context>
<context>
    <name>ui::MainWindow</name>
    <message>
        <location filename="../ui/main_window.cpp" line="33" />
        <source>LoRA Studio</source>
        <translation>LoRA Studio</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="38" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="38" />
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="38" />
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="38" />
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="38" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="83" />
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="85" />
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="88" />
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="93" />
        <source>Memory: %1</source>
        <translation>内存：%1</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="94" />
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <location filename="../ui/main_window.cpp" line="94" />
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
</context>
</TS>