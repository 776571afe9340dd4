<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AcceptDialog</name>
    <message>
        <source>Accept suggestions?</source>
        <translation>接受建议？</translation>
    </message>
    <message>
        <source>Images to move</source>
        <translation>要移动的图像</translation>
    </message>
    <message>
        <source>These images are at least {0:.0%} sure to belong to the class under each one. Untick any the model got wrong (click its box, or select several and press Untick selected; double-click one to see it large); the ticked ones move, and one Ctrl+Z puts them all back.</source>
        <translation>这些图像属于其下方所示类别的把握至少为 {0:.0%}。取消勾选模型判断错误的图像（点击其复选框，或选中多张后点击“取消勾选所选”；双击可查看大图）；勾选的图像将被移动，按一次 Ctrl+Z 即可全部撤回。</translation>
    </message>
    <message>
        <source>No labeled image could check how often these suggestions are right, so none is ticked. Tick only those you have looked at and found right (click its box, or select several and press Tick selected; double-click one to see it large); the ticked ones move, and one Ctrl+Z puts them all back.</source>
        <translation>没有已标注图像能检验这些建议的正确率，因此一张也没有勾选。请只勾选你看过并确认正确的图像（点击其复选框，或选中多张后点击“勾选所选”；双击可查看大图）；勾选的图像将被移动，按一次 Ctrl+Z 即可全部撤回。</translation>
    </message>
    <message>
        <source>Tick all</source>
        <translation>全部勾选</translation>
    </message>
    <message>
        <source>Untick selected</source>
        <translation>取消勾选所选</translation>
    </message>
    <message>
        <source>Tick selected</source>
        <translation>勾选所选</translation>
    </message>
    <message>
        <source>Untick all</source>
        <translation>全部取消勾选</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of {0} ticked</source>
        <translation>
            <numerusform>已勾选 {0} 张中的 %n 张</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n image(s)</source>
        <translation>
            <numerusform>移动 %n 张图像</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>PySide6 {version} has a bug that crashes this app after about 20 minutes on Python {python}. Install another version: {command}</source>
        <translation>PySide6 {version} 有一个缺陷：在 Python {python} 上运行约 20 分钟后本应用会崩溃。请安装其他版本：{command}</translation>
    </message>
    <message>
        <source>desktop_cls: cannot write the log in {0} ({1}); logging to the terminal instead</source>
        <translation>desktop_cls：无法在 {0} 中写入日志（{1}）；改为输出到终端</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>Cannot continue</source>
        <translation>无法继续</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Unsupported PySide6</source>
        <translation>不受支持的 PySide6</translation>
    </message>
    <message>
        <source>desktop_cls is already open (process {0}) and does not answer. Switch to its window, or close it and start again.</source>
        <translation>desktop_cls 已经打开（进程 {0}），但没有响应。请切换到它的窗口，或关闭它后重新启动。</translation>
    </message>
</context>
<context>
    <name>AppState</name>
    <message>
        <source>The model {run} was trained on {folder}, whose classes are not this dataset&apos;s: train one here first, or choose a run of this dataset.</source>
        <translation>模型 {run} 是在 {folder} 上训练的，其类别与此数据集不同：请先在此数据集上训练一个模型，或选择此数据集的训练记录。</translation>
    </message>
</context>
<context>
    <name>BackgroundStep</name>
    <message>
        <source>Moving images…</source>
        <translation>正在移动图像…</translation>
    </message>
    <message>
        <source>Dataset not changed</source>
        <translation>数据集未更改</translation>
    </message>
    <message>
        <source>Another labeling step is still running (see the status bar); try again when it has finished. Nothing was changed.</source>
        <translation>另一个标注步骤仍在进行（见状态栏）；请在它完成后再试。未做任何更改。</translation>
    </message>
</context>
<context>
    <name>CalibrationTab</name>
    <message>
        <source>Expected calibration error: &lt;b&gt;{0:.1%}&lt;/b&gt; — the average gap between how sure the model is and how often it is right (bars: accuracy per confidence bin; orange: share of images; dashed: perfect).</source>
        <translation>期望校准误差：&lt;b&gt;{0:.1%}&lt;/b&gt;——模型的把握程度与其实际正确频率之间的平均差距（柱：各置信度区间的准确率；橙色：图像占比；虚线：完美校准）。</translation>
    </message>
</context>
<context>
    <name>CameraSource</name>
    <message>
        <source>Camera error: {0}. Close other programs that use the camera and press Webcam again.</source>
        <translation>摄像头出错：{0}。请关闭其他正在使用摄像头的程序，然后再次点击“摄像头”。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>CapturePanel</name>
    <message>
        <source>the camera frame could not be encoded as JPEG</source>
        <translation>摄像头画面无法编码为 JPEG</translation>
    </message>
    <message>
        <source>Frames per second while a class button is held</source>
        <translation>按住类别按钮时每秒录制的帧数</translation>
    </message>
    <message>
        <source> frames/s</source>
        <translation> 帧/秒</translation>
    </message>
    <message>
        <source>Hold a class button to record at this rate; a click takes one frame</source>
        <translation>按住类别按钮以此速率录制；单击只拍一帧</translation>
    </message>
    <message>
        <source>Undo capture</source>
        <translation>撤销拍摄</translation>
    </message>
    <message>
        <source>Take the last capture out of its class again</source>
        <translation>把最近一次拍摄从其类别中移出</translation>
    </message>
    <message>
        <source>Hold to record</source>
        <translation>按住录制</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page to capture frames into its classes.</source>
        <translation>在“数据”页打开一个数据集，即可把画面拍摄到它的类别中。</translation>
    </message>
    <message>
        <source>The dataset has no classes yet: add one on the Label page.</source>
        <translation>数据集还没有类别：请在“标注”页添加一个。</translation>
    </message>
    <message>
        <source>Capture into {0}: click a class (or press its number) for one frame, hold it to record.</source>
        <translation>拍摄到 {0}：单击类别（或按它的数字键）拍一帧，按住则连续录制。</translation>
    </message>
    <message>
        <source>Capture into {0}</source>
        <translation>拍摄到 {0}</translation>
    </message>
    <message>
        <source>Click: one frame into &apos;{0}&apos;. Hold: record until released.</source>
        <translation>单击：拍一帧到“{0}”。按住：录制直到松开。</translation>
    </message>
    <message>
        <source>Recording stopped: another folder is being opened. {0}</source>
        <translation>录制已停止：正在打开另一个文件夹。{0}</translation>
    </message>
    <message>
        <source>Another folder is being opened: capture again once it is open.</source>
        <translation>正在打开另一个文件夹：打开后再拍摄。</translation>
    </message>
    <message>
        <source>Capture failed</source>
        <translation>拍摄失败</translation>
    </message>
    <message>
        <source>Cannot save the frame into the dataset: {0}</source>
        <translation>无法把画面保存到数据集：{0}</translation>
    </message>
    <message numerus="yes">
        <source>Recording into &apos;{0}&apos;: %n frame(s)…</source>
        <translation>
            <numerusform>正在录制到“{0}”：%n 帧…</numerusform>
        </translation>
    </message>
    <message>
        <source>labeling the captured images</source>
        <translation>标注拍摄的图像</translation>
    </message>
    <message numerus="yes">
        <source>%n captured image(s) go into &apos;{0}&apos; once the Label page&apos;s keys are filed.</source>
        <translation>
            <numerusform>“标注”页的按键保存完毕后，拍摄的 %n 张图像将放入“{0}”。</numerusform>
        </translation>
    </message>
    <message>
        <source>Another labeling step is still running: the captured images wait among the unlabeled ones (the Label page files them).</source>
        <translation>另一个标注步骤仍在进行：拍摄的图像留在未标注的图像中（可在“标注”页归类）。</translation>
    </message>
    <message numerus="yes">
        <source>Added %n image(s) to &apos;{0}&apos;.</source>
        <translation>
            <numerusform>已向“{0}”添加 %n 张图像。</numerusform>
        </translation>
    </message>
    <message>
        <source>Capture not labeled</source>
        <translation>拍摄的图像未标注</translation>
    </message>
    <message>
        <source>No image yet: start the webcam (or a video) first.</source>
        <translation>还没有图像：请先打开摄像头（或视频）。</translation>
    </message>
    <message>
        <source>Another folder was opened: the captured images wait among the unlabeled ones of the folder they were taken into.</source>
        <translation>已打开另一个文件夹：拍摄的图像留在拍摄时所在文件夹的未标注图像中。</translation>
    </message>
    <message>
        <source>{0}. The captured images are kept among the unlabeled ones.</source>
        <translation>{0}。拍摄的图像保留在未标注图像中。</translation>
    </message>
    <message>
        <source>undoing the capture</source>
        <translation>撤销拍摄</translation>
    </message>
    <message>
        <source>Undo capture waits for the Label page&apos;s keys to be filed.</source>
        <translation>“撤销拍摄”将在“标注”页的按键保存完毕后进行。</translation>
    </message>
    <message>
        <source>Another labeling step is still running; undo when it has finished.</source>
        <translation>另一个标注步骤仍在进行；请在它完成后再撤销。</translation>
    </message>
    <message>
        <source>Cannot undo</source>
        <translation>无法撤销</translation>
    </message>
    <message>
        <source>Undone: {0}</source>
        <translation>已撤销：{0}</translation>
    </message>
</context>
<context>
    <name>CheckLine</name>
    <message>
        <source>Stop checking</source>
        <translation>停止检查</translation>
    </message>
    <message>
        <source>Stop looking for unreadable images, duplicates and leaks; training does not need the check</source>
        <translation>停止查找无法读取的图像、重复图像和泄漏；训练不需要这项检查</translation>
    </message>
    <message>
        <source>Still checking: {0} % ({1}). The classes and counts are ready; training does not wait for the check.</source>
        <translation>仍在检查：{0} %（{1}）。类别和数量已就绪；训练无需等待检查。</translation>
    </message>
    <message>
        <source>The check for unreadable images, duplicates and leaks was stopped: Rescan to run it again.</source>
        <translation>对无法读取的图像、重复图像和泄漏的检查已停止：重新扫描即可再次运行。</translation>
    </message>
    <message>
        <source>The check for unreadable images, duplicates and leaks failed: {0}</source>
        <translation>对无法读取的图像、重复图像和泄漏的检查失败：{0}</translation>
    </message>
</context>
<context>
    <name>ClassFilter</name>
    <message>
        <source>Show images of class</source>
        <translation>显示该类别的图像</translation>
    </message>
    <message numerus="yes">
        <source>All classes (%Ln image(s))</source>
        <translation>
            <numerusform>所有类别（%Ln 张图像）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not labeled yet (%Ln image(s))</source>
        <translation>
            <numerusform>尚未标注（%Ln 张图像）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassPanel</name>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>&amp;New class…</source>
        <translation>新建类别(&amp;N)…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Merge into…</source>
        <translation>合并到…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Moves the class folder to the trash (undoable)</source>
        <translation>将类别文件夹移入回收站（可撤销）</translation>
    </message>
    <message>
        <source>Empty trash…</source>
        <translation>清空回收站…</translation>
    </message>
    <message>
        <source>Send the dataset&apos;s trash to the system trash (the last chance to undo is before this)</source>
        <translation>将数据集回收站中的内容移到系统回收站（在此之前是最后的撤销机会）</translation>
    </message>
    <message>
        <source>Import images…</source>
        <translation>导入图像…</translation>
    </message>
    <message>
        <source>Copy images into the dataset to label them</source>
        <translation>将图像复制到数据集中以便标注</translation>
    </message>
    <message>
        <source>Classes (a class is a folder)</source>
        <translation>类别（一个类别就是一个文件夹）</translation>
    </message>
    <message>
        <source>No class yet: make one with “New class…”</source>
        <translation>还没有类别：请用“新建类别…”创建一个</translation>
    </message>
    <message>
        <source>Merging needs a second class to merge into</source>
        <translation>合并需要另一个可并入的类别</translation>
    </message>
    <message>
        <source>Labeling recovered</source>
        <translation>标注已恢复</translation>
    </message>
    <message>
        <source>The last labeling step was cut short (the app closed); it has been finished, and you can undo it with Ctrl+Z.</source>
        <translation>上一次标注操作被中断（应用已关闭）；它现已完成，可以用 Ctrl+Z 撤销。</translation>
    </message>
    <message>
        <source>Labeling history repaired</source>
        <translation>标注历史已修复</translation>
    </message>
    <message>
        <source>New class</source>
        <translation>新建类别</translation>
    </message>
    <message>
        <source>Name of the new class:</source>
        <translation>新类别的名称：</translation>
    </message>
    <message>
        <source>Rename which class?</source>
        <translation>重命名哪个类别？</translation>
    </message>
    <message>
        <source>Rename class</source>
        <translation>重命名类别</translation>
    </message>
    <message>
        <source>New name for &apos;{0}&apos;:</source>
        <translation>“{0}”的新名称：</translation>
    </message>
    <message>
        <source>Merge which class?</source>
        <translation>合并哪个类别？</translation>
    </message>
    <message>
        <source>Merge &apos;{0}&apos; into…</source>
        <translation>将“{0}”合并到…</translation>
    </message>
    <message>
        <source>Delete which class? (its folder goes to the trash; Ctrl+Z brings it back)</source>
        <translation>删除哪个类别？（其文件夹会移入回收站；Ctrl+Z 可以恢复）</translation>
    </message>
    <message>
        <source>Images to label</source>
        <translation>要标注的图像</translation>
    </message>
    <message>
        <source>Images ({0})</source>
        <translation>图像 ({0})</translation>
    </message>
</context>
<context>
    <name>ClassifierWorker</name>
    <message>
        <source>No model loaded: open one first.</source>
        <translation>没有加载模型：请先打开一个。</translation>
    </message>
