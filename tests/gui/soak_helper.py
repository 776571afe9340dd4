"""Drive the real window through an hour of live use in seconds, then report (test helper).

    python soak_helper.py RUN_DIR SECONDS_OF_USE

One round stands for two seconds of use: twenty training batches (the trainer reports ten a second:
progress bar, progress and status labels), one redraw of the six curves, an epoch every minute (log,
epoch curves), a new training run every ten minutes, a webcam frame shown and, when the model is idle,
classified (prediction label, top-k bars); both pages are painted every PAINT_EVERY rounds.
Prints one JSON line with sys.getrefcount(None) sampled as it goes: a binding that takes a reference
from None on each Qt call that returns nothing (PySide6 6.12.0 on Python < 3.12) loses tens of
thousands here and aborts the process with "none_dealloc" long before the end.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])

from desktop_cls.core.events import BatchEnd, EpochEnd  # noqa: E402
from desktop_cls.gui.shell.main_window import MainWindow  # noqa: E402

run_dir, rounds = sys.argv[1], int(sys.argv[2]) // 2
BATCHES_PER_ROUND, STEPS_PER_EPOCH, WARMUP, PAINT_EVERY, SAMPLE_EVERY = 20, 600, 50, 30, 150


def wait_for(condition: object, timeout_s: float = 120.0) -> None:
    end = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.005)


def batch(step: int) -> BatchEnd:
    return BatchEnd(epoch=1 + (step - 1) // STEPS_PER_EPOCH, step=1 + (step - 1) % STEPS_PER_EPOCH,
                    steps_per_epoch=STEPS_PER_EPOCH, global_step=step, loss=1.0 / step, lr=0.01,
                    images_per_s=500.0, eta_s=3600.0, gpu_memory_mb=0.0)


def epoch_end(epoch: int) -> EpochEnd:
    return EpochEnd(epoch=epoch, epochs=10**6, train_loss=0.5, train_accuracy=0.8, val_loss=0.6,
                    val_accuracy=0.75, lr=0.01, seconds=60.0, images_per_s=500.0, is_best=False)


w = MainWindow(load_core=False)
w.resize(1280, 800)
w.show()
w.wait_until_core_loaded()
tp, cp = w.train_page, w.classify_page
w.state.set_run(run_dir)
wait_for(lambda: cp.model.loaded)
w.show_page("data")  # plots and preview update while hidden, as when the user looks at another page
frames = [QImage(64, 48, QImage.Format.Format_RGB888) for _ in range(2)]
frames[0].fill(Qt.GlobalColor.red)
frames[1].fill(Qt.GlobalColor.blue)
tp.monitor.begin(10**6, None, quick=False)  # one endless training

samples: list[int] = []
t0 = time.perf_counter()
step = 0
for r in range(WARMUP + rounds):
    if r == WARMUP:
        samples.append(sys.getrefcount(None))
        t0 = time.perf_counter()
    for _ in range(BATCHES_PER_ROUND):
        step += 1
        tp.monitor.event(batch(step))
        if step % STEPS_PER_EPOCH == 0:
            tp.monitor.event(epoch_end(step // STEPS_PER_EPOCH))
        if step % (STEPS_PER_EPOCH * 10) == 0:
            tp.monitor.plots.reset()
    tp.monitor.plots.redraw()
    cp.live.show(frames[r // 15 % 2])  # the scene changes every 30 s
    if r % PAINT_EVERY == 0:
        for page in ("train", "classify", "data"):
            w.show_page(page)
            w.repaint()
    app.processEvents()
    if r >= WARMUP and (r - WARMUP) % SAMPLE_EVERY == SAMPLE_EVERY - 1:
        samples.append(sys.getrefcount(None))
wait_for(lambda: not cp.model.frame_busy)
elapsed = time.perf_counter() - t0
samples.append(sys.getrefcount(None))
print(json.dumps({"seconds_of_use": 2 * rounds, "wall_s": round(elapsed, 2), "none_refs": samples,
                  "none_drift": samples[-1] - samples[0], "frames_shown": cp.model.frames_shown,
                  "frames_classified": cp.model.frames_classified, "batches": step,
                  "last_label": cp.model.last_frame_pred.label if cp.model.last_frame_pred else None}), flush=True)
w.shutdown()
