<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CapturePanel</name>
    <message>
        <source>Frames per second while a class button is held</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> frames/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold a class button to record at this rate; a click takes one frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo capture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the last capture out of its class again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hold to record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a dataset on the Data page to capture frames into its classes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The dataset has no classes yet: add one on the Label page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture into {0}: click a class (or press its number) for one frame, hold it to record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture into {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click: one frame into &apos;{0}&apos;. Hold: record until released.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No picture yet: start the webcam (or a video) first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save the frame into the dataset: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recording into &apos;{0}&apos;: {1} frame(s)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Capture not labeled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}. The captured images are kept among the unlabeled ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {0} image(s) to &apos;{1}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undone: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ClassifyPage</name>
    <message>
        <source>Classify a vi&amp;deo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The top class of every frame of a video file, over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Predicted: {0} ({1:.1%})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read this image: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Video to classify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Videos ({0})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train a model first, or open an exported one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot classify this video</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatasetPage</name>
    <message>
        <source>{0} is still open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open this folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test images are kept for the final evaluation: training never sees them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (random {0:.0%} held out per class)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (no val/ folder: a random {0:.0%} of train/ per class is held out for validation)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (from the train/ and val/ folders)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class: {0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EvaluatePage</name>
    <message>
        <source>· model of epoch {0} of {1} (the best on validation, as training reported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>True class: {0} · predicted: {1} ({2:.0%})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <source>Model to export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run folder (train a model first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OpenVINO is not installed with this copy (pip install openvino); it also reads the ONNX file directly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Destination folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace existing files with the same name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>▶ E&amp;xport</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export, verify and measure each format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop exporting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export results</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each export is compared with the trained model on the run&apos;s validation images; the figures appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Example script</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A short script that uses the selected model without desktop_cls is written beside it and shown here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sidecar metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The metadata file written beside each model appears here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use it elsewhere</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metadata (sidecar JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Formats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model yet — train one on the Train page; the best epoch is exported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports the best epoch of {0}. Each file is checked against the trained model before it is reported done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Train a model first, or type the path of a run folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick at least one format.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} (PyTorch, fp32)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the run&apos;s model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Measured on {0}, one image at a time on this computer. Agreement: how often the export picks the same class as the trained model.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verified on random inputs only: {0}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>safetensors is for desktop_cls (desktop-cls predict MODEL IMAGE) and PyTorch code that builds the same architecture; pick ONNX or OpenVINO to use the model elsewhere.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <source>Image viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous image (Left)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next image (Right)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit the window (F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>100 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One image pixel per screen pixel (1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom in (+, or Ctrl and the mouse wheel)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the folder with this file in the file manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Esc</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0} — image {1} of {2}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is a folder, not an image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file cannot be shown: it is not a readable image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (fit)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InterruptedRunBanner</name>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continue the run from its last finished epoch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the run as it is; it stays in the runs list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run “{0}” was interrupted after epoch {1}: the app or the computer stopped while it trained. Resume continues from the last finished epoch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training run “{0}” was interrupted before its first epoch finished: there is nothing to resume. Start a new training on the Train page.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LabelPage</name>
    <message>
        <source>Live suggestions (bundled pretrained model)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After each image you label, a new last layer is fitted on the bundled pretrained network&apos;s features of your labelled images (computed once, then cached) and suggests a class for the rest. No trained model needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labeling history repaired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put this image in &apos;{0}&apos; (key {1}; or drop images here)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put this image in &apos;{0}&apos; (or drop images here)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggested: &lt;b&gt;{0}&lt;/b&gt; ({1:.0%} sure) — Enter accepts it</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LabelingUndo</name>
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
    <name>LiveVideoPanel</name>
    <message>
        <source>Camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Freeze the live view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the current frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No camera found. Connect a camera and press Webcam again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No picture from {0} yet. Is another program using it, or is it covered?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the camera</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshot not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write {0}: choose another folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This app may not use the camera. Allow it in the system settings (Privacy → Camera), then press Webcam again.</source>
        <translation type="unfinished"></translation>
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
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>PyTorch could not be loaded</source>
        <translation>无法加载 PyTorch</translation>
    </message>
    <message>
        <source>No dataset</source>
        <translation>没有数据集</translation>
    </message>
    <message>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
    <message>
        <source>{folder}: {images:,} images, {classes} classes</source>
        <translation>{folder}：{images:,} 个图像，{classes} 个类别</translation>
    </message>
    <message>
        <source>Training is running. Quit anyway? Training stops cleanly and keeps its last finished epoch; you can resume it later.</source>
        <translation>训练正在进行。仍要退出吗？训练会干净地停止并保留最后完成的轮次，之后可以继续训练。</translation>
    </message>
    <message>
        <source>The task “{task}” is still running. Quit anyway? It is cancelled unfinished.</source>
        <translation>任务“{task}”仍在运行。仍要退出吗？它会被取消，不会完成。</translation>
    </message>
    <message>
        <source>Quit desktop_cls?</source>
        <translation>退出 desktop_cls？</translation>
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
        <source>desktop_cls cannot write to {folder} ({reason}).

Choose a folder you can write to (one in your home folder, or on a disk with free space), or change this folder&apos;s permissions so that you can write to it.</source>
        <translation>desktop_cls 无法写入 {folder}（{reason}）。

请选择一个可以写入的文件夹（例如主文件夹中的文件夹，或有剩余空间的磁盘上的文件夹），或更改此文件夹的权限，使你可以写入。</translation>
    </message>
</context>
<context>
    <name>ProblemPreview</name>
    <message>
        <source>Selected problem, side by side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a problem to see its file (and, for a copy, the other file) here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same pixels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same picture once aligned and matched for brightness: {0:.1%} different (the limit is {1:.0%}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(cannot show)</source>
        <translation type="unfinished"></translation>
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
    <name>TrainForm</name>
    <message>
        <source>Method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training method</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic (recommended): chosen from your images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pretrained (bundled EfficientNet-Lite0), quick</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pretrained (bundled EfficientNet-Lite0), fine-tune</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From scratch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom: the model and options below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quick: a network already trained on a million photos stays as it is and only a new last layer learns your classes, in seconds; the best start with few images. Fine-tune: the same network, then all of it adapts to your images; slower, often better with many images. From scratch: a small network learns everything from your images; good with thousands of small images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pretrained backbone, quick mode: the best start with few images; open a dataset to have the choice made from it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quick: the bundled network, trained on a million photos, stays as it is; only a new last layer learns your classes. Takes seconds, and later re-fits reuse the computed image features.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fine-tune: the new last layer learns first, then the whole bundled network adapts to your images at a gentle learning rate. Minutes on a CPU; often better with many images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From scratch: a small network learns everything from your images. Good with thousands of small images; weak with few.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom: training uses the model and options below as set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggested: {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <source>Messages from training appear here: each epoch&apos;s loss and accuracy, the choices made for you and any warnings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Past runs (check, double-click)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check runs to compare their accuracy curves; double-click one to use it for evaluation, classification and export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another window or process is training this run right now; it cannot be resumed until that training ends.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No training yet — choose a dataset on the Data page, then press Train (about 15 s on the demo data).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ready to train on {0:,} images in {1} classes ({2:,} for validation) — press Train (Ctrl+T).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{run} is in use: another window or process is training it. Wait for that training to end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continuing run {0} at epoch {1} of {2}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training started{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>VideoResultsPanel</name>
    <message>
        <source>Top class over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confidence over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One row per frame: frame, time, class, confidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the image table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0}: {1} frames classified over {2:.1f} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{0:.1f}–{1:.1f} s: {2} ({3:.0%})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… {0} more changes of class; the CSV has every frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save frame predictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation type="unfinished"></translation>
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
        <source>&amp;Open folder…</source>
        <translation>打开文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Try the &amp;demo dataset</source>
        <translation>试用演示数据集(&amp;D)</translation>
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
        <source>&amp;Start training</source>
        <translation>开始训练(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Pause / resume</source>
        <translation>暂停 / 继续(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Evaluate the model</source>
        <translation>评估模型(&amp;E)</translation>
    </message>
    <message>
        <source>Save configuration as run &amp;file…</source>
        <translation>将配置另存为训练配置文件(&amp;F)…</translation>
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
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
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
</context>
<context>
    <name>parent</name>
    <message>
        <source>Show in folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file manager could be opened on this computer.

The file is in:
{0}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
  … and {0:,} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move {0:,} files ({1:.0%} of the {2:,} images) to the trash?

{3}{4}

They go to the dataset&apos;s trash; Undo brings them back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move many files?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