</context>
<context>
    <name>ClassifyPage</name>
    <message>
        <source>Classify a vi&amp;deo…</source>
        <translation>分类视频(&amp;D)…</translation>
    </message>
    <message>
        <source>The top class of every frame of a video file, over time</source>
        <translation>视频文件每一帧的首选类别随时间的变化</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Run folder or exported model</source>
        <translation>训练记录文件夹或导出的模型</translation>
    </message>
    <message>
        <source>Classify &amp;images…</source>
        <translation>分类图像(&amp;I)…</translation>
    </message>
    <message>
        <source>Pick one or more image files</source>
        <translation>选择一个或多个图像文件</translation>
    </message>
    <message>
        <source>Classify a f&amp;older…</source>
        <translation>分类文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Every image in a folder</source>
        <translation>文件夹中的所有图像</translation>
    </message>
    <message>
        <source>&amp;Webcam</source>
        <translation>摄像头(&amp;W)</translation>
    </message>
    <message>
        <source>Live classification from a camera</source>
        <translation>用摄像头实时分类</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>Unknown below confidence</source>
        <translation>置信度低于此值记为未知</translation>
    </message>
    <message>
        <source>Predictions less confident than this are labeled &apos;unknown&apos; (0 = off)</source>
        <translation>置信度低于此值的预测标记为“未知”（0 = 关闭）</translation>
    </message>
    <message>
        <source>Heat map</source>
        <translation>热力图</translation>
    </message>
    <message>
        <source>Show which parts of the image drove the prediction (Grad-CAM)</source>
        <translation>显示图像的哪些部分决定了预测（Grad-CAM）</translation>
    </message>
    <message>
        <source>Unknown below</source>
        <translation>低于此值为未知</translation>
    </message>
    <message>
        <source>No model yet — train one on the Train page (about 15 s on the demo data), or open an exported model with File → Open model (Ctrl+M). Then drop images here or click Classify images.</source>
        <translation>还没有模型——请在“训练”页训练一个（演示数据约需 15 秒），或通过“文件 → 打开模型”（Ctrl+M）打开导出的模型。然后把图像拖到这里，或点击“分类图像”。</translation>
    </message>
    <message>
        <source>Open a TorchScript model?</source>
        <translation>打开 TorchScript 模型？</translation>
    </message>
    <message>
        <source>TorchScript files contain program code. Open it only if you trust where it came from.</source>
        <translation>TorchScript 文件包含程序代码。只有在信任其来源时才打开。</translation>
    </message>
    <message>
        <source>Classification failed</source>
        <translation>分类失败</translation>
    </message>
    <message>
        <source>Cannot open this model</source>
        <translation>无法打开此模型</translation>
    </message>
    <message>
        <source>Images to classify</source>
        <translation>要分类的图像</translation>
    </message>
    <message>
        <source>Video: {0}</source>
        <translation>视频：{0}</translation>
    </message>
    <message>
        <source>Images ({0})</source>
        <translation>图像 ({0})</translation>
    </message>
    <message>
        <source>Folder to classify</source>
        <translation>要分类的文件夹</translation>
    </message>
    <message>
        <source>Video to classify</source>
        <translation>要分类的视频</translation>
    </message>
    <message>
        <source>Videos ({0})</source>
        <translation>视频 ({0})</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Train a model first, or open an exported one.</source>
        <translation>请先训练一个模型，或打开导出的模型。</translation>
    </message>
</context>
<context>
    <name>ClassifyResults</name>
    <message>
        <source>Predictions</source>
        <translation>预测结果</translation>
    </message>
    <message>
        <source>Classification progress</source>
        <translation>分类进度</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop classifying</source>
        <translation>停止分类</translation>
    </message>
    <message>
        <source>Save &amp;CSV…</source>
        <translation>保存 CSV(&amp;C)…</translation>
    </message>
    <message>
        <source>One row per image: path, predicted class, confidence</source>
        <translation>每张图像一行：路径、预测类别、置信度</translation>
    </message>
    <message>
        <source>Copy into folders by class…</source>
        <translation>按类别复制到文件夹…</translation>
    </message>
    <message>
        <source>Copy each image into a sub-folder named after its predicted class</source>
        <translation>把每张图像复制到以其预测类别命名的子文件夹中</translation>
    </message>
    <message>
        <source>Classify again</source>
        <translation>重新分类</translation>
    </message>
    <message>
        <source>Classify the same images with the model chosen now</source>
        <translation>用现在选择的模型对同样的图像重新分类</translation>
    </message>
    <message numerus="yes">
        <source>%n chosen item(s)</source>
        <translation>
            <numerusform>所选的 %n 项</numerusform>
        </translation>
    </message>
    <message>
        <source>Classifying {0} stopped: the model changed to {1}.</source>
        <translation>对 {0} 的分类已停止：模型已换成 {1}。</translation>
    </message>
    <message>
        <source>Predicted: {0} ({1:.1%})</source>
        <translation>预测：{0}（{1:.1%}）</translation>
    </message>
    <message>
        <source>Cannot read this image: {0}</source>
        <translation>无法读取此图像：{0}</translation>
    </message>
    <message>
        <source>Save predictions</source>
        <translation>保存预测结果</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>CSV not saved</source>
        <translation>CSV 未保存</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Copy into this folder (one sub-folder per class)</source>
        <translation>复制到此文件夹（每个类别一个子文件夹）</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n image(s) into {0} (existing files were kept; name clashes got a number).</source>
        <translation>
            <numerusform>已将 %n 张图像复制到 {0}（已有文件保留；重名的文件加了编号）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not copied:</source>
        <translation>未复制：</translation>
    </message>
    <message numerus="yes">
        <source>…and %n more file(s).</source>
        <translation>
            <numerusform>……以及另外 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some images were not copied</source>
        <translation>部分图像未复制</translation>
    </message>
    <message>
        <source>Copy failed</source>
        <translation>复制失败</translation>
    </message>
    <message>
        <source>Copying images…</source>
        <translation>正在复制图像…</translation>
    </message>
    <message>
        <source>Cannot classify this video</source>
        <translation>无法分类此视频</translation>
    </message>
</context>
<context>
    <name>ClassifySummary</name>
    <message>
        <source>Stopped before any image was classified.</source>
        <translation>尚未分类任何图像就已停止。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) classified</source>
        <translation>
            <numerusform>已分类 %n 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n image(s)</source>
        <translation>
            <numerusform>分类了 %n 张图像后停止</numerusform>
        </translation>
    </message>
    <message>
        <source>{name} {count}</source>
        <translation>{name} {count} 张</translation>
    </message>
    <message>
        <source>{head}: {counts}</source>
        <translation>{head}：{counts}</translation>
    </message>
    <message numerus="yes">
        <source>%n unsure (under {0:.0%})</source>
        <translation>
            <numerusform>%n 张不确定（低于 {0:.0%}）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n 张无法读取</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfusionModel</name>
    <message numerus="yes">
        <source>%n image(s) of &apos;{0}&apos; predicted as &apos;{1}&apos;</source>
        <translation>
            <numerusform>%n 张“{0}”图像被预测为“{1}”</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DatasetPage</name>
    <message>
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Try the &amp;demo dataset</source>
        <translation>试用示例数据集(&amp;D)</translation>
    </message>
    <message>
        <source>Generate 600 small images of 10 shapes and open them</source>
        <translation>生成 10 种形状的 600 张小图像并打开</translation>
    </message>
    <message>
        <source>&amp;Rescan</source>
        <translation>重新扫描(&amp;R)</translation>
    </message>
    <message>
        <source>Read the folder again</source>
        <translation>重新读取文件夹</translation>
    </message>
    <message>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Thumbnails</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>No dataset yet — drop a folder here (one sub-folder per class, or images to label all in one folder), open one with Ctrl+O, or try the demo dataset (600 small images of 10 shapes).</source>
        <translation>还没有数据集 —— 把文件夹拖到这里（每个类别一个子文件夹，或把待标注的图像都放在一个文件夹里），按 Ctrl+O 打开一个，或试用示例数据集（10 种形状的 600 张小图像）。</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <source>Open a dataset folder</source>
        <translation>打开数据集文件夹</translation>
    </message>
    <message>
        <source>Generating the demo dataset</source>
        <translation>正在生成示例数据集</translation>
    </message>
    <message>
        <source>Demo dataset</source>
        <translation>示例数据集</translation>
    </message>
    <message>
        <source>Reading folder…</source>
        <translation>正在读取文件夹…</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>The folder {0} is gone: it was moved or deleted, or its disk is no longer connected.

Open it again where it is now, or choose another folder.</source>
        <translation>文件夹 {0} 已不在了：它被移动或删除了，或者它所在的磁盘已断开连接。

请在它现在所在的位置重新打开它，或选择另一个文件夹。</translation>
    </message>
    <message>
        <source>{0} is still open.</source>
        <translation>{0} 仍处于打开状态。</translation>
    </message>
    <message>
        <source>Cannot open this folder</source>
        <translation>无法打开此文件夹</translation>
    </message>
    <message>
        <source>Few images compared to the largest class ({0:,}); consider adding images or turning on class weighting</source>
        <translation>与最大的类别（{0:,}）相比图像很少；请考虑添加图像或启用类别加权</translation>
    </message>
    <message>
        <source>, typically {0}×{1} px</source>
        <translation>，通常为 {0}×{1} 像素</translation>
    </message>
    <message>
        <source>Split: {0:,} training, {1:,} validation, {2:,} test</source>
        <translation>划分：训练集 {0:,}，验证集 {1:,}，测试集 {2:,}</translation>
    </message>
    <message>
        <source>Split: {0:,} training, {1:,} validation</source>
        <translation>划分：训练集 {0:,}，验证集 {1:,}</translation>
    </message>
    <message>
        <source>⚠ Imbalanced: the largest class has {0:.1f}× the images of the smallest. Class weighting (Train → Advanced) compensates.</source>
        <translation>⚠ 类别不平衡：最大类别的图像数是最小类别的 {0:.1f} 倍。类别加权（训练 → 高级）可以弥补。</translation>
    </message>
    <message>
        <source>No classes yet: create them on the Label page (Ctrl+2) and label a few images per class there.</source>
        <translation>还没有类别：请在“标注”页（Ctrl+2）新建类别，并为每个类别标注几张图像。</translation>
    </message>
    <message>
        <source>The test images are kept for the final evaluation: training never sees them.</source>
        <translation>测试集图像留作最终评估：训练时从不使用它们。</translation>
    </message>
    <message>
        <source>{0} — see the Problems tab.</source>
        <translation>{0} —— 请查看“问题”标签页。</translation>
    </message>
    <message>
        <source> (random {0:.0%} held out per class)</source>
        <translation>（每个类别随机留出 {0:.0%}）</translation>
    </message>
    <message>
        <source> (no val/ folder: a random {0:.0%} of train/ per class is held out for validation)</source>
        <translation>（没有 val/ 文件夹：每个类别从 train/ 中随机留出 {0:.0%} 作为验证集）</translation>
    </message>
    <message>
        <source> (from the train/ and val/ folders)</source>
        <translation>（来自 train/ 和 val/ 文件夹）</translation>
    </message>
    <message>
        <source>Problems ({0})</source>
        <translation>问题（{0}）</translation>
    </message>
    <message>
        <source>not labeled yet</source>
        <translation>尚未标注</translation>
    </message>
    <message>
        <source>Class: {0}</source>
        <translation>类别：{0}</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>the image could not be encoded</source>
        <translation>图像无法编码</translation>
    </message>
    <message>
        <source>Image not saved</source>
        <translation>图像未保存</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} is a link to {1}, which is no longer there. Replace the link with the new file?</source>
        <translation>{0} 是指向 {1} 的链接，而目标已不存在。要用新文件替换这个链接吗？</translation>
    </message>
    <message>
        <source>{0} already exists. Replace it?</source>
        <translation>{0} 已存在。要替换它吗？</translation>
    </message>
