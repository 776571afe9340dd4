<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>AcceptDialog</name>
    <message numerus="yes">
        <source>%n image(s) of {0} ticked</source>
        <translation>
            <numerusform>%n image of {0} ticked</numerusform>
            <numerusform>%n images of {0} ticked</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n image(s)</source>
        <translation>
            <numerusform>Move %n image</numerusform>
            <numerusform>Move %n images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>CapturePanel</name>
    <message numerus="yes">
        <source>Recording into &apos;{0}&apos;: %n frame(s)…</source>
        <translation>
            <numerusform>Recording into &apos;{0}&apos;: %n frame…</numerusform>
            <numerusform>Recording into &apos;{0}&apos;: %n frames…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n captured image(s) go into &apos;{0}&apos; once the Label page&apos;s keys are filed.</source>
        <translation>
            <numerusform>%n captured image goes into &apos;{0}&apos; once the Label page&apos;s keys are filed.</numerusform>
            <numerusform>%n captured images go into &apos;{0}&apos; once the Label page&apos;s keys are filed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n image(s) to &apos;{0}&apos;.</source>
        <translation>
            <numerusform>Added %n image to &apos;{0}&apos;.</numerusform>
            <numerusform>Added %n images to &apos;{0}&apos;.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassFilter</name>
    <message numerus="yes">
        <source>All classes (%Ln image(s))</source>
        <translation>
            <numerusform>All classes (%Ln image)</numerusform>
            <numerusform>All classes (%Ln images)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not labeled yet (%Ln image(s))</source>
        <translation>
            <numerusform>Not labeled yet (%Ln image)</numerusform>
            <numerusform>Not labeled yet (%Ln images)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassifyResults</name>
    <message numerus="yes">
        <source>%n chosen item(s)</source>
        <translation>
            <numerusform>%n chosen item</numerusform>
            <numerusform>%n chosen items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copied %n image(s) into {0} (existing files were kept; name clashes got a number).</source>
        <translation>
            <numerusform>Copied %n image into {0} (existing files were kept; name clashes got a number).</numerusform>
            <numerusform>Copied %n images into {0} (existing files were kept; name clashes got a number).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more file(s).</source>
        <translation>
            <numerusform>…and %n more file.</numerusform>
            <numerusform>…and %n more files.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassifySummary</name>
    <message numerus="yes">
        <source>%n image(s) classified</source>
        <translation>
            <numerusform>%n image classified</numerusform>
            <numerusform>%n images classified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped after %n image(s)</source>
        <translation>
            <numerusform>Stopped after %n image</numerusform>
            <numerusform>Stopped after %n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unsure (under {0:.0%})</source>
        <translation>
            <numerusform>%n unsure (under {0:.0%})</numerusform>
            <numerusform>%n unsure (under {0:.0%})</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n could not be read</numerusform>
            <numerusform>%n could not be read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConfusionModel</name>
    <message numerus="yes">
        <source>%n image(s) of &apos;{0}&apos; predicted as &apos;{1}&apos;</source>
        <translation>
            <numerusform>%n image of &apos;{0}&apos; predicted as &apos;{1}&apos;</numerusform>
            <numerusform>%n images of &apos;{0}&apos; predicted as &apos;{1}&apos;</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImageImport</name>
    <message numerus="yes">
        <source>%n image(s) imported.</source>
        <translation>
            <numerusform>%n image imported.</numerusform>
            <numerusform>%n images imported.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more file(s).</source>
        <translation>
            <numerusform>…and %n more file.</numerusform>
            <numerusform>…and %n more files.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LiveLine</name>
    <message numerus="yes">
        <source>Suggestions ready for %n unlabeled image(s)</source>
        <translation>
            <numerusform>Suggestions ready for %n unlabeled image</numerusform>
            <numerusform>Suggestions ready for %n unlabeled images</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%Ln image(s)</source>
        <translation>
            <numerusform>%Ln image</numerusform>
            <numerusform>%Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n class</numerusform>
            <numerusform>%n classes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MistakesGallery</name>
    <message numerus="yes">
        <source>%n misclassified image(s), most confident mistakes first</source>
        <translation>
            <numerusform>%n misclassified image, most confident mistakes first</numerusform>
            <numerusform>%n misclassified images, most confident mistakes first</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of &apos;{0}&apos; predicted as &apos;{1}&apos;</source>
        <translation>
            <numerusform>%n image of &apos;{0}&apos; predicted as &apos;{1}&apos;</numerusform>
            <numerusform>%n images of &apos;{0}&apos; predicted as &apos;{1}&apos;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) moved to the trash — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</source>
        <translation>
            <numerusform>%n image moved to the trash — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</numerusform>
            <numerusform>%n images moved to the trash — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) moved to &apos;{0}&apos; — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</source>
        <translation>
            <numerusform>%n image moved to &apos;{0}&apos; — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</numerusform>
            <numerusform>%n images moved to &apos;{0}&apos; — Ctrl+Z on the Label page undoes it; evaluate again to update the numbers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PredictionPreview</name>
    <message numerus="yes">
        <source>Model ready: %n class(es)</source>
        <translation>
            <numerusform>Model ready: %n class</numerusform>
            <numerusform>Model ready: %n classes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunCounts</name>
    <message numerus="yes">
        <source>Finished %n epoch(s) in {0:.1f} s; {1}.</source>
        <translation>
            <numerusform>Finished %n epoch in {0:.1f} s; {1}.</numerusform>
            <numerusform>Finished %n epochs in {0:.1f} s; {1}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped after {0} of %n epoch(s); {1}. Resume it from “Resume a run…”.</source>
        <translation>
            <numerusform>Stopped after {0} of %n epoch; {1}. Resume it from “Resume a run…”.</numerusform>
            <numerusform>Stopped after {0} of %n epochs; {1}. Resume it from “Resume a run…”.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) that cannot be read are left out (see Data → Problems).</source>
        <translation>
            <numerusform>%n image that cannot be read is left out (see Data → Problems).</numerusform>
            <numerusform>%n images that cannot be read are left out (see Data → Problems).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SummaryCounts</name>
    <message numerus="yes">
        <source>&lt;b&gt;%Ln&lt;/b&gt; image(s)</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; image</numerusform>
            <numerusform>&lt;b&gt;%Ln&lt;/b&gt; images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%n&lt;/b&gt; class(es)</source>
        <translation>
            <numerusform>&lt;b&gt;%n&lt;/b&gt; class</numerusform>
            <numerusform>&lt;b&gt;%n&lt;/b&gt; classes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>⚠ Only %n validation image(s): accuracy will be a rough estimate.</source>
        <translation>
            <numerusform>⚠ Only %n validation image: accuracy will be a rough estimate.</numerusform>
            <numerusform>⚠ Only %n validation images: accuracy will be a rough estimate.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln unlabeled image(s) lie directly in the folder.</source>
        <translation>
            <numerusform>%Ln unlabeled image lies directly in the folder.</numerusform>
            <numerusform>%Ln unlabeled images lie directly in the folder.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;a href=&apos;#problems&apos;&gt;%n problem(s)&lt;/a&gt;</source>
        <translation>
            <numerusform>&lt;a href=&apos;#problems&apos;&gt;%n problem&lt;/a&gt;</numerusform>
            <numerusform>&lt;a href=&apos;#problems&apos;&gt;%n problems&lt;/a&gt;</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VideoResultsPanel</name>
    <message numerus="yes">
        <source>{0}: %n frame(s) classified over {1:.1f} s</source>
        <translation>
            <numerusform>{0}: %n frame classified over {1:.1f} s</numerusform>
            <numerusform>{0}: %n frames classified over {1:.1f} s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message numerus="yes">
        <source>Filing %n image(s)…</source>
        <translation>
            <numerusform>Filing %n image…</numerusform>
            <numerusform>Filing %n images…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Filing %n labeling step(s)…</source>
        <translation>
            <numerusform>Filing %n labeling step…</numerusform>
            <numerusform>Filing %n labeling steps…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n image</numerusform>
            <numerusform>%n images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n more step(s)</source>
        <translation>
            <numerusform>%n more step</numerusform>
            <numerusform>%n more steps</numerusform>
        </translation>
    </message>
</context>
</TS>
