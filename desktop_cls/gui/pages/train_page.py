"""Train page: every training option, Start/Pause/Stop, live plots, progress, log and past runs."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.catalog import MODELS
from ...core.config import OPTIMIZERS, SCHEDULES, Augmentation, TrainConfig
from ...core.errors import UserError
from ...core.events import BatchEnd, EpochEnd, Notice, StageChanged
from ..dialogs import show_error
from ..state import AppState
from ..tasks import Task, TaskRunner
from ..train_worker import TrainWorker, start_training

REDRAW_MS = 100
SMOOTHING = 0.9

TIPS = {
    "epochs": "How many times training goes through all training images. More epochs: better fit, longer "
              "training (e.g. 15 for the demo data).",
    "batch": "Images processed together in one step. Larger is faster on a GPU but uses more memory; 32 is a "
             "safe start.",
    "lr": "How big each learning step is. Too high and training jumps around; too low and it crawls "
          "(e.g. 0.003 for Adam, 0.05 for SGD).",
    "aug": "Random flips, crops and colour changes of training images so the model does not memorise them.",
    "val": "Share of each class's images held back to measure accuracy honestly.",
    "smoothing": "Softens the training targets a little; usually improves accuracy and confidence calibration.",
    "weighting": "Gives rare classes more weight so the model does not ignore them.",
    "early": "Stop when validation accuracy has not improved for this many epochs (0 = never).",
}


def _spin(name: str, lo: int, hi: int, value: int, tip: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setObjectName(name)
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccessibleName(name.replace("Spin", ""))
    return s


def _dspin(name: str, lo: float, hi: float, value: float, decimals: int, step: float, tip: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setObjectName(name)
    s.setDecimals(decimals)
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccessibleName(name.replace("Spin", ""))
    return s


def _button(text: str, name: str, tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAccessibleName(text.replace("&", ""))
    b.setToolTip(tip)
    return b


class TrainPage(QWidget):
    progress_text = Signal(str, int, int)

    def __init__(self, state: AppState, tasks: TaskRunner) -> None:
        super().__init__()
        self.state = state
        self.tasks = tasks
        self.worker: TrainWorker | None = None
        self.task: Task | None = None
        self._dirty = False
        self._reset_buffers()
        self._build_form()
        self._build_plots()

        self.train_button = _button("▶ &Train", "trainButton", "Start training (Ctrl+T)")
        self.train_button.clicked.connect(self.start)
        self.pause_button = _button("Pause", "pauseButton", "Pause or resume (Ctrl+P)")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = _button("Stop", "stopButton", "Stop after this batch; the last finished epoch is kept")
        self.stop_button.clicked.connect(self.stop)
        self.resume_button = _button("Resume a run…", "resumeRunButton", "Continue a stopped run")
        self.resume_button.clicked.connect(self.resume_dialog)
        self.progress = QProgressBar()
        self.progress.setObjectName("trainProgress")
        self.progress.setAccessibleName("Training progress")
        self.progress.setValue(0)
        self.progress_label = QLabel("No training yet — choose a dataset on the Data page, then press Train "
                                     "(about 15 s on the demo data).")
        self.progress_label.setObjectName("trainStatus")
        self.progress_label.setWordWrap(True)
        self.log = QPlainTextEdit()
        self.log.setObjectName("trainLog")
        self.log.setAccessibleName("Training log")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.runs_list = QListWidget()
        self.runs_list.setObjectName("pastRunsList")
        self.runs_list.setAccessibleName("Past runs: check to compare")
        self.runs_list.itemChanged.connect(lambda _i: self._mark_dirty())
        self.runs_list.itemDoubleClicked.connect(self._use_run)

        buttons = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button, self.resume_button):
            buttons.addWidget(b)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(buttons)
        ll.addWidget(self.progress)
        ll.addWidget(self.progress_label)
        ll.addWidget(self.plots, 3)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.log)
        runs_box = QGroupBox("Past runs (check to compare, double-click to use)")
        QVBoxLayout(runs_box).addWidget(self.runs_list)
        bottom.addWidget(runs_box)
        ll.addWidget(bottom, 1)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form_widget)
        scrollbar = form_scroll.verticalScrollBar().sizeHint().width()
        form_scroll.setMinimumWidth(self.form_widget.sizeHint().width() + scrollbar + 8)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(form_scroll)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self._redraw)
        self.timer.start()
        self._set_running(False)
        state.core_ready.connect(self._on_core_ready)
        state.dataset_changed.connect(lambda _i: self._update_enabled())
        self._apply_saved(state.settings.last_train_config)
        self.refresh_runs()

    # ---- form ----------------------------------------------------------------------------------
    def _build_form(self) -> None:
        d = TrainConfig()
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setAccessibleName("Model")
        for m in MODELS.values():
            self.model_combo.addItem(m.name, m.name)
        self.model_info = QLabel()
        self.model_info.setWordWrap(True)
        self.model_info.setObjectName("modelDescription")
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.epochs_spin = _spin("epochsSpin", 1, 10_000, 15, TIPS["epochs"])
        self.batch_spin = _spin("batchSizeSpin", 1, 8192, d.batch_size, TIPS["batch"])
        self.lr_spin = _dspin("learningRateSpin", 1e-6, 10.0, d.lr, 6, 0.0005, TIPS["lr"])
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setAccessibleName("Device")
        self.device_combo.addItem("Automatic (GPU if present)", "auto")
        self.device_combo.addItem("CPU", "cpu")
        self.image_size_spin = _spin("imageSizeSpin", 8, 1024, d.image_size, "Images are resized to this square size")
        self.pretrained_check = QCheckBox("Start from ImageNet weights (torchvision models)")
        self.pretrained_check.setObjectName("pretrainedCheck")

        basic = QFormLayout()
        basic.addRow("Model", self.model_combo)
        basic.addRow("", self.model_info)
        basic.addRow("Epochs", self.epochs_spin)
        basic.addRow("Batch size", self.batch_spin)
        self.find_lr_button = _button("Find…", "findLrButton", "Run a short learning-rate range test on your "
                                      "data and suggest a value")
        self.find_lr_button.clicked.connect(self.find_lr)
        lr_row = QHBoxLayout()
        lr_row.addWidget(self.lr_spin, 1)
        lr_row.addWidget(self.find_lr_button)
        basic.addRow("Learning rate", lr_row)
        basic.addRow("Device", self.device_combo)
        basic.addRow("Image size (px)", self.image_size_spin)
        basic.addRow("", self.pretrained_check)

        self.optimizer_combo = QComboBox()
        self.optimizer_combo.setObjectName("optimizerCombo")
        self.optimizer_combo.addItems(list(OPTIMIZERS))
        self.optimizer_combo.setCurrentText(d.optimizer)
        self.schedule_combo = QComboBox()
        self.schedule_combo.setObjectName("scheduleCombo")
        self.schedule_combo.addItems(list(SCHEDULES))
        self.schedule_combo.setCurrentText(d.schedule)
        self.wd_spin = _dspin("weightDecaySpin", 0, 1, d.weight_decay, 5, 0.001, "Pulls weights towards zero to "
                              "reduce overfitting")
        self.smooth_spin = _dspin("labelSmoothingSpin", 0, 0.5, d.label_smoothing, 2, 0.05, TIPS["smoothing"])
        self.clip_spin = _dspin("gradClipSpin", 0, 100, d.grad_clip, 2, 0.5, "Largest allowed gradient norm (0 = off)")
        self.val_spin = _dspin("valSplitSpin", 0, 0.9, d.val_fraction, 2, 0.05, TIPS["val"])
        self.seed_spin = _spin("seedSpin", 0, 2**31 - 1, d.seed, "Same seed, same data and options: same result")
        self.early_spin = _spin("earlyStoppingSpin", 0, 1000, d.early_stopping_patience, TIPS["early"])
        self.weighting_check = QCheckBox("Weight classes by rarity")
        self.weighting_check.setObjectName("classWeightingCheck")
        self.weighting_check.setToolTip(TIPS["weighting"])
        a = d.augmentation
        self.hflip_check = QCheckBox("Horizontal flip")
        self.hflip_check.setChecked(a.hflip)
        self.vflip_check = QCheckBox("Vertical flip")
        self.vflip_check.setChecked(a.vflip)
        self.crop_check = QCheckBox("Random resized crop")
        self.crop_check.setChecked(a.random_resized_crop)
        self.rotation_spin = _dspin("rotationSpin", 0, 180, a.rotation_degrees, 0, 5, "Random rotation up to ± degrees")
        self.jitter_spin = _dspin("colorJitterSpin", 0, 1, a.color_jitter, 2, 0.05, "Random brightness, contrast "
                                  "and saturation changes")
        for c, n in ((self.hflip_check, "hflipCheck"), (self.vflip_check, "vflipCheck"),
                     (self.crop_check, "cropCheck")):
            c.setObjectName(n)
            c.setToolTip(TIPS["aug"])
        self.precision_combo = QComboBox()
        self.precision_combo.setObjectName("precisionCombo")
        self.precision_combo.addItems(["auto", "fp32", "bf16", "fp16"])
        self.cache_combo = QComboBox()
        self.cache_combo.setObjectName("cacheCombo")
        self.cache_combo.addItems(["auto", "ram", "disk", "off"])
        self.cache_combo.setToolTip("Keep decoded images in memory (and on disk, so the next run starts warm)")
        self.momentum_spin = _dspin("momentumSpin", 0, 0.999, d.momentum, 3, 0.05, "SGD momentum: how much of the "
                                    "previous step carries over (0.9 is usual)")
        self.nesterov_check = QCheckBox("Nesterov momentum (SGD)")
        self.nesterov_check.setObjectName("nesterovCheck")
        self.nesterov_check.setChecked(d.nesterov)
        self.warmup_spin = _dspin("warmupSpin", 0, 100, d.warmup_epochs, 1, 0.5, "Epochs of slowly rising learning "
                                  "rate at the start (cosine, step and warmup schedules)")
        self.step_size_spin = _spin("stepSizeSpin", 1, 10_000, d.step_size, "Step schedule: epochs between drops")
        self.step_gamma_spin = _dspin("stepGammaSpin", 0.001, 1, d.step_gamma, 3, 0.05,
                                      "Step schedule: the learning rate is multiplied by this at each drop")
        self.workers_spin = _spin("workersSpin", 0, 64, d.num_workers, "Loader processes when images do not fit in "
                                  "memory (0 = automatic)")
        self.compile_check = QCheckBox("torch.compile (long GPU runs only)")
        self.compile_check.setObjectName("compileCheck")
        self.channels_last_check = QCheckBox("channels-last memory layout (GPU)")
        self.channels_last_check.setObjectName("channelsLastCheck")
        self.channels_last_check.setChecked(d.channels_last)
        self.weights_edit = QLineEdit()
        self.weights_edit.setObjectName("weightsFileEdit")
        self.weights_edit.setPlaceholderText("optional pretrained weights file (.safetensors/.pth)")
        self.download_check = QCheckBox("Allow downloading pretrained weights")
        self.download_check.setObjectName("downloadWeightsCheck")
        self.calibrate_check = QCheckBox("Calibrate confidences on the validation images")
        self.calibrate_check.setObjectName("calibrateCheck")
        self.calibrate_check.setChecked(d.calibrate)
        self.calibrate_check.setToolTip("Temperature scaling: makes '80 % sure' right about 80 % of the time")

        adv = QFormLayout()
        adv.addRow("Optimizer", self.optimizer_combo)
        adv.addRow("Momentum", self.momentum_spin)
        adv.addRow("", self.nesterov_check)
        adv.addRow("Schedule", self.schedule_combo)
        adv.addRow("Warm-up epochs", self.warmup_spin)
        adv.addRow("Step every (epochs)", self.step_size_spin)
        adv.addRow("Step factor", self.step_gamma_spin)
        adv.addRow("Weight decay", self.wd_spin)
        adv.addRow("Label smoothing", self.smooth_spin)
        adv.addRow("Gradient clipping", self.clip_spin)
        adv.addRow("Validation share", self.val_spin)
        adv.addRow("Seed", self.seed_spin)
        adv.addRow("Early stopping (epochs)", self.early_spin)
        adv.addRow("", self.weighting_check)
        adv.addRow("", self.calibrate_check)
        adv.addRow("Augmentation", self.hflip_check)
        adv.addRow("", self.vflip_check)
        adv.addRow("", self.crop_check)
        adv.addRow("Rotation (±°)", self.rotation_spin)
        adv.addRow("Colour jitter", self.jitter_spin)
        adv.addRow("Precision", self.precision_combo)
        adv.addRow("Image cache", self.cache_combo)
        adv.addRow("Loader workers", self.workers_spin)
        adv.addRow("", self.channels_last_check)
        adv.addRow("", self.compile_check)
        adv.addRow("Weights file", self.weights_edit)
        adv.addRow("", self.download_check)
        self.advanced = QGroupBox("Advanced")
        self.advanced.setObjectName("advancedGroup")
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        adv_body = QWidget()
        adv_body.setLayout(adv)
        adv_body.setVisible(False)
        self.advanced.toggled.connect(adv_body.setVisible)
        QVBoxLayout(self.advanced).addWidget(adv_body)

        self.form_widget = QWidget()
        fl = QVBoxLayout(self.form_widget)
        fl.addLayout(basic)
        fl.addWidget(self.advanced)
        fl.addStretch(1)
        self._model_changed()

    def _model_changed(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        self.image_size_spin.setValue(info.default_image_size)
        self.pretrained_check.setEnabled(info.torchvision)
        self._describe_model()

    def _describe_model(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        text = info.description
        if self.state.core_loaded:
            from ...core.models import parameter_count

            n = len(self.state.dataset.classes) if self.state.dataset is not None else 10
            text += f" · {parameter_count(info.name, n, info.default_image_size) / 1e6:.2f} M parameters"
        self.model_info.setText(text)

    def current_config_dict(self) -> dict[str, Any]:
        aug = Augmentation(hflip=self.hflip_check.isChecked(), vflip=self.vflip_check.isChecked(),
                           rotation_degrees=self.rotation_spin.value(),
                           random_resized_crop=self.crop_check.isChecked(), color_jitter=self.jitter_spin.value())
        cfg = TrainConfig(
            model=self.model_combo.currentData(), image_size=self.image_size_spin.value(),
            epochs=self.epochs_spin.value(), batch_size=self.batch_spin.value(), lr=self.lr_spin.value(),
            optimizer=self.optimizer_combo.currentText(), schedule=self.schedule_combo.currentText(),
            weight_decay=self.wd_spin.value(), label_smoothing=self.smooth_spin.value(),
            grad_clip=self.clip_spin.value(), val_fraction=self.val_spin.value(), seed=self.seed_spin.value(),
            early_stopping_patience=self.early_spin.value(), class_weighting=self.weighting_check.isChecked(),
            augmentation=aug, device=self.device_combo.currentData(), precision=self.precision_combo.currentText(),
            cache_images=self.cache_combo.currentText(),
            pretrained=self.pretrained_check.isChecked() and self.pretrained_check.isEnabled(),
            momentum=self.momentum_spin.value(), nesterov=self.nesterov_check.isChecked(),
            warmup_epochs=self.warmup_spin.value(), step_size=self.step_size_spin.value(),
            step_gamma=self.step_gamma_spin.value(), num_workers=self.workers_spin.value(),
            compile=self.compile_check.isChecked(), channels_last=self.channels_last_check.isChecked(),
            weights_file=self.weights_edit.text().strip() or None, download_weights=self.download_check.isChecked(),
            calibrate=self.calibrate_check.isChecked(),
        )
        return cfg.to_dict()

    def _apply_saved(self, saved: dict[str, Any]) -> None:
        if not saved:
            return
        try:
            cfg = TrainConfig.from_dict(saved)
        except UserError:
            return
        self.apply_config(cfg)

    def apply_config(self, cfg: TrainConfig) -> None:
        i = self.model_combo.findData(cfg.model)
        if i >= 0:
            self.model_combo.setCurrentIndex(i)
        self.image_size_spin.setValue(cfg.image_size)
        self.epochs_spin.setValue(cfg.epochs)
        self.batch_spin.setValue(cfg.batch_size)
        self.lr_spin.setValue(cfg.lr)
        self.optimizer_combo.setCurrentText(cfg.optimizer)
        self.schedule_combo.setCurrentText(cfg.schedule)
        self.wd_spin.setValue(cfg.weight_decay)
        self.smooth_spin.setValue(cfg.label_smoothing)
        self.clip_spin.setValue(cfg.grad_clip)
        self.val_spin.setValue(cfg.val_fraction)
        self.seed_spin.setValue(cfg.seed)
        self.early_spin.setValue(cfg.early_stopping_patience)
        self.weighting_check.setChecked(cfg.class_weighting)
        a = cfg.augmentation
        self.hflip_check.setChecked(a.hflip)
        self.vflip_check.setChecked(a.vflip)
        self.crop_check.setChecked(a.random_resized_crop)
        self.rotation_spin.setValue(a.rotation_degrees)
        self.jitter_spin.setValue(a.color_jitter)
        self.precision_combo.setCurrentText(cfg.precision)
        self.cache_combo.setCurrentText(cfg.cache_images)
        self.pretrained_check.setChecked(cfg.pretrained)
        self.momentum_spin.setValue(cfg.momentum)
        self.nesterov_check.setChecked(cfg.nesterov)
        self.warmup_spin.setValue(cfg.warmup_epochs)
        self.step_size_spin.setValue(cfg.step_size)
        self.step_gamma_spin.setValue(cfg.step_gamma)
        self.workers_spin.setValue(cfg.num_workers)
        self.compile_check.setChecked(cfg.compile)
        self.channels_last_check.setChecked(cfg.channels_last)
        self.weights_edit.setText(cfg.weights_file or "")
        self.download_check.setChecked(cfg.download_weights)
        self.calibrate_check.setChecked(cfg.calibrate)

    def save_config_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save run configuration", "run-config.json", "JSON (*.json)")
        if path:
            from ...core.storage import write_json

            write_json(Path(path), self.current_config_dict())
            self._log(f"Configuration saved to {path}; run it with: desktop-cls train --config {path} DATASET")

    # ---- plots ---------------------------------------------------------------------------------
    def _build_plots(self) -> None:
        pg.setConfigOptions(antialias=True)
        self.loss_plot = pg.PlotWidget(title="Loss")
        self.loss_plot.setObjectName("lossPlot")
        self.loss_plot.setAccessibleName("Loss plot")
        self.loss_plot.addLegend(offset=(-10, 10))
        self.loss_plot.setLabel("bottom", "epoch")
        self.acc_plot = pg.PlotWidget(title="Accuracy")
        self.acc_plot.setObjectName("accuracyPlot")
        self.acc_plot.setAccessibleName("Accuracy plot")
        self.acc_plot.addLegend(offset=(-10, 10))
        self.acc_plot.setLabel("bottom", "epoch")
        self.acc_plot.setYRange(0, 1)
        self.lr_plot = pg.PlotWidget(title="Learning rate")
        self.lr_plot.setObjectName("lrPlot")
        self.lr_plot.setLabel("bottom", "epoch")
        for p in (self.loss_plot, self.acc_plot, self.lr_plot):
            p.showGrid(x=True, y=True, alpha=0.2)
            p.getPlotItem().setClipToView(True)
            p.getPlotItem().setDownsampling(auto=True, mode="peak")
        self.curve_batch = self.loss_plot.plot(name="train (smoothed)", pen=pg.mkPen((120, 160, 255), width=1))
        self.curve_train_loss = self.loss_plot.plot(name="train", pen=pg.mkPen((30, 90, 230), width=2), symbol="o",
                                                    symbolSize=6)
        self.curve_val_loss = self.loss_plot.plot(name="validation", pen=pg.mkPen((230, 120, 20), width=2),
                                                  symbol="s", symbolSize=6)
        self.curve_train_acc = self.acc_plot.plot(name="train", pen=pg.mkPen((30, 90, 230), width=2), symbol="o",
                                                  symbolSize=6)
        self.curve_val_acc = self.acc_plot.plot(name="validation", pen=pg.mkPen((230, 120, 20), width=2),
                                                symbol="s", symbolSize=6)
        self.curve_lr = self.lr_plot.plot(pen=pg.mkPen((90, 170, 90), width=2))
        self.compare_curves: list[Any] = []
        self.plots = QWidget()
        pl = QGridLayout(self.plots)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.loss_plot, 0, 0)
        pl.addWidget(self.acc_plot, 0, 1)
        pl.addWidget(self.lr_plot, 1, 0, 1, 2)
        pl.setRowStretch(0, 3)
        pl.setRowStretch(1, 1)
        self.lr_plot.setMinimumHeight(self.fontMetrics().height() * 6)

    def _reset_buffers(self) -> None:
        self.batch_x: list[float] = []
        self.batch_loss: list[float] = []
        self.batch_lr: list[float] = []
        self.epochs: list[int] = []
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.train_acc: list[float] = []
        self.val_acc: list[float] = []
        self._ema: float | None = None

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _redraw(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self.curve_batch.setData(np.asarray(self.batch_x), np.asarray(self.batch_loss))
        self.curve_lr.setData(np.asarray(self.batch_x), np.asarray(self.batch_lr))
        ep = np.asarray(self.epochs, dtype=float)
        self.curve_train_loss.setData(ep, np.asarray(self.train_loss))
        self.curve_val_loss.setData(ep, _finite(self.val_loss))
        self.curve_train_acc.setData(ep, np.asarray(self.train_acc))
        self.curve_val_acc.setData(ep, _finite(self.val_acc))
        self._draw_comparisons()

    def _draw_comparisons(self) -> None:
        from ...core.run_dir import read_metrics

        for c in self.compare_curves:
            self.acc_plot.removeItem(c)
        self.compare_curves = []
        colours = [(150, 60, 180), (20, 150, 150), (180, 150, 20), (200, 60, 100), (90, 90, 90)]
        for i in range(self.runs_list.count()):
            item = self.runs_list.item(i)
            if item.checkState() != Qt.CheckState.Checked:
                continue
            rows = read_metrics(Path(item.data(Qt.ItemDataRole.UserRole)))
            xs = [r["epoch"] for r in rows if r.get("val_accuracy") is not None]
            ys = [r["val_accuracy"] for r in rows if r.get("val_accuracy") is not None]
            pen = pg.mkPen(colours[len(self.compare_curves) % len(colours)], width=1.5,
                           style=Qt.PenStyle.DashLine)
            self.compare_curves.append(self.acc_plot.plot(xs, ys, pen=pen, name=f"{item.text()} (val)"))

    # ---- runs ----------------------------------------------------------------------------------
    def refresh_runs(self) -> None:
        from ...core.run_dir import list_runs, read_run_info

        checked = {self.runs_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.runs_list.count())
                   if self.runs_list.item(i).checkState() == Qt.CheckState.Checked}
        self.runs_list.blockSignals(True)
        self.runs_list.clear()
        for run in list_runs()[:50]:
            try:
                info = read_run_info(run)
            except UserError:
                continue
            acc = info.get("best_val_accuracy")
            label = f"{run.name} · {info.get('model', '?')} · " + (f"{acc:.1%}" if isinstance(acc, float) else
                                                                    str(info.get("status", "")))
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, str(run))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if str(run) in checked else Qt.CheckState.Unchecked)
            self.runs_list.addItem(item)
        self.runs_list.blockSignals(False)
        self._mark_dirty()

    def _use_run(self, item: QListWidgetItem) -> None:
        self.state.set_run(item.data(Qt.ItemDataRole.UserRole))
        self._log(f"Using run {item.data(Qt.ItemDataRole.UserRole)} for evaluation, classification and export")

    # ---- training control ----------------------------------------------------------------------
    def _on_core_ready(self) -> None:
        for d in self.state.devices:
            if d.id != "cpu" and self.device_combo.findData(d.id) < 0:
                mem = f" ({d.memory_mb / 1024:.0f} GB)" if d.memory_mb else ""
                self.device_combo.addItem(f"{d.id} — {d.name}{mem}", d.id)
        self._describe_model()
        self._update_enabled()

    def _update_enabled(self) -> None:
        running = self.worker is not None
        ready = self.state.core_loaded and self.state.dataset is not None
        self.train_button.setEnabled(ready and not running)
        if not self.state.core_loaded:
            self.train_button.setToolTip("PyTorch is still loading…")
        elif self.state.dataset is None:
            self.train_button.setToolTip("Open a dataset on the Data page first")
        else:
            self.train_button.setToolTip("Start training (Ctrl+T)")

    def _set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.resume_button.setEnabled(not running)
        self.form_widget.setEnabled(not running)
        self._update_enabled()

    def start(self) -> None:
        if self.worker is not None:
            return
        if not self.state.core_loaded:
            show_error(self, "Not ready yet", "PyTorch is still loading; try again in a few seconds.")
            return
        if self.state.dataset is None:
            show_error(self, "No dataset", "Open a dataset folder on the Data page first.")
            return
        try:
            cfg = TrainConfig.from_dict(self.current_config_dict())
        except UserError as e:
            show_error(self, "Check the training options", str(e))
            return
        ds = self.state.dataset
        data: Any = ds if (ds.val_fraction == cfg.val_fraction and ds.seed == cfg.seed) else ds.root
        self.state.settings.last_train_config = cfg.to_dict()
        self._launch(TrainWorker(cfg.to_dict(), data), cfg.epochs)

    def find_lr(self) -> None:
        """Learning-rate range test in the background; the result opens a dialog to accept it."""
        if not self.state.core_loaded or self.state.dataset is None or self.worker is not None:
            show_error(self, "Not ready", "Open a dataset (and wait for PyTorch to load) before finding the "
                       "learning rate.")
            return
        try:
            cfg = TrainConfig.from_dict(self.current_config_dict())
        except UserError as e:
            show_error(self, "Check the training options", str(e))
            return
        data = self.state.dataset

        def work(progress: Any, cancel: Any) -> dict[str, Any]:
            from ...core.lr_finder import find_lr

            return find_lr(cfg, data, progress=progress, cancel=cancel).to_dict()

        self.find_lr_button.setEnabled(False)
        self._log("Finding a learning rate (a short test run)…")
        self.tasks.start("learning-rate finder", work, on_done=self._lr_found, on_error=self._lr_failed,
                         on_progress=lambda d, t, w: self.progress_label.setText(f"{w.capitalize()}: {d}/{t}"),
                         on_cancelled=lambda: self.find_lr_button.setEnabled(True))

    def _lr_found(self, result: dict[str, Any]) -> None:
        from ..insight_views import LrFinderDialog

        self.find_lr_button.setEnabled(True)
        self._log(f"Suggested learning rate: {result['suggested_lr']:.2g}")
        self.lr_dialog = LrFinderDialog(result, self)
        self.lr_dialog.accepted.connect(lambda: self.lr_spin.setValue(self.lr_dialog.suggested))
        self.lr_dialog.open()

    def _lr_failed(self, message: str, details: str) -> None:
        self.find_lr_button.setEnabled(True)
        show_error(self, "Learning-rate finder failed", message, details)

    def resume_dialog(self) -> None:
        from ...core.storage import default_runs_dir

        path = QFileDialog.getExistingDirectory(self, "Choose a run folder to continue", str(default_runs_dir()))
        if path:
            self.resume(path)

    def resume(self, run: str, epochs: int | None = None) -> None:
        if self.worker is not None or not self.state.core_loaded:
            return
        try:
            cfg = TrainConfig.load(Path(run) / "config.json")
        except UserError as e:
            show_error(self, "Cannot resume", str(e))
            return
        self._launch(TrainWorker(None, None, resume_run=run, epochs=epochs), epochs or cfg.epochs, resuming=True)

    def _launch(self, worker: TrainWorker, epochs: int, resuming: bool = False) -> None:
        self._reset_buffers()
        self._mark_dirty()
        self._epochs_total = epochs
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.worker = worker
        worker.stage_changed.connect(self._on_stage)
        worker.batch_ended.connect(self._on_batch)
        worker.epoch_ended.connect(self._on_epoch)
        worker.notice.connect(self._on_notice)
        worker.finished_ok.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.done.connect(self._on_done)
        self.task = start_training(worker)
        self.tasks.adopt(self.task)
        self.state.set_training(True)
        self._set_running(True)
        self.pause_button.setText("Pause")
        self._log("Resuming run…" if resuming else "Training started")

    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.pause.is_paused():
            self.worker.pause.resume()
            self.pause_button.setText("Pause")
            self._log("Resumed")
        else:
            self.worker.pause.pause()
            self.pause_button.setText("Resume")
            self._log("Paused (the current batch finishes first)")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.worker.pause.resume()
            self.stop_button.setEnabled(False)
            self._log("Stopping after this batch…")

    def stop_and_wait(self) -> None:
        """For closing the window: stop cleanly and join the thread."""
        self.stop()
        if self.task is not None:
            self.task.wait(120_000)

    # ---- events from the worker ----------------------------------------------------------------
    def _on_stage(self, e: StageChanged) -> None:
        text = e.stage[:1].upper() + e.stage[1:]
        if e.total:
            text += f" {e.done:,}/{e.total:,}"
        self.progress_label.setText(text + "…")

    def _on_batch(self, e: BatchEnd) -> None:
        x = e.epoch - 1 + e.step / e.steps_per_epoch
        self._ema = e.loss if self._ema is None else SMOOTHING * self._ema + (1 - SMOOTHING) * e.loss
        self.batch_x.append(x)
        self.batch_loss.append(self._ema)
        self.batch_lr.append(e.lr)
        self._dirty = True
        done = round(1000 * x / max(self._epochs_total, 1))
        self.progress.setValue(min(done, 999))
        eta = _fmt_seconds(e.eta_s)
        gpu = f" · GPU {e.gpu_memory_mb:,.0f} MB" if e.gpu_memory_mb else ""
        paused = " · paused" if self.worker is not None and self.worker.pause.is_paused() else ""
        text = (f"Epoch {e.epoch}/{self._epochs_total} · step {e.step}/{e.steps_per_epoch} · "
                f"{e.images_per_s:,.0f} images/s · ETA {eta}{gpu}{paused}")
        self.progress_label.setText(text)
        self.progress_text.emit(f"Training: epoch {e.epoch}/{self._epochs_total}, ETA {eta}", done, 1000)

    def _on_epoch(self, e: EpochEnd) -> None:
        self.epochs.append(e.epoch)
        self.train_loss.append(e.train_loss)
        self.val_loss.append(e.val_loss)
        self.train_acc.append(e.train_accuracy)
        self.val_acc.append(e.val_accuracy)
        self._dirty = True
        val = "n/a" if math.isnan(e.val_accuracy) else f"{e.val_accuracy:.1%}"
        self._log(f"Epoch {e.epoch}/{e.epochs}: train loss {e.train_loss:.3f}, accuracy {e.train_accuracy:.1%} · "
                  f"validation loss {e.val_loss:.3f}, accuracy {val} · {e.seconds:.1f} s"
                  + (" · best so far" if e.is_best else ""))

    def _on_notice(self, e: Notice) -> None:
        self._log(("⚠ " if e.level == "warning" else "") + e.message)

    def _on_finished(self, result: Any) -> None:
        self.progress.setValue(self.progress.maximum())
        acc = result.best_val_accuracy
        n_val = len(self.state.dataset.split("val")) if self.state.dataset is not None else 0
        summary = (f"best validation accuracy {acc:.1%} on {n_val} validation images" if acc is not None
                   else "no validation images")
        if result.cancelled:
            self._log(f"Stopped after {result.epochs_done} epoch(s); {summary}. Resume it from “Resume a run…”.")
        else:
            self._log(f"Finished {result.epochs_done} epoch(s) in {result.train_seconds:.1f} s; {summary}.")
        self.progress_label.setText(("Stopped" if result.cancelled else "Done") + f" — {summary}. "
                                    f"Run saved in {result.run_dir}")
        if result.epochs_done > 0:
            self.state.set_run(result.run_dir)
            self.state.status_changed.emit("train", "done")
        self.refresh_runs()

    def _on_failed(self, message: str, details: str) -> None:
        self._log(f"Training failed: {message}")
        self.progress_label.setText(f"Training failed: {message}")
        self.state.status_changed.emit("train", "attention")
        show_error(self, "Training failed", message, details)

    def _on_done(self) -> None:
        self.worker = None
        self.state.set_training(False)
        self._set_running(False)
        self._redraw()

    def _log(self, text: str) -> None:
        self.log.appendPlainText(text)


def _finite(values: list[float]) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    return np.where(np.isfinite(a), a, np.nan)


def _fmt_seconds(s: float) -> str:
    if not math.isfinite(s):
        return "—"
    s = round(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"