</context>
<context>
    <name>EvaluatePage</name>
    <message>
        <source>Model to evaluate</source>
        <translation>要评估的模型</translation>
    </message>
    <message>
        <source>Run folder or exported model (train one first)</source>
        <translation>训练记录文件夹或导出的模型（请先训练一个）</translation>
    </message>
    <message>
        <source>Labeled folder</source>
        <translation>已标注的文件夹</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>Choose a labeled folder to evaluate on</source>
        <translation>选择用于评估的已标注文件夹</translation>
    </message>
    <message>
        <source>▶ Ev&amp;aluate</source>
        <translation>▶ 评估(&amp;A)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Confusion matrix: rows are true classes, columns predicted; select a cell to see its images</source>
        <translation>混淆矩阵：行为真实类别，列为预测类别；选择一个单元格查看其图像</translation>
    </message>
    <message>
        <source>Evaluate again</source>
        <translation>重新评估</translation>
    </message>
    <message>
        <source>Save matrix as PNG…</source>
        <translation>将矩阵保存为 PNG…</translation>
    </message>
    <message>
        <source>Save metrics as PNG…</source>
        <translation>将指标保存为 PNG…</translation>
    </message>
    <message>
        <source>Confusion matrix (rows: true class, columns: predicted; select a cell to see its images)</source>
        <translation>混淆矩阵（行：真实类别，列：预测类别；选择一个单元格查看其图像）</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>The model is now {new}: the results of the previous model, {old}, were cleared. Press Evaluate (Ctrl+E) to score {new}.</source>
        <translation>现在的模型是 {new}：之前模型 {old} 的结果已清除。按“评估”（Ctrl+E）为 {new} 评分。</translation>
    </message>
    <message>
        <source>The results of {run} were on other images and were cleared. Press Evaluate (Ctrl+E) to score it on {folder}.</source>
        <translation>{run} 的结果是在其他图像上得到的，已清除。按“评估”（Ctrl+E）在 {folder} 上为它评分。</translation>
    </message>
    <message>
        <source>No evaluation yet — train a model on the Train page, then press Evaluate to see accuracy, the confusion matrix and the misclassified images.</source>
        <translation>还没有评估——请先在“训练”页训练一个模型，然后点击“评估”，查看准确率、混淆矩阵和错误预测的图像。</translation>
    </message>
    <message>
        <source>&amp;Evaluate the model</source>
        <translation>评估模型(&amp;E)</translation>
    </message>
    <message>
        <source>Score the model on labeled images</source>
        <translation>在已标注的图像上为模型打分</translation>
    </message>
    <message>
        <source>Default: the dataset&apos;s validation images</source>
        <translation>默认：数据集的验证集图像</translation>
    </message>
    <message>
        <source>Labeled folder (default: test images of {0})</source>
        <translation>已标注的文件夹（默认：{0} 的测试集图像）</translation>
    </message>
    <message>
        <source>Default: test images of {0}</source>
        <translation>默认：{0} 的测试集图像</translation>
    </message>
    <message>
        <source>Default: all of {0}, cross-validated</source>
        <translation>默认：{0} 全部（交叉验证）</translation>
    </message>
    <message>
        <source>Labeled folder (default: every image of {0}, as cross-validation predicted it)</source>
        <translation>已标注的文件夹（默认：{0} 的所有图像，按交叉验证的预测）</translation>
    </message>
    <message>
        <source>Default: validation images of {0}</source>
        <translation>默认：{0} 的验证集图像</translation>
    </message>
    <message>
        <source>Labeled folder (default: validation images of {0})</source>
        <translation>已标注的文件夹（默认：{0} 的验证集图像）</translation>
    </message>
    <message>
        <source>Default: the model&apos;s training images</source>
        <translation>默认：模型训练所用的图像</translation>
    </message>
    <message>
        <source>Labeled folder (default: the images the model was trained on, in {0})</source>
        <translation>已标注文件夹（默认：模型训练所用的图像，位于 {0}）</translation>
    </message>
    <message>
        <source>No evaluation yet — press Evaluate (Ctrl+E) to score {run}: accuracy, the confusion matrix and the misclassified images.</source>
        <translation>还没有评估——点击“评估”（Ctrl+E）为 {run} 打分：准确率、混淆矩阵和错误预测的图像。</translation>
    </message>
    <message>
        <source>The last evaluation of this model, kept in its run folder, no longer matches:</source>
        <translation>此模型保存在其训练记录文件夹中的上次评估已不再相符：</translation>
    </message>
    <message>
        <source>The last evaluation of this model, kept in its run folder; the model and the images are as they were then.</source>
        <translation>此模型上次的评估，保存在其训练记录文件夹中；模型和图像都与当时相同。</translation>
    </message>
    <message>
        <source>This evaluation could not be kept in the run folder for the next start: {0}</source>
        <translation>无法将此次评估保存在训练记录文件夹中供下次启动使用：{0}</translation>
    </message>
    <message>
        <source>The last evaluation kept in this run&apos;s folder was made on the images of {0}. To see it, choose that folder (Folder…).</source>
        <translation>此训练记录文件夹中保存的最近一次评估是在 {0} 的图像上进行的。要查看它，请选择该文件夹（“文件夹…”）。</translation>
    </message>
    <message>
        <source>Labeled folder to evaluate on</source>
        <translation>用于评估的已标注文件夹</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Train a model first, or open one with File → Open model (Ctrl+M).</source>
        <translation>请先训练一个模型，或通过“文件 → 打开模型”（Ctrl+M）打开一个。</translation>
    </message>
    <message>
        <source>No images</source>
        <translation>没有图像</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page or choose a labeled folder.</source>
        <translation>请在“数据”页打开一个数据集，或选择一个已标注的文件夹。</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>Evaluation failed</source>
        <translation>评估失败</translation>
    </message>
    <message>
        <source>Save as PNG</source>
        <translation>保存为 PNG</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>One image</source>
        <translation>单张图像</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Model to export</source>
        <translation>要导出的模型</translation>
    </message>
    <message>
        <source>Run folder (train a model first)</source>
        <translation>训练记录文件夹（请先训练一个模型）</translation>
    </message>
    <message>
        <source>safetensors + JSON</source>
        <translation>safetensors + JSON</translation>
    </message>
    <message>
        <source>TorchScript</source>
        <translation>TorchScript</translation>
    </message>
    <message>
        <source>ONNX</source>
        <translation>ONNX</translation>
    </message>
    <message>
        <source>ONNX int8</source>
        <translation>ONNX int8</translation>
    </message>
    <message>
        <source>ONNX fp16</source>
        <translation>ONNX fp16</translation>
    </message>
    <message>
        <source>OpenVINO (.xml + .bin)</source>
        <translation>OpenVINO（.xml + .bin）</translation>
    </message>
    <message>
        <source>Web page</source>
        <translation>网页</translation>
    </message>
    <message>
        <source>weights for desktop_cls and any PyTorch code</source>
        <translation>供 desktop_cls 和任何 PyTorch 代码使用的权重</translation>
    </message>
    <message>
        <source>runs in C++ / mobile PyTorch without Python</source>
        <translation>无需 Python，可在 C++ / 移动端 PyTorch 中运行</translation>
    </message>
    <message>
        <source>runs in ONNX Runtime, OpenCV, TensorRT, …</source>
        <translation>可在 ONNX Runtime、OpenCV、TensorRT 等中运行</translation>
    </message>
    <message>
        <source>2–4× smaller (the layers int8 would change most stay in float); its speed depends on the CPU and is measured here when it is exported; calibrated on your training images</source>
        <translation>小 2–4 倍（int8 改变最大的几层保持浮点）；速度取决于 CPU，导出时会在这里测量；用你的训练集图像校准</translation>
    </message>
    <message>
        <source>ONNX Runtime Web is not part of this copy of desktop_cls (the released installers include it); the ONNX export also runs in a web page of your own</source>
        <translation>这份 desktop_cls 不含 ONNX Runtime Web（正式发布的安装包已包含它）；ONNX 导出也可以在你自己的网页中运行</translation>
    </message>
    <message>
        <source>{0} (in this source checkout, python dev.py web-runtime fetches it)</source>
        <translation>{0}（在这个源代码目录中，python dev.py web-runtime 可以获取它）</translation>
    </message>
    <message>
        <source>half the size, for GPUs and accelerators that prefer it</source>
        <translation>大小减半，适合偏好它的 GPU 和加速器</translation>
    </message>
    <message>
        <source>Intel CPUs, GPUs and NPUs</source>
        <translation>Intel CPU、GPU 和 NPU</translation>
    </message>
    <message>
        <source>classifies images and the webcam in any browser, offline (a folder to open or put on a web server)</source>
        <translation>在任意浏览器中离线对图像和摄像头画面分类（一个可直接打开或放到网站服务器上的文件夹）</translation>
    </message>
    <message>
        <source>{0}. Not available: {1}</source>
        <translation>{0}。不可用：{1}</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>OpenVINO is not installed with this copy (pip install openvino); it also reads the ONNX file directly</source>
        <translation>此副本未安装 OpenVINO（pip install openvino）；它也可以直接读取 ONNX 文件</translation>
    </message>
    <message>
        <source>Destination folder</source>
        <translation>目标文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Export again</source>
        <translation>重新导出</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Replace existing files with the same name</source>
        <translation>替换同名的已有文件</translation>
    </message>
    <message>
        <source>▶ E&amp;xport</source>
        <translation>▶ 导出(&amp;X)</translation>
    </message>
    <message>
        <source>Export, verify and measure each format</source>
        <translation>导出、验证并测量每种格式</translation>
    </message>
    <message>
        <source>Stop exporting</source>
        <translation>停止导出</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Export results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>Each export is compared with the trained model on the run&apos;s held-out images (validation, else test; a run that held none out: one in two images of its dataset); the figures appear here.</source>
        <translation>每个导出的模型都会在该训练记录留出的图像（验证集，没有则用测试集；未留出图像的训练记录则用其数据集中隔一取一的图像）上与训练好的模型比较；结果显示在这里。</translation>
    </message>
    <message>
        <source>Example script</source>
        <translation>示例脚本</translation>
    </message>
    <message>
        <source>Agreement</source>
        <translation>一致率</translation>
    </message>
    <message>
        <source>How often the export picks the same class as the trained model</source>
        <translation>导出的模型与训练的模型选出同一类别的比例</translation>
    </message>
    <message>
        <source>One image on this computer; in brackets, that time against the trained model&apos;s, the two timed side by side, run for run</source>
        <translation>在这台计算机上处理一张图像的时间；括号内是它与训练好的模型时间之比，两者交替逐次计时</translation>
    </message>
    <message>
        <source>A short script that uses the selected model without desktop_cls is written beside it and shown here.</source>
        <translation>一个不依赖 desktop_cls 使用所选模型的简短脚本会写在模型旁边，并显示在这里。</translation>
    </message>
    <message>
        <source>Sidecar metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <source>The metadata file written beside each model appears here.</source>
        <translation>写在每个模型旁边的元数据文件显示在这里。</translation>
    </message>
    <message>
        <source>Use it elsewhere</source>
        <translation>在别处使用</translation>
    </message>
    <message>
        <source>Metadata (sidecar JSON)</source>
        <translation>元数据（JSON）</translation>
    </message>
    <message>
        <source>Measured on {0}, one image at a time on this computer.</source>
        <translation>在 {0}上测量，在本机上逐张图像运行。</translation>
    </message>
    <message>
        <source>The accuracy here is not a held-out one: the model may have learned these images, so it can be higher than the accuracy the Train and Evaluate pages report on images it did not learn. {0}</source>
        <translation>这里的准确率不是在留出图像上测得的：模型可能学过这些图像，所以它可能高于“训练”和“评估”页面在模型没学过的图像上报告的准确率。{0}</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Formats</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Exports the best epoch of {0}. Each file is checked against the trained model before it is reported done.</source>
        <translation>导出 {0} 最好的轮次。每个文件在报告完成前都会与训练的模型核对。</translation>
    </message>
    <message>
        <source>Export into</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Train a model first, or type the path of a run folder.</source>
        <translation>请先训练一个模型，或输入训练记录文件夹的路径。</translation>
    </message>
    <message>
        <source>No format</source>
        <translation>没有格式</translation>
    </message>
    <message>
        <source>Tick at least one format.</source>
        <translation>请至少勾选一种格式。</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The export of {0} finished while another model was chosen: its files are in {1}.</source>
        <translation>{0} 的导出在选择了另一个模型后完成：它的文件在 {1}。</translation>
    </message>
    <message>
        <source>No model yet — train one on the Train page, then export it here.</source>
        <translation>还没有模型——请先在“训练”页训练一个，然后在这里导出。</translation>
    </message>
    <message>
        <source>Exports {0}, made by the quick method (a last layer fitted in one step, so there are no epochs to choose from). Each file is checked against the trained model before it is reported done.</source>
        <translation>导出 {0}，它由快速模式训练（一步拟合最后一层，因此没有可供选择的轮次）。每个文件在报告完成前都会与训练的模型核对。</translation>
    </message>
    <message>
        <source>Exports the model file {0}. Each file is checked against it before it is reported done.</source>
        <translation>导出模型文件 {0}。每个文件在报告完成前都会与它核对。</translation>
    </message>
    <message>
        <source>The last exports of this model, kept in its run folder, no longer match:</source>
        <translation>此模型保存在其训练记录文件夹中的上次导出已不再相符：</translation>
    </message>
    <message>
        <source>The last exports of this model, kept in its run folder; their files are as they were verified.</source>
        <translation>此模型上次的导出，保存在其训练记录文件夹中；其文件与验证时相同。</translation>
    </message>
    <message>
        <source>These exports could not be kept in the run folder for the next start: {0}</source>
        <translation>无法将这些导出保存在训练记录文件夹中供下次启动使用：{0}</translation>
    </message>
    <message>
        <source>trained model (PyTorch, fp32)</source>
        <translation>训练的模型（PyTorch，fp32）</translation>
    </message>
    <message>
        <source>the run&apos;s model</source>
        <translation>训练记录中的模型</translation>
    </message>
    <message>
        <source>Verified on random inputs only: {0}.</source>
        <translation>仅用随机输入验证：{0}。</translation>
    </message>
    <message>
        <source>Accuracy on images it may have learned</source>
        <translation>在模型可能学过的图像上的准确率</translation>
    </message>
    <message>
        <source>Not a held-out accuracy: none of the run&apos;s images were held out, so these are images the model may have learned from</source>
        <translation>不是留出图像上的准确率：该训练记录没有留出图像，所以这些是模型可能学过的图像</translation>
    </message>
    <message>
        <source>How often the model picks the labeled class of the images named under the table</source>
        <translation>模型选中表格下方所述图像的已标注类别的比例</translation>
    </message>
    <message>
        <source>safetensors is for desktop_cls (desktop-cls predict MODEL IMAGE) and PyTorch code that builds the same architecture; pick ONNX or OpenVINO to use the model elsewhere.</source>
        <translation>safetensors 供 desktop_cls（desktop-cls predict MODEL IMAGE）和构建相同架构的 PyTorch 代码使用；要在别处使用模型，请选择 ONNX 或 OpenVINO。</translation>
    </message>
    <message>
        <source>about {0:.0f} min left</source>
        <translation>约剩 {0:.0f} 分钟</translation>
    </message>
    <message>
        <source>about {0:.0f} s left</source>
        <translation>约剩 {0:.0f} 秒</translation>
    </message>
    <message>
        <source>Reading the held-out images</source>
        <translation>正在读取留出的图像</translation>
    </message>
    <message>
        <source>Export done</source>
        <translation>导出完成</translation>
    </message>
    <message>
        <source>Exporting {name} ({i} of {n})</source>
        <translation>正在导出 {name}（第 {i} 个，共 {n} 个）</translation>
    </message>
    <message>
        <source>{0} · step {1} of {2}: {3:.0%} done</source>
        <translation>{0} · 第 {1} 步（共 {2} 步）：已完成 {3:.0%}</translation>
    </message>
    <message>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
</context>
<context>
    <name>Filing</name>
    <message>
        <source>opening {0}</source>
        <translation>打开 {0}</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>evaluating</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>suggesting labels</source>
        <translation>建议标签</translation>
    </message>
    <message>
        <source>importing images</source>
        <translation>导入图像</translation>
    </message>
    <message>
        <source>emptying the trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <source>changing the dataset</source>
        <translation>修改数据集</translation>
    </message>
</context>
<context>
    <name>FlipsFollower</name>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Use the suggested flips</source>
        <translation>使用建议的翻转设置</translation>
    </message>
    <message>
        <source>Set the flips to the suggestion</source>
        <translation>把翻转设为建议值</translation>
    </message>
    <message>
        <source>Suggested: {0}</source>
        <translation>建议：{0}</translation>
    </message>
</context>
<context>
    <name>FolderField</name>
    <message>
        <source>Dataset folder</source>
        <translation>数据集文件夹</translation>
    </message>
    <message>
        <source>Folder of images: one sub-folder per class, or all in one folder to label</source>
        <translation>图像文件夹：每个类别一个子文件夹，或全部放在一个文件夹里待标注</translation>
    </message>
</context>
<context>
    <name>ImageImport</name>
    <message>
        <source>Images not imported</source>
        <translation>图像未导入</translation>
    </message>
    <message>
        <source>Importing images…</source>
        <translation>正在导入图像…</translation>
    </message>
    <message>
        <source>Another labeling step is still running (see the status bar); import the images again when it has finished. Nothing was copied.</source>
        <translation>另一个标注步骤仍在进行（见状态栏）；请在它完成后再次导入这些图像。未复制任何文件。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) imported.</source>
        <translation>
            <numerusform>已导入 %n 张图像。</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled before the other files were copied. The images imported stay in the dataset; Ctrl+Z takes them out again.</source>
        <translation>已在复制其余文件之前取消。已导入的图像保留在数据集中；按 Ctrl+Z 可再次移除。</translation>
    </message>
    <message>
        <source>Not imported:</source>
        <translation>未导入：</translation>
    </message>
    <message numerus="yes">
        <source>…and %n more file(s).</source>
        <translation>
            <numerusform>……以及另外 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some files were not imported</source>
        <translation>部分文件未导入</translation>
    </message>
    <message>
        <source>Import cancelled</source>
        <translation>导入已取消</translation>
    </message>
</context>
<context>
    <name>ImageSizeFollower</name>
    <message>
        <source>Set the image size to the suggestion</source>
        <translation>把图像尺寸设为建议值</translation>
    </message>
    <message>
        <source>Suggested {0}</source>
        <translation>建议 {0}</translation>
    </message>
    <message>
        <source>Use {0} px</source>
        <translation>使用 {0} 像素</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Image viewer</source>
        <translation>图像查看器</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Previous image (Left)</source>
        <translation>上一张图像 (Left)</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Next image (Right)</source>
        <translation>下一张图像 (Right)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Fit the window (F)</source>
        <translation>适应窗口大小 (F)</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>One image pixel per screen pixel (1)</source>
        <translation>一个图像像素对应一个屏幕像素 (1)</translation>
    </message>
    <message>
        <source>Zoom in (+, or Ctrl and the mouse wheel)</source>
        <translation>放大（+，或按住 Ctrl 滚动鼠标滚轮）</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>缩小 (-)</translation>
    </message>
    <message>
        <source>{0}×{1} px · {2:.0%}{3}</source>
        <translation>{0}×{1} 像素 · {2:.0%}{3}</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>No file manager could be opened on this computer.

The file is in:
{0}</source>
        <translation>这台计算机上无法打开文件管理器。

文件位于：
{0}</translation>
    </message>
    <message>
        <source>Open the folder with this file in the file manager</source>
        <translation>在文件管理器中打开包含此文件的文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>{0} — image {1} of {2}</source>
        <translation>{0} —— 第 {1} 张，共 {2} 张</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This is a folder, not an image.</source>
        <translation>这是一个文件夹，不是图像。</translation>
    </message>
    <message>
        <source>This file cannot be shown: it is not a readable image.</source>
        <translation>无法显示此文件：它不是可读取的图像。</translation>
    </message>
    <message>
        <source> (fit)</source>
        <translation>（适应窗口）</translation>
    </message>
</context>
<context>
    <name>InsightViews</name>
    <message>
        <source>Reliability: confidence vs accuracy</source>
        <translation>可靠性：置信度与准确率</translation>
    </message>
    <message>
        <source>Reliability diagram</source>
        <translation>可靠性图</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Precision-recall per class</source>
        <translation>各类别的精确率-召回率曲线</translation>
    </message>
    <message>
        <source>Precision-recall curves</source>
        <translation>精确率-召回率曲线</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>ROC for &apos;{0}&apos; (area {1:.3f})</source>
        <translation>“{0}”的 ROC 曲线（面积 {1:.3f}）</translation>
    </message>
    <message>
        <source>false positive rate</source>
        <translation>假阳性率</translation>
    </message>
    <message>
        <source>true positive rate</source>
        <translation>真阳性率</translation>
    </message>
    <message>
        <source>{0} (AP {1:.2f})</source>
        <translation>{0}（AP {1:.2f}）</translation>
    </message>
</context>
<context>
    <name>InterruptedRunBanner</name>
    <message>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Continue the run from its last finished epoch</source>
        <translation>从最后完成的轮次继续这次训练</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <source>Keep the run as it is; it stays in the runs list</source>
        <translation>保持该训练记录不变；它仍会留在训练记录列表中</translation>
    </message>
    <message>
        <source>Training run “{0}” was interrupted after epoch {1}: the app or the computer stopped while it trained. Resume continues from the last finished epoch.</source>
        <translation>训练记录“{0}”在第 {1} 个轮次后中断：训练期间应用或计算机停止了运行。“继续训练”会从最后完成的轮次接着训练。</translation>
    </message>
    <message>
        <source>Training run “{0}” was interrupted before its first epoch finished: there is nothing to resume. Start a new training on the Train page.</source>
        <translation>训练记录“{0}”在第一个轮次完成前就中断了：没有可继续的内容。请在“训练”页面开始新的训练。</translation>
    </message>
</context>
<context>
    <name>KeptBanner</name>
    <message>
        <source>and {0} more</source>
        <translation>另有 {0} 项</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
</context>
<context>
    <name>LabelPage</name>
    <message>
        <source>← Back</source>
        <translation>← 上一张</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>上一张图像</translation>
    </message>
    <message>
        <source>Skip →</source>
        <translation>跳过 →</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>下一张图像</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>移入回收站</translation>
    </message>
    <message>
        <source>Move this image to the trash (undoable)</source>
        <translation>将这张图像移入回收站（可撤销）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Suggest labels</source>
        <translation>建议标签</translation>
    </message>
    <message>
        <source>Let the current model propose a class for every unlabeled image</source>
        <translation>让当前模型为每张未标注的图像建议一个类别</translation>
    </message>
    <message>
        <source>Accept suggestions above</source>
        <translation>接受高于此值的建议</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>No dataset yet — open a folder on the Data page. Images lying directly in the dataset folder (not in a class sub-folder) are listed here for labeling.</source>
        <translation>还没有数据集 —— 请在“数据”页面打开一个文件夹。直接位于数据集文件夹中（不在类别子文件夹里）的图像会列在这里等待标注。</translation>
    </message>
    <message>
        <source>Put this image in &apos;{0}&apos; (key {1}; or drop images here)</source>
        <translation>将这张图像放入“{0}”（按键 {1}；也可以把图像拖到这里）</translation>
    </message>
    <message>
        <source>Put this image in &apos;{0}&apos; (or drop images here)</source>
        <translation>将这张图像放入“{0}”（也可以把图像拖到这里）</translation>
    </message>
    <message>
        <source>Suggested: &lt;b&gt;{0}&lt;/b&gt; ({1} sure) — Enter accepts it</source>
        <translation>建议：&lt;b&gt;{0}&lt;/b&gt;（置信度 {1}）—— 按 Enter 接受</translation>
    </message>
    <message>
        <source>It keeps its place while it is on screen; the others are least sure first.</source>
        <translation>正在显示的这张图像保持原位；其余图像按把握从低到高排列。</translation>
    </message>
    <message>
        <source>{0}  ({1} of {2} unlabeled)</source>
        <translation>{0}  （未标注图像中的第 {1} 张，共 {2} 张）</translation>
    </message>
    <message>
        <source>Labeling</source>
        <translation>标注</translation>
    </message>
</context>
<context>
    <name>LabelSteps</name>
    <message>
        <source>Labeling</source>
        <translation>标注</translation>
    </message>
</context>
<context>
    <name>LabelView</name>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>不是图像</translation>
    </message>
    <message>
        <source>{0} cannot be read as an image: {1}.

Delete moves it to the dataset&apos;s trash; → skips it.</source>
        <translation>{0} 无法作为图像读取：{1}。

按 Delete 把它移到数据集回收站；按 → 跳过它。</translation>
    </message>
    <message>
        <source>No image waits for a class. Drop images here to put them in &apos;{0}&apos;</source>
        <translation>没有等待分类的图像。把图像拖到这里即可放入 &apos;{0}&apos;</translation>
    </message>
    <message>
        <source>All images are labeled</source>
        <translation>所有图像都已标注</translation>
    </message>
    <message>
        <source>Next: train a model on them — press {0} (Ctrl+T); the Train page shows its progress.

To label more, copy images in with “Import images…”: they wait here for a class.</source>
        <translation>下一步：用它们训练一个模型——按“{0}”(Ctrl+T)；“训练”页会显示进度。

要标注更多图像，请用“导入图像…”把图像复制进来：它们会在这里等待分类。</translation>
    </message>
    <message>
        <source>Retrain</source>
        <translation>重新训练</translation>
    </message>
    <message>
        <source>Train again on the labeled images (Ctrl+T)</source>
        <translation>在已标注的图像上重新训练 (Ctrl+T)</translation>
    </message>
    <message>
        <source>Train a model on the labeled images (Ctrl+T)</source>
        <translation>在已标注的图像上训练一个模型 (Ctrl+T)</translation>
    </message>
    <message>
        <source>Undo {0} (Ctrl+Z)</source>
        <translation>撤销{0} (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Nothing to undo</source>
        <translation>没有可撤销的操作</translation>
    </message>
    <message>
        <source>Undo the last step (Ctrl+Z)</source>
        <translation>撤销上一步 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Redo {0} (Ctrl+Shift+Z)</source>
        <translation>重做{0} (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>No classes yet: press “New class…” (on the right) for each kind of image; then a key per class files the image shown.</source>
        <translation>还没有类别：为每种图像按一次右侧的“新建类别…”；之后按每个类别的按键即可归类当前显示的图像。</translation>
    </message>
</context>
<context>
    <name>LabelingUndo</name>
    <message>
        <source>move of {n} images to {classes} classes</source>
        <translation>将 {n} 张图像移到 {classes} 个类别</translation>
    </message>
    <message>
        <source>move of 1 image to &apos;{name}&apos;</source>
        <translation>将 1 个图像移到“{name}”</translation>
    </message>
    <message>
        <source>move of {n} images to &apos;{name}&apos;</source>
        <translation>将 {n} 个图像移到“{name}”</translation>
    </message>
    <message>
        <source>move of 1 image to the trash</source>
        <translation>将 1 个图像移到回收站</translation>
    </message>
    <message>
        <source>move of {n} images to the trash</source>
        <translation>将 {n} 个图像移到回收站</translation>
    </message>
    <message>
        <source>new class &apos;{name}&apos;</source>
        <translation>新建类别“{name}”</translation>
    </message>
    <message>
        <source>renaming of &apos;{old}&apos; to &apos;{new}&apos;</source>
        <translation>将类别“{old}”重命名为“{new}”</translation>
    </message>
    <message>
        <source>merge of &apos;{source}&apos; into &apos;{target}&apos;</source>
        <translation>将类别“{source}”合并到“{target}”</translation>
    </message>
    <message>
        <source>deletion of class &apos;{name}&apos;</source>
        <translation>删除类别“{name}”</translation>
    </message>
    <message>
        <source>import of 1 image into &apos;{name}&apos;</source>
        <translation>将 1 个图像导入“{name}”</translation>
    </message>
    <message>
        <source>import of {n} images into &apos;{name}&apos;</source>
        <translation>将 {n} 个图像导入“{name}”</translation>
    </message>
    <message>
        <source>import of 1 image</source>
        <translation>导入 1 个图像</translation>
    </message>
    <message>
        <source>import of {n} images</source>
        <translation>导入 {n} 个图像</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Undo {step}</source>
        <translation>撤销{step}(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo {step}</source>
        <translation>重做{step}(&amp;R)</translation>
    </message>
</context>
<context>
    <name>LearningRateSearch</name>
    <message>
        <source>Finding a learning rate (a short test run)…</source>
        <translation>正在寻找学习率（一次简短的试运行）…</translation>
    </message>
    <message>
        <source>Finding a learning rate…</source>
        <translation>正在寻找学习率…</translation>
    </message>
    <message>
        <source>Learning-rate search stopped: another folder is being opened. Press Find… again for it.</source>
        <translation>学习率搜索已停止：正在打开另一个文件夹。请为它再按一次“查找…”。</translation>
    </message>
    <message>
        <source>Suggested learning rate: {0:.2g}</source>
        <translation>建议的学习率：{0:.2g}</translation>
    </message>
    <message>
        <source>Learning-rate finder failed</source>
        <translation>学习率查找失败</translation>
    </message>
</context>
<context>
    <name>LiveLine</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop computing suggestions (unticks live suggestions)</source>
        <translation>停止计算建议（取消勾选实时建议）</translation>
    </message>
    <message>
        <source>Computing suggestions…</source>
        <translation>正在计算建议…</translation>
    </message>
    <message numerus="yes">
        <source>Suggestions ready for %n unlabeled image(s)</source>
        <translation>
            <numerusform>已为 %n 张未标注图像生成建议</numerusform>
        </translation>
    </message>
    <message>
        <source>No unlabeled image left to suggest a class for</source>
        <translation>已没有需要建议类别的未标注图像</translation>
    </message>
    <message>
        <source>Suggestions start once two classes have labeled images</source>
        <translation>两个类别都有已标注图像后才会开始给出建议</translation>
    </message>
    <message>
        <source>Reading the labeled images to learn from… {0} of {1}</source>
        <translation>正在读取用于学习的已标注图像… 第 {0} 张，共 {1} 张</translation>
    </message>
    <message>
        <source>Suggesting a class for the unlabeled images… {0} of {1}</source>
        <translation>正在为未标注的图像建议类别… 第 {0} 张，共 {1} 张</translation>
    </message>
    <message>
        <source>Suggestions start once the engine has loaded</source>
        <translation>引擎加载完成后开始给出建议</translation>
    </message>
    <message>
        <source>Suggestions failed; untick and tick the box to try again</source>
        <translation>建议失败；取消勾选再重新勾选即可重试</translation>
    </message>
</context>
<context>
    <name>LiveVideoPanel</name>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Freeze the live view</source>
        <translation>冻结实时画面</translation>
    </message>
    <message>
        <source>Snapshot…</source>
        <translation>快照…</translation>
    </message>
    <message>
        <source>Save the current frame</source>
        <translation>保存当前画面</translation>
    </message>
    <message>
        <source>No camera found. Connect a camera and press Webcam again.</source>
        <translation>找不到摄像头。请连接摄像头，然后再次点击“摄像头”。</translation>
    </message>
    <message>
        <source>No image from {0} yet. Is another program using it, or is it covered?</source>
        <translation>{0} 还没有传来图像。是否有其他程序在使用它，或者镜头被遮住了？</translation>
    </message>
    <message>
        <source>the camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation>保存快照</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>This app may not use the camera. Allow it in the system settings (Privacy → Camera), then press Webcam again.</source>
        <translation>本应用无权使用摄像头。请在系统设置（隐私 → 摄像头）中允许，然后再次点击“摄像头”。</translation>
    </message>
</context>
<context>
    <name>LrFinderDialog</name>
    <message>
        <source>Learning-rate finder</source>
        <translation>学习率查找器</translation>
    </message>
    <message>
        <source>Loss while the learning rate grows</source>
        <translation>学习率增大时的损失</translation>
    </message>
    <message>
        <source>learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>loss (smoothed)</source>
        <translation>损失（平滑后）</translation>
    </message>
    <message>
        <source>Suggested learning rate: &lt;b&gt;{0:.2g}&lt;/b&gt; — where the loss falls fastest. A value a little lower is also safe.</source>
        <translation>建议的学习率：&lt;b&gt;{0:.2g}&lt;/b&gt; —— 损失下降最快的位置。稍低一些的值也是安全的。</translation>
    </message>
    <message>
        <source>Use {0:.2g}</source>
        <translation>使用 {0:.2g}</translation>
    </message>
    <message>
        <source>Keep mine</source>
        <translation>保留我的设置</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>标注</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步骤</translation>
    </message>
    <message>
        <source>{folder}: {images}, {classes}</source>
        <translation>{folder}：{images}，{classes}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s)</source>
        <translation>
            <numerusform>%Ln 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n 个类别</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>PyTorch could not be loaded</source>
        <translation>无法加载 PyTorch</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>needs attention</source>
        <translation>需要处理</translation>
    </message>
    <message>
        <source>{0}, {1} to label</source>
        <translation>{0}，待标注 {1} 张</translation>
    </message>
    <message>
        <source>{folder} — desktop_cls</source>
        <translation>{folder} — desktop_cls</translation>
    </message>
    <message>
        <source>Still running: {task}. Quit anyway? It is cancelled unfinished.</source>
        <translation>仍在进行：{task}。仍要退出吗？它将被取消，不会完成。</translation>
    </message>
    <message>
        <source>Quit anyway?</source>
        <translation>仍要退出吗？</translation>
    </message>
    <message>
        <source>exporting the model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>copying the classified images into folders by class</source>
        <translation>将分类后的图像按类别复制到文件夹</translation>
    </message>
    <message>
        <source>importing images</source>
        <translation>导入图像</translation>
    </message>
    <message>
        <source>moving labeled images</source>
        <translation>移动已标注的图像</translation>
    </message>
    <message>
        <source>filing the labels just pressed</source>
        <translation>归档刚按下的标注</translation>
    </message>
    <message>
        <source>emptying the trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <source>making the demo dataset</source>
        <translation>生成演示数据集</translation>
    </message>
    <message>
        <source>classifying a folder</source>
        <translation>分类一个文件夹</translation>
    </message>
    <message>
        <source>classifying a video</source>
        <translation>分类一段视频</translation>
    </message>
    <message>
        <source>checking the cache folder</source>
        <translation>检查缓存文件夹</translation>
    </message>
    <message>
        <source>saving the settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>a task</source>
        <translation>一项任务</translation>
    </message>
    <message>
        <source>Quit desktop_cls?</source>
        <translation>退出 desktop_cls？</translation>
    </message>
    <message>
        <source>No dataset</source>
        <translation>没有数据集</translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
</context>
<context>
    <name>MethodChoice</name>
    <message>
        <source>Training method</source>
        <translation>训练方法</translation>
    </message>
    <message>
        <source>Automatic (recommended)</source>
        <translation>自动（推荐）</translation>
    </message>
    <message>
        <source>Pretrained network, quick</source>
        <translation>预训练网络，快速</translation>
    </message>
    <message>
        <source>Pretrained network, fine-tune</source>
        <translation>预训练网络，微调</translation>
    </message>
    <message>
        <source>From scratch</source>
        <translation>从头训练</translation>
    </message>
    <message>
        <source>Custom: the model and options below</source>
        <translation>自定义：使用下面的模型和选项</translation>
    </message>
    <message>
        <source>Quick: a network already trained on a million photos stays as it is and only a new last layer learns your classes, in seconds; the best start with few images. Fine-tune: the same network, then all of it adapts to your images; slower, often better with many images. From scratch: a small network learns everything from your images; good with thousands of small images.</source>
        <translation>快速模式：一个已在百万张照片上训练好的网络保持不变，只有新的最后一层学习你的类别，只需几秒；图像少时最好的起点。微调：同一个网络，随后整个网络适应你的图像；更慢，图像多时通常更好。从头训练：一个小网络完全从你的图像中学习；适合成千上万张小图像。</translation>
    </message>
    <message>
        <source>Quick: the bundled network, trained on a million photos, stays as it is; only a new last layer learns your classes. Takes seconds, and later re-fits reuse the computed image features.</source>
        <translation>快速模式：内置网络（已在百万张照片上训练）保持不变；只有新的最后一层学习你的类别。只需几秒，之后重新拟合时会复用已计算的图像特征。</translation>
    </message>
    <message>
        <source>Fine-tune: the new last layer learns first, then the whole bundled network adapts to your images at a gentle learning rate. Minutes on a CPU; often better with many images.</source>
        <translation>微调：先训练新的最后一层，然后整个内置网络以较小的学习率适应你的图像。在 CPU 上需要几分钟；图像多时通常更好。</translation>
    </message>
    <message>
        <source>From scratch: a small network learns everything from your images. Good with thousands of small images; weak with few.</source>
        <translation>从头训练：一个小网络完全从你的图像中学习。适合成千上万张小图像；图像少时效果差。</translation>
    </message>
    <message>
        <source>The method is now Custom, because you chose the model by hand.</source>
        <translation>方法已改为“自定义”，因为你手动选择了模型。</translation>
    </message>
    <message>
        <source>The quick mode needs a network that starts from ImageNet weights, so the whole network trains now.</source>
        <translation>快速模式需要从 ImageNet 权重开始的网络，因此现在改为训练整个网络。</translation>
    </message>
    <message>
        <source>Custom, quick mode (as in the loaded options): {0} stays as it is and only a new last layer learns, so epochs, batch size, learning rate and augmentation are not used. Choose Custom again to train the whole network.</source>
        <translation>自定义，快速模式（与载入的选项相同）：{0} 保持不变，只训练新的最后一层，因此不使用轮数、批大小、学习率和数据增强。再次选择“自定义”即可训练整个网络。</translation>
    </message>
    <message>
        <source>Custom: the whole {0} network is fine-tuned from its ImageNet weights, with the options below.</source>
        <translation>自定义：从 ImageNet 权重开始，用下面的选项微调整个 {0} 网络。</translation>
    </message>
    <message>
        <source>Custom: the whole {0} network trains from the weights file set under Advanced, with the options below.</source>
        <translation>自定义：从“高级”中设置的权重文件开始，用下面的选项训练整个 {0} 网络。</translation>
    </message>
    <message>
        <source>Custom: the whole {0} network trains from random weights, with the options below.</source>
        <translation>自定义：从随机权重开始，用下面的选项训练整个 {0} 网络。</translation>
    </message>
    <message>
        <source>For the quick mode, choose “Pretrained network, quick” as the method.</source>
        <translation>要用快速模式，请把方法选为“预训练网络，快速”。</translation>
    </message>
    <message>
        <source>{reason}. {details}</source>
        <translation>{reason}。{details}</translation>
    </message>
</context>
<context>
    <name>MetricsPanel</name>
    <message>
        <source>Per-class metrics</source>
        <translation>各类别指标</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1 分数</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>macro average</source>
        <translation>宏平均</translation>
    </message>
    <message>
        <source>weighted average</source>
        <translation>加权平均</translation>
    </message>
    <message>
        <source>Over the {0} classes that have images here; a class without images is left out</source>
        <translation>按这里有图像的 {0} 个类别计算；没有图像的类别不计入</translation>
    </message>
    <message>
        <source>the validation images</source>
        <translation>验证集图像</translation>
    </message>
    <message>
        <source>the test images</source>
        <translation>测试集图像</translation>
    </message>
    <message>
        <source>the evaluated images</source>
        <translation>所评估的图像</translation>
    </message>
    <message>
        <source>No images of &apos;{0}&apos; among {1}: it has no recall, and the macro average leaves it out.</source>
        <translation>{1}中没有“{0}”的图像：它没有召回率，宏平均也不计入它。</translation>
    </message>
    <message>
        <source>The model did predict it, wrongly each time: those are false positives.</source>
        <translation>模型确实预测过它，但每次都是错的：这些都是假阳性。</translation>
    </message>
    <message>
        <source>validation images</source>
        <translation>张验证集图像</translation>
    </message>
    <message>
        <source>test images</source>
        <translation>张测试集图像</translation>
    </message>
    <message>
        <source>images</source>
        <translation>张图像</translation>
    </message>
    <message>
        <source>&lt;b&gt;Accuracy {acc:.1%}&lt;/b&gt; by {folds}-fold cross-validation on {n:,} images (the model learned from all of them; each is scored by a model that had not)</source>
        <translation>{folds} 折交叉验证，{n:,} 张图像上的&lt;b&gt;准确率为 {acc:.1%}&lt;/b&gt;（模型从所有图像中学习；每张图像的得分来自没有学过它的模型）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Accuracy {acc:.1%}&lt;/b&gt; on {n:,} {where}</source>
        <translation>在 {n:,} {where}上的&lt;b&gt;准确率为 {acc:.1%}&lt;/b&gt;</translation>
    </message>
    <message>
        <source> · top-{k} accuracy {acc:.1%}</source>
        <translation> · 前 {k} 个准确率 {acc:.1%}</translation>
    </message>
    <message>
        <source>· model of epoch {0} of {1} (the best on validation, as training reported)</source>
        <translation>· 第 {0} 个轮次（共 {1} 个）的模型（验证集上最好的，与训练报告一致）</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source> ⚠ Few images: treat this as a rough estimate.</source>
        <translation>⚠ 图像较少：请把结果当作粗略估计。</translation>
    </message>
</context>
<context>
    <name>MistakesGallery</name>
    <message>
        <source>Misclassified images, most confident mistakes first</source>
        <translation>错误预测的图像，置信度最高的错误排在前面</translation>
    </message>
    <message>
        <source>Misclassified images</source>
        <translation>错误预测的图像</translation>
    </message>
    <message>
        <source>Show all mistakes</source>
        <translation>显示全部错误预测</translation>
    </message>
    <message>
        <source>Show where the model looked (heat maps)</source>
        <translation>显示模型关注的位置（热力图）</translation>
    </message>
    <message numerus="yes">
        <source>%n misclassified image(s), most confident mistakes first</source>
        <translation>
            <numerusform>%n 张错误预测的图像，置信度最高的错误排在前面</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of &apos;{0}&apos; predicted as &apos;{1}&apos;</source>
        <translation>
            <numerusform>%n 张“{0}”图像被预测为“{1}”</numerusform>
        </translation>
    </message>
    <message>
        <source>Move to class</source>
        <translation>移到类别</translation>
    </message>
    <message>
        <source>{0} (labeled)</source>
        <translation>{0}（当前标注）</translation>
    </message>
    <message>
        <source>{0} (predicted)</source>
        <translation>{0}（模型预测）</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Cannot fix labels</source>
        <translation>无法修正标签</translation>
    </message>
    <message>
        <source>Open the dataset on the Data page first.</source>
        <translation>请先在“数据”页打开数据集。</translation>
    </message>
    <message>
        <source>fixing labels</source>
        <translation>修正标签</translation>
    </message>
    <message>
        <source>The fix waits for the Label page&apos;s keys to be filed.</source>
        <translation>修正将在“标注”页的按键保存完毕后进行。</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) moved to the trash — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</source>
        <translation>
            <numerusform>%n 张图像已移到回收站——在“标注”页按 Ctrl+Z 可撤销；重新评估以更新数字</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) moved to &apos;{0}&apos; — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</source>
        <translation>
            <numerusform>%n 张图像已移到“{0}”——在“标注”页按 Ctrl+Z 可撤销；重新评估以更新数字</numerusform>
        </translation>
    </message>
    <message>
        <source>Another labeling step is still running (see the status bar); try again when it has finished. Nothing was changed.</source>
        <translation>另一个标注步骤仍在进行（见状态栏）；请在它完成后再试。未做任何更改。</translation>
    </message>
    <message>
        <source>{0} is being opened: no label is fixed in the folder that is going. Nothing was changed.</source>
        <translation>正在打开 {0}：不会在即将关闭的文件夹中修正标签。未做任何更改。</translation>
    </message>
    <message>
        <source>These images are in {0}, not in the open folder {1}: open {0} to fix their labels. Nothing was changed.</source>
        <translation>这些图像位于 {0}，不在当前打开的文件夹 {1} 中：请打开 {0} 再修正它们的标签。未做任何更改。</translation>
    </message>
    <message>
        <source>These images were evaluated while another folder was open, not {0}: evaluate again to fix labels here. Nothing was changed.</source>
        <translation>这些图像是在打开另一个文件夹（而不是 {0}）时评估的：请重新评估后再在此修正标签。未做任何更改。</translation>
    </message>
    <message>
        <source>computing heat maps</source>
        <translation>正在计算热力图</translation>
    </message>
    <message>
        <source>Heat maps failed</source>
        <translation>热力图生成失败</translation>
    </message>
    <message>
        <source>True class: {0} · predicted: {1} ({2:.0%})</source>
        <translation>真实类别：{0} · 预测：{1}（{2:.0%}）</translation>
    </message>
</context>
<context>
    <name>OptionFields</name>
    <message>
        <source>Not used by the quick mode: it computes each image&apos;s features once and fits only the last layer, in one step. Choose another method to train the whole network.</source>
        <translation>快速模式不使用此项：它只对每张图像计算一次特征，并一步拟合最后一层。要训练整个网络，请选择其他方法。</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
</context>
<context>
    <name>PastRuns</name>
    <message>
        <source>Past runs (check, double-click)</source>
        <translation>训练记录（勾选、双击）</translation>
    </message>
    <message>
        <source>Check runs to compare their accuracy curves; double-click one to use it for evaluation, classification and export</source>
        <translation>勾选训练记录以比较它们的准确率曲线；双击一条，将其用于评估、分类和导出</translation>
    </message>
    <message>
        <source>Past runs: check to compare</source>
        <translation>训练记录：勾选以比较</translation>
    </message>
    <message>
        <source>No runs yet — each training is kept here: check runs to compare their accuracy curves, double-click one to use its model.</source>
        <translation>还没有训练记录——每次训练都会保存在这里：勾选记录可比较它们的准确率曲线，双击一条即可使用它的模型。</translation>
    </message>
    <message>
        <source>Runs of {0}, the open dataset</source>
        <translation>{0}（已打开的数据集）的训练记录</translation>
    </message>
    <message>
        <source>Runs of {0}</source>
        <translation>{0} 的训练记录</translation>
    </message>
    <message>
        <source>Runs of an unknown dataset</source>
        <translation>数据集未知的训练记录</translation>
    </message>
    <message>
        <source>{run}
Trained on {folder}</source>
        <translation>{run}
训练所用数据集：{folder}</translation>
    </message>
    <message>
        <source>Evaluate, Classify and Export use this run&apos;s model.</source>
        <translation>评估、分类和导出使用此训练记录的模型。</translation>
    </message>
    <message>
        <source>No model in this run</source>
        <translation>此运行没有模型</translation>
    </message>
    <message>
        <source>{0} is being trained and has saved no model yet: its model appears when its first epoch ends.</source>
        <translation>{0} 正在训练，尚未保存模型：第一个轮次结束时才会有模型。</translation>
    </message>
    <message>
        <source>{0} saved no model: this quick run was stopped before its fit ended.</source>
        <translation>{0} 没有保存模型：这次快速训练在拟合结束前被停止了。</translation>
    </message>
    <message>
        <source>{0} saved no model: it was stopped before its first epoch ended.</source>
        <translation>{0} 没有保存模型：它在第一个轮次结束前被停止了。</translation>
    </message>
    <message>
        <source>Resume it (Resume a run… on the Train page) to train on, or train again.</source>
        <translation>请继续训练它（“训练”页面的“继续训练…”），或重新训练。</translation>
    </message>
    <message>
        <source>Train again on the Train page to get a model.</source>
        <translation>请在“训练”页面重新训练以得到模型。</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>使用中</translation>
    </message>
    <message>
        <source>no model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>chosen model</source>
        <translation>当前选用的模型</translation>
    </message>
    <message>
        <source>Another window or process is training this run right now; it cannot be resumed until that training ends.</source>
        <translation>另一个窗口或进程正在训练此训练记录；在那次训练结束前无法继续训练它。</translation>
    </message>
</context>
<context>
    <name>PauseControl</name>
    <message>
        <source>Pause or resume ({0} or {1})</source>
        <translation>暂停或继续（{0} 或 {1}）</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
</context>
<context>
    <name>PredictionPreview</name>
    <message>
        <source>Image being classified</source>
        <translation>正在分类的图像</translation>
    </message>
    <message>
        <source>Confidence of choice {0}</source>
        <translation>第 {0} 个候选的置信度</translation>
    </message>
    <message numerus="yes">
        <source>Model ready: %n class(es)</source>
        <translation>
            <numerusform>模型已就绪：%n 个类别</numerusform>
        </translation>
    </message>
    <message>
        <source>Drop an image here, or press “Classify images…” to choose some: the class it sees appears here with the confidence of each likely class. “Classify a folder…” lists every image of a folder on the right; “Webcam” classifies live.</source>
        <translation>把图像拖到这里，或按“分类图像…”选择图像：识别出的类别会显示在这里，并附上每个可能类别的置信度。“分类文件夹…”会在右侧列出文件夹中的每张图像；“摄像头”可实时分类。</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>not an image</source>
        <translation>不是图像</translation>
    </message>
    <message>
        <source>{0} cannot be read as an image: {1}.</source>
        <translation>{0} 无法作为图像读取：{1}。</translation>
    </message>
    <message>
        <source>Cannot read this image: {0}</source>
        <translation>无法读取此图像：{0}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>PredictionTableModel</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Predicted class</source>
        <translation>预测类别</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
</context>
<context>
    <name>Preferences</name>
    <message>
        <source>Your settings could not be saved: {problem}. The app goes on with them and tries again at the next change.</source>
        <translation>无法保存您的设置：{problem}。应用会继续使用这些设置，并在下次更改时再次尝试保存。</translation>
    </message>
    <message>
        <source>Settings not saved</source>
        <translation>设置未保存</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>No cache</source>
        <translation>无缓存</translation>
    </message>
    <message>
        <source>The cache folder {folder} cannot be written ({reason}), so thumbnails and image features are worked out again each time and the app is slower. Make that folder writable and restart the app (on Linux, XDG_CACHE_HOME says where it is), or choose another data folder in Preferences.</source>
        <translation>无法写入缓存文件夹 {folder}（{reason}），因此每次都要重新生成缩略图和图像特征，应用会变慢。请让该文件夹可写并重新启动应用（在 Linux 上，XDG_CACHE_HOME 指定它的位置），或在首选项中选择另一个数据文件夹。</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>The data folder {folder} cannot be used ({reason}); new runs go to {default} this time. Choose another folder in Preferences, or connect the disk it is on.</source>
        <translation>无法使用数据文件夹 {folder}（{reason}），本次新的训练记录保存到 {default}。请在首选项中选择其他文件夹，或连接该文件夹所在的磁盘。</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Used from the next start; asked about when this dialog closes</source>
        <translation>下次启动时生效；关闭此对话框时会询问</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>The device the Train form starts on; each run can still choose another</source>
        <translation>训练表单默认使用的设备；每次训练仍可选择其他设备</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Use the default</source>
        <translation>使用默认文件夹</translation>
    </message>
    <message>
        <source>New runs and models are saved here, caches in its “cache” folder. Runs already made stay where they are.</source>
        <translation>新的训练记录和模型保存在这里，缓存保存在其中的“cache”文件夹。已有的训练记录保留在原处。</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>主题(&amp;T)：</translation>
    </message>
    <message>
        <source>Default &amp;device:</source>
        <translation>默认设备(&amp;D)：</translation>
    </message>
    <message>
        <source>Data &amp;folder:</source>
        <translation>数据文件夹(&amp;F)：</translation>
    </message>
    <message>
        <source>Automatic (GPU if present)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source> ({gb:.0f} GB)</source>
        <translation>（{gb:.0f} GB）</translation>
    </message>
    <message>
        <source>{device} (not found yet)</source>
        <translation>{device}（尚未检测到）</translation>
    </message>
    <message>
        <source>{device} (not found on this computer)</source>
        <translation>{device}（此电脑上未找到）</translation>
    </message>
    <message>
        <source>Folder for runs, models and caches</source>
        <translation>用于训练记录、模型和缓存的文件夹</translation>
    </message>
    <message>
        <source>Cannot use this folder</source>
        <translation>无法使用此文件夹</translation>
    </message>
    <message>
        <source>desktop_cls cannot use {folder} for its runs and caches ({reason}).

Choose a folder you can write to (one in your home folder, or on a disk with free space).</source>
        <translation>desktop_cls 无法将 {folder} 用于训练记录和缓存（{reason}）。

请选择一个你可以写入的文件夹（主文件夹中的某个文件夹，或有剩余空间的磁盘上的文件夹）。</translation>
    </message>
</context>
<context>
    <name>ProblemPreview</name>
    <message>
        <source>Selected problem, side by side</source>
        <translation>所选问题，并排对比</translation>
    </message>
    <message>
        <source>Select a problem to see its file (and, for a copy, the other file) here.</source>
        <translation>选择一个问题，即可在这里查看它的文件（如果是副本，还会显示另一份文件）。</translation>
    </message>
    <message>
        <source>Same pixels.</source>
        <translation>像素完全相同。</translation>
    </message>
    <message>
        <source>The same image once aligned and matched for brightness: {0:.1%} different (the limit is {1:.0%}).</source>
        <translation>对齐并匹配亮度后是同一张图像：差异 {0:.1%}（上限为 {1:.0%}）。</translation>
    </message>
    <message>
        <source>(cannot show)</source>
        <translation>（无法显示）</translation>
    </message>
    <message>
        <source>
  … and {0:,} more</source>
        <translation>
  …… 以及另外 {0:,} 个</translation>
    </message>
    <message>
        <source>Move {0:,} files ({1:.0%} of the {2:,} images) to the trash?

{3}{4}

They go to the dataset&apos;s trash; Undo brings them back.</source>
        <translation>将 {0:,} 个文件（占 {2:,} 张图像的 {1:.0%}）移入回收站？

{3}{4}

它们会进入数据集回收站；“撤销”可以恢复。</translation>
    </message>
    <message>
        <source>Move many files?</source>
        <translation>移动大量文件？</translation>
    </message>
</context>
<context>
    <name>ProblemsPanel</name>
    <message>
        <source>training</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>test</source>
        <translation>测试集</translation>
    </message>
    <message>
        <source>Cannot change the dataset</source>
        <translation>无法更改数据集</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>处理建议</translation>
    </message>
    <message>
        <source>No problems found: every image opens, and there are no duplicates, label conflicts, leaks between splits or empty classes.</source>
        <translation>未发现问题：每张图像都能打开，没有重复图像、标签冲突、划分间的数据泄漏或空类别。</translation>
    </message>
    <message>
        <source>Trash duplicate copies</source>
        <translation>将重复副本移入回收站</translation>
    </message>
    <message>
        <source>Keep one image of each duplicate set; the others go to the trash (undoable)</source>
        <translation>每组重复图像保留一张，其余移入回收站（可撤销）</translation>
    </message>
    <message>
        <source>Trash unreadable files</source>
        <translation>将无法读取的文件移入回收站</translation>
    </message>
    <message>
        <source>Move corrupt and non-image files to the trash (undoable)</source>
        <translation>将已损坏的文件和非图像文件移入回收站（可撤销）</translation>
    </message>
    <message>
        <source>Trash selected</source>
        <translation>将所选移入回收站</translation>
    </message>
    <message>
        <source>Move the selected files (e.g. the wrong copy of a label conflict) to the trash</source>
        <translation>将所选文件（例如标签冲突中错误的那份）移入回收站</translation>
    </message>
    <message>
        <source>Move selected to class…</source>
        <translation>将所选移到类别…</translation>
    </message>
    <message>
        <source>Move the selected files (e.g. a label conflict) into the right class</source>
        <translation>将所选文件（例如标签冲突）移到正确的类别</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last change to the dataset</source>
        <translation>撤销对数据集的上一次更改</translation>
    </message>
    <message>
        <source>class &apos;{0}&apos;</source>
        <translation>类别“{0}”</translation>
    </message>
    <message>
        <source>class &apos;{0}&apos;, {1} split</source>
        <translation>类别“{0}”，{1}</translation>
    </message>
    <message>
        <source>Move to class</source>
        <translation>移到类别</translation>
    </message>
    <message>
        <source>Class:</source>
        <translation>类别：</translation>
    </message>
    <message>
        <source>View</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QuickFitSummary</name>
    <message>
        <source>Each class, hardest first (more images of the hardest help most):</source>
        <translation>各类别，最难的在前（为最难的类别多加图像最有帮助）：</translation>
    </message>
    <message>
        <source>Quick mode</source>
        <translation>快速模式</translation>
    </message>
    <message>
        <source>The pretrained network computes each image&apos;s features once, then the last layer is fitted to them in one step. There are no epochs to plot: the result appears here when it is done.</source>
        <translation>预训练网络为每张图像计算一次特征，然后一步拟合最后一层。没有可绘制的轮次：完成后结果显示在这里。</translation>
    </message>
    <message>
        <source>Quick mode: stopped</source>
        <translation>快速模式：已停止</translation>
    </message>
    <message>
        <source>{0}: {1:.0%} right</source>
        <translation>{0}：{1:.0%} 正确</translation>
    </message>
    <message>
        <source>… and {0} more on the Evaluate page</source>
        <translation>……另有 {0} 个见“评估”页</translation>
    </message>
</context>
<context>
    <name>QuickSummary</name>
    <message>
        <source>No accuracy: no image was left to validate</source>
        <translation>无准确率：没有留出可用于验证的图像</translation>
    </message>
    <message>
        <source>Accuracy {0:.1%}</source>
        <translation>准确率 {0:.1%}</translation>
    </message>
    <message>
        <source>Measured by {folds}-fold cross-validation on all {n} labeled images: each is predicted by a model that did not learn it. The saved model learns from all of them.</source>
        <translation>由全部 {n} 张已标注图像上的 {folds} 折交叉验证测得：每张图像都由未学习过它的模型预测。保存的模型学习了全部图像。</translation>
    </message>
    <message>
        <source>Measured on {n} validation images the model did not learn from.</source>
        <translation>在模型未学习过的 {n} 张验证图像上测得。</translation>
    </message>
    <message>
        <source>image features</source>
        <translation>图像特征</translation>
    </message>
    <message>
        <source>fitting the last layer</source>
        <translation>拟合最后一层</translation>
    </message>
    <message>
        <source>loading and saving</source>
        <translation>加载与保存</translation>
    </message>
    <message>
        <source>{total:.1f} s in all: the features of all {cached} images came from the cache ({source}), so no image was read again.</source>
        <translation>共 {total:.1f} 秒：全部 {cached} 张图像的特征都来自缓存（{source}），因此没有重新读取任何图像。</translation>
    </message>
    <message>
        <source>{total:.1f} s in all: the features of all {cached} images came from the cache, so no image was read again.</source>
        <translation>共 {total:.1f} 秒：全部 {cached} 张图像的特征都来自缓存，因此没有重新读取任何图像。</translation>
    </message>
    <message>
        <source>computed earlier for the Label page&apos;s suggestions</source>
        <translation>先前为“标注”页的建议计算</translation>
    </message>
    <message>
        <source>kept from an earlier run</source>
        <translation>上次运行时保存</translation>
    </message>
    <message>
        <source>computed earlier, for the Label page&apos;s suggestions and by earlier runs</source>
        <translation>先前为“标注”页的建议及在之前的运行中计算</translation>
    </message>
    <message>
        <source>{total:.1f} s in all: the network computed the features of {computed} images in {network:.1f} s (reading the images, {decode:.1f} s, ran at the same time){from_cache}.</source>
        <translation>共 {total:.1f} 秒：网络用 {network:.1f} 秒计算了 {computed} 张图像的特征（读取图像用了 {decode:.1f} 秒，与之同时进行）{from_cache}。</translation>
    </message>
    <message>
        <source>; {0} more came from the cache ({1})</source>
        <translation>；另有 {0} 张来自缓存（{1}）</translation>
    </message>
    <message>
        <source>; {0} more came from the cache</source>
        <translation>；另有 {0} 张来自缓存</translation>
    </message>
    <message>
        <source>The last layer&apos;s strength, C = {0:g}, was chosen by cross-validation.</source>
        <translation>最后一层的强度 C = {0:g} 由交叉验证选定。</translation>
    </message>
</context>
<context>
    <name>Restart</name>
    <message>
        <source>Restart desktop_cls?</source>
        <translation>重新启动 desktop_cls？</translation>
    </message>
    <message>
        <source>Restart now</source>
        <translation>立即重新启动</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
</context>
<context>
    <name>ResumeDialog</name>
    <message>
        <source>Resume a run</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Runs that can continue</source>
        <translation>可以继续的训练记录</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Epochs done</source>
        <translation>已完成轮次</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose a run folder that is not listed</source>
        <translation>选择一个未列出的训练记录文件夹</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Runs that were stopped or interrupted, newest first:</source>
        <translation>已停止或已中断的训练记录，最新的在前：</translation>
    </message>
    <message>
        <source>No stopped or interrupted run to continue here; Browse… for another folder.</source>
        <translation>这里没有可以继续的已停止或已中断的训练记录；点击“浏览…”选择其他文件夹。</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <source>Choose a run folder to continue</source>
        <translation>选择要继续训练的训练记录文件夹</translation>
    </message>
</context>
<context>
    <name>RunCounts</name>
    <message numerus="yes">
        <source>Finished %n epoch(s) in {0:.1f} s; {1}.</source>
        <translation>
            <numerusform>用 {0:.1f} 秒完成了 %n 个轮次；{1}。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped after {0} of %n epoch(s); {1}. Resume it from “Resume a run…”.</source>
        <translation>
            <numerusform>在第 {0} 个轮次（共 %n 个）后停止；{1}。可以通过“继续训练…”接着训练。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) that cannot be read are left out (see Data → Problems).</source>
        <translation>
            <numerusform>%n 个无法读取的图像不参与训练（见 数据 → 问题）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunMonitor</name>
    <message>
        <source>Loss and accuracy appear here when training starts: a point per epoch for the training and the validation images, and the learning rate below them. Check past runs to compare their accuracy curves.</source>
        <translation>开始训练后，损失和准确率会显示在这里：训练图像和验证图像每轮各一个点，下方是学习率。勾选训练记录可比较它们的准确率曲线。</translation>
    </message>
    <message>
        <source>Training progress</source>
        <translation>训练进度</translation>
    </message>
    <message>
        <source>Training log</source>
        <translation>训练日志</translation>
    </message>
    <message>
        <source>Messages from training appear here: each epoch&apos;s loss and accuracy, the choices made for you and any warnings.</source>
        <translation>训练的消息显示在这里：每个轮次的损失和准确率、为你做出的选择以及各种警告。</translation>
    </message>
    <message>
        <source>Run {0}</source>
        <translation>训练记录 {0}</translation>
    </message>
    <message>
        <source>Trained on {folder}, not on the folder open now: {outcome}</source>
        <translation>在 {folder} 上训练，而不是当前打开的文件夹：{outcome}</translation>
    </message>
    <message>
        <source>Training failed: {0}</source>
        <translation>训练失败：{0}</translation>
    </message>
</context>
<context>
    <name>Sentences</name>
    <message>
        <source>{0} {1}</source>
        <comment>two sentences in a row</comment>
        <translation>{0}{1}</translation>
    </message>
</context>
<context>
    <name>ServePanel</name>
    <message>
        <source>Serve over HTTP (this computer only)</source>
        <translation>通过 HTTP 提供服务（仅限本机）</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>0 picks a free port</source>
        <translation>0 表示自动选择空闲端口</translation>
    </message>
    <message>
        <source>Start serving</source>
        <translation>开始服务</translation>
    </message>
    <message>
        <source>Answer POST /predict on 127.0.0.1 for other programs</source>
        <translation>在 127.0.0.1 上为其他程序响应 POST /predict</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Give up starting: the server does not start</source>
        <translation>放弃启动：服务器不会启动</translation>
    </message>
    <message>
        <source>Not serving</source>
        <translation>未在服务</translation>
    </message>
    <message>
        <source>Example request</source>
        <translation>示例请求</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>试一试</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <source>Train a model first, or type the path of a run folder.</source>
        <translation>请先训练一个模型，或输入训练记录文件夹的路径。</translation>
    </message>
    <message>
        <source>Starting to serve {0}…</source>
        <translation>正在启动 {0} 的服务…</translation>
    </message>
    <message>
        <source>Stop serving</source>
        <translation>停止服务</translation>
    </message>
    <message>
        <source>{0} serves {2} (runtime: {1}) — API documentation at {0}/docs</source>
        <translation>{0} 正在提供 {2}（运行时：{1}）— API 文档见 {0}/docs</translation>
    </message>
    <message>
        <source>The model chosen above, {0}, is not the one served: stop and start serving to serve it.</source>
        <translation>上面选用的模型 {0} 不是正在提供服务的模型：先停止服务再开始服务即可改用它。</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>{0} requests answered</source>
        <translation>已响应 {0} 个请求</translation>
    </message>
    <message>
        <source>Serving failed</source>
        <translation>服务失败</translation>
    </message>
    <message>
        <source>Serving {0} is starting; quitting cancels it.</source>
        <translation>正在启动 {0} 的服务；退出会取消启动。</translation>
    </message>
    <message>
        <source>A model is being served at {0}; quitting stops it.</source>
        <translation>正在 {0} 提供模型服务；退出会停止服务。</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <source>unsupported schema_version {0}</source>
        <translation>不支持的 schema_version {0}</translation>
    </message>
    <message>
        <source>Some settings could not be used and are back to their defaults: {0}.</source>
        <translation>部分设置无法使用，已恢复为默认值：{0}。</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be a list of paths</source>
        <translation>“{0}”必须是路径列表</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must map runs to steps done</source>
        <translation>“{0}”必须把训练记录映射到已完成的步骤</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be a list of {1}</source>
        <translation>“{0}”必须是以下各项组成的列表：{1}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be an object</source>
        <translation>“{0}”必须是对象</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be one of {1}</source>
        <translation>“{0}”必须是 {1} 之一</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be text</source>
        <translation>“{0}”必须是文本</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; must be true or false</source>
        <translation>“{0}”必须是 true 或 false</translation>
    </message>
    <message>
        <source>Your settings file could not be read ({0}); defaults are used. The old file is at {1}.</source>
        <translation>无法读取设置文件（{0}）；已使用默认设置。旧文件位于 {1}。</translation>
    </message>
</context>
<context>
    <name>ShortcutList</name>
    <message>
        <source>Label page</source>
        <translation>标注页面</translation>
    </message>
    <message>
        <source>Image viewer</source>
        <translation>图像查看器</translation>
    </message>
    <message>
        <source>Classify page, webcam</source>
        <translation>分类页面，摄像头</translation>
    </message>
    <message>
        <source>Thumbnails and lists</source>
        <translation>缩略图和列表</translation>
    </message>
    <message>
        <source>Train page, while training</source>
        <translation>训练页，训练进行时</translation>
    </message>
    <message>
        <source>Any page, while its task runs</source>
        <translation>任意页面，其任务进行时</translation>
    </message>
    <message>
        <source>Put the image in a class (a class named 0 … 9 or A … Z has its own key)</source>
        <translation>将图像放入类别（名为 0 … 9 或 A … Z 的类别使用自己的按键）</translation>
    </message>
    <message>
        <source>Accept the suggested class</source>
        <translation>接受建议的类别</translation>
    </message>
    <message>
        <source>Previous / next image</source>
        <translation>上一个 / 下一个图像</translation>
    </message>
    <message>
        <source>Move the image to the trash (undoable)</source>
        <translation>将图像移到回收站（可撤销）</translation>
    </message>
    <message>
        <source>Capture one frame into a class</source>
        <translation>将一帧捕获到类别</translation>
    </message>
    <message>
        <source>Pause or resume training (also Train → Pause / resume)</source>
        <translation>暂停或继续训练（也可用 训练 → 暂停 / 继续）</translation>
    </message>
    <message>
        <source>Cancel the task whose progress the page shows</source>
        <translation>取消页面上显示进度的任务</translation>
    </message>
    <message>
        <source>Open a thumbnail, mistake, problem or result in the image viewer</source>
        <translation>在图像查看器中打开缩略图、错误预测、问题或结果</translation>
    </message>
    <message>
        <source>Zoom in / out</source>
        <translation>放大 / 缩小</translation>
    </message>
    <message>
        <source>Fit to the window / actual size</source>
        <translation>适应窗口 / 实际大小</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>What it does</source>
        <translation>作用</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
</context>
<context>
    <name>SuggestionPanel</name>
    <message>
        <source>Live suggestions (bundled pretrained model)</source>
        <translation>实时建议（内置预训练模型）</translation>
    </message>
    <message>
        <source>After each image you label, a new last layer is fitted on the bundled pretrained network&apos;s features of your labeled images (computed once, then cached) and suggests a class for the rest. No trained model needed. A suggestion is never shown surer than the labeled images, each predicted by a model that did not learn it, show it to be.</source>
        <translation>每标注一张图像，就在内置预训练网络提取的已标注图像特征（只计算一次，之后缓存）上拟合一个新的最后一层，并为其余图像建议类别。无需训练好的模型。建议显示的确定程度从不超过已标注图像（每张由没有学过它的模型预测）所能证明的程度。</translation>
    </message>
    <message>
        <source>Shows the images whose suggestion (live or from the trained model) is at least this sure, with their suggested classes; untick any, and the rest move into their classes as one undoable step</source>
        <translation>显示建议把握（实时或来自训练好的模型）至少达到此值的图像及其建议类别；取消勾选任意图像后，其余图像将作为一个可撤销的步骤移入各自的类别</translation>
    </message>
    <message>
        <source>Suggest a class for each unlabeled image:</source>
        <translation>为每张未标注图像建议一个类别：</translation>
    </message>
    <message>
        <source>or once, with the chosen run&apos;s trained model:</source>
        <translation>或使用所选运行的训练好的模型建议一次：</translation>
    </message>
    <message>
        <source>Then, for the suggestions shown (live or from a model):</source>
        <translation>然后，对于显示的建议（实时或来自模型）：</translation>
    </message>
    <message>
        <source>Suggesting labels…</source>
        <translation>正在建议标签…</translation>
    </message>
    <message>
        <source>Suggestions failed</source>
        <translation>建议失败</translation>
    </message>
    <message>
        <source>The model knows the classes {0}, not this dataset&apos;s: train one here first, or choose a run of this dataset.</source>
        <translation>该模型认识的类别是 {0}，不是此数据集的类别：请先在此训练一个模型，或选择此数据集的一次训练。</translation>
    </message>
    <message>
        <source>The suggested class &apos;{0}&apos; is not one of this dataset&apos;s classes; press a class key instead.</source>
        <translation>建议的类别“{0}”不是此数据集的类别；请改按某个类别的按键。</translation>
    </message>
    <message>
        <source>Nothing to accept</source>
        <translation>没有可接受的建议</translation>
    </message>
    <message>
        <source>No suggestion is at least {0:.0%} sure.</source>
        <translation>没有置信度达到 {0:.0%} 的建议。</translation>
    </message>
</context>
<context>
    <name>SummaryCounts</name>
    <message>
        <source>{images} in {classes}</source>
        <translation>{images}，共 {classes}</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%Ln&lt;/b&gt; image(s)</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n&lt;/b&gt; class(es)</source>
        <translation>
            <numerusform>&lt;b&gt;%n&lt;/b&gt; 个类别</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ Only %n validation image(s): accuracy will be a rough estimate.</source>
        <translation>
            <numerusform>⚠ 验证集只有 %n 张图像：准确率只是粗略估计。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unlabeled image(s) lie directly in the folder.</source>
        <translation>
            <numerusform>有 %Ln 张未标注的图像直接位于该文件夹中。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;a href=&apos;#problems&apos;&gt;%n problem(s)&lt;/a&gt;</source>
        <translation>
            <numerusform>&lt;a href=&apos;#problems&apos;&gt;%n 个问题&lt;/a&gt;</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <source>Something went wrong inside desktop_cls: {0}. This is a bug, not a problem with your data, and what you made is kept; the details below say what happened (they are also in the log file).</source>
        <translation>desktop_cls 内部出错：{0}。这是程序缺陷，不是你的数据有问题，你的成果都已保留；下面的详细信息说明了发生的情况（日志文件中也有记录）。</translation>
    </message>
    <message>
        <source>Something went wrong inside desktop_cls: a bug, not a problem with your data. What you made is kept; the details below say what happened (they are also in the log file).</source>
        <translation>desktop_cls 内部出错：这是程序缺陷，不是你的数据有问题。你的成果都已保留；下面的详细信息说明了发生的情况（日志文件中也有记录）。</translation>
    </message>
</context>
<context>
    <name>TrainForm</name>
    <message>
        <source>Automatic (GPU if present)</source>
        <translation>自动（有 GPU 时用 GPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Find…</source>
        <translation>查找…</translation>
    </message>
    <message>
        <source>Run a short learning-rate range test on your data and suggest a value</source>
        <translation>在你的数据上做一次简短的学习率范围测试，并给出建议值</translation>
    </message>
    <message>
        <source>Find a learning rate</source>
        <translation>查找学习率</translation>
    </message>
    <message>
        <source>The quick mode trains no learning rate to search: only the last layer is fitted, in one step.</source>
        <translation>快速模式没有需要搜索的学习率：只拟合最后一层，一步完成。</translation>
    </message>
    <message>
        <source> · {0:.2f} M parameters</source>
        <translation> · {0:.2f} M 个参数</translation>
    </message>
    <message>
        <source>{0} — {1} ({2:.0f} GB)</source>
        <translation>{0} — {1}（{2:.0f} GB）</translation>
    </message>
</context>
<context>
    <name>TrainMessages</name>
    <message>
        <source>Epoch {epoch}/{epochs} · step {step}/{steps} · {speed:,.0f} images/s · ETA {eta}</source>
        <translation>轮次 {epoch}/{epochs} · 步 {step}/{steps} · {speed:,.0f} 张图像/秒 · 剩余 {eta}</translation>
    </message>
    <message>
        <source> · GPU {0:,.0f} MB</source>
        <translation> · GPU {0:,.0f} MB</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · step {step}/{steps} · paused</source>
        <translation>轮次 {epoch}/{epochs} · 步 {step}/{steps} · 已暂停</translation>
    </message>
    <message>
        <source>Paused at {done}/{total}</source>
        <translation>已暂停于 {done}/{total}</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Training paused: epoch {0}/{1}</source>
        <translation>训练已暂停：轮次 {0}/{1}</translation>
    </message>
    <message>
        <source>Training: epoch {0}/{1}, ETA {2}</source>
        <translation>训练中：轮次 {0}/{1}，剩余 {2}</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs}: train loss {train_loss:.3f}, accuracy {train_acc:.1%} · validation loss {val_loss:.3f}, accuracy {val_acc} · {seconds:.1f} s</source>
        <translation>轮次 {epoch}/{epochs}：训练集损失 {train_loss:.3f}，准确率 {train_acc:.1%} · 验证集损失 {val_loss:.3f}，准确率 {val_acc} · {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source> · best so far</source>
        <translation> · 目前最好</translation>
    </message>
    <message>
        <source>Last layer fitted in one step: train loss {train_loss:.3f}, accuracy {train_acc:.1%} · validation loss {val_loss:.3f}, accuracy {val_acc} · {seconds:.1f} s</source>
        <translation>最后一层一步拟合完成：训练损失 {train_loss:.3f}，准确率 {train_acc:.1%} · 验证损失 {val_loss:.3f}，准确率 {val_acc} · {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>accuracy {acc:.1%} by {folds}-fold cross-validation on all {n} labeled images (the model learns from all of them)</source>
        <translation>在全部 {n} 张已标注图像上以 {folds} 折交叉验证测得准确率 {acc:.1%}（模型从全部图像中学习）</translation>
    </message>
    <message>
        <source>best validation accuracy {acc:.1%} on {n} validation images (epoch {epoch}, the model kept)</source>
        <translation>在 {n} 张验证集图像上的最佳验证集准确率 {acc:.1%}（第 {epoch} 个轮次，即保留的模型）</translation>
    </message>
    <message>
        <source>no validation images</source>
        <translation>没有验证集图像</translation>
    </message>
    <message>
        <source>Stopped at epoch {0} of {1}</source>
        <translation>停在第 {0} 个轮次（共 {1} 个）</translation>
    </message>
    <message>
        <source>Finished in {0:.1f} s; {1}.</source>
        <translation>用 {0:.1f} 秒完成；{1}。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>{outcome} — {summary}. Run saved in {run}</source>
        <translation>{outcome}——{summary}。训练记录保存在 {run}</translation>
    </message>
    <message>
        <source>Stopped before its last layer was fitted: no model was saved. Train again to finish it (the image features computed so far are cached).</source>
        <translation>在最后一层拟合完成之前已停止：没有保存模型。重新训练即可完成（已计算的图像特征已缓存）。</translation>
    </message>
    <message>
        <source>Stopped — no model saved; train again to finish it</source>
        <translation>已停止 — 没有保存模型；重新训练即可完成</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <source>▶ T&amp;rain</source>
        <translation>▶ 训练(&amp;R)</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Resume a run…</source>
        <translation>继续训练…</translation>
    </message>
    <message>
        <source>Continue a stopped run</source>
        <translation>继续一次已停止的训练</translation>
    </message>
    <message>
        <source>Save run configuration</source>
        <translation>保存训练配置</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>Configuration saved to {path}; run it with: desktop-cls train --config {path} DATASET</source>
        <translation>配置已保存到 {path}；可以这样运行：desktop-cls train --config {path} DATASET</translation>
    </message>
    <message>
        <source>Using run {0} for evaluation, classification and export</source>
        <translation>将训练记录 {0} 用于评估、分类和导出</translation>
    </message>
    <message>
        <source>PyTorch is still loading…</source>
        <translation>PyTorch 仍在加载…</translation>
    </message>
    <message>
        <source>Open a dataset on the Data page first</source>
        <translation>请先在“数据”页打开一个数据集</translation>
    </message>
    <message>
        <source>No training yet — choose a dataset on the Data page, then press Train (about 15 s on the demo data).</source>
        <translation>还没有训练——请在“数据”页选择一个数据集，然后点击“训练”（演示数据约需 15 秒）。</translation>
    </message>
    <message>
        <source>Ready to train on all {0:,} labeled images in {1} classes, accuracy by {2}-fold cross-validation — press Train (Ctrl+T).</source>
        <translation>可以在 {1} 个类别的全部 {0:,} 张已标注图像上训练，准确率由 {2} 折交叉验证衡量——点击“训练”（Ctrl+T）。</translation>
    </message>
    <message>
        <source>Ready to train on {0:,} images in {1} classes ({2:,} for validation) — press Train (Ctrl+T).</source>
        <translation>可以在 {1} 个类别的 {0:,} 张图像上训练（其中 {2:,} 张用于验证集）——点击“训练”（Ctrl+T）。</translation>
    </message>
    <message>
        <source>Reading {0}… Train waits until it is open.</source>
        <translation>正在读取 {0}… 读取完成后才能训练。</translation>
    </message>
    <message>
        <source>Label some images on the Label page first</source>
        <translation>请先在“标注”页标注一些图像</translation>
    </message>
    <message>
        <source>Not ready yet</source>
        <translation>尚未就绪</translation>
    </message>
    <message>
        <source>PyTorch is still loading; try again in a few seconds.</source>
        <translation>PyTorch 仍在加载；请几秒后再试。</translation>
    </message>
    <message>
        <source>{0} is still being read; press Train again once it is open.</source>
        <translation>仍在读取 {0}；读取完成后请再次按“训练”。</translation>
    </message>
    <message>
        <source>No dataset</source>
        <translation>没有数据集</translation>
    </message>
    <message>
        <source>Open a dataset folder on the Data page first.</source>
        <translation>请先在“数据”页打开一个数据集文件夹。</translation>
    </message>
    <message>
        <source>No classes yet</source>
        <translation>还没有类别</translation>
    </message>
    <message>
        <source>Only one class</source>
        <translation>只有一个类别</translation>
    </message>
    <message>
        <source>No classes yet: the images lie directly in the folder. On the Label page (Ctrl+2) press “New class…” for each class, then label a few images per class; then press Train.</source>
        <translation>还没有类别：图像都直接放在文件夹里。请在“标注”页（Ctrl+2）为每个类别按“新建类别…”，为每个类别标注几张图像，然后按“训练”。</translation>
    </message>
    <message>
        <source>Check the training options</source>
        <translation>请检查训练选项</translation>
    </message>
    <message>
        <source>Cannot resume</source>
        <translation>无法继续训练</translation>
    </message>
    <message>
        <source>{run} is in use: another window or process is training it. Wait for that training to end.</source>
        <translation>{run} 正在使用中：另一个窗口或进程正在训练它。请等那次训练结束。</translation>
    </message>
    <message>
        <source>Continuing run {0} at epoch {1} of {2}…</source>
        <translation>从第 {1} 个轮次（共 {2} 个）继续训练记录 {0}…</translation>
    </message>
    <message>
        <source>Training started on {0}</source>
        <translation>已开始在 {0} 上训练</translation>
    </message>
    <message>
        <source>Training started</source>
        <translation>已开始训练</translation>
    </message>
    <message>
        <source>Resumed</source>
        <translation>已继续</translation>
    </message>
    <message>
        <source>&amp;Start training</source>
        <translation>开始训练(&amp;S)</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>&amp;Pause / resume</source>
        <translation>暂停 / 继续(&amp;P)</translation>
    </message>
    <message>
        <source>Pause or resume</source>
        <translation>暂停或继续</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop: a run of epochs keeps its last finished one, a quick run saves no model; a run already saving its model finishes it</source>
        <translation>停止：按轮次训练的保留最后完成的轮次，快速训练不保存模型；已在保存模型的训练会先保存完</translation>
    </message>
    <message>
        <source>Save configuration as run &amp;file…</source>
        <translation>将配置另存为训练配置文件(&amp;F)…</translation>
    </message>
    <message>
        <source>Paused (the current batch finishes first)</source>
        <translation>已暂停（当前这一批会先完成）</translation>
    </message>
    <message>
        <source>Training is finishing its model. Quit anyway? The window closes once the model is saved; nothing is lost.</source>
        <translation>训练正在完成模型。仍要退出吗？模型保存后窗口才会关闭，不会丢失任何内容。</translation>
    </message>
    <message>
        <source>A quick run is going. Quit anyway? It stops unfinished and saves no model; you can train it again later.</source>
        <translation>快速训练正在进行。仍要退出吗？它会在完成前停止，不保存模型，之后可以重新训练。</translation>
    </message>
    <message>
        <source>Training is paused. Quit anyway? It stops and keeps its last finished epoch; you can resume it later.</source>
        <translation>训练已暂停。仍要退出吗？训练会停止并保留最后完成的轮次，之后可以继续训练。</translation>
    </message>
    <message>
        <source>Training is running. Quit anyway? Training stops cleanly and keeps its last finished epoch; you can resume it later.</source>
        <translation>训练正在进行。仍要退出吗？训练会干净地停止并保留最后完成的轮次，之后可以继续训练。</translation>
    </message>
    <message>
        <source>Finishing the model: training ends once it is saved…</source>
        <translation>正在完成模型：保存后训练即结束…</translation>
    </message>
    <message>
        <source>Stopping the quick run; it saves no model…</source>
        <translation>正在停止快速训练；不会保存模型…</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>将在这一批之后停止…</translation>
    </message>
    <message>
        <source>Stopping training…</source>
        <translation>正在停止训练…</translation>
    </message>
    <message>
        <source>Run {run} is kept under Past runs. It was trained on {folder}, not on the folder open now, so it becomes the model when {folder} is open again (double-click it in Past runs to use it now).</source>
        <translation>训练 {run} 已保存在“训练记录”中。它是在 {folder} 上训练的，而不是当前打开的文件夹，因此再次打开 {folder} 时它才会成为所用的模型（若要现在使用，请在“训练记录”中双击它）。</translation>
    </message>
    <message>
        <source>Evaluate, Classify and Export still use {current}: a stopped run does not replace the model. Double-click {run} in Past runs to use it.</source>
        <translation>“评估”“分类”和“导出”仍在使用 {current}：已停止的训练不会替换当前模型。若要使用它，请在“训练记录”中双击 {run}。</translation>
    </message>
    <message>
        <source>Evaluate, Classify and Export still use {current}. &lt;a href=&apos;#use&apos;&gt;Use this stopped run instead&lt;/a&gt;</source>
        <translation>“评估”“分类”和“导出”仍在使用 {current}。&lt;a href=&apos;#use&apos;&gt;改用这次已停止的训练&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Loss plot</source>
        <translation>损失曲线图</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Accuracy plot</source>
        <translation>准确率曲线图</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Learning-rate plot</source>
        <translation>学习率曲线图</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>train (smoothed)</source>
        <translation>训练集（平滑）</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练集</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证集</translation>
    </message>
    <message>
        <source>{0} (val)</source>
        <translation>{0}（验证集）</translation>
    </message>
</context>
<context>
    <name>TrashEmptying</name>
    <message>
        <source>Empty the trash?</source>
        <translation>清空回收站？</translation>
    </message>
    <message>
        <source>Images and classes deleted here go to your system trash, and those deletions can no longer be undone in desktop_cls.</source>
        <translation>在这里删除的图像和类别会移到系统回收站，这些删除将无法再在 desktop_cls 中撤销。</translation>
    </message>
    <message>
        <source>Emptying the trash…</source>
        <translation>正在清空回收站…</translation>
    </message>
    <message>
        <source>Trash not emptied</source>
        <translation>回收站未清空</translation>
    </message>
    <message>
        <source>Deleting for good cannot be undone. Kept, the items stay in this dataset&apos;s trash and their steps can still be undone.</source>
        <translation>永久删除后无法撤销。若保留，这些项目会留在此数据集的回收站中，相应的步骤仍可撤销。</translation>
    </message>
    <message>
        <source>Delete for good</source>
        <translation>永久删除</translation>
    </message>
    <message>
        <source>Keep them</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Deleting the trash for good…</source>
        <translation>正在永久删除回收站…</translation>
    </message>
    <message>
        <source>Trash emptied</source>
        <translation>回收站已清空</translation>
    </message>
</context>
<context>
    <name>VideoFileSource</name>
    <message>
        <source>Cannot play {0}: {1}</source>
        <translation>无法播放 {0}：{1}</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Cannot play {0}: not a video this system can decode.</source>
        <translation>无法播放 {0}：本系统无法解码此视频。</translation>
    </message>
</context>
<context>
    <name>VideoResultsPanel</name>
    <message>
        <source>Top class over time</source>
        <translation>首选类别随时间变化</translation>
    </message>
    <message>
        <source>class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Confidence over time</source>
        <translation>置信度随时间变化</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Save CSV…</source>
        <translation>保存 CSV…</translation>
    </message>
    <message>
        <source>One row per frame: frame, time, class, confidence</source>
        <translation>每帧一行：帧、时间、类别、置信度</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Back to the image table</source>
        <translation>返回图像表格</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message numerus="yes">
        <source>{0}: %n frame(s) classified over {1:.1f} s</source>
        <translation>
            <numerusform>{0}：在 {1:.1f} 秒内分类了 %n 帧</numerusform>
        </translation>
    </message>
    <message>
        <source>Only {0} of the {1} frames this file announces could be decoded: it looks truncated or damaged, and the rest was not classified.</source>
        <translation>此文件声明有 {1} 帧，但只能解码其中 {0} 帧：文件似乎被截断或已损坏，其余部分未分类。</translation>
    </message>
    <message>
        <source>{0:.1f}–{1:.1f} s: {2} ({3:.0%})</source>
        <translation>{0:.1f}–{1:.1f} 秒：{2}（{3:.0%}）</translation>
    </message>
    <message>
        <source>… {0} more changes of class; the CSV has every frame</source>
        <translation>……还有 {0} 次类别变化；CSV 中有每一帧</translation>
    </message>
    <message>
        <source>Save frame predictions</source>
        <translation>保存逐帧预测结果</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>CSV not saved</source>
        <translation>CSV 未保存</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>VideoSources</name>
    <message>
        <source>Video is not available: the system library {0} that Qt Multimedia needs is missing. On Debian or Ubuntu, install it with: sudo apt install {1}</source>
        <translation>视频不可用：缺少 Qt Multimedia 所需的系统库 {0}。在 Debian 或 Ubuntu 上可以这样安装：sudo apt install {1}</translation>
    </message>
    <message>
        <source>Video is not available in this installation: the Qt Multimedia module is missing. Reinstall desktop_cls, or add it with: pip install PySide6-Addons</source>
        <translation>此安装中视频不可用：缺少 Qt Multimedia 模块。请重新安装 desktop_cls，或者用 pip install PySide6-Addons 补上。</translation>
    </message>
    <message>
        <source>Video is not available in this installation: Qt Multimedia found no backend (its plugins/multimedia folder is missing or cannot load). Reinstall desktop_cls.</source>
        <translation>此安装中视频不可用：Qt Multimedia 找不到后端（其 plugins/multimedia 文件夹缺失或无法加载）。请重新安装 desktop_cls。</translation>
    </message>
    <message>
        <source>the package that provides {0}</source>
        <translation>提供 {0} 的软件包</translation>
    </message>
</context>
<context>
    <name>WeightsDialog</name>
    <message>
        <source>Pretrained weights for {model}</source>
        <translation>{model} 的预训练权重</translation>
    </message>
    <message>
        <source>The official ImageNet weights for {model} are not on this computer. Download them once (this needs the internet), or import a copy you already have.</source>
        <translation>这台电脑上没有 {model} 的官方 ImageNet 权重。请下载一次（需要联网），或导入您已有的副本。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Fetch the official file from the internet (its checksum is checked)</source>
        <translation>从网上获取官方文件（会校验其校验和）</translation>
    </message>
    <message>
        <source>Import file…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Use a weights file you already have (its checksum is checked)</source>
        <translation>使用您已有的权重文件（会校验其校验和）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Checking {file}…</source>
        <translation>正在检查 {file}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Weights file for {model}</source>
        <translation>{model} 的权重文件</translation>
    </message>
    <message>
        <source>Weights (*.pth *.pt *.bin *.safetensors);;All files (*)</source>
        <translation>权重 (*.pth *.pt *.bin *.safetensors);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Ready: {path}</source>
        <translation>已就绪：{path}</translation>
    </message>
    <message>
        <source>Cancelled: nothing was saved.</source>
        <translation>已取消：没有保存任何内容。</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>Recent r&amp;uns</source>
        <translation>最近的训练记录(&amp;U)</translation>
    </message>
    <message>
        <source>Open &amp;model or run…</source>
        <translation>打开模型或训练记录(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Undo the last labeling step</source>
        <translation>撤销上一步标注</translation>
    </message>
    <message>
        <source>Redo the labeling step undone last</source>
        <translation>重做最近撤销的标注步骤</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About desktop_cls</source>
        <translation>关于 desktop_cls(&amp;A)</translation>
    </message>
    <message>
        <source>The new language is used from the next start. Restart desktop_cls now? A running training is asked about first.</source>
        <translation>新语言将在下次启动时生效。现在重新启动 desktop_cls 吗？如有正在进行的训练，会先询问你。</translation>
    </message>
    <message>
        <source>No recent folders</source>
        <translation>没有最近的文件夹</translation>
    </message>
    <message>
        <source>No recent runs</source>
        <translation>没有最近的训练记录</translation>
    </message>
    <message>
        <source>{run} (trained on {folder})</source>
        <translation>{run}（训练所用数据集：{folder}）</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>No model in this run</source>
        <translation>此运行没有模型</translation>
    </message>
    <message>
        <source>About desktop_cls</source>
        <translation>关于 desktop_cls</translation>
    </message>
    <message>
        <source>desktop_cls {version}
Train image classifiers on your own computer, offline.</source>
        <translation>desktop_cls {version}
在你自己的电脑上离线训练图像分类器。</translation>
    </message>
    <message>
        <source>Bundled network weights: EfficientNet-Lite0 and EfficientNet-Lite2 (ImageNet), Apache License 2.0, © 2020 ML Illustrated, converted from Google&apos;s TensorFlow checkpoints.</source>
        <translation>随附的网络权重：EfficientNet-Lite0 和 EfficientNet-Lite2（ImageNet），Apache License 2.0，© 2020 ML Illustrated，由 Google 的 TensorFlow 检查点转换而来。</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message numerus="yes">
        <source>Filing %n image(s)…</source>
        <translation>
            <numerusform>正在保存 %n 张图像的标注…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Filing %n labeling step(s)…</source>
        <translation>
            <numerusform>正在保存 %n 个标注步骤…</numerusform>
        </translation>
    </message>
    <message>
        <source>Filing {images} and {steps}…</source>
        <translation>正在保存 {images}和{steps}…</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图像的标注</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more step(s)</source>
        <translation>
            <numerusform>另外 %n 个步骤</numerusform>
        </translation>
    </message>
    <message>
        <source>{filing} then {next}</source>
        <translation>{filing}，然后{next}</translation>
    </message>
</context>
</TS>
